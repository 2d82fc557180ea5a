"""Pricing by connected sets: exact, vectorised, for cells of a few slots.

Every benefit is non-negative, so a column's value splits over the connected parts of
its items in the benefit graph: ``value(S) = sum over parts (sum p_i + benefit inside)``.
The connected sets of at most ``most`` items do not depend on the duals, so they are
enumerated once (ESU: each set grown from its smallest item by neighbours of larger
index, exactly once); a pricing round then values all of them at once with numpy, and
the best column is the best choice of disjoint sets within the capacity, found by a
small search over the sets in order of value (a choice of overlapping sets can only be
worth less than a column the search also meets, or be infeasible).

Subset-row cuts (cuts.py) are charged in two parts: a set holding two items of a cut
pays its penalty in its value (vectorised, the sets of each cut found once); a cut whose
items are split between sets of a column is charged by the search as the second set
joins. Disjoint sets never both hold two items of one cut (it has three), so a column's
charge is never less than the sum of its sets': the values stay upper bounds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from ...budget import Budget
from .cuts import Penalties
from .problem import SessionProblem

EPS = 1e-6
TOP = 4000          # sets searched first, by value (more when one left out could matter)
NODES = 200_000     # search nodes per pricing, at most
PROBES = 1000       # random descents of the enumeration's tree, to estimate its size first
# the estimate this many times the limit: the enumeration is not started (the estimate
# is unbiased but spread; below this it is tried and may still give up at the limit)
PROBE_MARGIN = 2.0


@dataclass
class ConnectedSets:
    members: np.ndarray       # (sets, most) item indices, -1 as padding
    internal: np.ndarray      # benefit inside each set (units)
    count: int


def connected_sets(problem: SessionProblem, most: int, limit: int, budget: Budget) -> ConnectedSets | None:
    """Every connected set of at most ``most`` items; None beyond ``limit`` sets or the
    budget, or when an estimate of their number (``estimated_sets``) is far beyond it."""
    nb = {i: sorted(v) for i, v in problem.neighbours.items()}
    nbset = {i: set(v) for i, v in nb.items()}
    if estimated_sets(problem, most, nb, nbset) > PROBE_MARGIN * limit:
        return None
    rows: list[tuple[int, ...]] = []
    internal: list[int] = []
    n = len(problem.items)
    for v in range(n):
        rows.append((v,))
        internal.append(0)
        stack: list[tuple[tuple[int, ...], int, list[int]]] = [((v,), 0, _first_extension(nb, v))]
        while stack:
            sub, inside, ext = stack.pop()
            if len(sub) == most:
                continue
            for pos, w in enumerate(ext):
                grown = sub + (w,)
                gain = sum(problem.neighbours[w].get(x, 0) for x in sub)
                rows.append(grown)
                internal.append(inside + gain)
                if len(rows) > limit or (len(rows) % 4096 == 0 and budget.expired()):
                    return None
                stack.append((grown, inside + gain, _extension(nb, nbset, v, sub, w, ext, pos)))
    members = np.full((len(rows), most), -1, dtype=np.int64)
    for r, row in enumerate(rows):
        members[r, :len(row)] = row
    return ConnectedSets(members, np.asarray(internal, dtype=float), len(rows))


def _first_extension(nb: dict[int, list[int]], v: int) -> list[int]:
    """ESU: sets grown from ``v`` take only items above it."""
    return [u for u in nb.get(v, ()) if u > v]


def _extension(nb: dict[int, list[int]], nbset: dict[int, set[int]], v: int, sub: tuple[int, ...], w: int,
               ext: list[int], pos: int) -> list[int]:
    """The extension of ``sub`` grown by ``ext[pos] == w``: the rest of ``ext`` and the
    neighbours of ``w`` above ``v`` that are neither in ``sub`` nor next to it (exclusive)."""
    members_nb = set().union(*(nbset.get(x, set()) for x in sub)) | set(sub)
    return ext[pos + 1:] + [u for u in nb.get(w, ()) if u > v and u not in members_nb]


def estimated_sets(problem: SessionProblem, most: int, nb: dict[int, list[int]] | None = None,
                   nbset: dict[int, set[int]] | None = None, probes: int = PROBES, seed: int = 0) -> float:
    """Knuth's estimate of how many sets ``connected_sets`` would enumerate: random
    descents of its tree, each node weighted by the product of the branchings above it
    (unbiased; a fixed seed, so one problem always gets one answer)."""
    nb = nb if nb is not None else {i: sorted(v) for i, v in problem.neighbours.items()}
    nbset = nbset if nbset is not None else {i: set(v) for i, v in nb.items()}
    n = len(problem.items)
    if not n:
        return 0.0
    rng = random.Random(seed)
    total = 0.0
    for _ in range(probes):
        v = rng.randrange(n)
        sub: tuple[int, ...] = (v,)
        ext = _first_extension(nb, v)
        weight = count = 1.0
        while len(sub) < most and ext:
            weight *= len(ext)
            count += weight
            pos = rng.randrange(len(ext))
            w = ext[pos]
            ext = _extension(nb, nbset, v, sub, w, ext, pos)
            sub = sub + (w,)
        total += count
    return n * total / probes


class ClassPricer:
    """One class's view of the connected sets: which fit, with what slots and minutes."""

    def __init__(self, problem: SessionProblem, k: int, sets: ConnectedSets):
        c = problem.classes[k]
        n = len(problem.items)
        self.capacity, self.minutes_cap = c.slots, c.minutes
        fit = np.zeros(n + 1, dtype=bool)           # index n: the padding
        cost = np.zeros(n + 1)
        need = np.zeros(n + 1, dtype=np.int64)
        minutes = np.zeros(n + 1, dtype=np.int64)
        fit[n] = True
        for i, (u, s, m) in c.fits.items():
            fit[i], cost[i], need[i], minutes[i] = True, u, s, m
        idx = np.where(sets.members < 0, n, sets.members)
        ok = fit[idx].all(axis=1)
        slots = need[idx].sum(axis=1)
        mins = minutes[idx].sum(axis=1)
        ok &= (slots <= c.slots) & (mins <= c.minutes)
        self.rows = np.flatnonzero(ok)
        self.idx = idx[self.rows]
        self.slots = slots[self.rows]
        self.mins = mins[self.rows]
        self.cost = cost
        self.internal = sets.internal[self.rows]
        self.n = n
        self.masks = [sum(1 << int(x) for x in row if x < n) for row in self.idx]
        # sets of one item taking one slot: the distinct singles of the capacity bound
        self.single = (self.idx[:, 1] == n) & (self.slots == 1) if self.idx.shape[1] > 1 else self.slots == 1
        self.fit_items = np.asarray(sorted(c.fits), dtype=np.int64)
        self.least = max(1, min((f[1] for f in c.fits.values()), default=1))
        self.least_minutes = max(1, min((f[2] for f in c.fits.values()), default=1))
        most = max(1, min(c.slots // self.least, c.minutes // self.least_minutes))
        # half of each item's largest benefits with other items of the class: what its
        # pairs can add to any column, each pair counted at both ends
        self.half_pairs = np.zeros(n)
        for i in c.fits:
            ws = sorted((w for j, w in problem.neighbours.get(i, {}).items() if j in c.fits), reverse=True)
            self.half_pairs[i] = 0.5 * sum(ws[:most - 1])
        self._rows_of: dict[int, np.ndarray] | None = None   # per item, the sets holding it (made when cut)
        self._cut_rows: dict[tuple[int, ...], np.ndarray] = {}

    def _charges(self, penalties: Penalties) -> np.ndarray:
        """Per set, the penalty of the cuts with two or more of its items."""
        if self._rows_of is None:
            width = self.idx.shape[1]
            flat = self.idx.ravel()
            rows = np.repeat(np.arange(len(self.idx)), width)
            keep = flat < self.n
            flat, rows = flat[keep], rows[keep]
            order = np.argsort(flat, kind="stable")
            flat, rows = flat[order], rows[order]
            cuts_at = np.searchsorted(flat, np.arange(self.n + 1))
            self._rows_of = {i: rows[cuts_at[i]:cuts_at[i + 1]] for i in range(self.n)}
        rows_of = self._rows_of
        out = np.zeros(len(self.idx))
        for cut, weight in zip(penalties.sets, penalties.weight, strict=True):
            held = self._cut_rows.get(cut)
            if held is None:
                a, b, c = (rows_of.get(i, np.empty(0, dtype=np.int64)) for i in cut)
                held = np.union1d(np.union1d(np.intersect1d(a, b), np.intersect1d(a, c)), np.intersect1d(b, c))
                self._cut_rows[cut] = held
            out[held] += weight
        return out

    def price(self, pi: list[float], wanted: float, columns: int = 3,
              penalties: Penalties | None = None) -> tuple[float, list[tuple[float, frozenset]]]:
        """(an upper bound on every column's value, the best columns worth more than
        ``wanted``, best first), the cuts' ``penalties`` charged. The bound is the best
        value itself when the search finishes (the usual case): then the pricing is exact."""
        gain = np.zeros(self.n + 1)
        gain[:self.n] = np.asarray(pi, dtype=float) - self.cost[:self.n]
        values = gain[self.idx].sum(axis=1) + self.internal
        if penalties is not None:
            values = values - self._charges(penalties)
        by_sets, by_items = self._reach(values, gain)
        positive = np.flatnonzero(values > EPS)
        top = TOP
        while True:
            if len(positive) > top:
                part = positive[np.argpartition(-values[positive], top)[:top]]
                rest = float(np.max(np.delete(values[positive], np.argpartition(-values[positive], top)[:top])))
            else:
                part, rest = positive, 0.0
            order = part[np.argsort(-values[part], kind="stable")]
            best_value, found, cut = self._search(order, values, wanted, columns, by_sets, by_items, penalties)
            # a column using a set left out is worth at most that set and the best the
            # rest of the capacity could add
            outside = rest + max(by_sets[self.capacity - 1] if self.capacity > 1 else 0.0, 0.0) if rest > 0 else 0.0
            if outside <= best_value + EPS or len(part) == len(positive):
                return max(best_value, cut, min(outside, by_sets[self.capacity])), found
            top *= 8

    def _search(self, order: np.ndarray, values: np.ndarray, wanted: float, columns: int,
                by_sets: list[float], by_items: list[float], penalties: Penalties | None = None):
        """The best choice of disjoint sets within the capacity (depth first, sets by value);
        a cut split between sets is charged as its second item joins."""
        cap, mcap = self.capacity, self.minutes_cap
        least, least_minutes = self.least, self.least_minutes
        room = len(by_items) - 1
        ratio = values[order] / np.maximum(1, self.slots[order])
        suffix = (np.maximum.accumulate(ratio[::-1])[::-1] if len(order) else ratio).tolist()
        rows = order.tolist()
        masks = [self.masks[r] for r in rows]
        slots = self.slots[order].tolist()
        mins = self.mins[order].tolist()
        vals = values[order].tolist()
        count = len(masks)
        best = [0.0]
        found: dict[int, float] = {}
        nodes = [0]
        cut = [0.0]
        # per set (those holding an item of some cut), the cuts it touches with how many
        # of their items: made when the search first adds the set
        touched: list[bool] = []
        touch: dict[int, list[tuple[int, int]]] = {}
        weight: tuple[float, ...] = ()
        by_item: dict[int, tuple[int, ...]] = {}
        if penalties is not None:
            weight, by_item = penalties.weight, penalties.by_item
            in_cut = np.zeros(self.n + 1, dtype=bool)
            in_cut[list(by_item)] = True
            touched = in_cut[self.idx[order]].any(axis=1).tolist() if len(order) else []
        hits = [0] * len(weight)

        def cuts_of(r: int) -> list[tuple[int, int]]:
            held: dict[int, int] = {}
            for i in self.idx[order[r]].tolist():
                for c in by_item.get(i, ()):
                    held[c] = held.get(c, 0) + 1
            out = touch[r] = sorted(held.items())
            return out

        def joined(r: int) -> float:
            """What the cuts split between set ``r`` and the chosen ones charge (and count it in)."""
            extra = 0.0
            for c, n in touch.get(r) or cuts_of(r):
                h = hits[c]
                if h + n >= 2 and h < 2 and n < 2:
                    extra += weight[c]
                hits[c] = h + n
            return extra

        def leave(r: int) -> None:
            for c, n in touch[r]:
                hits[c] -= n

        def dfs(start: int, used: int, value: float, left: int, mleft: int) -> None:
            nodes[0] += 1
            if value > best[0] + EPS:
                best[0] = value
            if used and value > wanted + EPS:
                found[used] = value
            items = min(room, left // least, mleft // least_minutes)
            if value + min(by_sets[left], by_items[items]) <= best[0] + EPS:
                return
            for r in range(start, count):
                if left <= 0 or value + left * suffix[r] <= best[0] + EPS:
                    return
                if nodes[0] > NODES:   # cut short: bound what this branch could still reach
                    cut[0] = max(cut[0], value + min(by_sets[left], left * suffix[r]))
                    return
                if slots[r] > left or mins[r] > mleft or used & masks[r]:
                    continue
                if touched and touched[r]:
                    extra = joined(r)
                    dfs(r + 1, used | masks[r], value + vals[r] - extra, left - slots[r], mleft - mins[r])
                    leave(r)
                else:
                    dfs(r + 1, used | masks[r], value + vals[r], left - slots[r], mleft - mins[r])

        dfs(0, 0, 0.0, cap, mcap)
        ranked = sorted(found.items(), key=lambda kv: -kv[1])[:columns]
        return best[0], [(v, _items(m)) for m, v in ranked], cut[0]

    def _reach(self, values: np.ndarray, gain: np.ndarray) -> tuple[list[float], list[float]]:
        """Two bounds on what disjoint sets can still add: ``by_sets[c]`` within ``c``
        slots (the best set of each size, any number of times, with distinct single
        items), and ``by_items[k]`` with ``k`` more items (the distinct items of largest
        potential: an item's gain and half of its largest benefits, as many as a column
        has other items, each pair counted at both ends)."""
        cap = self.capacity
        single = self.single
        singles = np.sort(values[single & (values > 0)])[::-1][:cap]
        best = [0.0] * (cap + 1)
        several_rows = ~single & (values > 0)
        for size in range(2, cap + 1):
            pick = several_rows & (self.slots == size)
            if pick.any():
                best[size] = float(values[pick].max())
        several = [0.0] * (cap + 1)
        for c in range(1, cap + 1):
            several[c] = max([several[c - 1]] + [best[size] + several[c - size] for size in range(2, c + 1)])
        top = [0.0]
        for v in singles.tolist():
            top.append(top[-1] + v)
        by_sets = [max(top[m] + several[c - m] for m in range(min(c, len(top) - 1) + 1)) for c in range(cap + 1)]
        potential = np.sort((gain[:self.n] + self.half_pairs)[self.fit_items])[::-1]
        by_items = [0.0]
        for v in potential[:min(cap // self.least, self.minutes_cap // self.least_minutes)].tolist():
            by_items.append(by_items[-1] + max(0.0, v))
        return by_sets, by_items


def _items(mask: int) -> frozenset[int]:
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(i)
        mask >>= 1
        i += 1
    return frozenset(out)
