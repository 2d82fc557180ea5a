"""Branch and price on pairs (Ryan-Foster): proofs where reduced-cost enumeration is too big.

At the LP optimum the master's columns are fractional; the items of some pair then share
a column in part (``0 < f_ij < 1``, ``f_ij`` the weight of the columns holding both).
Every partition either keeps the pair together or apart, so the two branches together
hold every partition, and in each the fractional solution is cut off. A branch is the
root problem with the pair together (one item: ``SessionProblem.branched``) or apart (a
rule of the columns), solved by column generation again from its parent's columns that
keep its rules; its LP value bounds every partition in it. The search takes the branch of least bound
first: that bound is then the bound of every partition, and it rises as branches are
closed, until it meets the best partition found (proven) or the time runs out (the
least open bound stands).

Partitions come from the integer choice (``generation.choose``) over every column the
branches met, at the root's costs, every few branches and at the end; a branch whose
LP solution is whole gives one directly.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

from ...budget import Budget, now
from .generation import Chosen, choose, generate
from .master import Master, MasterFailed
from .problem import SessionProblem

EPS = 1e-6
NODE_SHARE = 0.3     # of the time left, for one branch's column generation at most
CHOOSE_EVERY = 6     # branches between integer choices over the columns met
CHOOSE_SHARE = 0.15  # of the time left, for one such choice


@dataclass(order=True)
class Node:
    bound: float                                     # its parent's LP value (units, without the constant)
    order: int
    together: tuple[tuple[int, int], ...] = field(compare=False)
    apart: tuple[tuple[int, int], ...] = field(compare=False)
    columns: list[tuple[int, frozenset[int]]] = field(compare=False)   # the parent's, to start from


@dataclass
class Branched:
    bound: float                    # units without the constant: no partition costs less
    chosen: Chosen                  # the best partition known (the one given, or better)
    nodes: int = 0                  # branches solved
    closed: bool = False            # no branch is left open: ``chosen`` is optimal
    seconds: float = 0.0
    columns: int = 0                # columns met in the branches, in all


def fractional_pair(problem: SessionProblem, columns: list[tuple[int, frozenset[int], int]], values: list[float],
                    decided: set[tuple[int, int]]) -> tuple[int, int] | None:
    """The pair of items whose share of one column is nearest a half (the larger benefit
    first on ties), among those not decided; None when every pair is whole."""
    share: dict[tuple[int, int], float] = {}
    for (_, members, _), x in zip(columns, values, strict=True):
        if x <= EPS:
            continue
        for i, j in itertools.combinations(sorted(members), 2):
            share[(i, j)] = share.get((i, j), 0.0) + x
    best, key = None, None
    for pair in sorted(share):
        f = share[pair]
        if pair in decided or f <= EPS or f >= 1 - EPS:
            continue
        rank = (abs(f - 0.5), -problem.benefit.get(pair, 0))
        if key is None or rank < key:
            best, key = pair, rank
    return best


def branch(problem: SessionProblem, root: Master, chosen: Chosen, step: int, budget: Budget, workers: int = 1,
           seed: int = 0, parameters: dict | None = None) -> Branched | None:
    """Branch and price from the root's master (its LP solved over all columns) within
    ``budget``, for a partition cheaper than ``chosen`` or a proof that none is; None
    when the root's LP cannot be read again."""
    t0 = now()
    solved = _values(root, budget)
    if solved is None:
        return None
    lp, root_values = solved
    root_columns = root.columns
    pool = {(k, m): cost for k, m, cost in root_columns}
    out = Branched(bound=lp, chosen=chosen)
    order = itertools.count()
    heap: list[Node] = []
    open_leaves: list[float] = []   # branches whose pairs are whole but whose LP is not: their bound stands
    start = [(k, m) for k, m, _ in root_columns]
    pair = fractional_pair(problem, root_columns, root_values, set())
    if pair is None:
        open_leaves.append(lp)
    else:
        heap += [Node(lp, next(order), (pair,), (), start), Node(lp, next(order), (), (pair,), start)]
    since_choice = 0
    while heap and not budget.expired():
        target = out.chosen.cost - step + 0.5   # a better partition costs at most this
        if heap[0].bound >= target:
            heap.clear()    # every branch left costs as much as the best partition
            break
        node = heapq.heappop(heap)
        sub = problem.branched(node.together, node.apart)
        if sub is None:
            continue   # a pair both together and apart: no partition
        initial = [(k, m) for k, m in ((k, sub.contract(m)) for k, m in node.columns) if m is not None]
        gen = generate(sub, initial, budget.share(NODE_SHARE), connected=False, target=target)
        if gen.bound is not None and gen.bound >= target:
            out.nodes += 1
            continue   # its Lagrangian bound closes it before its LP is solved
        if not gen.solved or gen.lp is None:
            # cut short: what it proved stands for it
            node.bound = max(node.bound, gen.bound if gen.bound is not None else node.bound)
            heapq.heappush(heap, node)
            break
        solved = _values(gen.master, budget)
        if solved is None:
            heapq.heappush(heap, node)
            break
        lp_value, values = solved
        out.nodes += 1
        columns = [(k, sub.expand(m), cost) for k, m, cost in gen.master.columns]
        for k, m, _ in columns:
            if (k, m) not in pool and problem.fits(k, m):
                pool[(k, m)] = problem.column_cost(k, m)
        value = max(node.bound, lp_value)
        if value >= target:
            continue
        whole = _whole(problem, columns, values)
        if whole is not None and whole.cost < out.chosen.cost:
            out.chosen = whole
        if whole is not None and whole.cost <= value + EPS:
            continue   # its LP optimum is a partition: nothing cheaper in this branch
        decided = set(node.together) | set(node.apart)
        pair = fractional_pair(problem, columns, values, decided)
        if pair is None:
            open_leaves.append(value)
            continue
        kept = [(k, m) for k, m, _ in columns]
        heapq.heappush(heap, Node(value, next(order), (*node.together, pair), node.apart, kept))
        heapq.heappush(heap, Node(value, next(order), node.together, (*node.apart, pair), kept))
        since_choice += 1
        if since_choice >= CHOOSE_EVERY:
            since_choice = 0
            _choose(problem, pool, out, budget, workers, seed, parameters)
    if not budget.expired():
        _choose(problem, pool, out, budget, workers, seed, parameters)
    least = [n.bound for n in heap] + open_leaves
    out.bound = max(lp, min([*least, float(out.chosen.cost)]))
    out.closed = out.bound >= out.chosen.cost - EPS
    out.columns = len(pool)
    out.seconds = now() - t0
    return out


