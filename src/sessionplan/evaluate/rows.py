"""Evaluator twin of solver/rows.py: the rows of the Constraints sheet, by their kind."""

from __future__ import annotations

from ..model import ConstraintRow, TalkRow
from .base import Context


def _broken(ctx: Context, row: ConstraintRow) -> bool | None:
    if isinstance(row, TalkRow):
        return row.breaks(ctx.placed[row.talk]) if row.talk in ctx.placed else None
    if row.talk not in ctx.placed or row.other not in ctx.placed:
        return None
    return row.breaks(ctx.placed[row.talk], ctx.placed[row.other], ctx.instance)


def _talks(row: ConstraintRow) -> tuple[str, ...]:
    return (row.talk,) if isinstance(row, TalkRow) else (row.talk, row.other)


def check(ctx: Context) -> None:
    for row in ctx.instance.constraints:
        if row.hard and _broken(ctx, row):
            ctx.violate("constraint", f"Constraints row {row.row}: {row.describe()} does not hold", *_talks(row))


def score(ctx: Context) -> None:
    term = ctx.term("soft_constraints")
    for row in ctx.instance.constraints:
        if not row.hard and _broken(ctx, row):
            term.charge(1, f"Constraints row {row.row}: {row.describe()}", weight=row.weight)
