"""Hard: every talk exactly once; one talk per room at a time."""

from __future__ import annotations

from ..build import Build
from .base import Base


class Placements(Base):
    def add(self, b: Build) -> None:
        for talk in b.talks:
            b.model.add_exactly_one(x for _, x in b.candidates[talk.id])
        by_room: dict[str, list[str]] = {}
        for talk in b.talks:
            for room in dict.fromkeys(p.room for p, _ in b.candidates[talk.id]):
                by_room.setdefault(room, []).append(talk.id)
        for room in sorted(by_room):
            for lits in b.covering(by_room[room], own_time=False, room=room).values():
                b.model.add_at_most_one(lits)
