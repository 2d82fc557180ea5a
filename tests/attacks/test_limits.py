"""Limits and signals at the edges of what is allowed.

- 20,000 talks (within the row limit) with a time limit: an answer, written, when the
  limit is up (what precedes the search is stopped by the time-limit alarm);
- slots over 20,000 days: refused (a day grid sheet each; at most 1,000 days);
- 300 talks under a 1.5 GB virtual-memory limit: a schedule, none in time (exit 1), or
  the out-of-memory message (exit 4), never a traceback;
- four solves at once into one folder: they take turns (the folder is locked), and every
  ``schedule.json`` / ``schedule.xlsx`` pair left (also ``.prev`` and ``.new``) is of one run;
- a pair torn apart (the JSON of one run beside the workbook of another, as SIGKILL between
  two renames leaves it) is recognised by the run id both carry, and replaced;
- SIGKILL while the outputs are written: every file complete or absent, and the pair one
  run's (or recognised as torn by the next solve).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from datetime import date, timedelta

import pytest

from sessionplan.generate import synthetic
from sessionplan.io.output_workbook import run_of_workbook
from sessionplan.io.template import write_workbook

from ..conftest import MINI, write_book
from .harness import CLI, Case, check_all, run, run_all


def run_ids(folder, stem="schedule"):
    """(run of the JSON, run of the workbook) of one pair in ``folder`` (None: absent)."""
    js, book = folder / f"{stem}.json", folder / f"{stem}.xlsx"
    doc = json.loads(js.read_text()) if js.exists() else None
    json_run = (doc.get("solve") or {}).get("run") if doc else None
    return json_run, (run_of_workbook(book.read_bytes()) if book.exists() else None)


def whole(folder, stem="schedule") -> bool:
    """Whether a pair is one run's: both files of the same run id, or a JSON without a
    schedule alone (a run that found none writes no workbook)."""
    js, book = run_ids(folder, stem)
    if book is None and (js is None or not json.loads((folder / f"{stem}.json").read_text())["assignments"]):
        return True
    return js == book


def assert_pairs_whole(folder) -> None:
    for stem in ("schedule", "schedule.prev", "schedule.new"):
        assert whole(folder, stem), f"{folder.name}/{stem}: the JSON and the workbook are of runs {run_ids(folder, stem)}"


@pytest.fixture(scope="module")
def big(arena):
    here = arena / "limits"
    here.mkdir()
    write_workbook(here / "talks-20000.xlsx", synthetic(20_000, 100, seed=1))
    write_workbook(here / "talks-300.xlsx", synthetic(300, 8, seed=1))
    days = dict(MINI, Talks=[[f"T{i}", f"Talk {i}", f"S{i}"] + [None] * 6 for i in range(10)],
                Speakers=[[f"S{i}", None, None, None] for i in range(10)],
                Slots=[[(date(2027, 1, 4) + timedelta(days=k)).isoformat(), "09:00", "09:30", f"D{k}", None]
                       for k in range(20_000)])
    write_book(here / "days-20000.xlsx", days)
    return here


def test_size_time_and_memory_at_the_edges(big):
    out = big / "out"
    results = run_all([
        Case("20,000 talks, --time-limit 15", ["solve", str(big / "talks-20000.xlsx"), "--out", str(out / "20k"),
                                              "--time-limit", "15", "-q"], big, (0, 1), ("time limit",),
             (big / "talks-20000.xlsx",), timeout=15 + 30),
        Case("slots over 20,000 days", ["solve", str(big / "days-20000.xlsx"), "--out", str(out / "days"), "-q"],
             big, (2,), ("span 20,000 days", "at most 1,000")),
        Case("300 talks under a 1.5 GB limit", ["solve", str(big / "talks-300.xlsx"), "--out", str(out / "300"),
                                               "--time-limit", "10", "-q"], big, (0, 1, 4), ("",),
             memory=1_500_000_000, timeout=60),
    ])
    check_all(results)
    big_one = results["20,000 talks, --time-limit 15"]
    if (out / "20k" / "schedule.json").exists():
        doc = json.loads((out / "20k" / "schedule.json").read_text())
        assert doc["status"] in ("feasible", "unknown")
        if doc["status"] == "unknown":
            assert "time limit of 15 s ran out before the search" in big_one.output
    else:  # a busy machine: the limit ran out while the 20,000 rows were read
        assert big_one.code == 1 and "ran out while the workbook was read; nothing written" in big_one.output
    memory = results["300 talks under a 1.5 GB limit"]
    assert memory.code != 4 or "out of memory" in memory.output
    assert not (out / "days").exists()


def test_concurrent_solves_into_one_folder_take_turns(arena, workshop, solved):
    shared = arena / "shared"
    results = run_all([Case(f"solve {k} of 4", ["solve", str(workshop), "--out", str(shared), "--seed", str(k),
                                                "--workers", "1", "-q"], arena, (0,), ("wrote",), (workshop,))
                       for k in range(4)], parallel=4)
    check_all(results)
    assert_pairs_whole(shared)
    assert run_ids(shared)[0] is not None


def test_a_torn_pair_is_recognised_and_replaced(arena, workshop, solved):
    torn = arena / "torn"
    other = arena / "other-run"
    subprocess.run([*CLI, "solve", str(workshop), "--out", str(other), "--seed", "3", "--workers", "1", "-q"],
                   check=True, capture_output=True, timeout=120)
    torn.mkdir()
    shutil.copyfile(solved / "schedule.json", torn / "schedule.json")
    shutil.copyfile(other / "schedule.xlsx", torn / "schedule.xlsx")
    torn_runs = (run_ids(solved)[0], run_ids(other)[1])
    ran = run(Case("solve into a torn pair", ["solve", str(workshop), "--out", str(torn), "--workers", "1", "-q"],
                   arena, (0,), ("not from the same run", "kept as schedule.prev.json and schedule.prev.xlsx")))
    ran.check()
    assert run_ids(torn)[0] == run_ids(torn)[1] not in torn_runs
    assert run_ids(torn, "schedule.prev") == torn_runs  # kept as it was, for whoever wants to look


def test_sigkill_while_writing_leaves_whole_files(arena, solved):
    book = arena / "limits-kill.xlsx"
    write_workbook(book, synthetic(40, 2, days=300, seed=2))
    folder = arena / "killed"
    shutil.copytree(solved, folder)  # a previous pair of another workbook: not valid for this one, so replaced
    for delay in (0.3, 1.0):
        proc = subprocess.Popen([*CLI, "solve", str(book), "--out", str(folder), "--workers", "1", "--time-limit", "6"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stderr:  # the first solution: the search runs; writing follows its end
            if line.startswith("solving:"):
                break
        time.sleep(6 + delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        for f in folder.iterdir():
            if f.suffix == ".json":
                json.loads(f.read_text())
            elif f.suffix == ".xlsx":
                assert run_of_workbook(f.read_bytes()) is not None or f.name.startswith("schedule.prev"), f.name
        if not whole(folder):  # killed between the two renames: the next solve sees it
            ran = run(Case("after a kill", ["solve", str(book), "--out", str(folder), "--workers", "1", "-q",
                                            "--time-limit", "6"], arena, (0, 1), ("not from the same run",)))
            ran.check()
        assert whole(folder) and whole(folder, "schedule.new")  # (.prev keeps a torn pair as it was)
