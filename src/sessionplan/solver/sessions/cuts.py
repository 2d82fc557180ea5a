"""Subset-row cuts: what raises the master's bound where its LP leaves a gap.

For three items ``S``, a partition holds at most one column with two or more of them (a
second would share an item with the first):

    sum over columns c with |c & S| >= 2 of x_c  <=  1

The master's fractional optimum often breaks it: three columns at a half, each holding
a different pair of a related triple, cost what half of each pair's benefit is worth and
cover each item once. Such a row is valid for every partition, so the LP with it is
still a relaxation and its value a bound.

With the row's dual ``sigma_S <= 0``, a column's reduced cost gains ``-sigma_S`` when it
holds two or more items of ``S``: the ``Penalties`` here. A penalty only lowers a
column's value as items join it, so the pricers' bounds that leave it out stay valid,
and a branch-and-bound search can charge it exactly as members are added.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

EPS = 1e-6
VIOLATION = 1e-3    # a row is added when the LP's solution exceeds it by more than this


@dataclass(frozen=True)
class Penalties:
    """What each cut takes from a column holding two or more of its items."""

    sets: tuple[tuple[int, ...], ...]
    weight: tuple[float, ...]                       # ``-sigma``, positive
    by_item: dict[int, tuple[int, ...]] = field(compare=False, default_factory=dict)

    @classmethod
    def of(cls, sets: list[tuple[int, ...]], sigma: list[float]) -> Penalties | None:
        """The cuts with a positive penalty at the duals ``sigma`` (None when there are none)."""
        kept = [(s, -d) for s, d in zip(sets, sigma, strict=True) if -d > EPS]
        if not kept:
            return None
        by_item: dict[int, list[int]] = {}
        for n, (s, _) in enumerate(kept):
            for i in s:
                by_item.setdefault(i, []).append(n)
        return cls(tuple(s for s, _ in kept), tuple(w for _, w in kept),
                   {i: tuple(v) for i, v in sorted(by_item.items())})

    def charge(self, members: frozenset[int] | set[int]) -> float:
        """The penalty of a column of these ``members``."""
        hits: dict[int, int] = {}
        for i in members:
            for n in self.by_item.get(i, ()):
                hits[n] = hits.get(n, 0) + 1
        return sum(self.weight[n] for n, h in hits.items() if h >= 2)


def charge(penalties: Penalties | None, members: frozenset[int] | set[int]) -> float:
    return 0.0 if penalties is None else penalties.charge(members)


def separate(columns: list[tuple[int, frozenset[int], int]], values: list[float], known: set[tuple[int, ...]],
             limit: int) -> list[tuple[int, ...]]:
    """Up to ``limit`` triples whose cut the LP solution ``values`` breaks, most broken
    first (those in ``known`` left out). A triple's left side is the weight of its pairs
    sharing columns, less twice that of the columns holding all three (counted once);
    only triples with two pairs sharing some column can exceed 1."""
    pair: dict[tuple[int, int], float] = {}
    triple: dict[tuple[int, int, int], float] = {}
    for (_, members, _), x in zip(columns, values, strict=True):
        if x <= EPS or len(members) < 2:
            continue
        ms = sorted(members)
        for a, b in itertools.combinations(ms, 2):
            pair[(a, b)] = pair.get((a, b), 0.0) + x
        for x3, y3, z3 in itertools.combinations(ms, 3):
            triple[(x3, y3, z3)] = triple.get((x3, y3, z3), 0.0) + x
    near: dict[int, list[int]] = {}
    for (a, b), f in sorted(pair.items()):
        if EPS < f < 1 - EPS:
            near.setdefault(a, []).append(b)
            near.setdefault(b, []).append(a)
    found: dict[tuple[int, ...], float] = {}
    for a in sorted(near):
        for b, c in itertools.combinations(sorted(near[a]), 2):
            x, y, z = sorted((a, b, c))
            t = (x, y, z)
            if t in found or t in known:
                continue
            lhs = pair.get((x, y), 0.0) + pair.get((x, z), 0.0) + pair.get((y, z), 0.0) - 2 * triple.get(t, 0.0)
            if lhs > 1 + VIOLATION:
                found[t] = lhs
    ranked = sorted(found.items(), key=lambda tv: (-tv[1], tv[0]))
    return [t for t, _ in ranked[:limit]]


def covers(cut: tuple[int, ...], members: frozenset[int]) -> bool:
    """Whether a column of these ``members`` is in the cut's row (two or more of its items)."""
    return sum(1 for i in cut if i in members) >= 2
