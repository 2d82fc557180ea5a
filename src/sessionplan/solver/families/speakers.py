"""Hard: speakers only when available, never in two places. Soft: preferred periods."""

from __future__ import annotations

from ...model import Placement, Talk
from ...rules import prefers_missed, unavailable
from ...structure import presenters_default
from ..build import Build
from .base import Base, Check, Pricer


def add_overlaps(b: Build) -> None:
    """No speaker (co-speakers included) in two talks at overlapping times (unless the
    Conflicts sheet gives the presenters' rules instead: the people family posts them)."""
    inst = b.instance
    if not presenters_default(inst):
        return
    for speaker in inst.speakers:
        talks = inst.talks_of_speaker.get(speaker.name, [])
        if len(talks) > 1:
            for lits in b.covering(talks, own_time=True).values():
                b.model.add_at_most_one(lits)


class Speakers(Base):
    def allowed(self, b: Build, talk: Talk) -> Check | None:
        """The talk's availability check; None when its speakers are always available."""
        inst = b.instance
        if not any(inst.speaker_by_name[n].unavailable for n in talk.speakers):
            return None
        return lambda p: not unavailable(inst, talk, p.day, p.start, p.end, p.session)

    def costs(self, b: Build, talk: Talk) -> Pricer | None:
        """The talk's pricer (speakers who prefer other periods); None if none has preferences."""
        inst = b.instance
        weight = inst.weights["speaker_prefers"]
        if not weight or not any(inst.speaker_by_name[n].prefers for n in talk.speakers):
            return None

        def price(p: Placement) -> tuple:
            missed = prefers_missed(inst, talk, p.day, p.start, p.end, p.session)
            return (("speaker_prefers", weight, len(missed)),) if missed else ()
        return price

    def add(self, b: Build) -> None:
        add_overlaps(b)
        b.add_costs(self.costs)
