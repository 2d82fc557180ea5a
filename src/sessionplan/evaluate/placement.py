"""Evaluator twin of solver/placement.py: one talk per room at a time."""

from __future__ import annotations

from itertools import combinations

from .base import Context


def check(ctx: Context) -> None:
    by_room: dict[str, list[str]] = {}
    for talk, p in ctx.placed.items():
        by_room.setdefault(p.room, []).append(talk)
    for room, talks in sorted(by_room.items()):
        for a, b in combinations(sorted(talks), 2):
            if ctx.placed[a].overlaps(ctx.placed[b], own_time=False):
                ctx.violate("room_conflict", f"{a} and {b} are both in {room} at {ctx.where(a)}", a, b)
