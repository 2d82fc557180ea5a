"""Sessions to cells first: a small model with the session as the unit, for a start.

The talk-level model that keeps each column whole (assign.py) decides everything
exactly, but on a programme of a few hundred talks its first schedules are far from what
the columns cost. Here each chosen column goes to one cell it fits (its placement costs
there are exact, those of its class's cell); a speaker's columns never run at the same
time, cell against cell (stricter than talk against talk); and each subject area's
columns running at once beyond the first are charged as ``topic_clash`` charges its
talks, counted at the slot start times the cells cover; two columns with related talks
side by side pay a share of their ``topic_parallel``. That model has one boolean per
(column, cell) and solves in a moment; its cells, with the talks of each column ordered
into the cell's slots, are the talk-level model's hint. Anything it leaves out or
approximates (people other than speakers, rows, track rules, the talks' own times) the
talk-level search then repairs and prices exactly.
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from ortools.sat.python import cp_model

from ...budget import Budget, now
from ...model import Placement
from ...similarity import clash_clusters, parallel_pairs
from ..build import Build
from ..families import Family
from ..matching import least_cost_assignment
from .problem import SessionKey, SessionProblem

SEARCH_SECONDS = 10.0   # at most, for the session-level model
APART_SECONDS = 0.25    # at least, for moving a speaker's sessions apart in the fallback
SHARES = 12             # a column's talks counted in twelfths (its share of a subject area)
PLACE_LIMIT = 100_000       # (column, cell) pairs at most: beyond, the talk-level model starts alone
PARALLEL_LIMIT = 200_000    # (column pair, time) tests of topic_parallel at most


class Start(NamedTuple):
    placements: dict[str, Placement]
    apart: bool     # no speaker in two of its sessions at once (else a hint only)


def fitting_cells(problem: SessionProblem, k: int, members: frozenset[int]) -> list[SessionKey]:
    """The cells a column of class ``k`` may take: those of its class, and of every other
    class it really fits (sessions may trade places)."""
    return [cell for c in problem.classes
            if c.index == k or (problem.fits(c.index, members) and problem.placeable(c.index, members))
            for cell in c.cells]


def place_sessions(problem: SessionProblem, b: Build, places: dict[str, list[Placement]], families: list[Family],
                   columns: list[tuple[int, frozenset[int]]], budget: Budget, workers: int = 1,
                   seed: int = 0) -> Start | None:
    """A schedule keeping ``columns`` whole (each talk at a place it may take): the
    session-level model's best within ``budget`` (its speakers apart), else the
    least-cost assignment of columns to cells, speakers apart where exchanges could do
    it (``apart`` says whether they all are: if not, it is a hint only); None when
    neither exists or a column's talks cannot be ordered into the cell it got."""
    inst = problem.instance
    cells_of = [fitting_cells(problem, k, members) for k, members in columns]
    if sum(len(c) for c in cells_of) > PLACE_LIMIT:
        return None
    spans = _cell_spans(problem)
    times = sorted({inst.absolute(s.day, s.start) for s in inst.slots})
    m = cp_model.CpModel()
    x: dict[tuple[int, SessionKey], cp_model.IntVar] = {}
    by_cell: dict[SessionKey, list] = {}
    cost = []
    # per column and time: the literals of the cells it may take that run then
    running: list[dict[int, list]] = []
    units = [cell_costs(problem, members, cells) for (_, members), cells in zip(columns, cells_of, strict=True)]
    matched = _matched(units)
    for n, _ in enumerate(columns):
        at: dict[int, list] = {}
        lits = []
        for cell in cells_of[n]:
            v = m.new_bool_var(f"x[{n},{cell}]")
            m.add_hint(v, cell == matched.get(n))
            x[(n, cell)] = v
            lits.append(v)
            by_cell.setdefault(cell, []).append(v)
            cost.append(SHARES * units[n][cell] * v)
            begin, end = spans[cell]
            for j in range(bisect_left(times, begin), bisect_left(times, end)):
                at.setdefault(times[j], []).append(v)
        if not lits:
            return None
        m.add_exactly_one(lits)
        running.append(at)
    for cell in sorted(by_cell, key=lambda c: (c[0], c[1], c[2])):
        if len(by_cell[cell]) > 1:
            m.add_at_most_one(by_cell[cell])
    talks_of = [[t for i in sorted(members) for t in problem.items[i].talks] for _, members in columns]
    column_of = {t: n for n, talks in enumerate(talks_of) for t in talks}
    # a speaker's columns (two or more) never run at the same time
    of_speaker: dict[str, set[int]] = {}
    for talk in inst.talks:
        if talk.id in column_of:
            for s in talk.speakers:
                of_speaker.setdefault(s, set()).add(column_of[talk.id])
    for s in sorted(of_speaker):
        cols = sorted(of_speaker[s])
        if len(cols) > 1:
            for lits, _ in _distinct([[v for n in cols for v in running[n].get(t, [])] for t in times]):
                m.add_at_most_one(lits)
    clash = b.coefficient(inst.weights["topic_clash"]) if len(inst.rooms) > 1 else 0
    if clash:
        # a column running at a time runs one of its talks: a subject area's share of it
        # (in SHARES) is what it adds to the area's talks running then
        for cluster in clash_clusters(inst):
            count: dict[int, int] = {}
            for talk_id in cluster:
                if talk_id in column_of:
                    count[column_of[talk_id]] = count.get(column_of[talk_id], 0) + 1
            share = {n: round(SHARES * c / len(talks_of[n])) for n, c in sorted(count.items())}
            if len(share) < 2:
                continue
            weight = {x[(n, cell)].index: share[n] for n in share for cell in cells_of[n]}
            # charged at every time, as topic_clash charges the talks (a set of cells that
            # runs at several times counts that many times)
            for lits, repeats in _distinct([[v for n in share for v in running[n].get(t, [])] for t in times]):
                most = sum(weight[v.index] for v in lits)
                if most > SHARES:
                    excess = m.new_int_var(0, most - SHARES, "")
                    m.add(excess >= sum(weight[v.index] * v for v in lits) - SHARES)
                    cost.append(clash * repeats * excess)
    if len(inst.rooms) > 1 and inst.weights["topic_parallel"]:
        cost += _parallel(m, b, inst, columns, column_of, talks_of, running, times)
    m.minimize(sum(cost))
    cell_of, apart = matched, False
    if not budget.expired():   # building may take the time (a large programme on a loaded machine)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        solver.parameters.catch_sigint_signal = False
        solver.parameters.max_time_in_seconds = min(SEARCH_SECONDS, budget.seconds(0.1) or SEARCH_SECONDS)
        if solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cell_of, apart = {n: cell for (n, cell), v in x.items() if solver.value(v)}, True
    if not apart:
        # else the least-cost assignment, its speakers' clashes repaired where cells can
        # be exchanged (the callers' checks judge what is left)
        cell_of, apart = _apart(cell_of, cells_of, units, spans, [
            frozenset(s for t in talks for s in inst.talk_by_id[t].speakers) for talks in talks_of], budget)
    if len(cell_of) < len(columns):
        return None
    out: dict[str, Placement] = {}
    for n in range(len(columns)):
        ordered = order_in_cell(problem, b, places, families, columns[n][1], cell_of[n])
        if ordered is None:
            return None
        out.update(ordered)
    return Start(out, apart)


