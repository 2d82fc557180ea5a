"""Evaluator twin of solver/people.py: conflicts for presenters, attendees and chairs."""

from __future__ import annotations

from ..structure import chair_pairs, conflict_pairs, conflict_rules, pair_conflict, presenters_default
from .base import Context
from .tracks import pair_amounts

TERM = {"presenters": "presenter_conflicts", "attendees": "attendee_conflicts", "chairs": "chair_conflicts"}


def _pairs(ctx: Context, who: str) -> list[tuple[str, str]]:
    inst = ctx.instance
    pairs = [(a, c) for a, c in conflict_pairs(inst, who) if a in ctx.placed and c in ctx.placed]
    if who == "presenters" and presenters_default(inst):
        speakers = {t.id: set(t.speakers) for t in inst.talks}
        pairs = [(a, c) for a, c in pairs if not speakers[a] & speakers[c]]
    return pairs


def _where(rule) -> str:
    return f"Conflicts row {rule.row}" if rule.row is not None else f"default rule ({rule.who}: {rule.level})"


def _found(ctx: Context, hard: bool):
    """(rule, amount, text, talks) of every conflict under the rules of that hardness."""
    inst = ctx.instance
    for who in ("presenters", "attendees"):
        rules = [r for r in conflict_rules(inst, who) if r.hard == hard]
        if not rules:
            continue
        pairs = _pairs(ctx, who)
        for rule in rules:
            for a, c in pairs:
                n = pair_conflict(inst, rule.level, ctx.placed[a], ctx.placed[c])
                if n:
                    yield rule, n, f"{a} and {c} conflict for {who} ({rule.level}: {ctx.where(a)}, {ctx.where(c)})", (a, c)
    if not any(t.track for t in inst.talks):
        return
    rules = [r for r in conflict_rules(inst, "chairs") if r.hard == hard]
    for rule in rules:
        for s, t in chair_pairs(inst):
            for n, what in pair_amounts(ctx, s, t):
                yield rule, n, f"tracks sharing a chair: {what}", ()


def check(ctx: Context) -> None:
    for rule, _, text, talks in _found(ctx, True):
        ctx.violate(f"{rule.who}_conflict", f"{_where(rule)}: {text}", *talks)


def score(ctx: Context) -> None:
    for rule, n, text, _ in _found(ctx, False):
        ctx.term(TERM[rule.who]).charge(n * rule.weight, f"{_where(rule)}: {text}")
