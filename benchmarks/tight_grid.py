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

import json
import resource
import time

from report import sized_arguments, sized_runs


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
    args = sized_arguments(["300:10", "600:20", "883:30"], [0, 1, 2], 60)
    if args.child:
        print(json.dumps(one(*args.child, args.limit, args.workers)))
        return
    good = total = 0
    for size in args.sizes:
        talks = int(size.split(":")[0])
        for _, row in sized_runs(__file__, args, size):
            total += 1
            ok = row["scheduled"] == talks and row["hard"] == 0 and row["seconds"] <= args.limit + 2
            good += ok
            print(json.dumps({**row, "ok": ok}), flush=True)
    print(f"complete valid schedules within limit + 2 s: {good} of {total} (limit {args.limit:g} s)")


if __name__ == "__main__":
    main()
