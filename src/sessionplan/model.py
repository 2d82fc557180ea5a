"""Domain objects, validated once when a workbook (or an importer) builds them.

Times of day are minutes since midnight. ``row`` fields keep the Excel row an object
came from, so that later messages (explanations, evaluations) can name it.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .periods import Period, format_time
from .terms import resolve_weights


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class Talk(_Frozen):
    id: str
    title: str
    speakers: tuple[str, ...]
    duration: int | None = Field(default=None, gt=0)
    topics: tuple[str, ...] = ()
    abstract: str = ""
    joint: str | None = None
    audience: int | None = Field(default=None, ge=0)
    room: str | None = None
    pinned: bool = False
    row: int | None = None


class Speaker(_Frozen):
    name: str
    affiliation: str = ""
    unavailable: tuple[Period, ...] = ()
    prefers: tuple[Period, ...] = ()
    row: int | None = None


class Room(_Frozen):
    name: str
    capacity: int | None = Field(default=None, ge=0)
    row: int | None = None


class Slot(_Frozen):
    index: int
    day: date
    start: int
    end: int
    session: str
    rooms: tuple[str, ...]
    row: int | None = None

    @property
    def label(self) -> str:
        return f"{self.day.isoformat()} {format_time(self.start)}-{format_time(self.end)}"


ConstraintKind = Literal["pin", "forbid", "before", "same_session", "different_day"]
CONSTRAINT_KINDS: tuple[str, ...] = ("pin", "forbid", "before", "same_session", "different_day")


class ConstraintRow(_Frozen):
    kind: ConstraintKind
    talk: str
    target: str = ""
    hard: bool = True
    weight: float | None = Field(default=None, ge=0)
    row: int | None = None
    # parsed target, as the kind needs it
    period: Period | None = None
    room: str | None = None
    other: str | None = None

    def describe(self) -> str:
        what = {
            "pin": "pinned to",
            "forbid": "not in",
            "before": "before",
            "same_session": "in the same session as",
            "different_day": "on a different day from",
        }[self.kind]
        target = self.target
        if self.kind == "pin" and self.room and self.period is not None:
            target = f"{self.period.text} in {self.room}"
        return f"{self.talk} {what} {target}".strip()


class Placement(_Frozen):
    """A talk in a room from a start slot: the slots it covers and its own times."""

    talk: str
    room: str
    slots: tuple[int, ...]
    day: date
    start: int
    end: int
    span_end: int
    session: str

    @property
    def session_key(self) -> tuple[date, str, str]:
        """A session in the committee's sense: one room's block on one day."""
        return (self.day, self.session, self.room)


class Instance(BaseModel):
    """A whole conference: what the workbook says, validated."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    talks: list[Talk]
    speakers: list[Speaker]
    rooms: list[Room]
    slots: list[Slot]
    constraints: list[ConstraintRow] = []
    weights_given: dict[str, float] = {}
    _derived: dict = PrivateAttr(default_factory=dict)

    def derived(self, key: str, compute):
        """A value computed once from this instance (e.g. the related-pair graph)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    @cached_property
    def weights(self) -> dict[str, float]:
        return resolve_weights(self.weights_given)

    @cached_property
    def talk_by_id(self) -> dict[str, Talk]:
        return {t.id: t for t in self.talks}

    @cached_property
    def speaker_by_name(self) -> dict[str, Speaker]:
        return {s.name: s for s in self.speakers}

    @cached_property
    def room_by_name(self) -> dict[str, Room]:
        return {r.name: r for r in self.rooms}

    @cached_property
    def days(self) -> list[date]:
        return sorted({s.day for s in self.slots})

    @cached_property
    def sessions(self) -> dict[tuple[date, str], list[int]]:
        """Slot indices of each (day, session label), in time order."""
        out: dict[tuple[date, str], list[int]] = {}
        for s in self.slots:
            out.setdefault((s.day, s.session), []).append(s.index)
        return out

    @cached_property
    def session_labels(self) -> frozenset[str]:
        return frozenset(s.session.casefold() for s in self.slots)

    @cached_property
    def joint_groups(self) -> dict[str, list[str]]:
        """Talk ids of each joint label, in sheet order."""
        out: dict[str, list[str]] = {}
        for t in self.talks:
            if t.joint:
                out.setdefault(t.joint, []).append(t.id)
        return out

    @cached_property
    def talks_of_speaker(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {s.name: [] for s in self.speakers}
        for t in self.talks:
            for name in t.speakers:
                out.setdefault(name, []).append(t.id)
        return out

    def absolute(self, day: date, minutes: int) -> int:
        """Minutes since the first day's midnight, for ordering across days."""
        return (day - self.days[0]).days * 1440 + minutes

    def placements(self, talk: Talk) -> list[Placement]:
        """Every place the slot grid allows for ``talk`` (room, start), ignoring people."""
        return self.placement_table[talk.id]

    @cached_property
    def placement_table(self) -> dict[str, list[Placement]]:
        return {t.id: self._grid_placements(t) for t in self.talks}

    def _grid_placements(self, talk: Talk) -> list[Placement]:
        rooms = [talk.room] if talk.room else [r.name for r in self.rooms]
        out: list[Placement] = []
        for (day, label), idxs in self.sessions.items():
            open_rooms = self.session_rooms[(day, label)]
            for room in rooms:
                if room not in open_rooms:
                    continue
                for k in range(len(idxs)):
                    p = self._place_from(talk, room, idxs, k)
                    if p is not None:
                        out.append(p)
        return out

    @cached_property
    def session_rooms(self) -> dict[tuple[date, str], frozenset[str]]:
        """The rooms open in at least one slot of each (day, session label)."""
        return {key: frozenset(r for j in idxs for r in self.slots[j].rooms) for key, idxs in self.sessions.items()}

    def _place_from(self, talk: Talk, room: str, idxs: list[int], k: int) -> Placement | None:
        first = self.slots[idxs[k]]
        covered: list[int] = []
        for j in idxs[k:]:
            slot = self.slots[j]
            if room not in slot.rooms:
                return None
            covered.append(j)
            if talk.duration is None or slot.end - first.start >= talk.duration:
                end = slot.end if talk.duration is None else first.start + talk.duration
                return Placement(
                    talk=talk.id,
                    room=room,
                    slots=tuple(covered),
                    day=first.day,
                    start=first.start,
                    end=end,
                    span_end=slot.end,
                    session=first.session,
                )
        return None

    def placement_at(self, talk: Talk, room: str, day: date, start: int) -> Placement | None:
        """The grid placement of ``talk`` in ``room`` starting at ``day`` ``start``, if any."""
        for (d, _label), idxs in self.sessions.items():
            if d != day:
                continue
            for k, j in enumerate(idxs):
                if self.slots[j].start == start:
                    p = self._place_from(talk, room, idxs, k)
                    if p is not None:
                        return p
        return None

    def joint_chains(self, ids: list[str]) -> list[tuple[Placement, ...]]:
        """Every way to place a joint group: placements back to back in one room and session."""
        talks = [self.talk_by_id[i] for i in ids]
        chains: list[tuple[Placement, ...]] = [(p,) for p in self.placements(talks[0])]
        for talk in talks[1:]:
            by_start = {(p.room, p.day, p.session, p.slots[0]): p for p in self.placements(talk)}
            nxt = []
            for chain in chains:
                last = chain[-1]
                idxs = self.sessions[(last.day, last.session)]
                pos = idxs.index(last.slots[-1])
                if pos + 1 < len(idxs):
                    p = by_start.get((last.room, last.day, last.session, idxs[pos + 1]))
                    if p is not None:
                        nxt.append(chain + (p,))
            chains = nxt
        return chains

    def min_slots(self, talk: Talk) -> int:
        places = self.placements(talk)
        return min((len(p.slots) for p in places), default=0)


class Assignment(BaseModel):
    talk: str
    room: str
    day: date
    start: str
    end: str
    session: str


class Schedule(BaseModel):
    """A programme: what the schedule JSON carries (assignments and, if any, moves)."""

    assignments: list[Assignment]
    status: str = "unknown"
    instance: str = ""
