"""Fixed-size session partitions: the talk-level model, a plain compact CP-SAT model and
the session model (column generation), on the same seeded instances in one run.

    python benchmarks/partition.py [--talks 50 90 150 200] [--seeds 0 1 2] [--limit 60] [--workers 2]

Instances (``generate.partition``): sessions of 4 to 6 slots that together seat every
talk exactly, a benefit for each pair of talks in one session (planted clusters: strong
and frequent inside, weak and rare across; soft ``same_session`` rows with weights), and
talks sharing an author never in parallel sessions (hard ``not_parallel_session`` rows).
The objective is the benefit lost between sessions (the broken rows' weights).

* ``talks``: sessionplan with ``Options(model="talks")``, the talk-to-slot model alone;
* ``compact``: x[talk, session] with exact session sizes, y[pair, session] <= both x,
  the author rows per block and room, CP-SAT with the same workers and limit;
* ``sessions``: sessionplan's default (the session model, then the talk-level search).

Reports per model: seconds to a proof of optimality ('-' when none within the limit),
objective, bound and gap, as medians over the seeds (each run also printed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sessionplan.evaluate import evaluate
from sessionplan.generate import partition
from sessionplan.model import Instance
from sessionplan.solver import Options, solve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.helpers import compact_partition as compact  # noqa: E402


def ours(inst: Instance, limit: float, workers: int, model: str) -> dict:
    t0 = time.monotonic()
    r = solve(inst, Options(time_limit=limit, workers=workers, model=model))
    seconds = time.monotonic() - t0
    if r.has_schedule:
        ev = evaluate(inst, list(r.assignments))
        assert ev.hard_violations == 0, [v.message for v in ev.violations]
        assert abs(ev.total - r.objective) < 1e-6, (ev.total, r.objective)
    return {"proof": seconds if r.status == "optimal" else None, "objective": r.objective, "bound": r.bound,
            "seconds": seconds}


def gap(row: dict) -> float | None:
    if row["objective"] is None or row["bound"] is None:
        return None
    return abs(row["objective"] - row["bound"]) / max(1.0, abs(row["objective"]))


def fmt(v, pct=False) -> str:
    if v is None:
        return "-"
    return f"{100 * v:.2f}%" if pct else f"{v:.1f}"


def median(values):
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if len(kept) == len(values) and kept else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--talks", type=int, nargs="+", default=[50, 90, 150, 200])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--models", nargs="+", default=["talks", "compact", "sessions"])
    args = ap.parse_args()
    print(f"limit {args.limit:g} s, {args.workers} workers; per run: model, proof s, objective, bound, gap")
    table = []
    for n in args.talks:
        runs: dict[str, list[dict]] = {m: [] for m in args.models}
        for seed in args.seeds:
            inst = partition(n, seed=seed)
            for name in args.models:
                row = compact(inst, args.limit, args.workers) if name == "compact" else \
                    ours(inst, args.limit, args.workers, "talks" if name == "talks" else "auto")
                runs[name].append(row)
                print(f"  {n} talks seed {seed} {name:>8}: proof {fmt(row['proof'])}  objective {fmt(row['objective'])}"
                      f"  bound {fmt(row['bound'])}  gap {fmt(gap(row), True)}", flush=True)
        for name in args.models:
            rows = runs[name]
            proofs = [r["proof"] for r in rows]
            table.append((n, name, sum(p is not None for p in proofs), median(proofs),
                          median([r["objective"] for r in rows]), median([r["bound"] for r in rows]),
                          median([gap(r) for r in rows])))
    print()
    print("| talks | model | proven | proof s (median) | objective | bound | gap |")
    print("|---|---|---|---|---|---|---|")
    for n, name, proven, proof, obj, bound, g in table:
        print(f"| {n} | {name} | {proven}/{len(args.seeds)} | {fmt(proof)} | {fmt(obj)} | {fmt(bound)} | {fmt(g, True)} |")


if __name__ == "__main__":
    main()
