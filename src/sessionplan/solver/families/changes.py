"""Re-planning against a baseline: pinned talks stay; every move has a cost.

A talk whose day or start changes costs ``moved_time``; one that keeps its time but
changes room costs ``moved_room``. The solve is lexicographic (see ``api.solve``):
first the fewest (cheapest) moves, then the usual terms.
"""

from __future__ import annotations

from ...baseline import Baseline, Place
from ...model import Placement, Talk
from ..build import Build
from .base import Base, Check, Pricer

TERMS = ("moved_time", "moved_room")


class Changes(Base):
    def __init__(self, baseline: Baseline):
        self.baseline = baseline

    def allowed(self, b: Build, talk: Talk) -> Check | None:
        """A pinned talk stays at its baseline place; None for the others."""
        base = self.baseline.places.get(talk.id)
        if not (talk.pinned and base is not None):
            return None
        return lambda p: Place.of(p) == base

    def costs(self, b: Build, talk: Talk) -> Pricer | None:
        """The talk's pricer (a move from the baseline); None for a talk new since then."""
        if talk.id not in self.baseline.places:
            return None
        w = b.instance.weights

        def price(p: Placement) -> tuple:
            kind = self.baseline.change(talk.id, p)
            return ((f"moved_{kind}", w[f"moved_{kind}"], 1),) if kind is not None else ()
        return price

    def add(self, b: Build) -> None:
        b.add_costs(self.costs)
