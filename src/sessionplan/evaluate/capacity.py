"""Evaluator twin of solver/capacity.py: audience over the room's seats."""

from __future__ import annotations

from ..rules import seats_short
from .base import Context


def score(ctx: Context) -> None:
    term = ctx.term("room_capacity")
    for talk_id, p in ctx.placed.items():
        short = seats_short(ctx.instance, ctx.instance.talk_by_id[talk_id], p.room)
        if short:
            term.charge(short, f"{talk_id} ({short} seats short in {p.room})")
