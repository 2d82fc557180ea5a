"""Would rows that couple sessions cut the session model's master LP?

    python benchmarks/coupling.py [--cases partition:90:0 synthetic:120:4:1 31c3 cccamp] [--limit 60]

The master (``solver/sessions/master.py``) has one row per class of interchangeable cells,
not one per cell, and no rows that couple sessions of one time block. The rules that do
couple them at block level are the hard ``not_parallel_session`` rows: the two talks in
at most one column per block. (A speaker's two talks, or a ``not_parallel`` pair, may run
in two parallel sessions at different slots, so a row per block would not be valid for
them: the placement keeps those rules.)

For each case the script solves the master LP as the solver does, then spreads every
column of a class evenly over the class's cells (``x / n_k`` on each). That is a solution
of the master with one row per cell, at the same cost, and the script reports the
largest excess of any coupling row over 1 in it. With no excess, adding every coupling
row leaves the LP value unchanged: its bound would not rise. Also reported: how many
classes have all their cells in one block (only those could carry a valid row without
splitting the classes by block).

Each case runs in this process, one after the other (the LP only: no schedule).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAB = {"cccamp": "frab/cccamp2019_schedule.json", "31c3": "frab/31c3_schedule.xml",
        "pyconfr": "frab/pyconfr-2024_pretalx-widget.json"}


def instance(spec: str):
    from sessionplan import generate
    from sessionplan.io.frab import read_published

    if spec in FRAB:
        return read_published(HERE.parents[1] / "shared" / "data" / FRAB[spec]).instance
    kind, *numbers = spec.split(":")
    n = [int(x) for x in numbers]
    if kind == "partition":     # partition:TALKS:SEED[:CONFLICTS%]
        return generate.partition(n[0], seed=n[1], **({"conflicts": n[2] / 100} if len(n) > 2 else {}))
    if kind == "synthetic":     # synthetic:TALKS:ROOMS:SEED
        return generate.synthetic(n[0], n[1], seed=n[2])
    raise SystemExit(f"unknown case {spec!r}")


def groups_of(inst, problem) -> dict[str, set[int]]:
    """The items each block-level rule keeps out of parallel sessions: hard ``not_parallel_session`` rows."""
    from sessionplan.model import PairRow

    out: dict[str, set[int]] = {}
    for r in inst.constraints:
        if isinstance(r, PairRow) and r.hard and r.kind == "not_parallel_session":
            items = {problem.item_of[r.talk], problem.item_of[r.other]}
            if len(items) > 1:
                out[f"{r.talk} {r.other}"] = items
    return out


def one(spec: str, limit: float) -> dict:
    from sessionplan.budget import Budget
    from sessionplan.solver import FAMILIES, candidate_places
    from sessionplan.solver.sessions.generation import generate
    from sessionplan.solver.sessions.problem import session_problem

    inst = instance(spec)
    t0 = time.monotonic()
    problem = session_problem(*candidate_places(inst, FAMILIES), FAMILIES)
    gen = generate(problem, [], Budget.of(limit))
    xs = gen.master.values()
    cells_in: list[dict] = []
    for c in problem.classes:
        count: dict = defaultdict(int)
        for cell in c.cells:
            count[c.block_of[cell]] += 1
        cells_in.append(count)
    groups = groups_of(inst, problem)
    worst, binding = 0.0, 0
    for items in groups.values():
        load: dict = defaultdict(float)
        for (k, members, _), x in zip(gen.master.columns, xs, strict=True):
            if x > 1e-9 and members & items:
                for block, m in cells_in[k].items():
                    load[block] += x * m / problem.classes[k].count
        excess = max(load.values(), default=0.0) - 1.0
        if excess > 1e-6:
            binding += 1
            worst = max(worst, excess)
    return {"case": spec, "talks": len(inst.talks), "classes": len(problem.classes),
            "classes_in_one_block": sum(1 for c in cells_in if len(c) == 1), "coupled_pairs": len(groups),
            "lp_solved": gen.solved, "rows_exceeded": binding, "largest_excess": round(worst, 4),
            "seconds": round(time.monotonic() - t0, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", nargs="*", default=["partition:90:0", "partition:90:1:40", "synthetic:120:4:1",
                                                   "cccamp", "31c3"])
    ap.add_argument("--limit", type=float, default=60, help="seconds for each master LP")
    args = ap.parse_args()
    print("| case | talks | classes | in one block | coupled pairs | LP solved | rows exceeded | largest excess | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for spec in args.cases:
        r = one(spec, args.limit)
        print(f"| {r['case']} | {r['talks']} | {r['classes']} | {r['classes_in_one_block']} | {r['coupled_pairs']} | "
              f"{'yes' if r['lp_solved'] else 'no'} | {r['rows_exceeded']} | {r['largest_excess']} | {r['seconds']} |",
              flush=True)


if __name__ == "__main__":
    main()