def _parallel(m: cp_model.CpModel, b: Build, inst, columns, column_of: dict[str, int], talks_of: list[list[str]],
              running: list[dict[int, list]], times: list[int]) -> list:
    """``topic_parallel`` between two columns whose cells run at once: their related
    pairs' units, times the share of them a run side by side overlaps (one in the larger
    column's size, as two aligned sessions overlap talk for talk)."""
    units: dict[tuple[int, int], int] = {}
    for pair in parallel_pairs(inst):
        n1, n2 = column_of.get(pair.a), column_of.get(pair.b)
        if n1 is None or n2 is None or n1 == n2:
            continue
        key = (min(n1, n2), max(n1, n2))
        units[key] = units.get(key, 0) + b.coefficient(inst.weights["topic_parallel"], Fraction(pair.strength, 100))
    runs: dict[tuple[int, int], cp_model.IntVar] = {}

    def run(n: int, t: int) -> cp_model.IntVar:
        """1 when column ``n`` runs at ``t`` (its cell covers it)."""
        if (n, t) not in runs:
            runs[(n, t)] = r = m.new_bool_var("")
            m.add(r == sum(running[n][t]))
        return runs[(n, t)]

    cost = []
    tests_left = PARALLEL_LIMIT
    for (n1, n2), w in sorted(units.items()):
        share = round(SHARES * w / max(len(talks_of[n1]), len(talks_of[n2])))
        both = [t for t in times if t in running[n1] and t in running[n2]]
        tests_left -= len(both)
        if not share or not both:
            continue
        if tests_left < 0:
            break   # too many: the talk-level model prices the rest
        side = m.new_bool_var("")
        seen: set[tuple[frozenset[int], frozenset[int]]] = set()
        for t in both:
            cells = (frozenset(v.index for v in running[n1][t]), frozenset(v.index for v in running[n2][t]))
            if cells not in seen:
                seen.add(cells)
                m.add(side >= run(n1, t) + run(n2, t) - 1)
        cost.append(share * side)
    return cost


