"""The construction: a schedule that keeps the hard rules, built in milliseconds.

"Topics to sessions, then talks to slots": talks are grouped by topic (the organizers'
first topic, or a text cluster); the biggest group first, each talk goes into a session
its group already uses, else into the emptiest session (same room first), at the
best-fitting start that keeps every hard rule it can check alone (availability, pins,
rooms busy, speakers busy, the cliques of hard overlap-only rows, joint groups as
blocks). A talk still without a place gets one through a chain of moves (an
augmenting path). On a tight grid (the talks need nearly every room-slot) groups are
given target sessions first and every talk placed at once by an exact matching
(``matched``), so that no talk is stranded. The construction seeds the swap search, is
the large mode's starting point and the fallback when a search ends without one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..budget import Budget
from ..model import Instance, Placement, Talk
from ..similarity import related_pairs, topic_clusters
from ..structure import conflict_pairs, conflict_rules, presenters_default
from ..terms import TOPIC_TERMS

if TYPE_CHECKING:
    from .families import Family
    from .relaxation import Matching

SESSIONS_TRIED = 100   # sessions tried for each topic group
TIGHT = 0.97           # the share of room-slots the talks need, from which the grid is tight
IDLE_TOLERANCE = 10    # minutes a group may leave idle beyond the talk's tightest fit


def clusters(instance: Instance, time_limit: float | None = None) -> dict[str, str]:
    """Talk id -> group key: its track, else its first topic, else its cluster of related talks (the
    language-neutral clusters ``sessionplan topics`` shows). When a solve of
    ``time_limit`` seconds could not pay for that clustering, the related pairs grouped
    greedily stand in (a start for the swap search and the search, which price the
    exact terms either way); when no topic term is weighted, the soft ``same_session``
    rows group the talks instead (``row_groups``). The choice depends on the limit, not on the clock, so the
    same limit gives the same construction."""
    out = {t.id: f"track:{t.track}" for t in instance.talks if t.track}
    out.update({t.id: f"topic:{t.topics[0].casefold()}" for t in instance.talks if t.topics and not t.track})
    if len(out) < len(instance.talks) and not any(instance.weights[t] for t in TOPIC_TERMS):
        # no topic term prices related talks: the soft same_session rows say what belongs together
        for tid, key in row_groups(instance).items():
            out.setdefault(tid, key)
    if len(out) < len(instance.talks):
        groups = topic_clusters(instance) if clustering_affordable(instance, time_limit) else pair_groups(instance)
        for k, members in enumerate(groups):
            for tid in members:
                out.setdefault(tid, f"cluster:{k}")
    return out


# Spectral clustering loads scikit-learn (about 1.5 s of CPU) and costs about 1 us per
# pair of talks; it is worth a fraction of the budget at most
CLUSTERING_LOAD = 1.5
CLUSTERING_PER_PAIR = 1e-6
CLUSTERING_SHARE = 0.15


def clustering_affordable(instance: Instance, time_limit: float | None) -> bool:
    if time_limit is None or instance.has_derived("topic_clusters"):
        return True
    n = len(instance.talks)
    return CLUSTERING_LOAD + CLUSTERING_PER_PAIR * n * n <= CLUSTERING_SHARE * time_limit


def pair_groups(instance: Instance) -> list[list[str]]:
    """Related talks joined strongest pair first, each group no larger than the longest
    session (in slots): a cheap stand-in for the clusters, largest group first."""
    pairs = sorted(related_pairs(instance), key=lambda p: (-p.strength, p.a, p.b))
    return _joined(instance, [(p.a, p.b) for p in pairs])


def row_groups(instance: Instance) -> dict[str, str]:
    """Talk id -> group key for a programme grouped by soft ``same_session`` rows: their
    talks joined heaviest row first, as ``pair_groups`` joins related talks."""
    from ..model import PairRow

    rows = sorted((r for r in instance.constraints if isinstance(r, PairRow) and r.kind == "same_session"
                   and not r.hard), key=lambda r: (-(1.0 if r.weight is None else r.weight), r.row or 0, r.talk, r.other))
    groups = _joined(instance, [(r.talk, r.other) for r in rows])
    return {tid: f"rows:{k}" for k, members in enumerate(groups) for tid in members}


def _joined(instance: Instance, pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Talks joined pair by pair in the given order, no group larger than the longest
    session (in slots); largest group first."""
    cap = max((len(idxs) for idxs in instance.sessions.values()), default=1)
    parent = {t.id: t.id for t in instance.talks}
    size = dict.fromkeys(parent, 1)

    def root(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for x, y in pairs:
        if x not in parent or y not in parent:
            continue
        a, b = root(x), root(y)
        if a != b and size[a] + size[b] <= cap:
            parent[b] = a
            size[a] += size[b]
    groups: dict[str, list[str]] = {}
    for t in instance.talks:
        groups.setdefault(root(t.id), []).append(t.id)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


class _Busy:
    """Busy intervals per key (room-day, speaker-day, clique-day), with overlap checks."""

    def __init__(self) -> None:
        self.spans: dict[tuple, list[tuple[int, int]]] = defaultdict(list)

    def free(self, key: tuple, start: int, end: int, ignore: tuple[int, int] | None = None) -> bool:
        """No busy interval of ``key`` overlaps [start, end) (``ignore`` one of them)."""
        spans = self.spans.get(key)
        if not spans:
            return True
        i = bisect_left(spans, (start, start))
        for j in (i - 1, i, i + 1):
            if 0 <= j < len(spans) and spans[j] != ignore and spans[j][0] < end and start < spans[j][1]:
                return False
        if i + 2 < len(spans) and spans[i + 2][0] < end:
            return not any(sp != ignore and sp[0] < end and start < sp[1] for sp in spans)
        return True

    def take(self, key: tuple, start: int, end: int) -> None:
        spans = self.spans[key]
        spans.insert(bisect_left(spans, (start, end)), (start, end))


class Construction:
    """The greedy schedule, and the bookkeeping that proves it keeps the hard rules."""

    def __init__(self, instance: Instance, allowed: Callable[[Talk, Placement], bool], cliques: list[list[str]]):
        self.inst = instance
        self.allowed = allowed
        self.rooms = _Busy()
        self.people = _Busy()
        self.groups = _Busy()
        self.clique_of: dict[str, list[int]] = defaultdict(list)
        for k, c in enumerate(cliques):
            for t in c:
                self.clique_of[t].append(k)
        self.placed: dict[str, Placement] = {}
        self.occupants: dict[tuple, set[str]] = defaultdict(set)  # (room, day) -> talks
        self.session_talks: dict[tuple, list[str]] = defaultdict(list)
        self.session_used: dict[tuple, int] = defaultdict(int)
        self._places: dict[tuple, Any] = {}  # caches by duration and room

    def by_session(self, talk: Talk, room: str) -> dict[tuple, list[Placement]]:
        key = (talk.duration, room)
        if key not in self._places:
            out: dict[tuple, list[Placement]] = defaultdict(list)
            for p in self.inst.templates(talk.duration, room):
                out[(p.day, p.session, room)].append(p)
            self._places[key] = dict(out)
        return self._places[key]

    def fits(self, talk: Talk, p: Placement) -> bool:
        d = p.day
        if talk.room and p.room != talk.room:
            return False
        if not self.rooms.free((p.room, d), p.start, p.span_end):
            return False
        if any(not self.people.free((s, d), p.start, p.end) for s in talk.speakers):
            return False
        if any(not self.groups.free((c, d), p.start, p.end) for c in self.clique_of.get(talk.id, ())):
            return False
        return self.one_track(talk, p) and self.allowed(talk, p)

    def one_track(self, talk: Talk, p: Placement) -> bool:
        """A cell holds talks of one track only: none of another track is in ``p``'s cell."""
        if not talk.track:
            return True
        by_id = self.inst.talk_by_id
        return all(by_id[t].track in (None, talk.track) for t in self.session_talks.get(p.session_key, ()) if t != talk.id)

    def fits_but_room(self, talk: Talk, p: Placement) -> bool:
        """Whether ``talk`` could be at ``p`` if the room were free (its own place aside)."""
        mine = self.placed.get(talk.id)
        own = None if mine is None or mine.day != p.day else (mine.start, mine.end)
        return ((not talk.room or p.room == talk.room)
                and all(self.people.free((s, p.day), p.start, p.end, own) for s in talk.speakers)
                and all(self.groups.free((k, p.day), p.start, p.end, own) for k in self.clique_of.get(talk.id, ()))
                and self.one_track(talk, p) and self.allowed(talk, p))

    def take(self, talk: Talk, p: Placement) -> None:
        p = bind(p, talk.id)
        self.rooms.take((p.room, p.day), p.start, p.span_end)
        for s in talk.speakers:
            self.people.take((s, p.day), p.start, p.end)
        for c in self.clique_of.get(talk.id, ()):
            self.groups.take((c, p.day), p.start, p.end)
        self.placed[talk.id] = p
        self.occupants[(p.room, p.day)].add(talk.id)
        self.session_talks[p.session_key].append(talk.id)
        self.session_used[p.session_key] += p.span_end - p.start

    def undo(self, talk: Talk) -> None:
        p = self.placed.pop(talk.id)
        self.occupants[(p.room, p.day)].discard(talk.id)
        self.rooms.spans[(p.room, p.day)].remove((p.start, p.span_end))
        for s in talk.speakers:
            self.people.spans[(s, p.day)].remove((p.start, p.end))
        for k in self.clique_of.get(talk.id, ()):
            self.groups.spans[(k, p.day)].remove((p.start, p.end))
        self.session_talks[p.session_key].remove(talk.id)
        self.session_used[p.session_key] -= p.span_end - p.start

    def sorted_places(self, talk: Talk, room: str) -> list[Placement]:
        """All places of the talk's duration in ``room``, least idle time first."""
        key = ("sorted", talk.duration, room)
        if key not in self._places:
            self._places[key] = sorted(self.inst.templates(talk.duration, room),
                                           key=lambda p: (_idle(p), p.day, p.start, p.session))
        return self._places[key]

    def tightest_place(self, talk: Talk) -> Placement | None:
        """The talk's least wasteful grid place (fewest slots, least idle time).

        It depends on the duration and the required room only: computed once for each."""
        key = ("tightest", talk.duration, talk.room)
        if key not in self._places:
            rooms = [talk.room] if talk.room else [r.name for r in self.inst.rooms]
            firsts = [places[0] for room in rooms if (places := self.sorted_places(talk, room))]
            self._places[key] = min(firsts, key=_idle, default=None)
        return self._places[key]

    def first_fit(self, talk: Talk, rooms: list[str], below: tuple[int, int] | None) -> Placement | None:
        """The least idle fitting place over ``rooms``; only one strictly tighter than
        ``below`` when that is given (the group's own place is kept otherwise)."""
        best = None
        for room in rooms:
            for p in self.sorted_places(talk, room):
                if best is not None and _idle(p) >= _idle(best):
                    break
                if below is not None and _idle(p) >= below:
                    break
                if self.fits(talk, p):
                    best = p
                    break
        return best

    def best_in(self, talk: Talk, places: list[Placement]) -> Placement | None:
        """The fitting place with the least idle time after the talk, earliest first."""
        best = None
        for p in places:
            if self.fits(talk, p):
                key = (_idle(p), p.start)
                if best is None or key < best[0]:
                    best = (key, p)
        return best[1] if best else None


def bind(p: Placement, talk: str) -> Placement:
    return Placement(talk, p.room, p.slots, p.day, p.start, p.end, p.span_end, p.session)


def construct(instance: Instance, families: list[Family] | None = None, group_of: dict[str, str] | None = None,
              budget: Budget | None = None, time_limit: float | None = None) -> Construction:
    """The greedy construction under the families' rules: every placement it makes keeps
    the rules on rooms, speakers, availability, pins, forbids, required rooms, joint
    groups and hard overlap-only rows; the other hard pair rows it breaks are mended
    afterwards by moves and swaps (``mend_rows``). The repair of talks it could not
    place, and the mending, stop when ``budget`` runs out."""
    from .build import placement_filter
    from .families import FAMILIES
    from .families.rows import overlap_cliques

    build = matched if tight(instance) else greedy
    made = build(instance, placement_filter(instance, families or FAMILIES), overlap_cliques(instance),
                 group_of or clusters(instance, time_limit), budget)
    mend_rows(made, budget)
    return made


def finish(c: Construction, budget: Budget | None = None) -> None:
    """Go on with a construction that its budget cut short: the repair of the talks
    still without a place, then the mending (each within ``budget``)."""
    _repair(c, c.inst, sorted((t for t in c.inst.talks if t.id not in c.placed and not t.joint),
                              key=lambda t: (not t.room, -(t.duration or 0), t.id)), budget)
    mend_rows(c, budget)


def mend_rows(c: Construction, budget: Budget | None = None) -> int:
    """Mend the hard pair rows the placements break that are not overlap-only (those
    the construction keeps as it goes: same or parallel sessions, days, order): a talk
    of a broken row moves to a free place, or trades places with another talk of its
    duration, when that breaks fewer hard pair rows of the two talks and keeps every
    other hard rule (``Construction.fits``). Talks whose rules ``fits`` does not see stay
    (``rule_bound_talks``: joint groups, tracks, People-sheet conflicts). Returns how
    many rows are still broken."""
    from ..model import PairRow

    inst = c.inst
    rows = [r for r in inst.constraints if r.hard and isinstance(r, PairRow) and not r.spec.overlap_only
            and r.talk in c.placed and r.other in c.placed]
    if not rows:
        return 0
    rows_of: dict[str, list[PairRow]] = defaultdict(list)
    for r in rows:
        rows_of[r.talk].append(r)
        rows_of[r.other].append(r)

    def broken(talks: tuple[str, ...]) -> int:
        seen = {id(r): r for t in talks for r in rows_of[t]}
        return sum(r.breaks(c.placed[r.talk], c.placed[r.other], inst) for r in seen.values())

    by_id = inst.talk_by_id
    stay = rule_bound_talks(inst)
    order = sorted((t for t in c.placed if t not in stay), key=lambda t: (by_id[t].duration or 0, t))
    rooms_all = [r.name for r in inst.rooms]
    for _ in range(MEND_ROUNDS):
        bad = [r for r in rows if r.breaks(c.placed[r.talk], c.placed[r.other], inst)]
        if not bad:
            return 0
        mended = False
        for r in bad:
            if budget is not None and budget.expired():
                return len(bad)
            if not r.breaks(c.placed[r.talk], c.placed[r.other], inst):
                continue
            for tid in (r.talk, r.other):
                if tid not in stay and (_mend_move(c, by_id[tid], rooms_all, broken)
                                             or _mend_swap(c, by_id[tid], order, broken)):
                    mended = True
                    break
        if not mended:
            break
    return sum(r.breaks(c.placed[r.talk], c.placed[r.other], inst) for r in rows)


MEND_ROUNDS = 20   # passes over the broken rows while a pass mends one


def rule_bound_talks(instance: Instance) -> set[str]:
    """Talks a move of the construction's bookkeeping could take out of their rules:
    joint groups (their parts move together), tracks (their rules are about cells) and
    talks in a conflict for people beyond the speakers' own rule."""
    fixed = {t.id for t in instance.talks if t.joint or t.track}
    for who in ("presenters", "attendees"):
        if conflict_rules(instance, who):
            speakers = {t.id: set(t.speakers) for t in instance.talks}
            default = who == "presenters" and presenters_default(instance)
            for a, c in conflict_pairs(instance, who):
                if not (default and speakers[a] & speakers[c]):
                    fixed.update((a, c))
    return fixed


def _mend_move(c: Construction, talk: Talk, rooms: list[str], broken: Callable[[tuple[str, ...]], int]) -> bool:
    """``talk`` to a free place where its rows break less."""
    before = broken((talk.id,))
    here = c.placed[talk.id]
    c.undo(talk)
    for room in [talk.room] if talk.room else rooms:
        for p in c.sorted_places(talk, room):
            if (p.day, p.start, p.room) != (here.day, here.start, here.room) and c.fits(talk, p):
                c.take(talk, p)
                if broken((talk.id,)) < before:
                    return True
                c.undo(talk)
    c.take(talk, here)
    return False


def _mend_swap(c: Construction, talk: Talk, order: list[str], broken: Callable[[tuple[str, ...]], int]) -> bool:
    """``talk`` trades places with a talk of its duration where their rows break less."""
    by_id = c.inst.talk_by_id
    for uid in order:
        other = by_id[uid]
        if uid == talk.id or other.duration != talk.duration:
            continue
        a, b = c.placed[talk.id], c.placed[uid]
        if a.session_key == b.session_key:
            continue
        before = broken((talk.id, uid))
        c.undo(talk)
        c.undo(other)
        if c.fits(talk, b):
            c.take(talk, b)
            if c.fits(other, a):
                c.take(other, a)
                if broken((talk.id, uid)) < before:
                    return True
                c.undo(other)
            c.undo(talk)
        c.take(talk, a)
        c.take(other, b)
    return False


def tight(instance: Instance) -> bool:
    """Whether the talks need (nearly) every room-slot there is: then a best fit talk by
    talk can strand talks, and the exact matching of ``matched`` is the construction."""
    need = sum(instance.min_slots(t) for t in instance.talks)
    return need >= TIGHT * sum(len(s.rooms) for s in instance.slots)


def construction_of(instance: Instance, families: list[Family], placements: dict[str, Placement]) -> Construction:
    """The bookkeeping of a complete schedule (for the swap search to start from it)."""
    from .build import placement_filter
    from .families.rows import overlap_cliques

    c = Construction(instance, placement_filter(instance, families), overlap_cliques(instance))
    for talk in instance.talks:
        c.take(talk, placements[talk.id])
    return c


def greedy(instance: Instance, allowed: Callable[[Talk, Placement], bool], cliques: list[list[str]],
           group_of: dict[str, str], budget: Budget | None = None) -> Construction:
    """Best fit, longest talks first; among equally tight places, the group's sessions.

    Longest-first into the least idle place is what keeps a tight grid (one slot per
    talk, as in FOSDEM) feasible; the topic preference only chooses among places that
    fit equally well, or better.
    """
    c = Construction(instance, allowed, cliques)
    group_sessions: dict[str, list[tuple]] = defaultdict(list)
    for label in sorted(instance.joint_groups):
        _place_joint(c, instance, label)
        for tid in instance.joint_groups[label]:
            if tid in c.placed:
                group_sessions[group_of[tid]].append(c.placed[tid].session_key)
    # talks that need several slots first (they need unbroken runs), then topics to
    # sessions, then everything left, longest first
    durations = sorted(t.duration or 0 for t in instance.talks)
    long_cut = 2 * durations[len(durations) // 2] if durations else 0
    long_first = sorted((t for t in instance.talks if not t.joint and
                         (instance.min_slots(t) > 1 or (t.duration or 0) > long_cut)),
                        key=lambda t: (not t.room, -(t.duration or 0), t.id))
    _best_fit(c, instance, long_first, group_of, group_sessions)
    _groups_to_sessions(c, instance, group_of, group_sessions)
    order = sorted((t for t in instance.talks if not t.joint and t.id not in c.placed),
                   key=lambda t: (not t.room, -(t.duration or 0), group_of[t.id], t.id))
    _best_fit(c, instance, order, group_of, group_sessions)
    _repair(c, instance, [t for t in order if t.id not in c.placed], budget)
    return c


def _best_fit(c: Construction, instance: Instance, order: list[Talk], group_of: dict[str, str],
              group_sessions: dict[str, list[tuple]]) -> None:
    rooms_all = [r.name for r in instance.rooms]
    for talk in order:
        rooms = [talk.room] if talk.room else rooms_all
        g = group_of[talk.id]
        own = None
        for key in group_sessions[g]:
            if key[2] in rooms:
                p = c.best_in(talk, c.by_session(talk, key[2]).get(key, []))
                if p is not None and (own is None or _idle(p) < _idle(own)):
                    own = p
        best = c.first_fit(talk, rooms, below=None if own is None else _idle(own))
        p = own if best is None else best
        if p is not None:
            c.take(talk, p)
            if p.session_key not in group_sessions[g]:
                group_sessions[g].append(p.session_key)


def _repair(c: Construction, instance: Instance, unplaced: list[Talk], budget: Budget | None = None) -> None:
    """Seat each unplaced talk by a chain of moves (an augmenting path): it takes the
    place of one talk, which takes the place of another, ..., the last one a free place.

    Found breadth-first over room blockers (shortest chains first), then applied move by
    move with every hard rule checked; a chain that breaks one is undone. Stops when the
    budget has run out.
    """
    for talk in unplaced:
        if budget is not None and budget.expired():
            return
        _augment(c, instance, talk)


def _augment(c: Construction, instance: Instance, talk: Talk, max_nodes: int = 3000) -> bool:
    rooms_all = [r.name for r in instance.rooms]
    nodes: list[tuple[Talk, int | None, Placement | None]] = [(talk, None, None)]  # talk, parent, place it frees
    seen = {talk.id}
    head = 0
    while head < len(nodes) and len(nodes) < max_nodes:
        u, _, _ = nodes[head]
        for p in (q for room in ([u.room] if u.room else rooms_all) for q in c.sorted_places(u, room)):
            holders = [tid for tid in sorted(c.occupants.get((p.room, p.day), ()))
                       if tid != u.id and c.placed[tid].overlaps(p, own_time=False)]
            if len(holders) > 1 or (holders and (holders[0] in seen or instance.talk_by_id[holders[0]].joint)):
                continue
            if not c.fits_but_room(u, p):
                continue
            if not holders:
                if _apply_chain(c, nodes, head, p):
                    return True
            else:
                seen.add(holders[0])
                nodes.append((instance.talk_by_id[holders[0]], head, p))
        head += 1
    return False


def _apply_chain(c: Construction, nodes: list, last: int, free: Placement) -> bool:
    """Move nodes[last] to ``free``, its parent to the place it left, ... up to the root."""
    chain, i, target = [], last, free
    while i is not None:
        u, parent, frees = nodes[i]
        chain.append((u, target))
        target, i = frees, parent
    old = {u.id: c.placed[u.id] for u, _ in chain if u.id in c.placed}
    for u, _ in chain:
        if u.id in c.placed:
            c.undo(u)
    done = []
    for u, p in chain:
        if not c.fits(u, p):
            break
        c.take(u, p)
        done.append(u)
    if len(done) == len(chain):
        return True
    for u in done:
        c.undo(u)
    for u, _ in chain:
        if u.id in old:
            c.take(u, old[u.id])
    return False


def _groups_to_sessions(c: Construction, instance: Instance, group_of: dict[str, str],
                        group_sessions: dict[str, list[tuple]]) -> None:
    """Topics to sessions: each group, largest first, fills the session that seats most
    of its talks (best fit, longest first), then the next, while sessions take them."""
    members: dict[str, list[Talk]] = defaultdict(list)
    for t in instance.talks:
        if not t.joint and not t.room and t.id not in c.placed:
            members[group_of[t.id]].append(t)
    capacity = {
        (day, label, room): sum(instance.slots[j].end - instance.slots[j].start
                                for j in idxs if room in instance.slots[j].rooms)
        for (day, label), idxs in instance.sessions.items() for room in instance.session_rooms[(day, label)]
    }
    for g in sorted(members, key=lambda g: (-len(members[g]), g)):
        left = sorted(members[g], key=lambda t: (-(t.duration or 0), t.id))
        while len(left) > 1:
            need = sum((p.span_end - p.start) if (p := c.tightest_place(t)) else (t.duration or 0) for t in left)
            home = {k[2] for k in group_sessions[g]}
            keys = sorted((k for k in capacity if capacity[k] - c.session_used[k] > 0),
                          key=lambda k: (k[2] not in home, abs(capacity[k] - c.session_used[k] - need), k))
            best = None
            for key in keys[:SESSIONS_TRIED]:
                seated = _fill(c, left, key)
                # most talks seated, then the session left fullest (best fit), then least idle
                score = (len(seated), -(capacity[key] - c.session_used[key]), -sum(_idle(p)[1] for _, p in seated))
                for talk, _ in seated:
                    c.undo(talk)
                if seated and (best is None or score > best[0]):
                    best = (score, key)
            if best is None or best[0][0] < 2:
                break  # a session holding one talk of the group groups nothing
            for talk, _ in _fill(c, left, best[1]):
                left.remove(talk)
            group_sessions[g].append(best[1])


def _fill(c: Construction, talks: list[Talk], key: tuple) -> list[tuple[Talk, Placement]]:
    """Place ``talks`` (longest first) into session ``key``, tightest place each; kept placed."""
    seated = []
    for talk in talks:
        best = c.tightest_place(talk)
        fewest, tightest = _idle(best) if best else (0, 0)
        p = c.best_in(talk, [q for q in c.by_session(talk, key[2]).get(key, [])
                             if len(q.slots) == fewest and q.span_end - q.end <= tightest + IDLE_TOLERANCE])
        if p is not None:
            c.take(talk, p)
            seated.append((talk, p))
    return seated


def _idle(p: Placement) -> tuple[int, int]:
    """How wasteful a place is: the slots it takes, then the idle minutes after the talk."""
    return (len(p.slots), p.span_end - p.end)


def _place_joint(c: Construction, instance: Instance, label: str) -> None:
    ids = instance.joint_groups[label]
    talks = [instance.talk_by_id[i] for i in ids]
    for chain in instance.joint_chains(ids):
        ok, taken = True, []
        for talk, p in zip(talks, chain, strict=True):
            if not c.fits(talk, p):
                ok = False
                break
            c.take(talk, p)
            taken.append(talk)
        if ok:
            return
        for talk in taken:  # undo the partial chain
            c.undo(talk)



def matched(instance: Instance, allowed: Callable[[Talk, Placement], bool], cliques: list[list[str]],
            group_of: dict[str, str], budget: Budget | None = None) -> Construction:
    """For a grid where nearly every slot is taken: groups into whole sessions, then every
    talk at once by an exact matching.

    1. Targets: groups to sessions by rounds of an assignment (each group to one
       session, each session to one group) that seats the most talks (a count by
       durations against the session's free slots); what is left of each group takes
       part in the next round.
    2. Matching: talks to places by a min-cost flow (every talk placed if the grid allows
       it at all), a place in one of the group's target sessions costing nothing and any
       other a unit, idle minutes breaking ties.
    3. The matched places are taken in order, every hard rule checked; a talk whose place
       clashes (a speaker's other talk, an overlapping longer talk) gets the least idle
       free place, else a chain of moves (``_repair``), within the budget.
    """
    from .relaxation import Matching

    c = Construction(instance, allowed, cliques)
    for label in sorted(instance.joint_groups):
        _place_joint(c, instance, label)
    talks = [t for t in instance.talks if t.id not in c.placed]
    taken = {j for p in c.placed.values() for j in p.slots}
    cells: dict[tuple, list[int]] = {}
    for (day, label), idxs in instance.sessions.items():
        for room in sorted(instance.session_rooms[(day, label)]):
            cells[(day, label, room)] = sorted(instance.slots[j].end - instance.slots[j].start for j in idxs
                                               if room in instance.slots[j].rooms and j not in taken)
    members: dict[str, list[Talk]] = defaultdict(list)
    for t in talks:
        members[group_of[t.id]].append(t)
    target = _targets(members, cells)
    places: dict[str, list[Placement]] = {}
    costs: dict[str, list[int]] = {}
    # when the talks need every room-slot there is, each takes no more slots than it must
    tight = sum(instance.min_slots(t) for t in talks) >= sum(len(pool) for pool in cells.values())
    for t in talks:
        fewest = instance.min_slots(t)
        mine = [bind(p, t.id) for p in instance.placements(t)
                if allowed(t, p) and not (tight and len(p.slots) > fewest)]
        places[t.id] = mine
        home = target[group_of[t.id]]
        costs[t.id] = [(0 if p.session_key in home else 100) + (p.span_end - p.end) + 10 * (len(p.slots) - 1)
                       for p in mine]
    if budget is not None and budget.expired():
        return c
    chosen = _matched_apart(c, talks, Matching(places, costs), budget)
    rooms_all = [r.name for r in instance.rooms]
    clashing = []
    for t in sorted(talks, key=lambda t: (-(t.duration or 0), t.id)):
        p = chosen.get(t.id)
        if p is not None and c.fits(t, p):
            c.take(t, p)
        else:
            clashing.append(t)
    for t in clashing:
        p = c.first_fit(t, [t.room] if t.room else rooms_all, below=None)
        if p is not None:
            c.take(t, p)
    _repair(c, instance, [t for t in clashing if t.id not in c.placed], budget)
    return c


MATCH_ROUNDS = 8   # matchings solved again with the places of clashing talks taken away


def _matched_apart(c: Construction, talks: list[Talk], matching: Matching,
                   budget: Budget | None) -> dict[str, Placement]:
    """The matching's places, solved again while two talks of a speaker (or of a hard
    not_parallel clique) overlap in them: the later talk of each such pair loses its
    places at the other's time, and the new matching moves as few talks as its cost
    allows. On a tight grid a chain of moves then seldom has to seat a talk, and where
    the slot lengths match the durations exactly that chain may not exist at all."""
    found = matching.solve()
    if found is None:
        return {}
    chosen = found[1]
    for _ in range(MATCH_ROUNDS):
        if budget is not None and budget.expired():
            break
        clashes = _clashes(c, talks, chosen)
        if not clashes:
            break
        taken = 0
        for talk, other in clashes:
            taken += sum(matching.forbid(talk.id, p) for p in matching.open_places(talk.id) if p.overlaps(other))
        again = matching.solve(keep=chosen) if taken else None
        if again is None:
            break
        chosen = again[1]
    return chosen


def _clashes(c: Construction, talks: list[Talk], chosen: dict[str, Placement]) -> list[tuple[Talk, Placement]]:
    """(talk, the other's place) for each pair of talks that share a speaker or a clique
    and overlap at their chosen places (and at the places already taken), the later talk first."""
    by_key: dict[tuple, list[tuple[str, Placement]]] = defaultdict(list)
    for t in talks:
        p = chosen.get(t.id)
        if p is None:
            continue
        for s in t.speakers:
            by_key[("speaker", s)].append((t.id, p))
        for k in c.clique_of.get(t.id, ()):
            by_key[("clique", k)].append((t.id, p))
    for tid, p in c.placed.items():   # joint groups, placed first
        for s in c.inst.talk_by_id[tid].speakers:
            by_key[("speaker", s)].append((tid, p))
    by_id = c.inst.talk_by_id
    out: dict[str, Placement] = {}
    for key in sorted(by_key):
        entries = sorted(by_key[key], key=lambda e: e[0])
        for n, (a, pa) in enumerate(entries):
            for b, pb in entries[n + 1:]:
                if pa.overlaps(pb):
                    later, other = (b, pa) if b not in c.placed else (a, pb)
                    if later not in c.placed and later not in out:
                        out[later] = other
    return [(by_id[t], p) for t, p in sorted(out.items())]


def _targets(members: dict[str, list[Talk]], cells: dict[tuple, list[int]]) -> dict[str, set[tuple]]:
    """Target sessions of each group (see ``matched``); ``cells`` (free slot lengths,
    ascending, per session) is used up."""
    from .matching import least_cost_assignment

    todo = {g: sorted((t.duration or 0 for t in ts), reverse=True) for g, ts in members.items()}
    rooms = {g: {t.room for t in ts} for g, ts in members.items()}
    target: dict[str, set[tuple]] = defaultdict(set)
    while True:
        groups = sorted(g for g, ds in todo.items() if ds)
        keys = sorted((k for k, pool in cells.items() if pool), key=lambda k: (k[0], k[1], k[2]))
        if not groups or not keys:
            break
        seats = np.array([[_matching_count(todo[g], cells[k]) if (None in rooms[g] or k[2] in rooms[g]) else 0
                           for k in keys] for g in groups], dtype=float)
        if not seats.any():
            break
        # most talks seated; among equals, the sessions they fill best
        waste = np.array([[len(cells[k]) for k in keys]] * len(groups), dtype=float)
        pairs = least_cost_assignment(-(seats * 1000 - np.minimum(waste - seats, 999) * (seats > 0)))
        progress = False
        for r, k in pairs:
            if seats[r, k] > 0:
                g, key = groups[r], keys[k]
                target[g].add(key)
                todo[g] = _seat(todo[g], cells[key])
                progress = True
        if not progress:
            break
    return target


def _seat(durations: list[int], pool: list[int]) -> list[int]:
    """Take the talks (durations, longest first) into ``pool``'s free slots (removed);
    the durations that found no slot are returned."""
    from bisect import bisect_left as left_of

    rest = []
    for d in durations:
        k = left_of(pool, d)
        if k < len(pool):
            pool.pop(k)
        else:
            rest.append(d)
    return rest

def _matching_count(durations: list[int], lengths: list[int]) -> int:
    """How many talks fit distinct free slots at least as long (greedy: longest talk to the
    shortest slot that holds it, which is a largest matching for this kind of fit)."""
    from bisect import bisect_left as left_of

    pool = list(lengths)
    count = 0
    for d in sorted(durations, reverse=True):
        k = left_of(pool, d)
        if k < len(pool):
            pool.pop(k)
            count += 1
    return count
