"""Evaluator twin of solver/speakers.py: availability, double booking, preferences."""

from __future__ import annotations

from itertools import combinations

from ..rules import prefers_missed, unavailable
from ..structure import presenters_default
from .base import Context


def check(ctx: Context) -> None:
    inst = ctx.instance
    for talk_id, p in ctx.placed.items():
        talk = inst.talk_by_id[talk_id]
        for name, period in unavailable(inst, talk, p.day, p.start, p.end, p.session):
            ctx.violate(
                "unavailable",
                f"{talk_id} at {ctx.where(talk_id)}: {name} is unavailable ({period.text}; Speakers row "
                f"{inst.speaker_by_name[name].row})",
                talk_id,
            )
    for speaker in inst.speakers if presenters_default(inst) else []:
        talks = [t for t in inst.talks_of_speaker.get(speaker.name, []) if t in ctx.placed]
        for a, b in combinations(talks, 2):
            if ctx.placed[a].overlaps(ctx.placed[b]):
                ctx.violate("speaker_conflict", f"{speaker.name} gives {a} and {b} at the same time ({ctx.where(a)})", a, b)


def score(ctx: Context) -> None:
    inst = ctx.instance
    term = ctx.term("speaker_prefers")
    for talk_id, p in ctx.placed.items():
        missed = prefers_missed(inst, inst.talk_by_id[talk_id], p.day, p.start, p.end, p.session)
        if missed:
            term.charge(len(missed), f"{talk_id} ({', '.join(missed)})")
