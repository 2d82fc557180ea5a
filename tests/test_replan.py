"""Re-planning after publication: fewest moves, pinned talks stay, moves listed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app

from .conftest import edited_copy, set_cell, sheet_row


@pytest.fixture(scope="module")
def published(workshop, tmp_path_factory):
    out = tmp_path_factory.mktemp("published")
    sol = sp.solve(workshop, workers=2, time_limit=60)
    sp.write_outputs(sol, out)
    return sol, out / "schedule.json"


def _speaker_of(workshop, talk):
    return workshop.talk_by_id[talk].speakers[0]


def test_cancelled_day_moves_at_most_three_talks(workshop, workshop_path, published, tmp_path):
    sol, published_json = published
    # the speaker of the first Wednesday talk can no longer come on Wednesday
    victim = next(a for a in sol.assignments
                  if a.day.strftime("%a") == "Wed" and not workshop.talk_by_id[a.talk].joint)
    speaker = _speaker_of(workshop, victim.talk)

    def edit(wb):
        row = sheet_row(wb["Speakers"], "name", speaker)
        old = wb["Speakers"].cell(row=row, column=3).value
        set_cell(wb["Speakers"], row, "unavailable", "; ".join(x for x in [old, "Wed"] if x))

    changed = edited_copy(workshop_path, tmp_path / "changed.xlsx", edit)
    inst = sp.load(changed)
    replan = sp.solve(inst, workers=2, time_limit=60, baseline=published_json)
    assert replan.result.has_schedule
    ev = replan.evaluation
    assert ev.hard_violations == 0
    moved = [m for m in replan.moves if m["change"] in ("time", "room")]
    assert 1 <= len(moved) <= 3
    assert victim.talk in {m["talk"] for m in moved}
    # the solver's objective equals the evaluator's, moves included
    assert replan.result.objective == pytest.approx(ev.total, abs=1e-6)
    assert ev.terms["moved_time"].amount == sum(m["change"] == "time" for m in moved)


def test_pinned_talks_never_move(workshop, workshop_path, published, tmp_path):
    sol, published_json = published
    victim = next(a for a in sol.assignments
                  if a.day.strftime("%a") == "Tue" and not workshop.talk_by_id[a.talk].joint)
    speaker = _speaker_of(workshop, victim.talk)
    partner = next(a.talk for a in sol.assignments if a.session == victim.session and a.talk != victim.talk)

    def edit(wb):
        talks = wb["Talks"]
        set_cell(talks, sheet_row(talks, "id", partner), "pinned", "yes")
        set_cell(wb["Speakers"], sheet_row(wb["Speakers"], "name", speaker), "unavailable", "Tue")

    inst = sp.load(edited_copy(workshop_path, tmp_path / "pinned.xlsx", edit))
    replan = sp.solve(inst, workers=2, time_limit=60, baseline=published_json)
    assert replan.evaluation.hard_violations == 0
    moved = {m["talk"] for m in replan.moves}
    assert partner not in moved and victim.talk in moved
    # an evaluator given the baseline flags a pinned talk that was moved
    swapped = [a.model_copy(update={"start": "11:00", "end": "11:45", "session": a.session[:4] + "2"})
               if a.talk == partner else a for a in replan.assignments]
    ev = sp.evaluate(inst, swapped, replan.baseline)
    assert any(v.rule == "pinned" for v in ev.violations)


def test_cli_replan_writes_moves(workshop_path, published, tmp_path):
    sol, published_json = published
    victim = sol.assignments[0]

    def edit(wb):
        set_cell(wb["Talks"], sheet_row(wb["Talks"], "id", victim.talk), "room", None)
        ws = wb["Constraints"]
        ws.append(["forbid", victim.talk, victim.session])

    changed = edited_copy(workshop_path, tmp_path / "c.xlsx", edit)
    out = tmp_path / "v2"
    res = CliRunner().invoke(app, ["solve", str(changed), "--baseline", str(published_json), "--out", str(out),
                                   "--workers", "2", "-q"])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "schedule.json").read_text())
    assert victim.talk in {m["talk"] for m in doc["moves"]}
    assert all(set(m) >= {"talk", "from", "to", "change", "speakers"} for m in doc["moves"])
    assert doc["score"]["hard_violations"] == 0
    from openpyxl import load_workbook

    moves_sheet = load_workbook(out / "schedule.xlsx")["Moves"]
    assert victim.talk in [c.value for c in moves_sheet["A"]]


def test_baseline_from_a_solved_workbook_keeps_everything(workshop, published, tmp_path):
    sol, _ = published
    sp.write_outputs(sol, tmp_path)
    again = sp.solve(workshop, workers=2, time_limit=60, baseline=tmp_path / "schedule.xlsx")
    assert again.moves == [] and again.evaluation.hard_violations == 0


@pytest.mark.parametrize("baseline_file", ["schedule.json", "schedule.xlsx"])
def test_a_removed_talk_keeps_its_title_and_original_place(workshop, workshop_path, published, tmp_path,
                                                           baseline_file):
    sol, published_json = published
    sp.write_outputs(sol, tmp_path / "pub")
    gone = next(a for a in sol.assignments if not workshop.talk_by_id[a.talk].joint)
    talk = workshop.talk_by_id[gone.talk]

    def edit(wb):
        wb["Talks"].delete_rows(sheet_row(wb["Talks"], "id", gone.talk))

    changed = edited_copy(workshop_path, tmp_path / "withdrawn.xlsx", edit)
    out = tmp_path / "v2"
    res = CliRunner().invoke(app, ["solve", str(changed), "--baseline", str(tmp_path / "pub" / baseline_file),
                                   "--out", str(out), "--workers", "2", "--time-limit", "30"])
    assert res.exit_code == 0, res.output
    place = f"{gone.day.isoformat()} {gone.start} {gone.room}"
    line = next(x for x in res.output.splitlines() if "removed" in x and gone.talk in x)
    assert place in line and talk.title[:30] in line and talk.speakers[0] in line, line
    doc = json.loads((out / "schedule.json").read_text())
    removed = next(m for m in doc["moves"] if m["change"] == "removed")
    assert removed["title"] == talk.title and removed["speakers"] == list(talk.speakers)
    assert removed["from"] == {"day": gone.day.isoformat(), "start": gone.start, "room": gone.room}
    from openpyxl import load_workbook

    rows = [[c.value for c in r] for r in load_workbook(out / "schedule.xlsx")["Moves"].iter_rows()]
    header, row = rows[0], next(r for r in rows if r[0] == gone.talk)
    assert row[header.index("title")] == talk.title and row[header.index("from")] == place
