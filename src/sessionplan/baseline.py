"""A published schedule to re-plan against: where each talk was, and what moved since."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .model import Assignment, Instance, Placement
from .periods import PeriodError, parse_time


@dataclass(frozen=True)
class Place:
    room: str
    day: date
    start: int

    @classmethod
    def of(cls, p: Placement | Assignment) -> Place:
        start = p.start if isinstance(p.start, int) else parse_time(p.start)
        return cls(p.room, p.day, start)

    def text(self) -> str:
        return f"{self.day:%a %Y-%m-%d} {self.start // 60:02d}:{self.start % 60:02d} {self.room}"


@dataclass(frozen=True)
class Details:
    """What the published programme said of a talk, kept for talks the workbook dropped."""

    title: str = ""
    speakers: tuple[str, ...] = ()


@dataclass
class Baseline:
    """Baseline places of the talks that still exist, and the ids of those that do not,
    with where they were and what the baseline said of them (title, speakers)."""

    places: dict[str, Place]
    removed: list[str]
    removed_places: dict[str, Place] = field(default_factory=dict)
    details: dict[str, Details] = field(default_factory=dict)

    @classmethod
    def from_assignments(cls, instance: Instance, assignments: list[Assignment],
                         details: dict[str, Details] | None = None) -> Baseline:
        places, removed, removed_places = {}, [], {}
        for a in assignments:
            try:
                place = Place.of(a)
            except PeriodError:
                place = None
            if a.talk not in instance.talk_by_id:
                removed.append(a.talk)
                if place is not None:
                    removed_places[a.talk] = place
                continue
            if place is not None:
                places[a.talk] = place
        return cls(places, removed, removed_places, dict(details or {}))

    def change(self, talk: str, p: Placement | Assignment) -> str | None:
        """'time' (day or start moved), 'room' (same time, other room) or None."""
        base = self.places.get(talk)
        if base is None:
            return None
        now = Place.of(p)
        if (now.day, now.start) != (base.day, base.start):
            return "time"
        if now.room != base.room:
            return "room"
        return None


def moves(instance: Instance, baseline: Baseline, assignments: list[Assignment]) -> list[dict]:
    """Every talk whose place differs from the baseline, new talks, and removed talks."""
    out = []
    for a in assignments:
        talk = instance.talk_by_id.get(a.talk)
        if talk is None:
            continue
        now = Place.of(a)
        kind = baseline.change(a.talk, a) if a.talk in baseline.places else "new"
        if kind is None:
            continue
        base = baseline.places.get(a.talk)
        out.append({
            "talk": a.talk, "title": talk.title, "change": kind,
            "from": _place_json(base) if base else None, "to": _place_json(now),
            "speakers": list(talk.speakers),
        })
    for tid in baseline.removed:
        was = baseline.details.get(tid, Details())
        place = baseline.removed_places.get(tid)
        out.append({"talk": tid, "title": was.title, "change": "removed",
                    "from": _place_json(place) if place else None, "to": None, "speakers": list(was.speakers)})
    return out


def _place_json(p: Place) -> dict:
    return {"day": p.day.isoformat(), "start": f"{p.start // 60:02d}:{p.start % 60:02d}", "room": p.room}
