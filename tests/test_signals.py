"""Nothing lost, time bounded, results reproducible: real processes, real signals.

- SIGINT or SIGTERM during the search: the best schedule so far is written, status
  ``feasible``, ``interrupted``, and it passes the evaluator.
- SIGKILL while outputs are written: each output file is afterwards either absent or
  the previous complete one or the new complete one, never a truncated one.
- ``--time-limit``: the whole command (start-up, reading, building, search, writing)
  ends within the limit plus 2 seconds.
- ``--seed N --workers 1``: byte-identical assignments, also under other hash seeds.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

import sessionplan as sp
from sessionplan.generate import synthetic
from sessionplan.io.template import write_workbook

from .helpers import WALL_MARGIN

CLI = [sys.executable, "-m", "sessionplan.cli"]


@pytest.fixture(scope="module")
def slow_book(tmp_path_factory) -> Path:
    """60 talks in 4 rooms: a first schedule within seconds, not proven optimal in a minute."""
    path = tmp_path_factory.mktemp("slow") / "conference.xlsx"
    write_workbook(path, synthetic(60, 4, seed=1))
    return path


def assert_complete_schedule(out: Path, book: Path) -> dict:
    doc = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    inst = sp.load(book)
    for source in (out / "schedule.json", out / "schedule.xlsx"):
        ev = sp.score(inst, source)
        assert ev.hard_violations == 0, [v.message for v in ev.violations]
        assert {a.talk for a in sp.read_schedule(source, inst)} == {t.id for t in inst.talks}
    return doc


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_solve_writes_the_best_schedule_so_far(signum, slow_book, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([*CLI, "solve", str(slow_book), "--out", str(out), "--time-limit", "60", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        for line in proc.stderr:  # not a terminal: one progress line per (first, then per second) solution
            if line.startswith("solving: objective"):
                break
        else:
            pytest.fail(f"no solution reported; exit {proc.wait()}: {proc.stdout.read()}")
        sent = time.monotonic()
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=30)
        stopped = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stdout + stderr
    assert "status feasible (interrupted)" in stdout
    assert stopped < 10 * WALL_MARGIN, f"{stopped:.1f}s from the signal to the end"
    doc = assert_complete_schedule(out, slow_book)
    assert doc["status"] == "feasible" and doc["solve"]["interrupted"] is True
    assert doc["solve"]["seconds"] < 50


def test_signal_while_building_writes_nothing_and_says_so(tmp_path):
    book = tmp_path / "conference.xlsx"
    # reading, construction and model building take about 1 to 7 s on 2 cores
    write_workbook(book, synthetic(1000, 20, seed=1))
    out = tmp_path / "out"
    proc = subprocess.Popen([*CLI, "solve", str(book), "--out", str(out), "--time-limit", "60", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3.0)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stdout + stderr
    # on a loaded machine the signal may come while the workbook is still read
    assert ("interrupted while the model was being built; nothing written" in stderr
            or "interrupted while the workbook was being read; nothing written" in stderr), stderr
    assert "Traceback" not in stdout + stderr and not out.exists()


WRITER = r"""
import sys, sessionplan as sp
from sessionplan.api import Solution
from sessionplan.evaluate import evaluate
from sessionplan.solver import Options, Result
inst = sp.load(sys.argv[1])
assignments = sp.read_schedule(sys.argv[2], inst)
res = Result.without_search("feasible", Options()).with_(assignments=assignments)
ev = evaluate(inst, assignments)
sol = Solution(inst, res, ev, sys.argv[1])
for i in range(1, 1000):
    print("writing", i, flush=True)
    sp.write_outputs(sol, sys.argv[3])
    print("written", i, flush=True)
"""


@pytest.fixture(scope="module")
def big_schedule(tmp_path_factory) -> tuple[Path, Path]:
    """A workbook of 1,000 talks and a complete schedule of it (constructed, not searched)."""
    from sessionplan.io.schedule_json import assignment_json
    from sessionplan.solver import construction, placement_filter, to_assignment

    d = tmp_path_factory.mktemp("big")
    inst = synthetic(1000, 20, seed=2)
    write_workbook(d / "conference.xlsx", inst)
    made = construction.greedy(inst, placement_filter(inst), [], construction.clusters(inst))
    assert len(made.placed) == len(inst.talks)
    doc = {"assignments": [assignment_json(to_assignment(p)) for p in made.placed.values()]}
    (d / "given.json").write_text(json.dumps(doc, default=str))
    return d / "conference.xlsx", d / "given.json"


def readable_or_absent(path: Path, talks: int) -> bool:
    """True when ``path`` is absent; asserts it is complete when present."""
    if not path.exists():
        return False
    if path.suffix == ".json":
        assert len(json.loads(path.read_text(encoding="utf-8"))["assignments"]) == talks
    else:
        wb = load_workbook(path, read_only=True)
        rows = sum(1 for _ in wb["Schedule"].iter_rows(min_row=2))
        wb.close()
        assert rows == talks
    return True


def _wait_for_temporary(out: Path, timeout: float = 20.0) -> bool:
    """Poll until an output is being written (its temporary file exists)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if out.exists() and any(e.name.endswith(".tmp") for e in os.scandir(out)):
            return True
        time.sleep(0.001)
    return False


