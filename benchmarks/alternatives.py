"""Three alternatives on the workshop versus one optimal solve, timed in the same run.

    python benchmarks/alternatives.py [--runs 5] [--workers 2] [--k 3] [--within 0.05] [--min-diff 4]

Each run times, in this process, a single solve to proven optimality and the
production of K alternatives (which begins with such a solve), both including model
building; the two are done in alternating order so that a load change on the machine
hurts neither side more. It checks the bar in every run: K alternatives, none with a
hard violation, each pair seated differently in at least --min-diff talks (the
default min_diff of the alternatives is what is asked of the solver), each within
--within of the best objective. It prints every run and the medians; the bar is a
median ratio below 3.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import sessionplan as sp
from sessionplan.seats import distance


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--within", type=float, default=0.05)
    ap.add_argument("--min-diff", type=int, default=4, help="the pairwise difference checked")
    args = ap.parse_args()
    inst = sp.load(sp.bundled_workshop())
    singles, alts_times, ratios = [], [], []
    for run in range(1, args.runs + 1):
        timings = {}
        for what in (("single", "alternatives") if run % 2 else ("alternatives", "single")):
            t0 = time.perf_counter()
            if what == "single":
                single = sp.solve(inst, workers=args.workers, seed=0, time_limit=60)
            else:
                alts = sp.alternatives(inst, args.k, within=args.within, workers=args.workers, seed=0, time_limit=60)
            timings[what] = time.perf_counter() - t0
        assert single.status == "optimal", single.status
        assert alts.complete, alts.stopped
        best = alts.solutions[0].evaluation.total
        assert abs(best - single.evaluation.total) < 1e-6, "the first alternative is not optimal"
        for sol in alts.solutions:
            assert sol.evaluation.hard_violations == 0
            assert sol.evaluation.total <= (1 + args.within) * best + 1e-9
        pairs = [distance(a.assignments, b.assignments) for a, b in itertools.combinations(alts.solutions, 2)]
        assert min(pairs) >= args.min_diff, pairs
        ratio = timings["alternatives"] / timings["single"]
        singles.append(timings["single"])
        alts_times.append(timings["alternatives"])
        ratios.append(ratio)
        print(f"run {run}: single {timings['single']:.2f}s, {args.k} alternatives {timings['alternatives']:.2f}s "
              f"(ratio {ratio:.2f}; search {[round(s.result.seconds, 2) for s in alts.solutions]}s, single's "
              f"{single.result.seconds:.2f}s); objectives {[round(s.evaluation.total, 3) for s in alts.solutions]} "
              f"(best {best:g}, min_diff asked {alts.min_diff}); pairwise distances {pairs}")
    print(f"median of {args.runs}: single {statistics.median(singles):.2f}s, {args.k} alternatives "
          f"{statistics.median(alts_times):.2f}s, ratio {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}); workers {args.workers}; bar: ratio < 3")


if __name__ == "__main__":
    main()
