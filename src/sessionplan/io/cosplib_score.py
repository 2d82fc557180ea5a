"""A CoSPLib scorer written from the format's definition, independent of sessionplan's evaluator.

It scores a schedule (:class:`sessionplan.io.cosplib.Schedule`) of a CoSPLib instance
criterion by criterion, as the benchmark defines them (repository README, "Constraints
Available" and "Data Format"; Pylyavskyy, Jacko & Kheiri, EJOR 2024). Sessions are
ordered as in the ``sessions`` sheet, rooms as in the ``rooms`` sheet; a *cell* is one
(session, room), it *holds* the track given for it. Every criterion yields entries
``(label, amount)``; its penalty is its weight times the sum of the amounts, and the
objective is the sum of the penalties. A weight of 0 switches a criterion off.

* ``tracks_sessions`` / ``tracks_rooms`` / ``sessions_rooms``: per cell holding a track,
  the matrix entry of (track, session) / (track, room) / (session, room).
* ``similar_tracks``: per session, per pair of cells holding two different tracks, the
  tracks' entry in ``similar tracks`` (a pair's entry may be in either triangle; the
  diagonal is not a pair).
* ``rooms_per_track``: per track, the number of distinct rooms its cells use, minus one.
* ``parallel_tracks``: per track and session, its cells in the session minus one.
* ``consecutive_tracks``: 1 per track whose sessions (two or more) are not a run of
  consecutive sessions of the sheet.
* ``submissions_timezones``: per time slot a submission fills, the penalty of its
  session at the presenter's GMT offset: the session's start and end, shifted from the
  conference's offset to the presenter's (time of day, modulo 24 h), are *unsuitable*
  if the start is before the less-suitable window or the end after it or before its
  start (past midnight); else *less suitable* if the start lies in [less-suitable from,
  suitable from) or the end in (suitable to, less-suitable to]; else suitable (0).
* ``submissions_order``: per track, its submissions in the order they appear (session,
  then room, then time slot, over the cells holding the track); 1 for each with a
  non-zero ``Order`` different from its position (1-based).
* ``submissions_sessions`` / ``submissions_rooms``: per time slot a submission fills,
  its penalty for the cell's session / room.
* ``presenters_conflicts`` (session level): per session, 1 per pair of submissions in
  different rooms that *conflict for presenters*: they share a presenter, or a
  presenter of one chairs the other's track (a different track).
* ``attendees_conflicts`` (session level): likewise for attendee conflicts: a shared
  attendee, or an attendee of one presents the other or chairs its (different) track.
* ``chairs_conflicts``: per session, 1 per pair of cells whose tracks share a chair.
* ``presenters_conflicts_timeslot`` / ``attendees_conflicts_timeslot``: per session and
  time slot index, 1 per pair of submissions in that slot that conflict.

Hard rules (reported apart, not in the objective): every submission fills exactly its
required number of slots, all in one cell and consecutive; it sits in a cell holding its
own track; a cell with submissions holds a track.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from .cosplib import CriterionReport, Entry, Instance, Report, Schedule

# (weight field, column name of CoSPLib's violations sheet); the first twelve are the
# columns of the published solutions, in their order.
CRITERIA: tuple[tuple[str, str], ...] = (
    ("tracks_sessions", "Evaluate Tracks|Sessions"),
    ("tracks_rooms", "Evaluate Tracks|Rooms"),
    ("sessions_rooms", "Evaluate Sessions|Rooms"),
    ("submissions_timezones", "Evaluate Submissions|Timezones"),
    ("submissions_sessions", "Evaluate Submissions|Sessions"),
    ("submissions_rooms", "Evaluate Submissions|Rooms"),
    ("consecutive_tracks", "Evaluate Consecutive Tracks"),
    ("similar_tracks", "Evaluate Similar Tracks"),
    ("rooms_per_track", "Evaluate NumberOfRoomsPerTrack"),
    ("presenters_conflicts", "Evaluate Presenters Conflicts"),
    ("chairs_conflicts", "Evaluate Chairs Conflicts"),
    ("attendees_conflicts", "Evaluate Attendees Conflicts"),
    ("parallel_tracks", "Evaluate Parallel Tracks"),
    ("submissions_order", "Evaluate Submissions Order"),
    ("presenters_conflicts_timeslot", "Evaluate Presenters Conflicts [TS]"),
    ("attendees_conflicts_timeslot", "Evaluate Attendees Conflicts [TS]"),
)
PUBLISHED_COLUMNS = 12


@dataclass
class Criterion:
    key: str
    name: str
    weight: int
    entries: list[tuple[str, int]] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(a for _, a in self.entries)

    @property
    def penalty(self) -> int:
        return self.weight * self.amount


@dataclass
class Score:
    criteria: dict[str, Criterion]
    hard: list[str]

    @property
    def objective(self) -> int:
        return sum(c.penalty for c in self.criteria.values())

    def report(self) -> Report:
        """The score as CoSPLib's violations sheet: weighted entries per criterion."""
        return Report(objective=self.objective, criteria=tuple(
            CriterionReport(name=c.name, entries=tuple(Entry(label=lab, penalty=c.weight * a)
                                                       for lab, a in c.entries if c.weight * a),
                            total=c.penalty)
            for c in self.criteria.values()))


