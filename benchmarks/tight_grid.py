"""Tight grids (as many slots as talks, every room on its own times): is every generated
programme scheduled within the limit?

    python benchmarks/tight_grid.py [--sizes 300:10 600:20 883:30] [--seeds 0 1 2] [--limit 60] [--workers 2]

Instances: ``generate.tight_grid`` (FOSDEM-like: rooms with their own slot lengths, a few
double-slot talks, tracks filling room-days, speakers in two rooms; a planted programme
keeps every rule). Each run is a fresh process; reported per run: talks scheduled, hard
violations (the evaluator's), the stage that found the schedule, ``topic_cohesion``,
wall seconds against the limit and peak memory; then the count of runs that got a
complete valid schedule within limit + 2 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(talks: int, rooms: int, seed: int, limit: float, workers: int) -> dict:
    import sessionplan as sp
    from sessionplan.generate import tight_grid

    inst = tight_grid(talks, rooms, seed=seed)
    t0 = time.monotonic()
    sol = sp.solve(inst, time_limit=limit, workers=workers, seed=seed)
    wall = time.monotonic() - t0
    ev = sol.evaluation
    return {"talks": talks, "rooms": rooms, "seed": seed, "scheduled": len(sol.result.assignments),
            "hard": ev.hard_violations if ev else None, "status": sol.result.status,
            "found_by": sol.result.found_by,
            "cohesion": round(ev.terms["topic_cohesion"].penalty, 1) if ev else None,
            "seconds": round(wall, 1), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["300:10", "600:20", "883:30"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one(*args.child, args.limit, args.workers)))
        return
    good = total = 0
    for size in args.sizes:
        talks, rooms = map(int, size.split(":"))
        for seed in args.seeds:
            total += 1
            proc = subprocess.run([sys.executable, __file__, "--limit", str(args.limit), "--workers", str(args.workers),
                                   "--child", str(talks), str(rooms), str(seed)], capture_output=True, text=True)
            if proc.returncode:
                print(f"{talks}x{rooms} seed {seed}: failed\n{proc.stderr[-1500:]}", flush=True)
                continue
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            ok = row["scheduled"] == talks and row["hard"] == 0 and row["seconds"] <= args.limit + 2
            good += ok
            print(json.dumps({**row, "ok": ok}), flush=True)
    print(f"complete valid schedules within limit + 2 s: {good} of {total} (limit {args.limit:g} s)")


if __name__ == "__main__":
    main()
