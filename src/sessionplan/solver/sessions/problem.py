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

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ...model import Instance, PairRow, Placement
from ...similarity import related_pairs
from ..build import Build
from ..families import Family

SessionKey = tuple


@dataclass(frozen=True)
class Item:
    index: int
    talks: tuple[str, ...]


@dataclass
class CellClass:
    """Interchangeable cells: each holds at most ``slots`` slots and ``minutes`` minutes."""

    index: int
    cells: list[SessionKey]
    slots: int
    minutes: int
    # item index -> (placement cost units, slots it takes, minutes it takes)
    fits: dict[int, tuple[int, int, int]]
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
        return (sum(c.fits[i][1] for i in members) <= c.slots
                and sum(c.fits[i][2] for i in members) <= c.minutes)

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
    items = [Item(k, tuple(g)) for k, g in enumerate(groups)]
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
    for (day, label), idxs in inst.sessions.items():
        for room in sorted(inst.session_rooms[(day, label)]):
            open_ = [j for j in idxs if room in inst.slots[j].rooms]
            minutes = sum(inst.slots[j].end - inst.slots[j].start for j in open_)
            capacity[(day, label, room)] = (len(open_), minutes)
    classes: list[CellClass] = []
    by_signature: dict[tuple, int] = {}
    class_of_cell: dict[SessionKey, int] = {}
    for key in sorted(per_cell, key=lambda k: (k[0], k[1], k[2])):
        slots, minutes = capacity[key]
        fits = per_cell[key]
        signature = (slots, minutes, tuple(sorted(fits.items())))
        k = by_signature.get(signature)
        if k is None:
            k = by_signature[signature] = len(classes)
            classes.append(CellClass(k, [], slots, minutes, dict(fits)))
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
                          class_of_cell)