def timezone_penalty(instance: Instance, offset: int, session_name: str) -> int:
    """The penalty of a session for a presenter ``offset`` hours east of GMT."""
    p = instance.parameters
    s = instance.session(session_name)
    shift = (offset - p.local_offset) * 60
    start, end = (s.start + shift) % 1440, (s.end + shift) % 1440
    if start < p.less_suitable.start or end > p.less_suitable.end or end < p.less_suitable.start:
        return p.unsuitable_penalty
    if p.less_suitable.start <= start < p.suitable.start or p.suitable.end < end <= p.less_suitable.end:
        return p.less_suitable_penalty
    return 0


def _relations(instance: Instance) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """Presenter conflicts and attendee conflicts between submissions; chair conflicts between tracks."""
    chairs = {t.name: set(t.chairs) for t in instance.tracks}
    subs = instance.submissions
    pres: dict[str, set[str]] = defaultdict(set)
    att: dict[str, set[str]] = defaultdict(set)
    for a, b in combinations(subs, 2):
        pa, pb, aa, ab = set(a.presenters), set(b.presenters), set(a.attendees), set(b.attendees)
        other_track = a.track != b.track
        if pa & pb or (other_track and (pa & chairs[b.track] or pb & chairs[a.track])):
            pres[a.reference].add(b.reference)
            pres[b.reference].add(a.reference)
        if (aa & ab or aa & pb or ab & pa
                or (other_track and (aa & chairs[b.track] or ab & chairs[a.track]))):
            att[a.reference].add(b.reference)
            att[b.reference].add(a.reference)
    chair: dict[str, set[str]] = defaultdict(set)
    for s, t in combinations(instance.tracks, 2):
        if set(s.chairs) & set(t.chairs):
            chair[s.name].add(t.name)
            chair[t.name].add(s.name)
    return pres, att, chair


