"""Hard: speakers only when available, never in two places. Soft: preferred periods."""

from __future__ import annotations

from ..model import Placement, Talk
from ..rules import prefers_missed, unavailable
from .build import Build

NAME = "speakers"


def allowed(b: Build, talk: Talk, p: Placement) -> bool:
    return not unavailable(b.instance, talk, p.day, p.start, p.end, p.session)


def add(b: Build) -> None:
    add_overlaps(b)
    b.add_costs(costs)


def add_overlaps(b: Build) -> None:
    """No speaker (co-speakers included) in two talks at overlapping times."""
    inst = b.instance
    for speaker in inst.speakers:
        talks = inst.talks_of_speaker.get(speaker.name, [])
        if len(talks) > 1:
            for lits in b.covering(talks, own_time=True).values():
                b.model.add_at_most_one(lits)


def costs(b: Build, talk: Talk, p: Placement) -> tuple:
    """Speakers who prefer other periods: ((term, weight, amount),) or ()."""
    missed = prefers_missed(b.instance, talk, p.day, p.start, p.end, p.session)
    return (("speaker_prefers", b.instance.weights["speaker_prefers"], len(missed)),) if missed else ()
