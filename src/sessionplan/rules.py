"""What the speakers' and rooms' rules mean for one talk at one place and time.

These predicates are the single statement of the rules' meaning: the solver uses
them to prune and price candidate placements, the evaluator to judge any schedule.
How they combine over a whole schedule (overlaps, sessions, days) is done separately
by each side: linear constraints in the solver, plain counting in the evaluator.
"""

from __future__ import annotations

from datetime import date

from .model import Instance, Talk
from .periods import Period


def unavailable(instance: Instance, talk: Talk, day: date, start: int, end: int, session: str) -> list[tuple[str, Period]]:
    """(speaker, period) pairs that forbid this talk at this time."""
    out = []
    for name in talk.speakers:
        for period in instance.speaker_by_name[name].unavailable:
            if period.touches(day, start, end, session):
                out.append((name, period))
    return out


def prefers_missed(instance: Instance, talk: Talk, day: date, start: int, end: int, session: str) -> list[str]:
    """Speakers of the talk who prefer other periods than this one."""
    out = []
    for name in talk.speakers:
        prefs = instance.speaker_by_name[name].prefers
        if prefs and not any(p.within(day, start, end, session) for p in prefs):
            out.append(name)
    return out


def seats_short(instance: Instance, talk: Talk, room: str) -> int:
    """Expected audience above the room's capacity (0 when either is unknown)."""
    cap = instance.room_by_name[room].capacity
    if talk.audience is None or cap is None:
        return 0
    return max(0, talk.audience - cap)
