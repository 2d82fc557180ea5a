"""Swap search: a complete schedule improved by exchanging talks, before CP-SAT starts.

Grouping related talks is a partition problem, and CP-SAT's generic neighbourhoods
climb it slowly: after 60 s on 31C3 (136 talks, 4 rooms, 47 sessions) its schedule
put 58% as much related-pair strength together as exchanging talks between sessions
reaches in a few seconds. So, when a topic term is weighted, the construction
(construction.py) (a schedule that keeps the hard rules) is improved here first and handed to
CP-SAT as its hint:

* a move takes a talk into the session of one of its related talks, by exchanging it
  with a talk there or into a free place there (and sometimes exchanges two talks at
  random, to leave a local optimum), or exchanges two whole sessions of as many slots
  (their talks keep their positions), which changes only who runs in parallel;
* simulated annealing accepts it by the change of the objective, computed
  incrementally over exactly what the talks touch: their placement costs (the
  families' ``costs`` pricers), their related pairs (``topic_cohesion``,
  ``topic_parallel``, ``topic_day``) and their subject area's concurrent talks
  (``topic_clash``), in the solver's integer objective units;
* the construction's bookkeeping checks every move against the hard rules it keeps
  (rooms, speakers, availability, pins and forbids, required rooms, hard
  ``not_parallel`` rows); a talk of a joint group, a pair row (other than a hard
  ``not_parallel``) or a soft row does not move, so every term not tracked here keeps
  its value. The tracked objective is the evaluator's up to that constant (a test
  holds them together).

Deterministic for a seed and a time limit: the annealing runs a number of moves fixed
by the talks and the time limit (fewer only when a slow machine runs out of time).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from ..budget import Budget, now
from ..model import Instance, PairRow, Placement
from ..similarity import clash_clusters, parallel_pairs, related_pairs
from .build import Build
from .construction import Construction, rule_bound_talks

MOVES_PER_TALK = 1500   # annealing length: moves tried per movable talk,
MOVES_PER_SECOND = 20_000  # and at most this many per second of the budget (about half
                           # the rate measured on 31C3), so the length does not depend on
                           # the machine's speed and the time cap is a safety net only
TARGETED = 0.85         # share of moves that take a talk towards a related talk
EXCHANGE = 0.05         # share of moves that exchange two whole sessions
START_ACCEPT = 0.3      # a typical worsening move is accepted this often at first
COOLING = 200           # the temperature ends this many times lower


def worthwhile(instance: Instance) -> bool:
    """Only a topic term makes the partition hard for CP-SAT; with none there is nothing
    this search does better than the search itself."""
    w = instance.weights
    several_rooms = len(instance.rooms) > 1
    pairs = w["topic_cohesion"] or (w["topic_day"] and len(instance.days) > 1) or \
        (several_rooms and (w["topic_parallel"] or w["topic_clash"]))
    return bool(pairs) and len(instance.sessions) > 1


def movable_talks(instance: Instance) -> list[str]:
    """Talks whose every term the search tracks: not in a joint group, a soft row, or a
    pair row other than a hard ``not_parallel`` (which the construction's cliques keep),
    not in a track (its rules are about cells), not in a conflict for people beyond the
    speakers' own rule; none when a cost is charged per cell in use."""
    if any(c.talk is None and c.track is None for c in instance.cell_costs):
        return []
    fixed = rule_bound_talks(instance)
    for row in instance.constraints:
        pair = row if isinstance(row, PairRow) else None
        if not row.hard or (pair is not None and not pair.spec.overlap_only):
            fixed.add(row.talk)
            if pair is not None:
                fixed.add(pair.other)
    return [t.id for t in instance.talks if t.id not in fixed]


def _key(p: Placement) -> tuple:
    return (p.room, p.day, p.start)


class Score:
    """The objective (integer units of ``Build.scale``) of the terms a move can change."""

    def __init__(self, b: Build, families: list, placed: dict[str, Placement]):
        inst = b.instance
        w = inst.weights
        self.inst = inst
        self.placed = dict(placed)
        self.build = b
        self.pricers = {t.id: b.pricers(families, t) for t in inst.talks}
        self._unary: dict[tuple, int] = {}
        # pairs: (a, b, kind, coefficient); kinds: 0 session, 1 day, 2 parallel
        self.pairs: list[tuple[str, str, int, int]] = []
        several_rooms, several_days = len(inst.rooms) > 1, len(inst.days) > 1
        if w["topic_cohesion"] or (several_days and w["topic_day"]):
            for pair in related_pairs(inst):
                amount = Fraction(pair.strength, 100)
                if w["topic_cohesion"]:
                    self.pairs.append((pair.a, pair.b, 0, b.coefficient(w["topic_cohesion"], amount)))
                if several_days and w["topic_day"]:
                    self.pairs.append((pair.a, pair.b, 1, b.coefficient(w["topic_day"], amount)))
        if several_rooms and w["topic_parallel"]:
            for pair in parallel_pairs(inst):
                self.pairs.append((pair.a, pair.b, 2, b.coefficient(w["topic_parallel"], Fraction(pair.strength, 100))))
        self.pairs_of: dict[str, list[int]] = defaultdict(list)
        for k, (a, b_, _, coef) in enumerate(self.pairs):
            if coef:
                self.pairs_of[a].append(k)
                self.pairs_of[b_].append(k)
        self.area: dict[str, int] = {}
        self.clash_coef = b.coefficient(w["topic_clash"]) if several_rooms and w["topic_clash"] else 0
        if self.clash_coef:
            for n, cluster in enumerate(clash_clusters(inst)):
                if len(cluster) > 1:
                    for t in cluster:
                        self.area[t] = n
        self.starts: dict = defaultdict(list)
        for s in sorted({(s.day, s.start) for s in inst.slots}):
            self.starts[s[0]].append(s[1])
        self.running: dict[tuple, int] = defaultdict(int)   # (area, day, start) -> talks running
        for t, p in self.placed.items():
            for key in self._covered(t, p):
                self.running[key] += 1

    def unary(self, talk: str, p: Placement) -> int:
        key = (talk, p.room, p.day, p.start)
        cost = self._unary.get(key)
        if cost is None:
            cost = self._unary[key] = self.build.placement_units(self.pricers[talk], p)
        return cost

    def _covered(self, talk: str, p: Placement) -> list[tuple]:
        """The (area, day, slot start) keys the talk runs at (as the evaluator counts)."""
        area = self.area.get(talk)
        if area is None:
            return []
        starts = self.starts[p.day]
        return [(area, p.day, t) for t in starts[bisect_left(starts, p.start):bisect_left(starts, p.end)]]

    def _pair_cost(self, k: int, pa: Placement, pb: Placement) -> int:
        _, _, kind, coef = self.pairs[k]
        if kind == 0:
            apart = pa.session_key != pb.session_key
        elif kind == 1:
            apart = pa.day != pb.day
        else:
            apart = pa.room != pb.room and pa.overlaps(pb)
        return coef if apart else 0

    def delta(self, moves: dict[str, Placement]) -> int:
        """The change of the objective if the talks in ``moves`` went to their placements."""
        placed = self.placed
        d = sum(self.unary(t, p) - self.unary(t, placed[t]) for t, p in moves.items())
        seen = set()
        for t in moves:
            for k in self.pairs_of.get(t, ()):
                if k in seen:
                    continue
                seen.add(k)
                a, b_, _, _ = self.pairs[k]
                d += (self._pair_cost(k, moves.get(a, placed[a]), moves.get(b_, placed[b_]))
                      - self._pair_cost(k, placed[a], placed[b_]))
        if self.clash_coef:
            change: dict[tuple, int] = defaultdict(int)
            for t, p in moves.items():
                for key in self._covered(t, placed[t]):
                    change[key] -= 1
                for key in self._covered(t, p):
                    change[key] += 1
            for key, c in change.items():
                before = self.running[key]
                d += self.clash_coef * (max(0, before + c - 1) - max(0, before - 1))
        return d

    def apply(self, moves: dict[str, Placement]) -> None:
        for t, p in moves.items():
            for key in self._covered(t, self.placed[t]):
                self.running[key] -= 1
            for key in self._covered(t, p):
                self.running[key] += 1
            self.placed[t] = p

    def total(self) -> int:
        """The tracked objective from scratch (for tests and checks)."""
        placed = self.placed
        out = sum(self.unary(t, p) for t, p in placed.items())
        out += sum(self._pair_cost(k, placed[a], placed[b_]) for k, (a, b_, _, _) in enumerate(self.pairs)
                   if a in placed and b_ in placed)
        out += sum(self.clash_coef * max(0, c - 1) for c in self.running.values())
        return out


@dataclass
class Swapped:
    placements: dict[str, Placement]
    start: int      # tracked objective of the construction
    best: int       # and of the schedule returned
    moves: int      # moves tried
    accepted: int
    seconds: float
    interrupted: bool = False   # by Ctrl-C or SIGTERM: the best schedule so far is returned
    first_seconds: float | None = None   # when the construction was complete (set by the caller)


def move_count(movable: int, seconds: float, moves_per_talk: int = MOVES_PER_TALK) -> int:
    """The annealing's length. The budget counts in tenths of a second: a time limit
    shortened by milliseconds of checks gives the same length, so the same schedule for
    a seed."""
    return max(1, min(moves_per_talk * movable, int(MOVES_PER_SECOND * round(seconds, 1))))


REPORT_EVERY = 0.25     # seconds between reports of a better schedule
CHECK_EVERY = 50        # moves between two looks at the clock (a move can take milliseconds)


def improve(b: Build, places: dict[str, list[Placement]], families: list, c: Construction,
            seed: int = 0, seconds: float = 5.0, moves_per_talk: int = MOVES_PER_TALK,
            report: Callable[[int], None] | None = None, cap: Budget | None = None,
            exchange_share: float = EXCHANGE) -> Swapped:
    """Anneal the complete schedule of ``c`` (see the module's docstring); ``c`` ends in
    the last state, the best schedule seen is returned (also when interrupted).
    ``seconds`` sets the number of moves (``move_count``), so that a seed gives one
    schedule on any machine; ``cap`` (default: ``seconds`` from now) only stops a machine
    too slow for them. ``report(objective)`` hears of the start and then of better
    schedules (tracked units). ``exchange_share``: the share of moves that exchange two
    whole sessions."""
    t0 = now()
    inst = b.instance
    score = Score(b, families, c.placed)
    movable = [t for t in movable_talks(inst) if t in c.placed and len(places[t]) > 1]
    talk_of = {t.id: t for t in inst.talks}
    at = {t: {_key(p): p for p in places[t]} for t in movable}
    in_session: dict[str, dict[tuple, list[Placement]]] = {}
    for t in movable:
        by: dict[tuple, list[Placement]] = defaultdict(list)
        for p in places[t]:
            by[p.session_key].append(p)
        in_session[t] = by
    members: dict[tuple, list[str]] = defaultdict(list)   # session -> movable talks in it
    for t in movable:
        members[c.placed[t].session_key].append(t)
    partners = {t: sorted({x for k in score.pairs_of.get(t, ()) for x in score.pairs[k][:2]} - {t}) for t in movable}
    rng = random.Random(seed)
    total = best = start = score.total()
    best_placed = dict(c.placed)
    if len(movable) < 2:
        return Swapped(best_placed, start, best, 0, 0, now() - t0)

    # whole sessions trade places (a session's talks keep their positions in it)
    cell_slots = {key: [j for j in inst.sessions[(key[0], key[1])] if key[2] in inst.slots[j].rooms]
                  for key in members}
    sessions_list = sorted(members, key=lambda k: (k[0], k[1], k[2]))

    def exchange() -> dict[str, Placement] | None:
        a, b_ = rng.sample(sessions_list, 2)
        sa, sb = cell_slots[a], cell_slots[b_]
        if len(sa) != len(sb) or not members[a] or not members[b_]:
            return None
        moves: dict[str, Placement] = {}
        for here, there, there_slots in ((a, b_, sb), (b_, a, sa)):
            here_slots = cell_slots[here]
            for t in members[here]:
                p = c.placed[t]
                q = at[t].get((there[2], there[0], inst.slots[there_slots[here_slots.index(p.slots[0])]].start))
                if q is None:
                    return None
                moves[t] = q
        # every talk of both sessions must move: fixed talks cannot
        if any(t not in at for key in (a, b_) for t in c.session_talks[key]):
            return None
        return moves

    def propose() -> dict[str, Placement] | None:
        if len(sessions_list) > 1 and rng.random() < exchange_share:
            return exchange()
        i = rng.choice(movable)
        pi = c.placed[i]
        if partners[i] and rng.random() < TARGETED:
            target = c.placed[rng.choice(partners[i])].session_key
            if target == pi.session_key:
                return None
            others = members.get(target)
            if others and rng.random() < 0.8:
                j = rng.choice(others)
            else:
                free = in_session[i].get(target)
                return {i: rng.choice(free)} if free else None
        else:
            j = rng.choice(movable)
        if j == i:
            return None
        a, b_ = at[i].get(_key(c.placed[j])), at[j].get(_key(pi))
        return {i: a, j: b_} if a is not None and b_ is not None else None

    def feasible(moves: dict[str, Placement]) -> bool:
        old = {t: c.placed[t] for t in moves}
        for t in moves:
            c.undo(talk_of[t])
        done = []
        for t, p in moves.items():
            if not c.fits(talk_of[t], p):
                break
            c.take(talk_of[t], p)
            done.append(t)
        else:
            return True
        for t in done:
            c.undo(talk_of[t])
        for t, p in old.items():
            c.take(talk_of[t], p)
        return False

    # the starting temperature from the worsening moves on offer
    worse = sorted(d for _ in range(400) if (m := propose()) and (d := score.delta(m)) > 0)
    temperature = (worse[len(worse) // 2] if worse else 1) / math.log(1 / START_ACCEPT)
    n_moves = move_count(len(movable), seconds, moves_per_talk)
    factor = (1 / COOLING) ** (1 / n_moves)
    tried = accepted = 0
    cap = cap or Budget.of(seconds)
    reported, last_report = start, t0
    try:
        if report:
            report(start)
        for tried in range(1, n_moves + 1):
            if tried % CHECK_EVERY == 0:
                clock = now()
                if cap.expired():
                    break
                if report and best < reported and clock - last_report >= REPORT_EVERY:
                    report(best)
                    reported, last_report = best, clock
            temperature *= factor
            moves = propose()
            if moves is None:
                continue
            d = score.delta(moves)
            if d > 0 and rng.random() >= math.exp(-d / temperature):
                continue
            olds = {t: c.placed[t].session_key for t in moves}
            if not feasible(moves):
                continue
            for t, key in olds.items():
                members[key].remove(t)
                members[c.placed[t].session_key].append(t)
            score.apply({t: c.placed[t] for t in moves})
            total += d
            accepted += 1
            if total < best:
                best, best_placed = total, dict(c.placed)
    except KeyboardInterrupt:  # best_placed is only ever replaced whole: it is a schedule
        return Swapped(best_placed, start, best, tried, accepted, now() - t0, interrupted=True)
    return Swapped(best_placed, start, best, tried, accepted, now() - t0)
