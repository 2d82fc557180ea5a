"""The benchmark suite: every kind of instance, one command, a CSV and a Markdown table.

    python benchmarks/suite.py [--runs 3] [--workers 2] [--only workshop fosdem-2020 ...]

Instances: the bundled workshop; the shared frab schedules imported as instances
(cccamp 2019, 31C3, FOSDEM 2020) and solved afresh on their rooms and slots; the three
EMF inputs (the scheduled one re-planned against its published schedule); PyCon UK 2016
on its documented grid (pyconuk.py, with tags); seeded synthetic conferences up to
2,000 talks and 40 rooms. Each run is a fresh process; figures are medians over the
runs (model size and counts from the first). Peak RSS is the process's maximum
resident set. Hard violations are counted by the evaluator and must be 0.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"

# name: (time limit in seconds, how to make it)
INSTANCES = {
    "workshop": (60, "workshop"),
    "cccamp-2019": (60, "frab:frab/cccamp2019_schedule.json"),
    "31c3": (60, "frab:frab/31c3_schedule.xml"),
    "fosdem-2020": (60, "frab:frab/fosdem-2020_schedule.xml"),
    "emf-unscheduled-easy": (60, "emf:emf/emf2020-slotmachine_unscheduled_easy.json"),
    "emf-unscheduled-hard": (60, "emf:emf/emf2020-slotmachine_unscheduled_hard.json"),
    "emf-scheduled-hard (re-plan)": (120, "emf-replan:emf/emf2020-slotmachine_scheduled_hard.json"),
    "pyconuk-2016": (60, "pyconuk"),
    "synthetic-200x8": (60, "synthetic:200:8"),
    "synthetic-500x12": (120, "synthetic:500:12"),
    "synthetic-1000x20": (180, "synthetic:1000:20"),
    "synthetic-2000x40": (300, "synthetic:2000:40"),
}


def make(spec: str):
    """(instance, baseline assignments or None) for a spec of INSTANCES."""
    import sessionplan as sp

    kind, _, arg = spec.partition(":")
    if kind == "workshop":
        return sp.load(sp.bundled_workshop()), None
    if kind == "frab":
        from sessionplan.io.frab import read_published

        imported = read_published(DATA / arg)
        return imported.instance, None
    if kind in ("emf", "emf-replan"):
        from sessionplan.io.emf import read_emf

        inst, published = read_emf(DATA / arg)
        return inst, (published if kind == "emf-replan" else None)
    if kind == "pyconuk":
        sys.path.insert(0, str(HERE))
        import pyconuk

        return pyconuk.to_sessionplan(pyconuk.problem(tags=10)), None
    if kind == "synthetic":
        from sessionplan.generate import synthetic

        talks, rooms = map(int, arg.split(":"))
        return synthetic(talks, rooms, seed=1), None
    raise ValueError(spec)


def run_one(name: str, workers: int, seed: int) -> dict:
    import sessionplan as sp

    limit, spec = INSTANCES[name]
    t_load = time.perf_counter()
    inst, baseline = make(spec)
    load_s = time.perf_counter() - t_load
    first = []
    t0 = time.perf_counter()
    sol = sp.solve(inst, time_limit=limit, workers=workers, seed=seed, baseline=baseline,
                   progress=lambda p: first.append(time.perf_counter() - t0) if not first else None)
    wall = time.perf_counter() - t0
    r = sol.result
    return {
        "talks": len(inst.talks), "rooms": len(inst.rooms), "slots": len(inst.slots),
        "booleans": r.model_size.get("booleans"), "variables": r.model_size.get("variables"),
        "constraints": r.model_size.get("constraints"), "restricted": bool(r.model_size.get("restricted")),
        "load_s": round(load_s, 2), "first_feasible_s": round(first[0], 2) if first else None,
        "solve_s": round(wall, 2), "status": r.status, "objective": r.objective, "bound": r.bound,
        "gap": None if r.gap is None else round(r.gap, 4),
        "hard_violations": sol.evaluation.hard_violations if sol.evaluation else None,
        "moved": len([m for m in sol.moves if m["change"] in ("time", "room")]) if baseline else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "time_limit": limit,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--one")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.workers, args.seed)))
        return
    rows = []
    for name in INSTANCES:
        if args.only and name not in args.only:
            continue
        runs = []
        for r in range(args.runs):
            proc = subprocess.run([sys.executable, __file__, "--one", name, "--workers", str(args.workers),
                                   "--seed", str(r)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{name} run {r + 1}: failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            out = json.loads(proc.stdout.strip().splitlines()[-1])
            runs.append(out)
            print(f"{name} run {r + 1}: {out}", flush=True)
        if not runs:
            continue

        def med(key):
            vals = [o[key] for o in runs if o.get(key) is not None]
            return round(statistics.median(vals), 2) if vals else None

        first = runs[0]
        rows.append({
            "instance": name, "talks": first["talks"], "rooms": first["rooms"], "slots": first["slots"],
            "booleans": first["booleans"], "constraints": first["constraints"],
            "restricted": "yes" if first["restricted"] else "no",
            "first feasible s": med("first_feasible_s"), "solve s": med("solve_s"), "limit s": first["time_limit"],
            "status": "/".join(sorted({o["status"] for o in runs})), "objective": med("objective"),
            "bound": med("bound"), "gap": med("gap"), "peak RSS MB": med("peak_rss_mb"),
            "hard violations": max(o["hard_violations"] or 0 for o in runs),
            "moved": med("moved"), "runs": len(runs),
        })
    sys.path.insert(0, str(HERE))
    from report import write_tables

    print(write_tables(rows, args.out, "suite"))

if __name__ == "__main__":
    main()
