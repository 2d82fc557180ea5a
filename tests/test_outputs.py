"""An existing schedule is never silently overwritten by a worse or failed run.

The rule (io/outputs.py): the folder's schedule.json stays when it is a valid schedule of
the workbook at least as good as this run's (by the evaluator); this run's result then
goes to schedule.new.*. Otherwise this run's is written and the folder's previous files
are kept as schedule.prev.*. --replace always writes (keeping schedule.prev.*).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.api import Solution
from sessionplan.cli import app
from sessionplan.evaluate import evaluate
from sessionplan.io.outputs import write_protected
from sessionplan.solver import Options, Result

from .conftest import MINI, write_book


@pytest.fixture
def related(tmp_path) -> Path:
    """MINI with two topics: the best schedule puts T1 with T2 and T3 with T4."""
    sheets = {**MINI, "Talks": [list(r) for r in MINI["Talks"]]}
    for row, topic in zip(sheets["Talks"], ["optimisation", "optimisation", "history", "history"]):
        row[4] = topic
    return write_book(tmp_path / "conf.xlsx", sheets)


def worse_solution(book: Path, tmp_path: Path) -> Solution:
    """A valid schedule of ``book`` that splits both topic pairs (solved with pins that
    only this variant has), judged against ``book`` itself."""
    inst = sp.load(book)
    pins = [["pin", "T1", "Mon-1", None, None], ["pin", "T3", "Mon-1", None, None]]
    variant = sp.load(write_book(tmp_path / "variant.xlsx", {**MINI, "Talks": _talks(inst), "Constraints": pins}))
    assignments = sp.solve(variant, time_limit=10, workers=1).assignments
    ev = evaluate(inst, list(assignments))
    res = Result.without_search("optimal", Options(workers=1)).with_(assignments=assignments, objective=ev.total)
    assert ev.hard_violations == 0 and ev.total > 0
    return Solution(inst, res, ev, str(book))


def _talks(inst) -> list[list]:
    return [[t.id, t.title, "; ".join(t.speakers), None, "; ".join(t.topics), None, None, None, None]
            for t in inst.talks]


def solve_cli(book: Path, out: Path, *args: str):
    result = CliRunner().invoke(app, ["solve", str(book), "--out", str(out), "--workers", "1", "--time-limit", "20",
                                      "--quiet", *args])
    assert result.exit_code in (0, 1), result.output
    return result


def objective(path: Path) -> float | None:
    return json.loads(path.read_text(encoding="utf-8"))["objective"]


def test_better_run_replaces_and_keeps_the_previous(related, tmp_path):
    out = tmp_path / "out"
    worse = worse_solution(related, tmp_path)
    sp.write_outputs(worse, out)
    result = solve_cli(related, out)
    assert objective(out / "schedule.json") == 0 < worse.evaluation.total
    assert objective(out / "schedule.prev.json") == worse.evaluation.total
    assert (out / "schedule.prev.xlsx").exists() and not (out / "schedule.new.json").exists()
    assert f"had objective {worse.evaluation.total:g}, this run 0" in result.output


def test_worse_run_is_written_beside_the_kept_schedule(related, tmp_path):
    out = tmp_path / "out"
    solve_cli(related, out)
    best = (out / "schedule.json").read_bytes(), (out / "schedule.xlsx").read_bytes()
    done = write_protected(worse_solution(related, tmp_path), out)
    assert done.kept_previous
    assert ((out / "schedule.json").read_bytes(), (out / "schedule.xlsx").read_bytes()) == best
    assert objective(out / "schedule.new.json") > 0 and (out / "schedule.new.xlsx").exists()
    assert "kept the existing schedule.json" in done.notes[0] and "better than this run's" in done.notes[0]


def test_a_run_without_schedule_never_replaces_one(related, tmp_path):
    out = tmp_path / "out"
    solve_cli(related, out)
    best = (out / "schedule.json").read_bytes()
    inst = sp.load(related)
    failed = Solution(inst, Result.without_search("unknown", Options(workers=1)), None, str(related))
    done = write_protected(failed, out)
    assert (out / "schedule.json").read_bytes() == best
    assert json.loads((out / "schedule.new.json").read_text())["status"] == "unknown"
    assert not (out / "schedule.new.xlsx").exists()
    assert "this run found no schedule" in done.notes[0]


def test_same_schedule_is_simply_rewritten(related, tmp_path):
    out = tmp_path / "out"
    solve_cli(related, out, "--seed", "4")
    result = solve_cli(related, out, "--seed", "4")
    # no note on the outputs (kept, replaced, written beside): only how it was solved
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert all("Proven optimal" in line for line in notes), notes
    assert sorted(p.name for p in out.iterdir()) == ["schedule.json", "schedule.xlsx"]


@pytest.mark.parametrize("previous", ["not json at all", '{"assignments": [{"talk": "X9", "room": "Attic", '
                                      '"day": "2027-03-08", "start": "09:00", "end": "09:30", "session": "s"}]}'])
def test_an_unusable_previous_schedule_is_replaced_but_kept(previous, related, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "schedule.json").write_text(previous)
    result = solve_cli(related, out)
    assert objective(out / "schedule.json") == 0
    assert (out / "schedule.prev.json").read_text() == previous
    assert "was not a valid schedule of this workbook" in result.output


def test_replace_option_writes_over_a_better_schedule(related, tmp_path):
    out = tmp_path / "out"
    solve_cli(related, out)
    best = (out / "schedule.json").read_bytes()
    done = write_protected(worse_solution(related, tmp_path), out, replace=True)
    assert not done.kept_previous and objective(out / "schedule.json") > 0
    assert (out / "schedule.prev.json").read_bytes() == best
    assert "replaced as asked" in done.notes[0]
