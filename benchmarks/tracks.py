"""Multi-room conferences with topics (sessions of four slots, rooms of their own sizes):
how close to its bound is the grouping, and what does placing the sessions cost?

    python benchmarks/tracks.py [--sizes 120:4 200:8] [--seeds 0 1 3] [--limit 120] [--workers 2]

Instances: ``generate.synthetic`` (topics of about twelve talks, a few double-length
talks and joint groups, rooms of different capacities against the talks' audiences,
speakers unavailable on some days; some seeds are infeasible by construction, e.g.
synthetic 200x8 seed 2, where one talk's two speakers are away on both days). Each run
is a fresh process; reported per run: objective, bound and gap, the session model's
partition cost (grouping and placement costs before the parallel terms) and the
objective of its first placed schedule, the terms, wall seconds; then the median gap
per size.
"""

from __future__ import annotations

import json
import statistics
import time

from report import sized_arguments, sized_runs


def one(talks: int, rooms: int, seed: int, limit: float, workers: int) -> dict:
    from sessionplan.evaluate import evaluate
    from sessionplan.generate import synthetic
    from sessionplan.solver import Options, solve, to_assignment

    inst = synthetic(talks, rooms, seed=seed)
    t0 = time.monotonic()
    r = solve(inst, Options(time_limit=limit, workers=workers, seed=seed))
    wall = time.monotonic() - t0
    ev = evaluate(inst, [to_assignment(p) for p in r.placements.values()]) if r.placements else None
    record = r.stages.get("sessions") or {}
    return {"talks": talks, "rooms": rooms, "seed": seed, "status": r.status, "objective": r.objective,
            "bound": r.bound, "gap": None if r.gap is None else round(r.gap, 4),
            "partition": record.get("partition"), "placed": record.get("objective"),
            "hard": ev.hard_violations if ev else None,
            "terms": {k: round(v.penalty, 1) for k, v in ev.terms.items() if v.penalty} if ev else {},
            "seconds": round(wall, 1)}


def main() -> None:
    args = sized_arguments(["120:4", "200:8"], [0, 1, 3], 120)
    if args.child:
        print(json.dumps(one(*args.child, args.limit, args.workers)))
        return
    for size in args.sizes:
        gaps = []
        for _, row in sized_runs(__file__, args, size):
            if row["gap"] is not None:
                gaps.append(row["gap"])
            print(json.dumps(row), flush=True)
        if gaps:
            print(f"{size}: median gap {statistics.median(gaps):.2%} over {len(gaps)} runs", flush=True)


if __name__ == "__main__":
    main()
