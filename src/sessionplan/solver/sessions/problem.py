"""The session-level view of a conference: cells to fill, items to put in them, pair benefits.

A *cell* is a session in the committee's sense (one room's run of slots in one session
block of one day). An *item* is what moves as one: a talk, or the talks that must share
a session (a joint group, hard ``same_session`` rows). A *column* is a cell with the set
of items that fill it. Grouping related talks is then a set partitioning problem:

    minimise  W - (benefit of the pairs inside columns) + (placement costs of the items)

where ``W`` is the benefit of every pair: a related pair's ``topic_cohesion`` and a soft
``same_session`` row's weight are paid exactly when the pair is split. Everything is in
the solver's integer objective units (``Build.scale``).

Cells of one *class* (the same capacity and the same allowed items at the same costs)
are interchangeable for this objective, so the master problem holds one row per class.
What a cell can hold is relaxed to two capacities, its slots and its minutes; whether
the items of a column really fit in order is left to the placement (assign.py): so the
master is a relaxation and its bound is valid.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ...model import Instance, PairRow, Placement
from ...similarity import related_pairs
from ..build import Build
from ..families import Family

SessionKey = tuple


@dataclass(frozen=True)
class Item:
    index: int
    talks: tuple[str, ...]
    joint: bool = False     # the talks are a joint group: back to back, in this order


def _item_options(spots: list[frozenset[tuple[int, ...]]], joint: bool) -> list[frozenset[int]]:
    """The slot positions an item can cover: one place per talk, disjoint (and, for a
    joint group, each part starting where the previous one ends)."""
    out: list[frozenset[int]] = []

    def grow(n: int, used: frozenset[int], last: int | None) -> None:
        if len(out) > 2000:
            return
        if n == len(spots):
            out.append(used)
            return
        for spot in sorted(spots[n]):
            if joint and last is not None and spot[0] != last + 1:
                continue
            if used.isdisjoint(spot):
                grow(n + 1, used | frozenset(spot), spot[-1])

    grow(0, frozenset(), None)
    return out


PLACE_NODES = 300       # backtracking steps before a placement question goes to CP-SAT
PLACE_SECONDS = 0.5     # and its time there at most


class _TooHard(Exception):
    pass


def _disjoint_choice(options: list[list[frozenset[int]]]) -> bool:
    """Whether one option per entry can be chosen with no two sharing a position:
    backtracking (failed states remembered) for the usual easy cases; a small CP-SAT
    model when that takes more than PLACE_NODES steps (a cell of many slots whose
    talks cannot all fit searches every order before failing)."""
    if all(len(o) == 1 for opts in options for o in opts):
        return _matching(options)
    failed: set[tuple[int, frozenset[int]]] = set()
    steps = [0]

    def place(n: int, used: frozenset[int]) -> bool:
        if n == len(options):
            return True
        if (n, used) in failed:
            return False
        steps[0] += 1
        if steps[0] > PLACE_NODES:
            raise _TooHard
        for o in options[n]:
            if used.isdisjoint(o) and place(n + 1, used | o):
                return True
        failed.add((n, used))
        return False

    try:
        return place(0, frozenset())
    except _TooHard:
        pass
    m = cp_model.CpModel()
    by_position: dict[int, list] = defaultdict(list)
    for n, opts in enumerate(options):
        xs = [m.new_bool_var(f"o{n},{j}") for j in range(len(opts))]
        m.add_exactly_one(xs)
        for x, o in zip(xs, opts, strict=True):
            for pos in sorted(o):
                by_position[pos].append(x)
    for pos in sorted(by_position):
        if len(by_position[pos]) > 1:
            m.add_at_most_one(by_position[pos])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False
    solver.parameters.max_time_in_seconds = PLACE_SECONDS
    # undecided counts as placeable: the bound stays valid (a superset of columns), and
    # the placement model decides for good
    return solver.solve(m) != cp_model.INFEASIBLE


def _matching(options: list[list[frozenset[int]]]) -> bool:
    """One position each (every option a single slot): a bipartite matching that covers
    every entry, by augmenting paths."""
    owner: dict[int, int] = {}

    def augment(n: int, seen: set[int]) -> bool:
        for o in options[n]:
            (pos,) = o
            if pos in seen:
                continue
            seen.add(pos)
            if pos not in owner or augment(owner[pos], seen):
                owner[pos] = n
                return True
        return False

    return all(augment(n, set()) for n in range(len(options)))


@dataclass
class CellClass:
    """Interchangeable cells: each holds at most ``slots`` slots and ``minutes`` minutes."""

    index: int
    cells: list[SessionKey]
    slots: int
    minutes: int
    # item index -> (placement cost units, slots it takes, minutes it takes)
    fits: dict[int, tuple[int, int, int]]
    # item -> per talk of the item, the slot positions (inside a cell) it can take
    spots: dict[int, list[frozenset[tuple[int, ...]]]] = field(default_factory=dict)
    block_of: dict[SessionKey, tuple] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.cells)


@dataclass
class SessionProblem:
    instance: Instance
    scale: int
    items: list[Item]
    item_of: dict[str, int]
    classes: list[CellClass]
    # (item a, item b) with a < b -> benefit units when in one column
    benefit: dict[tuple[int, int], int]
    total_benefit: int      # W: every pair's benefit (those inside one item included)
    inside_benefit: int     # the benefit of pairs inside one item (always together)
    neighbours: dict[int, dict[int, int]]
    class_of_cell: dict[SessionKey, int]
    # cell -> the slots open in its room, in order (the positions ``spots`` count in)
    cell_slots: dict[SessionKey, tuple[int, ...]] = field(default_factory=dict)
    # a branch of the search (branching.py): pairs of items no column may hold together,
    # the problem it branched from and, per item, the items there it stands for
    apart: frozenset[tuple[int, int]] = frozenset()
    origin: tuple[tuple[int, ...], ...] | None = None
    parent: SessionProblem | None = None
    _group_of: dict[int, int] | None = None
    _placeable: dict = field(default_factory=dict)
    _dense: Any = None      # the benefit matrix, built once (local.dense)

    def column_cost(self, k: int, members: frozenset[int]) -> int:
        """Units of a column of class ``k``: its items' placement costs minus the benefit inside."""
        fits = self.classes[k].fits
        cost = sum(fits[i][0] for i in members)
        return cost - self.pair_benefit(members)

    def pair_benefit(self, members: frozenset[int] | set[int]) -> int:
        out = 0
        for i in members:
            for j, w in self.neighbours.get(i, {}).items():
                if i < j and j in members:
                    out += w
        return out

    def fits(self, k: int, members) -> bool:
        c = self.classes[k]
        if any(i not in c.fits for i in members):
            return False
        if not self.fits_apart(members):
            return False
        return (sum(c.fits[i][1] for i in members) <= c.slots
                and sum(c.fits[i][2] for i in members) <= c.minutes)

    def placeable(self, k: int, members: frozenset[int]) -> bool:
        """Whether the items really fit a cell of class ``k``: each talk at one of its
        places, none sharing a slot, a joint group's parts back to back in order."""
        if self.parent is not None:
            return self.parent.placeable(k, self.expand(members))
        key = (k, members)
        known = self._placeable.get(key)
        if known is not None:
            return known
        c = self.classes[k]
        options = []
        for i in members:
            opts = _item_options(c.spots[i], joint=len(self.items[i].talks) > 1 and self.items[i].joint)
            if not opts:
                self._placeable[key] = False
                return False
            options.append(opts)
        options.sort(key=len)
        self._placeable[key] = out = _disjoint_choice(options)
        return out

    def conflicts(self) -> dict[int, set[int]]:
        """The ``apart`` pairs as each item's set of items it may not share a column with."""
        out: dict[int, set[int]] = defaultdict(set)
        for i, j in sorted(self.apart):
            out[i].add(j)
            out[j].add(i)
        return out

    def branched(self, together: tuple[tuple[int, int], ...],
                 apart: tuple[tuple[int, int], ...]) -> SessionProblem | None:
        """The problem of a branch (Ryan-Foster): the pairs ``together`` in one column,
        the pairs ``apart`` never in one. Items kept together become one item (its cost
        their costs less the benefit among them, its slots and minutes theirs); ``apart``
        is a rule of the columns (``fits``). A column of the branch is one of this
        problem at the same cost (``expand`` gives its items here), so every bound of
        this problem bounds the branch. None when a pair kept apart is also together."""
        n_items = len(self.items)
        # the items kept together, transitively: the components of the graph of those pairs
        # (numbered by their least item, each item's own component when it has no pair)
        edges = np.array(together, dtype=np.int64).reshape(-1, 2)
        graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n_items, n_items))
        _, label = connected_components(graph, directed=False)
        groups: dict[int, list[int]] = {}
        for i in range(n_items):
            groups.setdefault(int(label[i]), []).append(i)
        origin = [tuple(g) for _, g in sorted(groups.items())]
        group_of = {i: n for n, g in enumerate(origin) for i in g}
        pairs = {(min(group_of[i], group_of[j]), max(group_of[i], group_of[j])) for i, j in (*self.apart, *apart)}
        if any(a == b for a, b in pairs):
            return None
        inside = [self.pair_benefit(set(g)) for g in origin]
        classes = []
        for c in self.classes:
            fits = {}
            for n, g in enumerate(origin):
                if all(i in c.fits for i in g):
                    fits[n] = (sum(c.fits[i][0] for i in g) - inside[n], sum(c.fits[i][1] for i in g),
                               sum(c.fits[i][2] for i in g))
            classes.append(CellClass(c.index, c.cells, c.slots, c.minutes, fits, {}, c.block_of))
        benefit: dict[tuple[int, int], int] = defaultdict(int)
        for (i, j), w in self.benefit.items():
            a, b = group_of[i], group_of[j]
            if a != b:
                benefit[(min(a, b), max(a, b))] += w
        neighbours: dict[int, dict[int, int]] = defaultdict(dict)
        for (a, b), w in benefit.items():
            neighbours[a][b] = w
            neighbours[b][a] = w
        items = [Item(n, tuple(t for i in g for t in self.items[i].talks)) for n, g in enumerate(origin)]
        item_of = {t: n for n, it in enumerate(items) for t in it.talks}
        return SessionProblem(self.instance, self.scale, items, item_of, classes, dict(benefit), self.total_benefit,
                              self.inside_benefit, dict(neighbours), self.class_of_cell, self.cell_slots,
                              apart=frozenset(pairs), origin=tuple(origin), parent=self, _group_of=group_of)

    def expand(self, members: frozenset[int]) -> frozenset[int]:
        """A column's items in the problem this one branched from (the same when it is a root)."""
        if self.origin is None:
            return members
        return frozenset(i for g in members for i in self.origin[g])

    def contract(self, members: frozenset[int]) -> frozenset[int] | None:
        """A column of the problem this one branched from in its items, or None when it
        splits items kept together (or holds a pair kept apart)."""
        if self.origin is None:
            return members
        assert self._group_of is not None
        kept = frozenset(self._group_of[i] for i in members)
        return kept if self.expand(kept) == members and self.fits_apart(kept) else None

    def fits_apart(self, members) -> bool:
        return not self.apart or not any((i, j) in self.apart for i in members for j in members if i < j)

    def granularity(self) -> int:
        """What every partition's cost is a multiple of (units): the gcd of the constant,
        the benefits and the placement costs. A bound rounds up to it."""
        values = [self.constant(), *self.benefit.values(), *(f[0] for c in self.classes for f in c.fits.values())]
        return max(1, math.gcd(*(int(v) for v in values)))

    def constant(self) -> int:
        """What every schedule pays of ``W`` whatever the columns: the benefit outside items
        is counted by the columns; the benefit inside items is never paid."""
        return self.total_benefit - self.inside_benefit


