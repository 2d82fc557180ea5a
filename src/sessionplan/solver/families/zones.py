"""Soft: talks at suitable local hours of their presenter (sheets Windows, Settings; zones
in Talks or Speakers). A placement's price is its window penalty per slot it fills
(``structure.window_penalty``), so the relaxation and the swap search see it exactly."""

from __future__ import annotations

from ...model import Placement, Talk
from ...structure import talk_zone, window_penalty
from ..build import Build
from .base import Base, Pricer


class Zones(Base):
    def costs(self, b: Build, talk: Talk) -> Pricer | None:
        """The talk's pricer of local hours; None without windows, a zone or a weight."""
        inst = b.instance
        w = inst.weights["local_hours"]
        if not inst.windows or not w or talk_zone(inst, talk) is None:
            return None
        cache: dict[tuple, tuple] = {}

        def price(p: Placement) -> tuple:
            key = (p.day, p.session, p.room, p.start, p.end, len(p.slots))
            if key not in cache:
                amount = window_penalty(inst, talk, p)
                cache[key] = (("local_hours", w, amount),) if amount else ()
            return cache[key]
        return price

    def add(self, b: Build) -> None:
        b.add_costs(self.costs)
