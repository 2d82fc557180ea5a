"""Column generation, the integer choice of columns, and reduced-cost enumeration.

``generate`` alternates the master LP and pricing: the greedy pricer every round; the
exact pricer, which both finds columns and proves a Lagrangian bound, when the greedy
one finds nothing and in between while exact rounds have cost at most EXACT_RATIO
times the greedy ones (a bound along the way, not only at the end). Exact pricing uses
duals smoothed towards those of the best bound so far (Wentges), which moves the bound
faster than the LP's own duals, which jump between extreme points of a partition
master; a round whose smoothed duals find nothing the LP wants prices at the LP's
duals. It stops when no column prices out or the LP value meets the bound (the LP is
solved: its value is the bound), or when time runs out (the best bound proven so far
stands).

``choose`` picks integer columns with CP-SAT: every item in one column, no class over
its cells, least cost; hinted with a known partition. ``enumerate_columns`` adds every
column whose reduced cost is below the gap, after which the integer choice over the
columns is optimal for the session objective (a proof, when the enumeration is small).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ...budget import Budget, now
from ..driver import configure
from ..result import Options
from . import pricing
from .components import ClassPricer, connected_sets
from .master import Master
from .problem import SessionProblem

EPS = 1e-6
GREEDY_PER_CLASS = 3        # columns added per class and round by the greedy pricer
# exact rounds may take this many times the greedy rounds' time (each one is a bound)
EXACT_RATIO = 3.0
SMOOTHING = 0.5             # weight of the best bound's duals in the duals priced exactly (Wentges)
GAP_TOLERANCE = 1e-6        # the LP value this close above the best bound: the LP is solved
EXACT_SECONDS = 2.0         # per class and round, at most
MOST_ITEMS = 6              # connected sets are enumerated for columns of at most this many items
CONNECTED_LIMIT = 400_000   # and at most this many sets
COMPONENT_COLUMNS = 15      # columns added per class and round by the exact pricer


@dataclass
class Generated:
    master: Master
    lp: float | None = None          # the last master LP value (units, without the constant)
    bound: float | None = None       # best proven lower bound (units, without the constant)
    solved: bool = False             # the LP is optimal over all columns (bound == lp)
    rounds: int = 0
    exact_rounds: int = 0
    seconds: float = 0.0
    pi: list[float] = field(default_factory=list)
    mu: list[float] = field(default_factory=list)


def component_pricers(problem: SessionProblem, budget: Budget) -> dict[int, ClassPricer] | None:
    """Exact vectorised pricers for every class, when the cells are small enough for the
    connected sets of items to be enumerated (else None)."""
    most = max(c.slots // max(1, min((f[1] for f in c.fits.values()), default=1)) for c in problem.classes)
    if most > MOST_ITEMS:
        return None
    sets = connected_sets(problem, most, CONNECTED_LIMIT, budget)
    if sets is None:
        return None
    return {c.index: ClassPricer(problem, c.index, sets) for c in problem.classes}


def generate(problem: SessionProblem, initial: list[tuple[int, frozenset[int]]], budget: Budget,
             max_rounds: int = 2000) -> Generated:
    t0 = now()
    master = Master(problem)
    for k, members in initial:
        master.add(k, members)
    out = Generated(master)
    pricers = component_pricers(problem, budget.share(0.3))
    if pricers is not None:
        _generate_exact(problem, master, pricers, out, budget, max_rounds)
        out.seconds = now() - t0
        return out
    centre: list[float] | None = None
    greedy_seconds = exact_seconds = 0.0
    while out.rounds < max_rounds and not budget.expired():
        out.rounds += 1
        lp = master.solve()
        out.lp, out.pi, out.mu = lp.value, lp.pi, lp.mu
        added = 0
        t = now()
        for c in problem.classes:
            for value, members in pricing.greedy(problem, c.index, lp.pi)[:GREEDY_PER_CLASS]:
                if value > -lp.mu[c.index] + EPS and master.add(c.index, members):
                    added += 1
        greedy_seconds += now() - t
        # exact rounds when the greedy pricer finds nothing, and otherwise while they have
        # taken at most EXACT_RATIO times the greedy rounds' time: each one is a bound
        if added and exact_seconds > EXACT_RATIO * greedy_seconds:
            continue
        t = now()
        # price every class exactly, which also bounds (at any duals); with a centre
        # (the duals of the best bound so far) the duals priced are smoothed towards it
        out.exact_rounds += 1
        if centre is not None and lp.value - (out.bound if out.bound is not None else -math.inf) <= \
                GAP_TOLERANCE * max(1.0, abs(lp.value)):
            out.solved = True   # the LP value is a bound: optimal over all columns
            break
        alpha = SMOOTHING if centre is not None else 0.0
        while True:
            duals = lp.pi if alpha == 0.0 else [alpha * a + (1 - alpha) * b for a, b in zip(centre or lp.pi, lp.pi,
                                                                                          strict=True)]
            lowest, complete, found = [], True, 0
            for c in problem.classes:
                left = budget.left()
                if left is not None and left <= 0:
                    complete = False
                    break
                part = budget.share(1.0, EXACT_SECONDS)
                wanted = math.inf if alpha or added else -lp.mu[c.index]
                priced = pricing.exact(problem, c.index, duals, part, wanted=wanted)
                if math.isinf(priced.upper):
                    complete = False
                lowest.append(-priced.upper)
                for _, members in (*priced.found, (priced.value, priced.members)):
                    if _prices_out(problem, c.index, members, lp.pi, lp.mu[c.index]) and master.add(c.index, members):
                        found += 1
            added += found
            if complete:
                bound = master.lagrangian(duals, lowest)
                if out.bound is None or bound > out.bound:
                    out.bound, centre = bound, list(duals)
            if found or alpha == 0.0 or not complete:
                break
            alpha = 0.0   # the smoothed duals found nothing the LP wants: price at the LP's own
        exact_seconds += now() - t
        if complete and not added and alpha == 0.0:
            out.solved = True   # no column prices out: the LP is optimal over all columns
            break
        if not added:
            break
    out.seconds = now() - t0
    return out


def _prices_out(problem: SessionProblem, k: int, members: frozenset[int], pi: list[float], mu: float) -> bool:
    """Whether the column has a negative reduced cost at the duals ``pi``, ``mu``."""
    return bool(members) and sum(pi[i] for i in members) - problem.column_cost(k, members) > -mu + EPS


def _generate_exact(problem: SessionProblem, master: Master, pricers: dict[int, ClassPricer], out: Generated,
                    budget: Budget, max_rounds: int) -> None:
    """Every round prices every class exactly: columns, and the Lagrangian bound."""
    while out.rounds < max_rounds and not budget.expired():
        out.rounds += 1
        out.exact_rounds += 1
        lp = master.solve()
        out.lp, out.pi, out.mu = lp.value, lp.pi, lp.mu
        added, lowest = 0, []
        for c in problem.classes:
            if budget.expired():
                return
            upper, found = pricers[c.index].price(lp.pi, -lp.mu[c.index], columns=COMPONENT_COLUMNS)
            lowest.append(-upper)
            for _, members in found:
                added += master.add(c.index, members)
        bound = master.lagrangian(lp.pi, lowest)
        out.bound = bound if out.bound is None else max(out.bound, bound)
        if not added:
            out.solved = True
            return


@dataclass
class Chosen:
    columns: list[tuple[int, frozenset[int]]]
    cost: int
    status: str
    bound: float


def choose(problem: SessionProblem, columns: list[tuple[int, frozenset[int], int]], budget: Budget,
           hint: list[tuple[int, frozenset[int]]] | None = None, workers: int = 1, seed: int = 0,
           parameters: dict | None = None) -> Chosen | None:
    """The least-cost exact cover of the items by those ``columns`` that really fit their
    cells (``SessionProblem.placeable``; class caps kept), or None."""
    columns = [col for col in columns if problem.placeable(col[0], col[1])]
    m = cp_model.CpModel()
    ys = [m.new_bool_var(f"y{n}") for n in range(len(columns))]
    by_item: dict[int, list] = {it.index: [] for it in problem.items}
    by_class: dict[int, list] = {}
    for y, (k, members, _) in zip(ys, columns, strict=True):
        for i in members:
            by_item[i].append(y)
        by_class.setdefault(k, []).append(y)
    for i in sorted(by_item):
        if not by_item[i]:
            return None
        m.add_exactly_one(by_item[i])
    for k in sorted(by_class):
        if len(by_class[k]) > problem.classes[k].count:
            m.add(sum(by_class[k]) <= problem.classes[k].count)
    m.minimize(sum(cost * y for y, (_, _, cost) in zip(ys, columns, strict=True)))
    if hint:
        wanted = set(hint)
        for y, (k, members, _) in zip(ys, columns, strict=True):
            m.add_hint(y, (k, members) in wanted)
    solver = cp_model.CpSolver()
    # the LP of a set partition is strong: the portfolio must carry it (see driver.configure)
    configure(solver, Options(workers=workers, seed=seed, parameters=dict(parameters or {})), budget.seconds(0.1))
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [(k, members) for y, (k, members, _) in zip(ys, columns, strict=True) if solver.boolean_value(y)]
    return Chosen(chosen, round(solver.objective_value), "optimal" if status == cp_model.OPTIMAL else "feasible",
                  solver.best_objective_bound)


def enumerate_columns(problem: SessionProblem, pi: list[float], mu: list[float], gap: float, budget: Budget,
                      limit: int = 20_000) -> list[tuple[int, frozenset[int]]] | None:
    """Every column whose reduced cost (with the duals ``pi``, ``mu``) is below ``gap``;
    None when there are more than ``limit`` or time runs out. With an optimal LP and
    ``gap`` = (an integer solution's cost) - (the LP bound), every column of a better
    solution is among them (reduced-cost fixing)."""
    out: list[tuple[int, frozenset[int]]] = []
    for c in problem.classes:
        # every item that fits, useful or not: a solution must cover each of them
        p = {i: pi[i] - f[0] for i, f in c.fits.items()}
        # a column is kept when value = sum p + sum w > -(mu_k) - gap
        need = -mu[c.index] - gap
        items = sorted(p, key=lambda i: -p[i])
        found = _subsets(problem, c.index, items, p, need, budget, limit - len(out))
        if found is None:
            return None
        out += [(c.index, members) for members in found]
    return out


def _subsets(problem: SessionProblem, k: int, items: list[int], p: dict[int, float], need: float, budget: Budget,
             limit: int) -> list[frozenset[int]] | None:
    """Depth-first enumeration of the subsets of ``items`` that fit class ``k`` with value
    above ``need``; a branch ends when even all its remaining gains could not get there."""
    c = problem.classes[k]
    nb = problem.neighbours
    # optimistic gain of each item: its profit and every positive benefit it could add
    optimistic = {i: p[i] + sum(w for j, w in nb.get(i, {}).items() if j in p) for i in items}
    suffix = [0.0] * (len(items) + 1)
    for n in range(len(items) - 1, -1, -1):
        suffix[n] = suffix[n + 1] + max(0.0, optimistic[items[n]])
    out: list[frozenset[int]] = []
    steps = 0
    stack: list[tuple[int, frozenset[int], float, int, int]] = [(0, frozenset(), 0.0, 0, 0)]
    while stack:
        n, members, value, slots, minutes = stack.pop()
        steps += 1
        if steps % 4096 == 0 and budget.expired():
            return None
        if members and value > need + EPS:
            out.append(members)
            if len(out) > limit:
                return None
        if n == len(items) or value + suffix[n] <= need + EPS:
            continue
        stack.append((n + 1, members, value, slots, minutes))
        i = items[n]
        f = c.fits[i]
        if slots + f[1] <= c.slots and minutes + f[2] <= c.minutes:
            gain = p[i] + sum(w for j, w in nb.get(i, {}).items() if j in members)
            stack.append((n + 1, members | {i}, value + gain, slots + f[1], minutes + f[2]))
    return out