def _values(master: Master, budget: Budget) -> tuple[float, list[float]] | None:
    """The master's LP value and column values over every column it holds now (the last
    pricing round may have added some after the last solve), or None when GLOP fails."""
    try:
        lp = master.solve(budget.left())
    except MasterFailed:
        return None
    return lp.value, master.values()


def _whole(problem: SessionProblem, columns: list[tuple[int, frozenset[int], int]],
           values: list[float]) -> Chosen | None:
    """The branch's LP solution as a partition when it is one (every column at 0 or 1,
    each fitting its cell at the root's costs and really placeable), else None."""
    picked = []
    for (k, m, _), x in zip(columns, values, strict=True):
        if EPS < x < 1 - EPS:
            return None
        if x >= 1 - EPS:
            picked.append((k, m))
    covered = sorted(i for _, m in picked for i in m)
    if covered != list(range(len(problem.items))):
        return None
    by_class: dict[int, int] = {}
    for k, m in picked:
        if not problem.placeable(k, m):
            return None
        by_class[k] = by_class.get(k, 0) + 1
    if any(n > problem.classes[k].count for k, n in by_class.items()):
        return None
    cost = sum(problem.column_cost(k, m) for k, m in picked)
    return Chosen(picked, cost, "feasible", float(cost))


def _choose(problem: SessionProblem, pool: dict[tuple[int, frozenset[int]], int], out: Branched, budget: Budget,
            workers: int, seed: int, parameters: dict | None) -> None:
    """The integer choice over every column met so far, hinted with the best partition."""
    columns = [(k, m, cost) for (k, m), cost in pool.items()]
    better = choose(problem, columns, budget.share(CHOOSE_SHARE), hint=out.chosen.columns, workers=workers,
                    seed=seed, parameters=parameters)
    if better is not None and better.cost < out.chosen.cost:
        out.chosen = better
