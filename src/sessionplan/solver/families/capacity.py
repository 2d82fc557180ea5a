"""Soft: the expected audience fits the room."""

from __future__ import annotations

from ...model import Talk
from ...rules import seats_short
from ..build import Build
from .base import Base, Pricer


class Capacity(Base):
    def costs(self, b: Build, talk: Talk) -> Pricer | None:
        """The talk's pricer: missing seats per room; None if it costs nothing anywhere."""
        weight = b.instance.weights["room_capacity"]
        short = {r.name: seats_short(b.instance, talk, r.name) for r in b.instance.rooms}
        if not weight or not any(short.values()):
            return None
        priced = {room: (("room_capacity", weight, n),) if n else () for room, n in short.items()}
        return lambda p: priced[p.room]

    def add(self, b: Build) -> None:
        b.add_costs(self.costs)
