"""Soft: the expected audience fits the room."""

from __future__ import annotations

from ..rules import seats_short
from .build import Build

NAME = "capacity"


def add(b: Build) -> None:
    weight = b.instance.weights["room_capacity"]
    for talk in b.talks:
        for p, x in b.candidates[talk.id]:
            short = seats_short(b.instance, talk, p.room)
            if short:
                b.penalize("room_capacity", weight, x, amount=short, label=talk.id)