def score(instance: Instance, schedule: Schedule) -> Score:
    w = instance.weights
    crit = {key: Criterion(key, name, getattr(w, key)) for key, name in CRITERIA}
    sessions = [s.name for s in instance.sessions]
    rooms = [r.name for r in instance.rooms]
    pos = {s: i for i, s in enumerate(sessions)}
    room_pos = {r: i for i, r in enumerate(rooms)}
    cells = sorted(schedule.cells, key=lambda c: (pos[c.session], room_pos[c.room]))
    held = [c for c in cells if c.track is not None]
    track = {id(c): c.track or "" for c in held}    # (a held cell's track, typed as text)
    pen = Instance.penalty

    def add(key: str, label: str, amount: int) -> None:
        if amount:
            crit[key].entries.append((label, amount))

    # -- track-level criteria
    for c in held:
        t_ = track[id(c)]
        add("tracks_sessions", f"{t_} - {c.session}", pen(instance.tracks_sessions, t_, c.session))
        add("tracks_rooms", f"{t_} - {c.room}", pen(instance.tracks_rooms, t_, c.room))
        add("sessions_rooms", f"{c.session} - {c.room}", pen(instance.sessions_rooms, c.session, c.room))
    by_session: dict[str, list] = defaultdict(list)
    for c in held:
        by_session[c.session].append(c)
    sim = instance.similar_tracks
    for s, cs in by_session.items():
        for a, b in combinations(cs, 2):
            if a.track != b.track:
                add("similar_tracks", f"{a.track} - {b.track} - {s}",
                    max(pen(sim, track[id(a)], track[id(b)]), pen(sim, track[id(b)], track[id(a)])))
    track_rooms: dict[str, set[str]] = defaultdict(set)
    track_sessions: dict[str, list[int]] = defaultdict(list)
    for c in held:
        track_rooms[track[id(c)]].add(c.room)
        track_sessions[track[id(c)]].append(pos[c.session])
    for t in instance.tracks:
        if t.name in track_rooms:
            add("rooms_per_track", t.name, len(track_rooms[t.name]) - 1)
            per_session: dict[int, int] = defaultdict(int)
            for p in track_sessions[t.name]:
                per_session[p] += 1
            for p, k in sorted(per_session.items()):
                add("parallel_tracks", f"{t.name} - {sessions[p]}", k - 1)
            used = sorted(per_session)
            add("consecutive_tracks", t.name, int(len(used) > 1 and used[-1] - used[0] + 1 != len(used)))

    # -- submission-level criteria
    tz = {s.reference: s.time_zone for s in instance.submissions}
    for c in cells:
        for ref in c.slots:
            if ref is None:
                continue
            sub = instance.submission(ref)
            add("submissions_timezones", f"{ref} - {c.session}", timezone_penalty(instance, tz[ref], c.session))
            add("submissions_sessions", f"{ref} - {c.session}", sub.session_penalties.get(c.session, 0))
            add("submissions_rooms", f"{ref} - {c.room}", sub.room_penalties.get(c.room, 0))
    seen_in_track: dict[str, list[str]] = defaultdict(list)
    for c in held:
        for ref in c.slots:
            if ref is not None and ref not in seen_in_track[track[id(c)]]:
                seen_in_track[track[id(c)]].append(ref)
    for t in instance.tracks:
        for position, ref in enumerate(seen_in_track.get(t.name, []), start=1):
            order = instance.submission(ref).order
            add("submissions_order", ref, int(order != 0 and order != position))

    # -- conflicts
    pres, att, chair = _relations(instance)
    in_session: dict[str, dict[str, str]] = defaultdict(dict)        # session -> submission -> room
    in_slot: dict[tuple[str, int], list[str]] = defaultdict(list)     # (session, slot) -> submissions
    for c in cells:
        for i, ref in enumerate(c.slots):
            if ref is not None:
                in_session[c.session].setdefault(ref, c.room)
                if ref not in in_slot[(c.session, i)]:
                    in_slot[(c.session, i)].append(ref)
    for s in sessions:
        placed = list(in_session.get(s, {}).items())
        for (a, ra), (b, rb) in combinations(placed, 2):
            if ra != rb:
                add("presenters_conflicts", f"{a} - {b}", int(b in pres[a]))
                add("attendees_conflicts", f"{a} - {b}", int(b in att[a]))
        for a, b in combinations(by_session.get(s, []), 2):
            add("chairs_conflicts", f"{a.track} - {b.track}", int(b.track in chair[a.track]))
    for _, refs in sorted(in_slot.items(), key=lambda kv: (pos[kv[0][0]], kv[0][1])):
        for a, b in combinations(refs, 2):
            add("presenters_conflicts_timeslot", f"{a} - {b}", int(b in pres[a]))
            add("attendees_conflicts_timeslot", f"{a} - {b}", int(b in att[a]))

    return Score(crit, hard_violations(instance, schedule))


def hard_violations(instance: Instance, schedule: Schedule) -> list[str]:
    out = []
    where: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for c in schedule.cells:
        filled = [ref for ref in c.slots if ref is not None]
        if filled and c.track is None:
            out.append(f"cell {c.session}/{c.room} has submissions but no track")
        for i, ref in enumerate(c.slots):
            if ref is None:
                continue
            where[ref].append((c.session, c.room, i))
            if c.track is not None and instance.submission(ref).track != c.track:
                out.append(f"{ref} (track {instance.submission(ref).track}) in a cell of track {c.track}")
    for sub in instance.submissions:
        places = where.get(sub.reference, [])
        if not places:
            out.append(f"{sub.reference} not scheduled")
            continue
        cells = {(s, r) for s, r, _ in places}
        slots = sorted(i for _, _, i in places)
        if len(places) != sub.required_timeslots:
            out.append(f"{sub.reference} fills {len(places)} slots, needs {sub.required_timeslots}")
        if len(cells) > 1 or slots[-1] - slots[0] + 1 != len(slots):
            out.append(f"{sub.reference} is not in consecutive slots of one cell")
    return out
