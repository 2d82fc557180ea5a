"""Grouping related talks on real programmes: objective, bound and gap, against the organizers.

    python benchmarks/grouping.py [--only cccamp 31c3 fosdem workshop pyconfr democon] [--limit 120] [--fosdem-limit 60]
                                  [--seeds 0] [--workers 2] [--hidden]

* ``cccamp`` (cccamp 2019) and ``31c3``: imported from their frab schedules, their tracks
  as topics (``--hidden``: also with the tracks removed, topics from the text), solved
  afresh on their rooms and slots with ``--limit`` seconds; reports objective, bound, gap,
  the stage that found the schedule, and the published programme's objective by the
  same evaluator.
* ``fosdem`` (FOSDEM 2020, 872 talks, 35 rooms, the large mode): ``topic_cohesion`` of the
  schedule against the published programme's, seconds, peak memory of the process.
* ``pyconfr`` (PyCon FR 2024, pretalx widget data, no tracks: topics from the text) and
  ``democon`` (a pretalx demo conference): as ``cccamp``, not run unless named.
* ``workshop``: the whole ``sessionplan solve`` command on the bundled workshop, its
  status and wall seconds.

Each case runs in a fresh process (peak memory is the process's); figures are medians
over the seeds, each run printed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
FRAB = {"cccamp": "frab/cccamp2019_schedule.json", "31c3": "frab/31c3_schedule.xml",
        "fosdem": "frab/fosdem-2020_schedule.xml", "pyconfr": "frab/pyconfr-2024_pretalx-widget.json",
        "democon": "frab/pretalx-democon_SYNTHETIC_schedule.json"}


def one(name: str, limit: float, seed: int, workers: int, hidden: bool) -> dict:
    """Solve one case in this process (called in a child)."""
    import sessionplan as sp
    from sessionplan.evaluate import evaluate
    from sessionplan.io.frab import read_published
    from sessionplan.model import Instance

    imported = read_published(DATA / FRAB[name])
    inst = imported.instance
    if hidden:
        talks = [t.model_copy(update={"topics": ()}) for t in inst.talks]
        inst = Instance(name=inst.name + " (tracks hidden)", talks=talks, speakers=inst.speakers,
                        rooms=inst.rooms, slots=inst.slots, weights_given=inst.weights_given)
    t0 = time.monotonic()
    sol = sp.solve(inst, time_limit=limit, workers=workers, seed=seed)
    wall = time.monotonic() - t0
    r, ev = sol.result, sol.evaluation
    solved = sol.instance   # the large mode solves (and scores) with some terms off
    published = evaluate(solved, imported.assignments)
    return {"case": name + (" hidden" if hidden else ""), "seed": seed, "talks": len(inst.talks),
            "status": r.status, "objective": r.objective, "bound": r.bound,
            "gap": None if r.gap is None else round(r.gap, 4), "found_by": r.found_by,
            "cohesion": ev.terms["topic_cohesion"].penalty if ev else None,
            "published_objective": round(published.total, 2),
            "published_cohesion": round(published.terms["topic_cohesion"].penalty, 2),
            "published_hard": published.hard_violations,
            "hard": ev.hard_violations if ev else None, "seconds": round(wall, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def workshop(limit: float, seed: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        proc = subprocess.run([str(Path(sys.executable).parent / "sessionplan"), "solve", "--out", tmp, "--quiet",
                               "--time-limit", str(limit), "--seed", str(seed), "--workers", str(workers)],
                              capture_output=True, text=True)
        wall = time.monotonic() - t0
        doc = json.loads((Path(tmp) / "schedule.json").read_text(encoding="utf-8"))
    return {"case": "workshop (command)", "seed": seed, "status": doc["status"], "objective": doc["objective"],
            "bound": doc["bound"], "gap": doc["solve"]["gap"], "seconds": round(wall, 1), "exit": proc.returncode}


def median(runs: list[dict], key: str):
    vals = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
    return round(statistics.median(vals), 4) if vals else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=["workshop", "cccamp", "31c3", "fosdem"])
    ap.add_argument("--limit", type=float, default=120)
    ap.add_argument("--fosdem-limit", type=float, default=60)
    ap.add_argument("--seeds", type=int, nargs="*", default=[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hidden", action="store_true", help="also cccamp and 31c3 with their tracks hidden")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        name, limit, seed, hidden = args.child
        print(json.dumps(one(name, float(limit), int(seed), args.workers, hidden == "1")))
        return
    cases = []
    for name in args.only:
        if name == "workshop":
            cases.append(("workshop", 5.0, False))
        elif name == "fosdem":
            cases.append((name, args.fosdem_limit, False))
        else:
            cases.append((name, args.limit, False))
            if args.hidden:
                cases.append((name, args.limit, True))
    for name, limit, hidden in cases:
        runs = []
        for seed in args.seeds:
            if name == "workshop":
                row = workshop(limit, seed, args.workers)
            else:
                proc = subprocess.run([sys.executable, __file__, "--workers", str(args.workers), "--child", name,
                                       str(limit), str(seed), "1" if hidden else "0"], capture_output=True, text=True)
                if proc.returncode:
                    print(f"{name}: failed\n{proc.stderr[-2000:]}")
                    continue
                row = json.loads(proc.stdout.strip().splitlines()[-1])
            runs.append(row)
            print(json.dumps(row), flush=True)
        if runs:
            keys = ("objective", "bound", "gap", "cohesion", "published_cohesion", "published_objective", "seconds",
                    "peak_rss_mb")
            summary = {k: median(runs, k) for k in keys if any(k in r for r in runs)}
            print(f"== {runs[0]['case']} (limit {limit:g} s, median of {len(runs)}): {json.dumps(summary)}", flush=True)


if __name__ == "__main__":
    main()
