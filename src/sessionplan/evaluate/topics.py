"""Evaluator twin of solver/topics.py: related talks apart, in parallel, or on other days."""

from __future__ import annotations

from ..periods import format_time
from ..similarity import clash_clusters, parallel_pairs, related_pairs
from .base import Context


def score(ctx: Context) -> None:
    inst = ctx.instance
    cohesion, parallel, day = ctx.term("topic_cohesion"), ctx.term("topic_parallel"), ctx.term("topic_day")
    clash = ctx.term("topic_clash")
    if not (cohesion.weight or parallel.weight or day.weight or clash.weight):
        return
    for pair, pa, pb in _placed(ctx, related_pairs(inst)):
        if pa.session_key != pb.session_key:
            cohesion.charge(pair.strength / 100, f"{pair.a} / {pair.b} ({pair.strength}%)")
        if len(inst.days) > 1 and pa.day != pb.day:
            day.charge(pair.strength / 100, f"{pair.a} / {pair.b} ({pair.strength}%)")
    if len(inst.rooms) < 2:
        return
    for pair, pa, pb in _placed(ctx, parallel_pairs(inst)):
        if pa.room != pb.room and pa.overlaps(pb):
            parallel.charge(pair.strength / 100, f"{pair.a} / {pair.b} ({pair.strength}%)")
    starts = sorted({(s.day, s.start) for s in inst.slots})
    for n, cluster in enumerate(clash_clusters(inst)):
        placed = [ctx.placed[t] for t in cluster if t in ctx.placed]
        if len(placed) < 2:
            continue
        for when, t in starts:
            running = [p.talk for p in placed if p.day == when and p.start <= t < p.end]
            if len(running) > 1:
                clash.charge(len(running) - 1, f"cluster {n + 1} at {when} {format_time(t)}: {', '.join(running)}")


def _placed(ctx: Context, pairs):
    """The pairs whose two talks are both scheduled, with their placements."""
    for pair in pairs:
        if pair.a in ctx.placed and pair.b in ctx.placed:
            yield pair, ctx.placed[pair.a], ctx.placed[pair.b]
