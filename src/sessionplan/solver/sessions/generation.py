"""Column generation, the integer choice of columns, and reduced-cost enumeration.

``generate`` alternates the master LP and pricing: the heuristic pricer (local.py, many
columns spread over the items) every round; the exact pricer, which both finds columns
and proves a Lagrangian bound, when the heuristic finds nothing and in between while
exact rounds have cost at most EXACT_RATIO times the heuristic ones (a bound along the
way, not only at the end). The LP is solved when no column prices out at its duals.
Exact pricing uses duals smoothed towards those of the best bound so far (Wentges), which moves the bound
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

import heapq
import itertools
import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ...budget import Budget, now
from ..driver import configure
from ..result import Options
from . import local, pricing
from .components import ClassPricer, connected_sets
from .cuts import Penalties, charge
from .master import LpSolution, Master, MasterFailed
from .problem import SessionProblem

EPS = 1e-6
HEURISTIC_PER_CLASS = 30    # columns added per class and round by the heuristic pricer (local.py)
CHECK_SHARE = 0.3           # of the integer choice's time, for checking that columns fit their cells
ROUND_SHARE = 0.05          # of the time left, for one heuristic round over every class
ROUND_SECONDS = 2.0         # and at most this
# exact rounds may take this many times the heuristic rounds' time (each one is a bound)
EXACT_RATIO = 1.0
SMOOTHING = 0.5             # weight of the best bound's duals in the duals priced exactly (Wentges)
GAP_TOLERANCE = 1e-6        # the LP value this close above the best bound: the LP is solved
EXACT_SECONDS = 2.0         # per class and round, at most
STALLED_FACTOR = 4.0        # and this many times that when the heuristic finds nothing (a proof is near)
MOST_ITEMS = 6              # connected sets are enumerated for columns of at most this many items
CONNECTED_LIMIT = 400_000   # and at most this many sets
COMPONENT_COLUMNS = 15      # columns added per class and round by the exact pricer


@dataclass
class Generated:
    master: Master
    lp: float | None = None          # the last master LP value (units, without the constant)
    bound: float | None = None       # best proven lower bound (units, without the constant)
    solved: bool = False             # the LP is optimal over all columns (bound == lp)
    # exact pricing found no column of negative reduced cost at ``pi``, ``mu`` themselves:
    # they are optimal duals of the whole master (what reduced-cost fixing needs)
    priced_duals: bool = False
    rounds: int = 0
    exact_rounds: int = 0
    seconds: float = 0.0
    pi: list[float] = field(default_factory=list)
    mu: list[float] = field(default_factory=list)
    sigma: list[float] = field(default_factory=list)   # the cut rows' duals
    penalties: Penalties | None = None                 # what the cuts charge at them
    # where a resumed generation goes on from: the duals of the best bound (the smoothing's
    # centre), the seconds spent by each pricer (their balance), and the connected-set
    # pricers once made (None: there are none for this problem)
    centre: list[float] | None = None
    heuristic_seconds: float = 0.0
    exact_seconds: float = 0.0
    pricers: dict[int, ClassPricer] | None = None
    pricers_made: bool = False
    failed: bool = False   # GLOP could not solve the master (see Master.solve): not resumed
    proof: Proof | None = None   # a proof left unfinished for lack of time


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
             max_rounds: int = 2000, resume: Generated | None = None, connected: bool = True,
             target: float | None = None, duals: bool = False) -> Generated:
    """Column generation from the ``initial`` columns, or where ``resume`` (an earlier
    generation over the same problem, cut short) stopped: its master, best bound,
    smoothing centre and pricers (its fields are updated in place). ``connected``: the
    connected-set pricers may be used (not in a branch: a pair priced together there
    joins sets the enumeration keeps apart, so their values would not be exact).
    ``target``: it stops once the bound reaches it (a branch that holds nothing better).
    ``duals``: the LP is solved only when its own duals price nothing out
    (``priced_duals``, what reduced-cost enumeration needs), not when its value meets a
    bound."""
    t0 = now()
    if resume is None:
        out = Generated(Master(problem))
        star = pricing.star_duals(problem)
        if star is not None:
            # a bound before any pricing, and the smoothing's first centre
            out.bound, out.centre = out.master.lagrangian(star, [0.0] * len(problem.classes)), star
    else:
        out = resume
        out.solved = out.priced_duals = False
    master = out.master
    for k, members in initial:
        master.add(k, members)
    if not out.pricers_made:
        out.pricers = component_pricers(problem, budget.share(0.3)) if connected else None
        out.pricers_made = True
    if out.pricers is not None:
        _generate_exact(problem, master, out.pricers, out, budget, max_rounds, target)
        out.seconds += now() - t0
        return out
    centre = out.centre
    heuristic_seconds, exact_seconds = out.heuristic_seconds, out.exact_seconds
    while out.rounds < max_rounds and not budget.expired():
        out.rounds += 1
        lp = _solved(master, out, budget)
        if lp is None:
            break   # the LP could not be solved again: the bound and columns so far stand
        _keep(out, lp)
        added = 0
        t = now()
        heuristic = budget.share(ROUND_SHARE, ROUND_SECONDS)
        for n, c in enumerate(problem.classes):
            part = heuristic.share(1.0 / (len(problem.classes) - n))
            for _, members in local.columns(problem, c.index, lp.pi, part,
                                            penalties=lp.penalties)[:HEURISTIC_PER_CLASS]:
                if _prices_out(problem, c.index, members, lp) and master.add(c.index, members):
                    added += 1
        heuristic_seconds += now() - t
        # exact rounds when the heuristic finds nothing, and otherwise while they have
        # taken at most EXACT_RATIO times the heuristic rounds' time: each one is a bound
        # (none while artificial columns still cover items: their duals bound nothing)
        if added and (exact_seconds > EXACT_RATIO * heuristic_seconds or lp.uncovered > EPS):
            continue
        if not duals and centre is not None and out.bound is not None and \
                lp.value - out.bound <= GAP_TOLERANCE * max(1.0, abs(lp.value)):
            out.solved = True   # the LP value meets a bound: optimal over all columns
            break
        t = now()
        out.exact_rounds += 1
        found, proven, bound, priced = _exact_round(problem, master, lp, centre, budget, stalled=not added)
        exact_seconds += now() - t
        if bound is not None and (out.bound is None or bound > out.bound):
            out.bound, centre = bound, priced
        if target is not None and out.bound is not None and out.bound >= target:
            break   # nothing below the target here: the caller needs no more
        if proven:
            out.solved = out.priced_duals = True   # no column prices out at the LP's duals: the LP is optimal
            break
        if not added and not found:
            break   # neither pricer finds a column and the exact one could not finish: the bound stands
    out.centre, out.heuristic_seconds, out.exact_seconds = centre, heuristic_seconds, exact_seconds
    out.seconds += now() - t0
    return out


def _exact_round(problem: SessionProblem, master: Master, lp, centre: list[float] | None, budget: Budget,
                 stalled: bool) -> tuple[int, bool, float | None, list[float]]:
    """Price every class exactly: (columns added, whether the LP is proven optimal, the
    Lagrangian bound of the duals priced or None, those duals). With a ``centre`` (the
    duals of the best bound so far) the duals priced are smoothed towards it; when they
    find nothing the LP wants, the LP's own duals are priced."""
    alpha = SMOOTHING if centre is not None else 0.0
    while True:
        duals = lp.pi if alpha == 0.0 else [alpha * a + (1 - alpha) * b for a, b in zip(centre or lp.pi, lp.pi,
                                                                                      strict=True)]
        lowest: list[float] = []
        complete, proven, found = True, alpha == 0.0, 0
        for c in problem.classes:
            if budget.expired():
                complete = proven = False
                break
            part = budget.share(1.0, EXACT_SECONDS * (STALLED_FACTOR if stalled else 1.0))
            # at the LP's own duals only columns beating the cell's dual matter
            floor = max(0.0, -lp.mu[c.index]) if alpha == 0.0 else 0.0
            priced = pricing.exact(problem, c.index, duals, part, floor, lp.penalties)
            if math.isinf(priced.upper):
                complete = False
            if priced.upper > -lp.mu[c.index] + EPS:
                proven = False
            lowest.append(-priced.upper)
            for _, members in (*priced.found, (priced.value, priced.members)):
                if _prices_out(problem, c.index, members, lp) and master.add(c.index, members):
                    found += 1
        bound = master.lagrangian(duals, lowest, lp.sigma) if complete else None
        if found or alpha == 0.0 or not complete:
            return found, proven and complete, bound, list(duals)
        alpha = 0.0


