"""Pricing: the column of a class with the most negative reduced cost.

For the duals ``pi`` of the item rows, an item ``i`` in a cell of class ``k`` gains
``p_i = pi_i - cost_ik`` and a pair inside the column its benefit ``w_ij``: the best
column maximises ``sum p_i + sum w_ij`` within the class's slots and minutes (a
quadratic knapsack). ``greedy`` grows columns from promising seeds, fast; ``exact``
solves the problem with CP-SAT and returns, with its best column, a proven upper bound
on the value, which is what makes the master's Lagrangian bound valid. Items that
cannot add anything even with all their benefits (``p_i + sum_j w_ij <= 0``) are left
out of both: removing such an item never lowers a column's value.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ...budget import Budget
from .problem import SessionProblem

EPS = 1e-6
QUANTUM = 1000      # duals are rounded up to thousandths of a unit for the exact pricer


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


def greedy(problem: SessionProblem, k: int, pi: list[float], seeds: int = 20) -> list[tuple[float, frozenset[int]]]:
    """Columns grown from the best seeds: each adds the item of greatest gain that fits."""
    c = problem.classes[k]
    p = profits(problem, k, pi)
    if not p:
        return []
    nb = problem.neighbours
    potential = {i: p[i] + sum(w for j, w in nb.get(i, {}).items() if j in p) for i in p}
    order = sorted(p, key=lambda i: (-potential[i], i))
    positive = [i for i in sorted(p, key=lambda i: (-p[i], i)) if p[i] > EPS][:40]
    out, seen = [], set()
    for seed in order[:seeds]:
        members = {seed}
        slots, minutes = c.fits[seed][1], c.fits[seed][2]
        if slots > c.slots or minutes > c.minutes:
            continue
        value = p[seed]
        gain = {j: p[j] + w for j, w in nb.get(seed, {}).items() if j in p}
        for j in positive:
            gain.setdefault(j, p[j])
        gain.pop(seed, None)
        while gain:
            best = max(gain, key=lambda j: (gain[j], -j))
            if gain[best] <= EPS:
                break
            f = c.fits[best]
            if slots + f[1] > c.slots or minutes + f[2] > c.minutes:
                del gain[best]
                continue
            members.add(best)
            value += gain.pop(best)
            slots, minutes = slots + f[1], minutes + f[2]
            for j, w in nb.get(best, {}).items():
                if j in p and j not in members:
                    gain[j] = gain.get(j, p[j]) + w
        key = frozenset(members)
        if key not in seen:
            seen.add(key)
            out.append((value, key))
    out.sort(key=lambda vm: -vm[0])
    return out


def exact(problem: SessionProblem, k: int, pi: list[float], budget: Budget, nodes: int = 50_000,
          wanted: float = math.inf) -> Priced:
    """The best column of class ``k`` and a proven upper bound on the value of every
    column: branch and bound within ``nodes`` (exact when it finishes), else CP-SAT
    within ``budget`` (its proven bound). The best column either met is returned; a
    column worth more than ``wanted`` found by the branch and bound is returned at once
    (with an unknown bound)."""
    p = profits(problem, k, pi)
    if not p:
        return Priced(0.0, frozenset(), 0.0)
    found = branch_and_bound(problem, k, p, nodes)
    if not math.isinf(found.upper) or found.value > wanted + EPS:
        return found
    sat = _cp_sat(problem, k, pi, p, budget)
    better = sat if sat.value > found.value else found
    return Priced(better.value, better.members, sat.upper)


def branch_and_bound(problem: SessionProblem, k: int, p: dict[int, float], nodes: int) -> Priced:
    """Depth-first search over the items that fit class ``k``, best potential first.

    With ``chosen`` members and room for ``r`` more items, an item ``m`` that may follow
    adds at most ``gain[m] + half[m][r]``: its profit and its benefits with the chosen
    members (exact, kept up to date as members come and go), plus half its ``r - 1``
    largest benefits with anything else (a pair among the followers is counted at both
    ends). A branch ends when its value and the ``r`` largest of those bounds cannot
    beat the best column. After ``nodes`` nodes the best column so far is returned,
    with an unknown bound (infinite)."""
    c = problem.classes[k]
    nb = problem.neighbours
    least = min(c.fits[i][1] for i in p)
    most = max(1, c.slots // least)
    top = {i: sorted((w for j, w in nb.get(i, {}).items() if j in p), reverse=True)[:max(0, most - 1)] for i in p}
    half = {i: [0.0] + [0.5 * sum(ws[:n - 1]) for n in range(1, most + 1)] for i, ws in top.items()}
    items = sorted(p, key=lambda i: (-(p[i] + half[i][most]), i))
    position = {i: m for m, i in enumerate(items)}
    need = [c.fits[i][1] for i in items]
    mins = [c.fits[i][2] for i in items]
    halves = [half[i] for i in items]
    links = [[(position[j], w) for j, w in sorted(nb.get(i, {}).items()) if j in position] for i in items]
    gain = [p[i] for i in items]
    best_value = 0.0
    best_members: tuple[int, ...] = ()
    count = 0
    chosen: list[int] = []
    met: list[tuple[float, frozenset[int]]] = []

    def search(n: int, value: float, slots: int, minutes: int) -> bool:
        nonlocal best_value, best_members, count
        count += 1
        if count > nodes:
            return False
        if value > best_value + EPS:
            best_value, best_members = value, tuple(items[m] for m in chosen)
            met.append((value, frozenset(best_members)))
        room = min((c.slots - slots) // least, most - len(chosen))
        if room <= 0:
            return True
        free, free_minutes = c.slots - slots, c.minutes - minutes
        open_ = [m for m in range(n, len(items)) if need[m] <= free and mins[m] <= free_minutes]
        if value + sum(b for b in heapq.nlargest(room, [gain[m] + halves[m][room] for m in open_]) if b > 0) \
                <= best_value + EPS:
            return True
        for m in open_:
            if gain[m] + 2 * halves[m][room] <= EPS:
                continue   # m adds nothing to any column below: the same column without it is as good
            chosen.append(m)
            for j, w in links[m]:
                gain[j] += w
            ok = search(m + 1, value + gain[m], slots + need[m], minutes + mins[m])
            for j, w in links[m]:
                gain[j] -= w
            chosen.pop()
            if not ok:
                return False
        return True

    finished = search(0, 0.0, 0, 0)
    return Priced(best_value, frozenset(best_members), best_value if finished else math.inf, tuple(met))


def _cp_sat(problem: SessionProblem, k: int, pi: list[float], p: dict[int, float], budget: Budget) -> Priced:
    c = problem.classes[k]
    m = cp_model.CpModel()
    s = {i: m.new_bool_var(f"s{i}") for i in sorted(p)}
    terms = []
    for i, x in s.items():
        terms.append(math.ceil((pi[i] - c.fits[i][0]) * QUANTUM - 1e-9) * x)
    for i in sorted(s):
        for j, w in problem.neighbours.get(i, {}).items():
            if i < j and j in s:
                y = m.new_bool_var(f"y{i},{j}")
                m.add_implication(y, s[i])
                m.add_implication(y, s[j])
                terms.append(w * QUANTUM * y)
    m.add(sum(c.fits[i][1] * x for i, x in s.items()) <= c.slots)
    m.add(sum(c.fits[i][2] * x for i, x in s.items()) <= c.minutes)
    m.maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = budget.seconds(0.05) or 10.0
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Priced(0.0, frozenset(), math.inf)
    members = frozenset(i for i, x in s.items() if solver.boolean_value(x))
    value = sum(p[i] for i in members) + problem.pair_benefit(members)
    upper = solver.best_objective_bound / QUANTUM
    return Priced(value, members, max(0.0, upper))
