"""Evaluator twin of solver/zones.py: talks at less suitable local hours of their presenter."""

from __future__ import annotations

from ..periods import format_time
from ..structure import local_minute, talk_zone, window_penalty, window_span
from .base import Context


def score(ctx: Context) -> None:
    inst = ctx.instance
    if not inst.windows:
        return
    term = ctx.term("local_hours")
    for talk in inst.talks:
        p = ctx.placed.get(talk.id)
        zone = talk_zone(inst, talk)
        if p is None or zone is None:
            continue
        amount = window_penalty(inst, talk, p)
        if amount:
            start, end = window_span(inst, p)
            local = local_minute(inst, p.day, start, zone)
            term.charge(float(amount), f"{talk.id} at {format_time(local)} {zone} ({end - start} minutes)")