def pair_benefits(instance: Instance, scale: int) -> list[tuple[str, str, int]]:
    """(talk a, talk b, units) of every pair paid when split: related pairs under
    ``topic_cohesion``, soft ``same_session`` rows under their weight."""
    b = Build(instance, scale=scale)
    out: list[tuple[str, str, int]] = []
    w = instance.weights["topic_cohesion"]
    if w:
        for pair in related_pairs(instance):
            units = b.coefficient(w, Fraction(pair.strength, 100))
            if units:
                out.append((pair.a, pair.b, units))
    default = instance.weights["soft_constraints"]
    for row in instance.constraints:
        if isinstance(row, PairRow) and row.kind == "same_session" and not row.hard:
            units = b.coefficient(row.weight if row.weight is not None else default)
            if units:
                out.append((row.talk, row.other, units))
    return out


def items_of(instance: Instance) -> list[list[str]]:
    """Talks that must share a session, as groups (joint groups, hard same_session rows), in sheet order."""
    parent = {t.id: t.id for t in instance.talks}

    def root(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra

    for ids in instance.joint_groups.values():
        for a, b in zip(ids, ids[1:], strict=False):
            join(a, b)
    for row in instance.constraints:
        if isinstance(row, PairRow) and row.kind == "same_session" and row.hard:
            join(row.talk, row.other)
    groups: dict[str, list[str]] = {}
    for t in instance.talks:
        groups.setdefault(root(t.id), []).append(t.id)
    return list(groups.values())


def session_problem(b: Build, places: dict[str, list[Placement]], families: list[Family]) -> SessionProblem:
    """The session view of a build's candidate places (every place the families allow)."""
    inst = b.instance
    groups = items_of(inst)
    joint_of = {t: label for label, ids in inst.joint_groups.items() for t in ids}
    items = [Item(k, tuple(g), joint=len(g) > 1 and len({joint_of.get(t) for t in g}) == 1 and g[0] in joint_of)
             for k, g in enumerate(groups)]
    item_of = {t: it.index for it in items for t in it.talks}
    pricers = {t.id: b.pricers(families, t) for t in inst.talks}
    # per item and cell: placement cost, slots and minutes (the cheapest place of each talk)
    per_cell: dict[SessionKey, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for it in items:
        by_cell: dict[SessionKey, list[tuple[int, int, int]]] = defaultdict(list)
        for t in it.talks:
            best: dict[SessionKey, tuple[int, int, int]] = {}
            for p in places[t]:
                # the least of each (cost, slots, minutes) over the cell's places: a relaxation
                entry = (b.placement_units(pricers[t], p), len(p.slots), p.span_end - p.start)
                old = best.get(p.session_key)
                best[p.session_key] = entry if old is None else (min(old[0], entry[0]), min(old[1], entry[1]),
                                                                  min(old[2], entry[2]))
            for key, entry in best.items():
                by_cell[key].append(entry)
        for key, entries in by_cell.items():
            if len(entries) == len(it.talks):   # every talk of the item can be in the cell
                per_cell[key][it.index] = (sum(e[0] for e in entries), sum(e[1] for e in entries),
                                           sum(e[2] for e in entries))
    capacity: dict[SessionKey, tuple[int, int]] = {}
    position: dict[SessionKey, dict[int, int]] = {}
    lengths: dict[SessionKey, tuple[int, ...]] = {}
    cell_slots: dict[SessionKey, tuple[int, ...]] = {}
    for (day, label), idxs in inst.sessions.items():
        for room in sorted(inst.session_rooms[(day, label)]):
            open_ = [j for j in idxs if room in inst.slots[j].rooms]
            cell_slots[(day, label, room)] = tuple(open_)
            minutes = sum(inst.slots[j].end - inst.slots[j].start for j in open_)
            capacity[(day, label, room)] = (len(open_), minutes)
            position[(day, label, room)] = {j: n for n, j in enumerate(open_)}
            lengths[(day, label, room)] = tuple(inst.slots[j].end - inst.slots[j].start for j in open_)
    # where each talk can be inside each cell: the positions of the slots it takes
    spots: dict[tuple[str, SessionKey], frozenset[tuple[int, ...]]] = {}
    for talk in inst.talks:
        found: dict[SessionKey, set[tuple[int, ...]]] = defaultdict(set)
        for p in places[talk.id]:
            pos = position[p.session_key]
            found[p.session_key].add(tuple(pos[j] for j in p.slots))
        for key, options in found.items():
            spots[(talk.id, key)] = frozenset(options)
    classes: list[CellClass] = []
    by_signature: dict[tuple, int] = {}
    class_of_cell: dict[SessionKey, int] = {}
    for key in sorted(per_cell, key=lambda k: (k[0], k[1], k[2])):
        slots, minutes = capacity[key]
        fits = per_cell[key]
        # cells are interchangeable when their slots and every item's places in them are
        where = tuple(sorted((i, tuple(sorted(spots[(t, key)] for t in items[i].talks))) for i in fits))
        signature = (lengths[key], tuple(sorted(fits.items())), where)
        k = by_signature.get(signature)
        if k is None:
            k = by_signature[signature] = len(classes)
            classes.append(CellClass(k, [], slots, minutes, dict(fits),
                                     spots={i: [spots[(t, key)] for t in items[i].talks] for i in fits}))
        classes[k].cells.append(key)
        classes[k].block_of[key] = (key[0], key[1])
        class_of_cell[key] = k
    benefit: dict[tuple[int, int], int] = defaultdict(int)
    total = inside = 0
    for a, c, units in pair_benefits(inst, b.scale):
        total += units
        i, j = item_of[a], item_of[c]
        if i == j:
            inside += units
            continue
        benefit[(min(i, j), max(i, j))] += units
    neighbours: dict[int, dict[int, int]] = defaultdict(dict)
    for (i, j), w in benefit.items():
        neighbours[i][j] = w
        neighbours[j][i] = w
    return SessionProblem(inst, b.scale, items, item_of, classes, dict(benefit), total, inside, dict(neighbours),
                          class_of_cell, cell_slots)
