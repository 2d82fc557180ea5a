"""Evaluator twin of solver/rows.py: the rows of the Constraints sheet."""

from __future__ import annotations

from ..rules import SINGLE_TALK_KINDS, pair_breaks, placement_breaks
from .base import Context


def _broken(ctx: Context, row) -> bool | None:
    if row.talk not in ctx.placed or (row.other and row.other not in ctx.placed):
        return None
    if row.kind in SINGLE_TALK_KINDS:
        return placement_breaks(row, ctx.placed[row.talk])
    return pair_breaks(row, ctx.placed[row.talk], ctx.placed[row.other], ctx.instance)


def check(ctx: Context) -> None:
    for row in ctx.instance.constraints:
        if row.hard and _broken(ctx, row):
            ctx.violate("constraint", f"Constraints row {row.row}: {row.describe()} does not hold", row.talk,
                        *([row.other] if row.other else []))


def score(ctx: Context) -> None:
    term = ctx.term("soft_constraints")
    for row in ctx.instance.constraints:
        if not row.hard and _broken(ctx, row):
            term.charge(1, f"Constraints row {row.row}: {row.describe()}", weight=row.weight)
