"""Pricing: the column of a class with the most negative reduced cost.

For the duals ``pi`` of the item rows, an item ``i`` in a cell of class ``k`` gains
``p_i = pi_i - cost_ik`` and a pair inside the column its benefit ``w_ij``: the best
column maximises ``sum p_i + sum w_ij`` within the class's slots and minutes (a
quadratic knapsack). ``exact`` solves it by branch and bound (CP-SAT when that cannot
finish) and returns, with its best column, a proven upper bound on the value, which is
what makes the master's Lagrangian bound valid (local.py finds good columns fast, with
no bound). Items that cannot add anything even with all their benefits
(``p_i + sum_j w_ij <= 0``) are left out: removing such an item never lowers a column's
value. Subset-row cuts (cuts.py) take their penalty from a column as its second item of
a cut joins it; a penalty only lowers values, so every bound that leaves it out holds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ...budget import Budget
from .cuts import Penalties
from .problem import SessionProblem

EPS = 1e-6
QUANTUM = 1000      # duals are rounded up to thousandths of a unit for the exact pricer
BRANCH_SHARE = 0.3  # of an exact pricing's time for the branch and bound (CP-SAT has the rest)
CLOCK_EVERY = 2048  # branch-and-bound nodes between looks at the clock


@dataclass
class Priced:
    value: float                     # the best value found, sum p_i + sum w_ij
    members: frozenset[int]
    upper: float                     # proven upper bound on the value (inf when unknown)
    found: tuple[tuple[float, frozenset[int]], ...] = ()   # the columns met on the way (value, members)


def profits(problem: SessionProblem, k: int, pi: list[float]) -> dict[int, float]:
    """p_i of the items that can help a column of class ``k``."""
    fits = problem.classes[k].fits
    out = {}
    for i, (cost, _, _) in fits.items():
        p = pi[i] - cost
        if p + sum(w for j, w in problem.neighbours.get(i, {}).items() if j in fits) > EPS:
            out[i] = p
    return out


def star_duals(problem: SessionProblem) -> list[float] | None:
    """Duals at which no column prices out, from each item alone: ``pi_i`` is the least,
    over the classes it fits, of its placement cost less half its benefits with the
    items it could share a cell with at best (as many of its largest as the cell seats
    besides it). A column's items then gain at most their pairs' benefit inside it (each
    pair counted from both ends), so every reduced cost is non-negative and ``sum pi``
    (with no cell dual) is a Lagrangian bound, known before any pricing: the bound of
    the star relaxation, which keeps each item's best partners for itself. None when
    some item fits no cell."""
    pi: list[float | None] = [None] * len(problem.items)
    nb = problem.neighbours
    for c in problem.classes:
        least = min(f[1] for f in c.fits.values())
        for i, (cost, need, _) in c.fits.items():
            partners = max(0, (c.slots - need) // least)
            ws = sorted((w for j, w in nb.get(i, {}).items() if j in c.fits), reverse=True)[:partners]
            value = cost - 0.5 * sum(ws)
            old = pi[i]
            if old is None or value < old:
                pi[i] = value
    if any(v is None for v in pi):
        return None
    return [float(v) for v in pi if v is not None]


def exact(problem: SessionProblem, k: int, pi: list[float], budget: Budget, floor: float = 0.0,
          penalties: Penalties | None = None) -> Priced:
    """The best column of class ``k`` and a proven upper bound on the value of every
    column: branch and bound within a share of ``budget`` (exact when it finishes), else
    CP-SAT within the rest (its proven bound). The best column either met is returned.
    ``floor`` (at least 0): only columns worth more matter; the bound is then at least
    it (proving no column beats the cell's dual needs no more, and prunes far more).
    ``penalties``: the cuts' (CP-SAT leaves them out: its bound stays valid)."""
    p = profits(problem, k, pi)
    if not p:
        return Priced(0.0, frozenset(), floor)
    found = branch_and_bound(problem, k, p, budget.share(BRANCH_SHARE), floor, penalties)
    if not math.isinf(found.upper):
        return found
    sat = _cp_sat(problem, k, pi, p, budget)
    if penalties is not None:
        sat = Priced(sat.value - penalties.charge(sat.members), sat.members, sat.upper)
    better = sat if sat.value > found.value else found
    return Priced(better.value, better.members, max(floor, sat.upper), found.found)


def branch_and_bound(problem: SessionProblem, k: int, p: dict[int, float], budget: Budget,
                     floor: float = 0.0, penalties: Penalties | None = None) -> Priced:
    """The column of greatest value by a search over the items of ``p`` (see ``Tree``):
    a branch ends when it cannot beat the best column so far, or ``floor``. When
    ``budget`` runs out, the best column so far is returned with an unknown bound
    (infinite); a search that finds nothing above ``floor`` returns it as the bound."""
    best = [floor]
    best_members: list[frozenset[int]] = [frozenset()]
    met: list[tuple[float, frozenset[int]]] = []

    def better(value: float, members: frozenset[int]) -> bool:
        best[0], best_members[0] = value, members
        met.append((value, members))
        return True

    finished = Tree(problem, k, p, penalties).walk(lambda: best[0], better, budget, skip_useless=True)
    value = best[0] if best_members[0] else 0.0
    return Priced(value, best_members[0], best[0] if finished else math.inf, tuple(met))


class Tree:
    """Depth-first search over the items that fit class ``k``, best potential first.

    With ``chosen`` members and room for ``r`` more items, an item ``m`` that may follow
    adds at most ``gain[m] + half[m][r]``: its profit and its benefits with the chosen
    members (exact, kept up to date as members come and go), plus half its ``r - 1``
    largest benefits with the items that may still follow (those from the branch's
    position on: a pair among the followers is counted at both ends). A branch ends when
    its value and the ``r`` largest of those bounds cannot beat the floor. A column's
    value is net of its cuts' ``penalties``, charged as the second item of a cut joins."""

    SUFFIX_LIMIT = 500_000   # half terms kept per start position, at most (else one list for all)

    def __init__(self, problem: SessionProblem, k: int, p: dict[int, float], penalties: Penalties | None = None):
        c = self.cls = problem.classes[k]
        nb = problem.neighbours
        self.least = min(c.fits[i][1] for i in p)
        self.most = most = max(1, c.slots // self.least)
        top = {i: sorted((w for j, w in nb.get(i, {}).items() if j in p), reverse=True)[:max(0, most - 1)]
               for i in p}
        half = {i: _halves(ws, most) for i, ws in top.items()}
        self.items = items = sorted(p, key=lambda i: (-(p[i] + half[i][most]), i))
        position = {i: m for m, i in enumerate(items)}
        self.need = [c.fits[i][1] for i in items]
        self.mins = [c.fits[i][2] for i in items]
        self.links = [[(position[j], w) for j, w in sorted(nb.get(i, {}).items()) if j in position] for i in items]
        # per start position and room left, the half-benefit terms of the items from
        # there on (the bound reads one list per node)
        size = len(items)
        self.by_start: list[list[list[float]]] | None = None
        self.by_room: list[list[float]] = []   # past the limit: one list for all start positions
        if size * size * (most + 1) // 2 <= self.SUFFIX_LIMIT:
            self.by_start = self._suffix_halves(most)
        else:
            self.by_room = [[half[i][r] for i in items] for r in range(most + 1)]
        # the largest need and minutes from each position on: when they fit, every follower does
        self.need_after = [*itertools.accumulate(reversed(self.need), max)][::-1] + [0]
        self.mins_after = [*itertools.accumulate(reversed(self.mins), max)][::-1] + [0]
        self.profit = [p[i] for i in items]
        # per position, the positions it may not share a column with (``apart``), as a bit mask
        apart = problem.conflicts() if problem.apart else {}
        self.conflict = [sum(1 << position[j] for j in apart.get(i, ()) if j in position) for i in items]
        # per position, the cuts holding its item (and the penalty of each cut)
        self.weight = penalties.weight if penalties is not None else ()
        self.cuts = [penalties.by_item.get(i, ()) if penalties is not None else () for i in items]

    def _suffix_halves(self, most: int) -> list[list[list[float]]]:
        """``out[n][r][m - n]``: half the ``r - 1`` largest benefits of the item at position
        ``m >= n`` with the others from position ``n`` on (built from the last position back)."""
        size = len(self.items)
        tops: list[list[float]] = [[] for _ in range(size)]
        halves = [_halves([], most) for _ in range(size)]
        out: list[list[list[float]]] = [[] for _ in range(size)]
        for n in range(size - 1, -1, -1):
            for j, w in self.links[n]:
                if j > n:
                    for a in (n, j):
                        ws = tops[a]
                        if len(ws) < most - 1 or (ws and w > ws[-1]):
                            ws.append(w)
                            ws.sort(reverse=True)
                            del ws[most - 1:]
                            halves[a] = _halves(ws, most)
            out[n] = [[halves[m][r] for m in range(n, size)] for r in range(most + 1)]
        return out

    def walk(self, floor: Callable[[], float], found: Callable[[float, frozenset[int]], bool], budget: Budget,
             skip_useless: bool) -> bool:
        """Every column worth more than ``floor()`` (read as it changes) is passed to
        ``found``, which returns False to stop. ``skip_useless``: leave out items that add
        nothing to any column below (right when only the best column matters). True when
        the search finished."""
        c, items, need, mins, links = self.cls, self.items, self.need, self.mins, self.links
        by_start, by_room, need_after, mins_after = self.by_start, self.by_room, self.need_after, self.mins_after
        least, most, size = self.least, self.most, len(self.items)
        gain = list(self.profit)
        chosen: list[int] = []
        count = [0]
        conflict, mask = self.conflict, [0]
        cuts, weight = self.cuts, self.weight
        hits = [0] * len(weight)    # per cut, its items among the chosen

        def search(n: int, value: float, slots: int, minutes: int) -> bool:
            count[0] += 1
            if count[0] % CLOCK_EVERY == 0 and budget.expired():
                return False
            if chosen and value > floor() + EPS and not found(value, frozenset(items[m] for m in chosen)):
                return False
            room = min((c.slots - slots) // least, most - len(chosen))
            if room <= 0 or n >= size:
                return True
            free, free_minutes = c.slots - slots, c.minutes - minutes
            # half[m - off]: the half-benefit term of the item at position m
            half, off = (by_start[n][room], n) if by_start is not None else (by_room[room], 0)
            if need_after[n] <= free and mins_after[n] <= free_minutes:
                open_: list[int] | range = range(n, size)
                bounds = [g + h for g, h in zip(gain[n:], half if off == n else half[n:], strict=True)]
            else:
                open_ = [m for m in range(n, size) if need[m] <= free and mins[m] <= free_minutes]
                bounds = [gain[m] + half[m - off] for m in open_]
            bounds.sort(reverse=True)
            if value + sum(b for b in bounds[:room] if b > 0) <= floor() + EPS:
                return True
            for m in open_:
                if skip_useless and gain[m] + 2 * half[m - off] <= EPS:
                    continue   # m adds nothing to any column below: the same column without it is as good
                if conflict[m] & mask[0]:
                    continue   # kept apart from a member
                chosen.append(m)
                mask[0] |= 1 << m
                charged = 0.0
                for s in cuts[m]:
                    hits[s] += 1
                    if hits[s] == 2:
                        charged += weight[s]
                for j, w in links[m]:
                    gain[j] += w
                ok = search(m + 1, value + gain[m] - charged, slots + need[m], minutes + mins[m])
                for s in cuts[m]:
                    hits[s] -= 1
                for j, w in links[m]:
                    gain[j] -= w
                mask[0] &= ~(1 << m)
                chosen.pop()
                if not ok:
                    return False
            return True

        return search(0, 0.0, 0, 0)


def _halves(ws: Sequence[float], most: int) -> list[float]:
    """``[0, 0, w1/2, (w1 + w2)/2, ...]``: for ``r`` items in all, half the ``r - 1``
    largest of the benefits ``ws`` (sorted, largest first)."""
    out = [0.0, 0.0]
    for w in ws[:max(0, most - 1)]:
        out.append(out[-1] + 0.5 * w)
    out += [out[-1]] * (most + 1 - len(out))
    return out[:most + 1]


def _cp_sat(problem: SessionProblem, k: int, pi: list[float], p: dict[int, float], budget: Budget) -> Priced:
    """The pricing problem in CP-SAT: ``s_i`` an item in, ``y_ij`` a pair in (at most
    both ends). Its LP is made strong by the cardinality (at most ``most`` items) and by
    an item's pairs counting at most ``most - 1`` and only when it is in: with them the
    proven bound is close to the optimum within a second where the plain model's is
    several times too high."""
    c = problem.classes[k]
    m = cp_model.CpModel()
    s = {i: m.new_bool_var(f"s{i}") for i in sorted(p)}
    least = min(c.fits[i][1] for i in p)
    most = max(1, c.slots // least)
    terms = []
    pairs: dict[int, list] = {i: [] for i in s}
    for i, x in s.items():
        terms.append(math.ceil((pi[i] - c.fits[i][0]) * QUANTUM - 1e-9) * x)
    for i in sorted(s):
        for j, w in sorted(problem.neighbours.get(i, {}).items()):
            if i < j and j in s:
                y = m.new_bool_var(f"y{i},{j}")
                m.add_implication(y, s[i])
                m.add_implication(y, s[j])
                pairs[i].append(y)
                pairs[j].append(y)
                terms.append(w * QUANTUM * y)
    for i, ys in pairs.items():
        if len(ys) > most - 1:
            m.add(sum(ys) <= (most - 1) * s[i])
    for i, j in sorted(problem.apart):
        if i in s and j in s:
            m.add_bool_or([~s[i], ~s[j]])
    m.add(sum(s.values()) <= most)
    m.add(sum(c.fits[i][1] * x for i, x in s.items()) <= c.slots)
    m.add(sum(c.fits[i][2] * x for i, x in s.items()) <= c.minutes)
    m.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2   # one worker: the LP must be in the search for a bound
    solver.parameters.max_time_in_seconds = budget.seconds(0.05) or 10.0
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Priced(0.0, frozenset(), math.inf)
    members = frozenset(i for i, x in s.items() if solver.boolean_value(x))
    value = sum(p[i] for i in members) + problem.pair_benefit(members)
    upper = solver.best_objective_bound / QUANTUM
    return Priced(value, members, max(0.0, upper))
