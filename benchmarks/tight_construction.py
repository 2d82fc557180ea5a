"""Does the construction seat every talk of a tight grid, and how fast?

    python benchmarks/tight_construction.py [--sizes 120:6:10 250:10:25 250:15:8 400:15:30 600:20:40]
                                            [--seeds 0 1 2 3 4 5] [--days 2]

Instances: ``generate.tight_grid`` (``talks:rooms:tracks``; as many slots as talks, the
slot lengths matching the durations one for one, speakers in two rooms). Each grid is
constructed in this process (``solver.construct``, no time limit) and evaluated: a grid
left a talk short has no schedule from any later stage either. Reported per grid: talks
seated, hard violations, seconds; then the incomplete count and the median and longest
seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def main() -> None:
    from sessionplan.evaluate import evaluate
    from sessionplan.generate import tight_grid
    from sessionplan.solver import construct, to_assignment

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["120:6:10", "250:10:25", "250:15:8", "400:15:30", "600:20:40"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    ap.add_argument("--days", type=int, default=2)
    args = ap.parse_args()
    seconds, incomplete = [], 0
    for size in args.sizes:
        talks, rooms, tracks = map(int, size.split(":"))
        for seed in args.seeds:
            inst = tight_grid(talks, rooms, days=args.days, tracks=tracks, seed=seed)
            t0 = time.monotonic()
            made = construct(inst)
            took = time.monotonic() - t0
            hard = evaluate(inst, [to_assignment(p) for p in made.placed.values()]).hard_violations
            ok = len(made.placed) == talks and hard == 0
            incomplete += not ok
            seconds.append(took)
            print(json.dumps({"size": size, "seed": seed, "seated": len(made.placed), "hard": hard,
                              "seconds": round(took, 2), "ok": ok}), flush=True)
    print(f"incomplete or invalid: {incomplete} of {len(seconds)}; construction seconds median "
          f"{statistics.median(seconds):.2f}, longest {max(seconds):.2f}")


if __name__ == "__main__":
    main()
