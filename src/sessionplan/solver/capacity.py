"""Soft: the expected audience fits the room."""

from __future__ import annotations

from ..model import Placement, Talk
from ..rules import seats_short
from .build import Build

NAME = "capacity"


def costs(b: Build, talk: Talk, p: Placement) -> tuple:
    """The penalties of placing ``talk`` at ``p`` alone: ((term, weight, amount), ...)."""
    short = seats_short(b.instance, talk, p.room)
    return (("room_capacity", b.instance.weights["room_capacity"], short),) if short else ()


def add(b: Build) -> None:
    b.add_costs(costs)
