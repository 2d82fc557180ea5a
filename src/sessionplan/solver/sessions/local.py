"""Heuristic pricing by local search: many good columns per class and round, fast.

Column generation over a partition converges in few rounds only when each round brings
many columns of negative reduced cost, spread over the items (one per item's
neighbourhood, not the same few around the best seed). Here every promising item seeds a
column, grown greedily by the item of greatest gain that still fits, then improved by
moves in and out and by swaps of one member for one outsider (best improvement first)
until none helps. Gains are kept as vectors over the class's items (numpy), so a move
costs one pass over the items.

The columns found are only candidates: the exact pricer (pricing.py) is what proves a
bound; this one makes the rounds between proofs cheap and productive.
"""

from __future__ import annotations

import numpy as np

from ...budget import Budget
from .cuts import Penalties
from .problem import SessionProblem

EPS = 1e-6
SEEDS = 400         # columns grown per class and round, from the items of greatest potential
MOVES = 40          # improving moves per column at most
APART = -1e12       # the benefit matrix's entry for a pair kept apart


def dense(problem: SessionProblem) -> np.ndarray:
    """The benefit matrix of the items (units; a pair kept apart, ``APART``), built once per problem."""
    cached = problem._dense
    if cached is None:
        n = len(problem.items)
        cached = np.zeros((n, n))
        for (i, j), w in problem.benefit.items():
            cached[i, j] = cached[j, i] = w
        for i, j in problem.apart:
            cached[i, j] = cached[j, i] = APART   # never worth adding to the other
        problem._dense = cached
    return cached


def columns(problem: SessionProblem, k: int, pi: list[float], budget: Budget | None = None,
            seeds: int = SEEDS, penalties: Penalties | None = None) -> list[tuple[float, frozenset[int]]]:
    """Distinct columns of class ``k`` of high value ``sum p_i + sum w_ij`` at the duals
    ``pi`` (best first), one grown and improved from each of the ``seeds`` best items
    (fewer when ``budget`` runs out: the best seeds come first). The cuts' ``penalties``
    are charged to each pair of a cut (a column with all three pays three times: the
    search only has to steer clear of them; the caller prices its columns exactly)."""
    c = problem.classes[k]
    idx = np.fromiter(sorted(c.fits), dtype=np.int64)
    if not len(idx):
        return []
    p = np.asarray(pi)[idx] - np.fromiter((c.fits[i][0] for i in idx), dtype=float, count=len(idx))
    need = np.fromiter((c.fits[i][1] for i in idx), dtype=np.int64, count=len(idx))
    mins = np.fromiter((c.fits[i][2] for i in idx), dtype=np.int64, count=len(idx))
    w = dense(problem)[np.ix_(idx, idx)]   # (a copy)
    if penalties is not None:
        position = {int(i): n for n, i in enumerate(idx)}
        for cut, weight in zip(penalties.sets, penalties.weight, strict=True):
            at = [position[i] for i in cut if i in position]
            for a in at:
                for b in at:
                    if a != b:
                        w[a, b] -= weight
    # an item can help only if its profit and all its positive benefits are worth something
    potential = p + np.maximum(w, 0.0).sum(axis=1)
    useful = potential > EPS
    if not useful.any():
        return []
    order = np.argsort(-potential, kind="stable")
    order = order[useful[order]][:seeds]
    out: dict[frozenset[int], float] = {}
    for s in order:
        if budget is not None and out and budget.expired():
            break
        if need[s] > c.slots or mins[s] > c.minutes:
            continue
        members = _grow(int(s), p, w, need, mins, c.slots, c.minutes, useful)
        members = _improve(members, int(s), p, w, need, mins, c.slots, c.minutes, useful)
        value = float(p[members].sum() + 0.5 * w[np.ix_(members, members)].sum())
        key = frozenset(int(idx[m]) for m in members)
        if value > EPS and key not in out:
            out[key] = value
    return sorted(((v, m) for m, v in out.items()), key=lambda vm: (-vm[0], sorted(vm[1])))


def _grow(seed: int, p, w, need, mins, slots: int, minutes: int, useful) -> list[int]:
    """From ``seed``, add the item of greatest gain that fits while the gain is positive."""
    inside = np.zeros(len(p), dtype=bool)
    inside[seed] = True
    gain = p + w[seed]
    used_slots, used_minutes = int(need[seed]), int(mins[seed])
    while True:
        ok = useful & ~inside & (need <= slots - used_slots) & (mins <= minutes - used_minutes)
        if not ok.any():
            break
        masked = np.where(ok, gain, -np.inf)
        best = int(np.argmax(masked))
        if masked[best] <= EPS:
            break
        inside[best] = True
        gain = gain + w[best]
        used_slots += int(need[best])
        used_minutes += int(mins[best])
    return [int(m) for m in np.flatnonzero(inside)]


def _improve(members: list[int], seed: int, p, w, need, mins, slots: int, minutes: int, useful) -> list[int]:
    """Best-improvement moves: add an outsider, drop a member, or swap one for one; the
    seed stays (each seed's column is the best found around it: columns spread over the items)."""
    inside = np.zeros(len(p), dtype=bool)
    inside[members] = True
    for _ in range(MOVES):
        gain = p + w[inside].sum(axis=0)          # a member's gain is what it adds now
        used_slots, used_minutes = int(need[inside].sum()), int(mins[inside].sum())
        mem = np.flatnonzero(inside)
        mem = mem[mem != seed]
        out_ = np.flatnonzero(useful & ~inside)
        best_delta = EPS
        move: tuple[int | None, int | None] | None = None
        if len(out_):
            fits = (need[out_] <= slots - used_slots) & (mins[out_] <= minutes - used_minutes)
            if fits.any():
                j = int(np.argmax(np.where(fits, gain[out_], -np.inf)))
                if fits[j] and gain[out_[j]] > best_delta:
                    best_delta, move = float(gain[out_[j]]), (None, int(out_[j]))
        if len(mem):
            d = int(np.argmin(gain[mem]))
            if -gain[mem[d]] > best_delta:
                best_delta, move = float(-gain[mem[d]]), (int(mem[d]), None)
        if len(mem) and len(out_):
            # swap a (member) for b (outsider): b's gain without a, minus a's gain
            delta = gain[out_][None, :] - w[np.ix_(mem, out_)] - gain[mem][:, None]
            fits = ((need[out_][None, :] - need[mem][:, None] <= slots - used_slots)
                    & (mins[out_][None, :] - mins[mem][:, None] <= minutes - used_minutes))
            delta = np.where(fits, delta, -np.inf)
            a, b = np.unravel_index(int(np.argmax(delta)), delta.shape)
            if delta[a, b] > best_delta:
                best_delta, move = float(delta[a, b]), (int(mem[a]), int(out_[b]))
        if move is None:
            break
        drop, add = move
        if drop is not None:
            inside[drop] = False
        if add is not None:
            inside[add] = True
    return [int(m) for m in np.flatnonzero(inside)]
