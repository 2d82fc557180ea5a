"""Evaluator twin of solver/changes.py: moves against a baseline, pinned talks kept."""

from __future__ import annotations

from .base import Context


def check(ctx: Context) -> None:
    if ctx.baseline is None:
        return
    for talk in ctx.instance.talks:
        if talk.pinned and talk.id in ctx.placed and ctx.baseline.change(talk.id, ctx.placed[talk.id]):
            ctx.violate("pinned", f"{talk.id} is pinned (Talks row {talk.row}) but moved from "
                        f"{ctx.baseline.places[talk.id].text()} to {ctx.where(talk.id)}", talk.id)


def score(ctx: Context) -> None:
    if ctx.baseline is None:
        return
    for talk_id, p in ctx.placed.items():
        kind = ctx.baseline.change(talk_id, p)
        if kind is not None:
            ctx.term(f"moved_{kind}").charge(1, f"{talk_id} (from {ctx.baseline.places[talk_id].text()})")
