"""The constraint families: one module each, each the twin of an evaluator module.

``FAMILIES`` are the rules of every workbook; re-planning adds ``Changes`` and the
alternatives ``Diversity`` (see ``Options.extra_families``).
"""

from __future__ import annotations

from .base import Base, Check, Family, Pricer
from .capacity import Capacity
from .changes import Changes
from .diversity import Diversity
from .joint import Joint
from .people import People
from .placement import Placements
from .rows import Rows
from .speakers import Speakers
from .topics import Topics
from .tracks import Tracks
from .zones import Zones

FAMILIES: list[Family] = [Placements(), Speakers(), Rows(), Joint(), Topics(), Capacity(), Tracks(), People(), Zones()]

__all__ = ["FAMILIES", "Base", "Capacity", "Changes", "Check", "Diversity", "Family", "Joint", "Placements",
           "People", "Pricer", "Rows", "Speakers", "Topics", "Tracks", "Zones"]
