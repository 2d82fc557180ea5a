"""Colours of talks in printed and web timetables, and the legend that explains them.

Talks are coloured by their first topic. When no scheduled talk carries topics, the
colours mark sessions instead (one room's block on one day), and the legend says so.
The solved workbook's day grids and the HTML timetable use the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..model import Assignment, Instance

PALETTE = ["DDEBF7", "E2EFDA", "FFF2CC", "FCE4D6", "EDE1F5", "D9F2F2", "F8D7E3", "E7E6E6",
           "D0E0F0", "EAF1DD", "FDE9D9", "E4DFEC"]
NO_TOPIC = "FFFFFF"
NO_TOPIC_LABEL = "no topic"


@dataclass
class Colouring:
    """``by`` is "topic" or "session"; colours are hex RGB without '#'."""

    by: str
    talk_colour: dict[str, str] = field(default_factory=dict)
    legend: dict[date, list[tuple[str, str]]] = field(default_factory=dict)  # day -> [(label, colour)]

    @property
    def note(self) -> str:
        if self.by == "topic":
            return "Colours: the talk's first topic."
        return "Colours: sessions (the talks carry no topics)."


def topic_key(topics: tuple[str, ...]) -> str | None:
    return topics[0].strip().casefold() if topics else None


def colouring(instance: Instance, assignments: list[Assignment]) -> Colouring:
    """Colour of each scheduled talk and, per day, the legend entries in use that day."""
    talks = instance.talk_by_id
    placed = sorted((a for a in assignments if a.talk in talks), key=lambda a: (a.day, a.start, a.room, a.talk))
    # a topic's label is its first spelling in the Talks sheet, whatever the schedule
    spelling: dict[str | None, str] = {}
    for t in instance.talks:
        if t.topics:
            spelling.setdefault(topic_key(t.topics), t.topics[0].strip())
    shown = {topic_key(talks[a.talk].topics): spelling[topic_key(talks[a.talk].topics)]
             for a in placed if talks[a.talk].topics}
    out = Colouring("topic" if shown else "session")
    if shown:
        colour_of: dict[str | None, str] = {key: PALETTE[i % len(PALETTE)]
                                             for i, key in enumerate(sorted(shown, key=lambda k: k or ""))}
        for a in placed:
            key = topic_key(talks[a.talk].topics)
            out.talk_colour[a.talk] = colour_of.get(key, NO_TOPIC)
            entry = (shown[key], colour_of[key]) if key else (NO_TOPIC_LABEL, NO_TOPIC)
            if entry not in out.legend.setdefault(a.day, []):
                out.legend[a.day].append(entry)
        for entries in out.legend.values():
            entries.sort(key=lambda e: (e[0] == NO_TOPIC_LABEL, e[0].casefold()))
        return out
    several_rooms = len({a.room for a in placed}) > 1
    keys: dict[tuple, str] = {}
    for a in placed:
        cell = (a.day, a.session, a.room)
        if cell not in keys:
            keys[cell] = PALETTE[sum(1 for k in keys if k[0] == a.day) % len(PALETTE)]
            label = f"{a.session} · {a.room}" if several_rooms else a.session
            out.legend.setdefault(a.day, []).append((label, keys[cell]))
        out.talk_colour[a.talk] = keys[cell]
    return out