def _apart(cell_of: dict[int, SessionKey], cells_of: list[list[SessionKey]], units: list[dict[SessionKey, int]],
           spans: dict[SessionKey, tuple[int, int]], speakers: list[frozenset[str]],
           budget: Budget) -> tuple[dict[int, SessionKey], bool]:
    """``cell_of`` with columns that share a speaker and run at once moved apart: each
    step takes a clashing column to a free cell it fits, or exchanges cells with another
    column (each fitting the other's cell), whichever leaves fewest clashes at least
    cost; it stops when no step lowers the clashes (or the time is up). Also whether
    none is left."""
    if len(cell_of) < len(cells_of):
        return cell_of, False
    cell_of = dict(cell_of)
    n_cols = len(cells_of)
    by_speaker: dict[str, list[int]] = {}
    for n in range(n_cols):
        for s in sorted(speakers[n]):
            by_speaker.setdefault(s, []).append(n)
    partners = [sorted({o for s in speakers[n] for o in by_speaker[s] if o != n}) for n in range(n_cols)]

    def clashes(n: int, cell: SessionKey) -> int:
        begin, end = spans[cell]
        return sum(1 for o in partners[n] if spans[cell_of[o]][0] < end and begin < spans[cell_of[o]][1])

    # a quarter of a second at least (the steps are cheap): building may have spent the budget
    until = max(now() + APART_SECONDS, budget.deadline or 0.0) if budget.deadline is not None else None
    for _ in range(2 * n_cols):
        if until is not None and now() > until:
            break
        bad = [n for n in range(n_cols) if clashes(n, cell_of[n])]
        if not bad:
            return cell_of, True
        used = {cell: n for n, cell in cell_of.items()}
        best: tuple[int, int, int, SessionKey, int] | None = None   # (clashes gained, cost, n, cell, other)
        for n in bad:
            now_n = clashes(n, cell_of[n])
            for cell in cells_of[n]:
                o = used.get(cell, -1)
                if o == n or (o >= 0 and cell_of[n] not in units[o]):
                    continue
                before = now_n + (clashes(o, cell) if o >= 0 else 0)
                mine, theirs = cell_of[n], cell
                cell_of[n] = theirs
                if o >= 0:
                    cell_of[o] = mine
                after = clashes(n, theirs) + (clashes(o, mine) if o >= 0 else 0)
                cell_of[n] = mine
                if o >= 0:
                    cell_of[o] = theirs
                cost = units[n][theirs] - units[n][mine] + (units[o][mine] - units[o][theirs] if o >= 0 else 0)
                step = (after - before, cost, n, cell, o)
                if after < before and (best is None or step[:2] < best[:2]):
                    best = step
        if best is None:
            break
        _, _, n, cell, o = best
        if o >= 0:
            cell_of[o] = cell_of[n]
        cell_of[n] = cell
    return cell_of, not any(clashes(n, cell_of[n]) for n in range(n_cols))


