"""A schedule of a conference workbook as a CoSPLib solution workbook (``--format cosplib``).

The conference's session blocks are CoSPLib's sessions (a block's label is the session's
name; its slots, in time order, are the session's time slots), its rooms CoSPLib's rooms,
a talk's id its submission reference. Each (block, room) in use is a cell holding the
track of its talks; a talk of several slots fills that many consecutive rows, as the
``sol`` sheet wants. Given the CoSPLib instance the workbook was imported from, names are
written exactly as the instance spells them (the workbook drops surrounding spaces), the
schedule is checked against it, and the ``violations`` sheet holds its score by the
CoSPLib scorer (``cosplib_score``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from ..model import Assignment, Instance
from . import cosplib
from .cosplib_score import Score, score


@dataclass
class Exported:
    schedule: cosplib.Schedule
    sessions: list[tuple[str, int]]
    rooms: list[str]
    score: Score | None = None


def _key(name: str) -> str:
    """A name as the workbook matches it: case and runs of spaces aside."""
    return " ".join(name.split()).casefold()


def cosplib_schedule(instance: Instance, assignments: list[Assignment],
                     source: cosplib.Instance | None = None) -> Exported:
    """The CoSPLib cells of ``assignments``; InputError when a talk has no track, a block's
    label is not one of the source's sessions, or the like."""
    problems: list[Problem] = []
    names: dict[str, dict[str, str]] = {"session": {}, "room": {}, "track": {}, "submission": {}}
    if source is not None:
        names = {"session": {_key(s.name): s.name for s in source.sessions},
                 "room": {_key(r.name): r.name for r in source.rooms},
                 "track": {_key(t.name): t.name for t in source.tracks},
                 "submission": {_key(s.reference): s.reference for s in source.submissions}}

    def name(kind: str, value: str) -> str:
        if source is None:
            return value
        found = names[kind].get(_key(value))
        if found is None:
            problems.append(Problem(None, None, None, f"{kind} {value!r} is not in CoSPLib instance {source.name}"))
            return value
        return found

    blocks = sorted(instance.sessions.items(), key=lambda kv: (kv[0][0], instance.slots[kv[1][0]].start))
    label_of: dict[tuple[date, str], str] = {}
    sessions: list[tuple[str, int]] = []
    for (day, label), idxs in blocks:
        cos = name("session", label)
        if any(cos == s for s, _ in sessions):
            problems.append(Problem("Slots", None, "session", f"session label {label!r} is used on two days; "
                                                              "a CoSPLib session is one block"))
        label_of[(day, label)] = cos
        sessions.append((cos, len(idxs)))
    rooms = [name("room", r.name) for r in instance.rooms]
    room_of = {r.name: cos for r, cos in zip(instance.rooms, rooms, strict=True)}
    talks = instance.talk_by_id
    cells: dict[tuple[str, str], dict[int, str]] = {}
    tracks: dict[tuple[str, str], str] = {}
    for a in sorted(assignments, key=lambda a: a.talk):
        talk = talks[a.talk]
        track = getattr(talk, "track", None)
        ref = name("submission", talk.id)
        if source is not None and ref in names["submission"].values():
            track = source.submission(ref).track
        elif track is not None:
            track = name("track", track)
        if not track:
            problems.append(Problem("Talks", talk.row, "track", f"talk {talk.id!r} has no track: a CoSPLib cell "
                                                                "holds a track"))
            continue
        block = _block_of(instance, a)
        place = instance.placement_at(talk, a.room, block[0], _minutes(a.start)) if block else None
        if block is None or place is None:
            problems.append(Problem("Talks", talk.row, "scheduled_start",
                                    f"talk {talk.id!r} at {a.day} {a.start} in {a.room} is not on the slot grid"))
            continue
        idxs = instance.sessions[block]
        cell = (label_of[block], room_of[a.room])
        if tracks.setdefault(cell, track) != track:
            problems.append(Problem("Talks", talk.row, "track", f"cell {cell[0]} / {cell[1]} holds tracks "
                                                                f"{tracks[cell]!r} and {track!r}"))
        for j in place.slots:
            cells.setdefault(cell, {})[idxs.index(j)] = ref
    if problems:
        raise InputError(problems, "cosplib export")
    k = dict(sessions)
    schedule = cosplib.Schedule(cells=tuple(
        cosplib.Cell(session=s, room=r, track=tracks[(s, r)],
                     slots=tuple(cells.get((s, r), {}).get(i) for i in range(k[s])))
        for s, _ in sessions for r in rooms if (s, r) in tracks))
    out = Exported(schedule, sessions, rooms)
    if source is not None:
        bad = cosplib.check_schedule(source, schedule)
        order = [(s.name, s.max_timeslots) for s in source.sessions]
        if sorted(order) != sorted(sessions):
            bad.append("the workbook's sessions and time slots are not the instance's")
        if bad:
            raise InputError([Problem(None, None, None, b) for b in bad], "cosplib export")
        out.sessions, out.rooms = order, [r.name for r in source.rooms]
        out.score = score(source, schedule)
    return out


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _block_of(instance: Instance, a: Assignment) -> tuple[date, str] | None:
    day = date.fromisoformat(a.day) if isinstance(a.day, str) else a.day
    for key in instance.sessions:
        if key[0] == day and key[1].casefold() == a.session.casefold():
            return key
    return None


def write_cosplib(path: str | Path, exported: Exported) -> None:
    """The ``sol`` sheet, and the ``violations`` sheet when the export was scored."""
    report = exported.score.report() if exported.score is not None else None
    cosplib.write_layout(path, exported.sessions, exported.rooms, exported.schedule, report)


def assignments_from_cosplib(instance: Instance, schedule: cosplib.Schedule) -> list[Assignment]:
    """A CoSPLib schedule (a published solution, say) as assignments of the converted
    workbook: each submission at the first time slot it fills in its cell."""
    from ..periods import format_time

    blocks = {_key(label): (day, label) for day, label in instance.sessions}
    rooms = {_key(r.name): r.name for r in instance.rooms}
    talks = {_key(t.id): t for t in instance.talks}
    out = []
    for cell in schedule.cells:
        day, label = blocks[_key(cell.session)]
        idxs = instance.sessions[(day, label)]
        seen: set[str] = set()
        for i, ref in enumerate(cell.slots):
            if ref is None or ref in seen:
                continue
            seen.add(ref)
            talk = talks[_key(ref)]
            room = rooms[_key(cell.room)]
            place = instance.placement_at(talk, room, day, instance.slots[idxs[i]].start)
            if place is None:
                raise ValueError(f"{ref} does not fit at time slot {i + 1} of {cell.session} in {cell.room}")
            out.append(Assignment(talk=talk.id, room=room, day=day, start=format_time(place.start),
                                  end=format_time(place.end), session=label))
    return out
