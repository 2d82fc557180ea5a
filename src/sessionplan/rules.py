"""What the workbook's rules mean for one talk at one place and time.

These predicates are the single statement of the rules' meaning: the solver uses
them to prune and price candidate placements, the evaluator to judge any schedule.
How they combine over a whole schedule (overlaps, sessions, days) is done separately
by each side: linear constraints in the solver, plain counting in the evaluator.
"""

from __future__ import annotations

from datetime import date

from .model import ConstraintRow, Instance, Placement, Talk
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


def placement_breaks(row: ConstraintRow, p: Placement) -> bool:
    """Whether a pin or forbid row is broken by placing its talk at ``p``."""
    if row.kind == "pin":
        in_period = row.period is None or row.period.within(p.day, p.start, p.end, p.session)
        in_room = row.room is None or row.room == p.room
        return not (in_period and in_room)
    if row.kind == "forbid":
        in_period = row.period is None or row.period.touches(p.day, p.start, p.end, p.session)
        in_room = row.room is None or row.room == p.room
        return in_period and in_room
    raise ValueError(f"{row.kind} is not a single-talk rule")


SINGLE_TALK_KINDS = ("pin", "forbid")
PAIR_KINDS = ("before", "same_session", "different_day", "not_parallel")


def pair_breaks(row: ConstraintRow, a: Placement, b: Placement, instance: Instance) -> bool:
    """Whether a two-talk row is broken when its talks are at ``a`` and ``b``."""
    if row.kind == "before":
        return instance.absolute(a.day, a.end) > instance.absolute(b.day, b.start)
    if row.kind == "same_session":
        return a.session_key != b.session_key
    if row.kind == "different_day":
        return a.day == b.day
    if row.kind == "not_parallel":
        return a.day == b.day and a.start < b.end and b.start < a.end
    raise ValueError(f"{row.kind} is not a two-talk rule")
