"""What a programme committee sees of a schedule: which talks share a session, which day.

A talk's *seat* in a programme is its day and the set of talks it shares its session
with (a session being one room's block on one day). Two programmes differ in a talk
when its seat differs: it changed day, or gained or lost a session-mate. Moving a whole
session to another room, or to another block of the same day, or reordering the talks
inside a session changes no seat: the committee sees the same sessions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

Seat = tuple[date, frozenset[str]]


class Placed(Protocol):
    """Anything with a talk, a day, a session label and a room (Assignment, Placement)."""

    talk: str
    day: date
    session: str
    room: str


def seats(placed: Iterable[Placed]) -> dict[str, Seat]:
    """talk id -> (day, the other talks in its session)."""
    items = list(placed)
    members: dict[tuple, set[str]] = {}
    for a in items:
        members.setdefault((a.day, a.session, a.room), set()).add(a.talk)
    return {a.talk: (a.day, frozenset(members[(a.day, a.session, a.room)] - {a.talk})) for a in items}


def differing(a: Mapping[str, Seat], b: Mapping[str, Seat]) -> list[str]:
    """Talks whose seat differs between two programmes (missing from one counts), sorted."""
    return sorted(t for t in set(a) | set(b) if a.get(t) != b.get(t))


def distance(a: Iterable[Placed] | Mapping[str, Seat], b: Iterable[Placed] | Mapping[str, Seat]) -> int:
    """How many talks sit differently (another day or other session-mates)."""
    sa = a if isinstance(a, Mapping) else seats(a)
    sb = b if isinstance(b, Mapping) else seats(b)
    return len(differing(sa, sb))