def test_sigkill_mid_write_leaves_complete_files_or_none(big_schedule, tmp_path):
    """Kill a process writing a 1,000-talk schedule over and over: at a random moment, or
    just after it began writing a file. Every output is then absent or complete."""
    book, given = big_schedule
    rng = random.Random(8)
    interrupted_writes = 0
    for cycle in range(4):
        out = tmp_path / f"out{cycle}"
        first_write = cycle in (0, 3)  # no previous files; otherwise a complete pair exists
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(book), str(given), str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for = "writing 1" if first_write else "written 1"
            for line in proc.stdout:
                if line.strip() == wait_for:
                    break
            else:
                pytest.fail(proc.stderr.read())
            if cycle % 2:
                time.sleep(rng.uniform(0.0, 1.5))
            else:
                assert _wait_for_temporary(out)
                time.sleep(rng.uniform(0.0, 0.02))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        present = [readable_or_absent(out / name, 1000) for name in ("schedule.json", "schedule.xlsx")]
        if not first_write:
            assert all(present), "the previous complete files must survive"
        interrupted_writes += out.exists() and any(p.name.endswith(".tmp") for p in out.iterdir())
    # the kills did land in the middle of writes (a temporary file was left behind)
    assert interrupted_writes >= 2


def test_time_limit_bounds_the_whole_command(tmp_path):
    book = tmp_path / "conference.xlsx"
    write_workbook(book, synthetic(150, 6, seed=1))
    limit = 6
    t0 = time.monotonic()
    proc = subprocess.run([*CLI, "solve", str(book), "--out", str(tmp_path / "out"), "--time-limit", str(limit),
                           "--workers", "2", "--quiet"], capture_output=True, text=True)
    wall = time.monotonic() - t0
    assert proc.returncode in (0, 1), proc.stderr
    # the promise is limit + 2 s, under load too: benchmarks/time_limit.py measures it
    assert wall <= (limit + 2) * WALL_MARGIN, f"{wall:.2f}s for --time-limit {limit}"
    doc = json.loads((tmp_path / "out" / "schedule.json").read_text())
    assert doc["solve"]["time_limit"] == limit


def test_same_seed_one_worker_gives_identical_assignments(workshop_path, tmp_path):
    runs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([*CLI, "solve", str(workshop_path), "--out", str(out), "--seed", "5", "--workers", "1",
                               "--time-limit", "60", "--quiet"], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
        assert doc["solve"]["seed"] == 5 and doc["solve"]["workers"] == 1
        assert doc["solve"]["parameters"]["random_seed"] == 5 and doc["solve"]["parameters"]["num_workers"] == 1
        assert set(doc["solve"]["versions"]) >= {"sessionplan", "ortools", "python"}
        runs.append(json.dumps(doc["assignments"], ensure_ascii=False).encode())
    assert runs[0] == runs[1]


DETERMINISTIC = r"""
import json, sys
from sessionplan.generate import synthetic
from sessionplan.io.schedule_json import assignment_json
from sessionplan.solver import Options, solve
inst = synthetic(40, 4, seed=1)
opts = Options(time_limit=120, workers=1, seed=3, max_candidates=int(sys.argv[1]),
               parameters={"max_deterministic_time": 2.0})
r = solve(inst, opts)
print(json.dumps({"status": r.status, "restricted": r.model_size.get("restricted", 0),
                  "assignments": [assignment_json(a) for a in r.assignments]}, default=str))
"""


@pytest.mark.parametrize("max_candidates", [150_000, 1_000], ids=["full model", "restricted model"])
def test_model_building_does_not_depend_on_hash_order(max_candidates):
    """With a deterministic stop (CP-SAT's deterministic time), one worker and one seed, the
    schedule is the same whatever the string hash seed: the full model and the large-
    conference path (construction, candidate selection) are built in a deterministic order."""
    # both at once, one worker each on the two cores: every stage ends by its own count
    # (moves, deterministic time, convergence), not by the clock
    procs = [subprocess.Popen([sys.executable, "-c", DETERMINISTIC, str(max_candidates)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
             for hash_seed in ("0", "12345")]
    outs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        outs.append(json.loads(stdout))
    assert outs[0]["assignments"], outs[0]["status"]
    assert outs[0]["restricted"] == (1 if max_candidates == 1_000 else 0)
    assert outs[0] == outs[1]


def test_the_alarm_waits_for_a_held_block_then_fires():
    """An import (or any held block) is never cut in half by the time limit: the alarm
    rings after it, as the KeyboardInterrupt the command expects."""
    from sessionplan.signals import held, time_limit_alarm

    done = []
    with pytest.raises(KeyboardInterrupt), time_limit_alarm(0.05) as alarm:
        with held():
            time.sleep(0.3)          # the alarm goes off in here
            done.append("whole")
        done.append("after")         # not reached: the alarm acts as the block ends
    assert done == ["whole"] and alarm.fired


def test_sigterm_waits_for_a_held_block():
    from sessionplan.signals import held, stop_on_signals

    done = []
    with pytest.raises(KeyboardInterrupt), stop_on_signals():
        with held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            done.append("whole")
    assert done == ["whole"]
