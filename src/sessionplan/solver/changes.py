"""Re-planning against a baseline: pinned talks stay; every move has a cost.

A talk whose day or start changes costs ``moved_time``; one that keeps its time but
changes room costs ``moved_room``. The solve is lexicographic (see ``api.solve``):
first the fewest (cheapest) moves, then the usual terms.
"""

from __future__ import annotations

from ..baseline import Baseline, Place
from ..model import Placement, Talk
from .build import Build

NAME = "changes"
TERMS = ("moved_time", "moved_room")


class Changes:
    NAME = NAME

    def __init__(self, baseline: Baseline):
        self.baseline = baseline

    def allowed(self, b: Build, talk: Talk, p: Placement) -> bool:
        base = self.baseline.places.get(talk.id)
        return not (talk.pinned and base is not None and Place.of(p) != base)

    def costs(self, b: Build, talk: Talk, p: Placement) -> tuple:
        kind = self.baseline.change(talk.id, p)
        return ((f"moved_{kind}", b.instance.weights[f"moved_{kind}"], 1),) if kind is not None else ()

    def add(self, b: Build) -> None:
        b.add_costs(self.costs)