def _solved(master: Master, out: Generated, budget: Budget) -> LpSolution | None:
    """The master's LP optimum, or None when GLOP fails on it (see ``Master.solve``; its
    retries within the budget), which marks the generation failed."""
    try:
        return master.solve(budget.left())
    except MasterFailed:
        out.failed = True
        return None


def _keep(out: Generated, lp: LpSolution) -> None:
    out.lp, out.pi, out.mu, out.sigma, out.penalties = lp.value, lp.pi, lp.mu, lp.sigma, lp.penalties


def _prices_out(problem: SessionProblem, k: int, members: frozenset[int], lp: LpSolution) -> bool:
    """Whether the column has a negative reduced cost at the LP's duals."""
    value = sum(lp.pi[i] for i in members) - problem.column_cost(k, members) - charge(lp.penalties, members)
    return bool(members) and value > -lp.mu[k] + EPS


def _generate_exact(problem: SessionProblem, master: Master, pricers: dict[int, ClassPricer], out: Generated,
                    budget: Budget, max_rounds: int, target: float | None = None) -> None:
    """Every round prices every class exactly: columns, and the Lagrangian bound."""
    while out.rounds < max_rounds and not budget.expired():
        out.rounds += 1
        out.exact_rounds += 1
        lp = _solved(master, out, budget)
        if lp is None:
            return
        _keep(out, lp)
        added, lowest = 0, []
        for c in problem.classes:
            if budget.expired():
                return
            upper, found = pricers[c.index].price(lp.pi, -lp.mu[c.index], columns=COMPONENT_COLUMNS,
                                                  penalties=lp.penalties)
            lowest.append(-upper)
            for _, members in found:
                added += master.add(c.index, members)
        bound = master.lagrangian(lp.pi, lowest, lp.sigma)
        out.bound = bound if out.bound is None else max(out.bound, bound)
        if target is not None and out.bound >= target:
            return   # nothing below the target here: the caller needs no more
        if not added:
            out.solved = True
            # a pricing search cut short may bound a column it did not find
            out.priced_duals = all(-low <= -lp.mu[c.index] + EPS for low, c in zip(lowest, problem.classes,
                                                                                    strict=True))
            return