def _matched(units: list[dict[SessionKey, int]]) -> dict[int, SessionKey]:
    """The start: columns to cells at least cost (an assignment, speakers and subject areas
    aside), or nothing when no assignment gives every column a cell it fits."""
    cells = sorted({cell for u in units for cell in u}, key=lambda c: (c[0], c[1], c[2]))
    if len(cells) < len(units):
        return {}
    where = {cell: j for j, cell in enumerate(cells)}
    missing = 1 + sum(abs(v) for u in units for v in u.values())
    cost = np.full((len(units), len(cells)), float(missing))
    for n, u in enumerate(units):
        for cell, v in u.items():
            cost[n, where[cell]] = v
    pairs = least_cost_assignment(cost)
    if len(pairs) < len(units) or any(cost[r, c] >= missing for r, c in pairs):
        return {}
    return {r: cells[c] for r, c in pairs}


def _distinct(groups: list[list]) -> list[tuple[list, int]]:
    """The groups of two literals or more, each set once with how many times it came
    (cells that run at several of the times alike give one constraint, not one per time)."""
    count: dict[frozenset[int], int] = {}
    first: dict[frozenset[int], list] = {}
    for lits in groups:
        key = frozenset(v.index for v in lits)
        if len(key) > 1:
            count[key] = count.get(key, 0) + 1
            first.setdefault(key, lits)
    return [(lits, count[key]) for key, lits in first.items()]


def cell_costs(problem: SessionProblem, members: frozenset[int], cells: list[SessionKey]) -> dict[SessionKey, int]:
    """The column's cost in each of ``cells`` (computed once per class)."""
    per_class: dict[int, int] = {}
    out = {}
    for cell in cells:
        k = problem.class_of_cell[cell]
        if k not in per_class:
            per_class[k] = problem.column_cost(k, members)
        out[cell] = per_class[k]
    return out


def _cell_spans(problem: SessionProblem) -> dict[SessionKey, tuple[int, int]]:
    """Each cell's time (absolute minutes): its room's first open slot to the end of its last."""
    inst = problem.instance
    out = {}
    for c in problem.classes:
        for cell in c.cells:
            open_ = [inst.slots[j] for j in problem.cell_slots[cell]]
            out[cell] = (inst.absolute(cell[0], min(s.start for s in open_)),
                         inst.absolute(cell[0], max(s.end for s in open_)))
    return out


def order_in_cell(problem: SessionProblem, b: Build, places: dict[str, list[Placement]], families: list[Family],
                  members: frozenset[int], cell: SessionKey) -> dict[str, Placement] | None:
    """The column's talks at places in ``cell``, no two sharing a slot and a joint group's
    parts back to back in order (backtracking: items with fewest places first, each talk's
    cheapest places first)."""
    inst = problem.instance
    order = {j: n for n, j in enumerate(problem.cell_slots[cell])}
    units: list[tuple[tuple[str, ...], list[list[Placement]], bool]] = []
    for i in sorted(members):
        item = problem.items[i]
        options = []
        for t in item.talks:
            pricers = b.pricers(families, inst.talk_by_id[t])
            here = [(b.placement_units(pricers, p), p.start, p) for p in places[t] if p.session_key == cell]
            options.append([p for _, _, p in sorted(here, key=lambda e: (e[0], e[1]))])
        units.append((item.talks, options, item.joint and len(item.talks) > 1))
    units.sort(key=lambda u: sum(len(o) for o in u[1]))
    chosen: dict[str, Placement] = {}
    steps = [0]

    def fill(n: int, used: frozenset[int]) -> bool:
        if n == len(units):
            return True
        talks, options, joint = units[n]
        return part(n, 0, talks, options, joint, used, None)

    def part(n: int, j: int, talks, options, joint: bool, used: frozenset[int], last: int | None) -> bool:
        if j == len(talks):
            return fill(n + 1, used)
        steps[0] += 1
        if steps[0] > 20_000:
            return False
        for p in options[j]:
            pos = [order[s] for s in p.slots]
            if joint and last is not None and pos[0] != last + 1:
                continue
            if used.isdisjoint(p.slots):
                chosen[talks[j]] = p
                if part(n, j + 1, talks, options, joint, used | frozenset(p.slots), pos[-1]):
                    return True
                del chosen[talks[j]]
        return False

    return dict(chosen) if fill(0, frozenset()) else None