@dataclass
class Proof:
    """Where a resumed session model goes on with a proof its time cut short."""

    chosen: Chosen                  # the best partition then
    # the reduced-cost enumeration's last stage, cut short (its threshold), or None when
    # the enumeration is done: the proof goes on with branch and price
    threshold: float | None = None


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
    # only columns that really fit; those left unchecked when the checks' time runs out
    # are kept (the choice stays a relaxation; the placement decides for good)
    checks = budget.share(CHECK_SHARE)
    columns = [col for col in columns if checks.expired() or problem.placeable(col[0], col[1])]
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
                      limit: int = 20_000, penalties: Penalties | None = None
                      ) -> tuple[list[tuple[int, frozenset[int]]], float] | None:
    """Every column whose reduced cost (with the duals ``pi``, ``mu`` and the cuts'
    ``penalties``) is below ``gap``,
    or, when there are more than ``limit``, the ``limit`` of least reduced cost: returns
    them with the threshold ``theta <= gap`` below which the list is complete; None when
    time runs out. With an optimal LP, a partition using a column of reduced cost
    ``theta`` or more costs at least the LP value plus ``theta`` (reduced-cost fixing)."""
    kept: list[tuple[float, int, int, frozenset[int]]] = []    # (-reduced cost, order, class, members)
    theta = [gap]
    order = itertools.count()    # ties in the heap: first met first
    for c in problem.classes:
        # every item that fits, useful or not: a solution must cover each of them
        p = {i: pi[i] - f[0] for i, f in c.fits.items()}
        if not p:
            continue
        base = -mu[c.index]     # a column's reduced cost is base - value

        def keep(value: float, members: frozenset[int], k: int = c.index, base: float = base) -> bool:
            # the heap's top is the kept column of greatest reduced cost
            heapq.heappush(kept, (value - base, next(order), k, members))
            if len(kept) > limit:
                theta[0] = min(theta[0], -heapq.heappop(kept)[0])
            return True

        def floor(base: float = base) -> float:
            return base - theta[0]

        if not pricing.Tree(problem, c.index, p, penalties).walk(floor, keep, budget, skip_useless=False):
            return None
    ranked = sorted(((-neg, n, k, members) for neg, n, k, members in kept), key=lambda e: e[:2])
    return [(k, members) for rc, _, k, members in ranked if rc < theta[0] - EPS], theta[0]
