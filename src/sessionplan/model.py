"""Domain objects, validated once when a workbook (or an importer) builds them.

Times of day are minutes since midnight. ``row`` fields keep the Excel row an object
came from, so that later messages (explanations, evaluations) can name it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cached_property
from typing import Annotated, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .kinds import KINDS, PAIR_KINDS, TALK_KINDS, Kind, PairKind, TalkKind
from .periods import Period, format_time, overlaps
from .structure import CellCost, ConflictRule, Person, Settings, Track, Window
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
    track: str | None = None
    order: int | None = Field(default=None, ge=1)   # position within its track
    zone: str | None = None                          # IANA zone or UTC offset of its presenter
    row: int | None = None


class Speaker(_Frozen):
    name: str
    affiliation: str = ""
    unavailable: tuple[Period, ...] = ()
    prefers: tuple[Period, ...] = ()
    zone: str | None = None
    row: int | None = None


class Room(_Frozen):
    name: str
    capacity: int | None = Field(default=None, ge=0)
    changeover: int = Field(default=0, ge=0)  # minutes the room needs between two talks
    row: int | None = None


DAY_MINUTES = 24 * 60


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


class _Row(_Frozen):
    """A row of the Constraints sheet; its kind (``kinds.KINDS``) says what it means."""

    kind: str
    talk: str
    target: str = ""     # as typed: a period and/or a room, or another talk's id
    hard: bool = True
    weight: float | None = Field(default=None, ge=0)
    row: int | None = None

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    def describe(self) -> str:
        return f"{self.talk} {self.spec.phrase} {self.target_text}".strip()

    @property
    def target_text(self) -> str:
        return self.target


class TalkRow(_Row):
    """A rule about one talk and a period and/or a room (``pin``, ``forbid``)."""

    period: Period | None = None
    room: str | None = None

    @model_validator(mode="after")
    def _check(self) -> TalkRow:
        if self.kind not in TALK_KINDS:
            raise ValueError(f"{self.kind!r} is not a single-talk kind (those are {', '.join(TALK_KINDS)})")
        if self.period is None and self.room is None:
            raise ValueError(f"a {self.kind} row needs a period and/or a room")
        return self

    @property
    def spec(self) -> TalkKind:
        spec = KINDS[self.kind]
        assert isinstance(spec, TalkKind)
        return spec

    @property
    def target_text(self) -> str:
        if self.room and self.period is not None:
            return f"{self.period.text} in {self.room}"
        return self.target or (self.period.text if self.period is not None else self.room or "")

    def breaks(self, p: Placement) -> bool:
        """Whether placing the talk at ``p`` breaks this row."""
        return self.spec.breaks(self, p)


class PairRow(_Row):
    """A rule about two talks: ``talk`` and its partner ``other``."""

    other: str

    @model_validator(mode="after")
    def _check(self) -> PairRow:
        if self.kind not in PAIR_KINDS:
            raise ValueError(f"{self.kind!r} is not a two-talk kind (those are {', '.join(PAIR_KINDS)})")
        if not self.other:
            raise ValueError(f"a {self.kind} row needs another talk")
        if self.other == self.talk:
            raise ValueError(f"a {self.kind} row relates two different talks, not {self.talk} to itself")
        return self

    @property
    def spec(self) -> PairKind:
        spec = KINDS[self.kind]
        assert isinstance(spec, PairKind)
        return spec

    @property
    def target_text(self) -> str:
        return self.other

    def breaks(self, a: Placement, b: Placement, instance: Instance) -> bool:
        """Whether the row is broken with its talks at ``a`` and ``b``."""
        return self.spec.breaks(a, b, instance)


ConstraintRow = TalkRow | PairRow


def constraint_row(kind: str, talk: str, **fields) -> ConstraintRow:
    """A row of the given kind: a :class:`PairRow` when the kind relates two talks
    (``other`` defaults to ``target``), else a :class:`TalkRow`."""
    from .errors import InputError, Problem

    pair = kind in PAIR_KINDS
    if pair:
        fields.setdefault("other", fields.get("target", ""))
        fields.setdefault("target", fields["other"])
        fields.pop("period", None)
        fields.pop("room", None)
    else:
        fields.pop("other", None)
    try:
        return (PairRow if pair else TalkRow)(kind=kind, talk=talk, **fields)
    except ValidationError as exc:
        raise InputError([Problem("Constraints", fields.get("row"), str(e["loc"][0]) if e["loc"] else None,
                                  e["msg"].removeprefix("Value error, ")) for e in exc.errors()]) from None


class Placement(NamedTuple):
    """A talk in a room from a start slot: the slots it covers and its own times.

    A named tuple, not a validated model: the grid derives hundreds of thousands of
    them (three times faster to make than a frozen dataclass), and they are never read
    from input. With ``talk == ""`` it is a template for any talk of a given duration.
    """

    talk: str
    room: str
    slots: tuple[int, ...]
    day: date
    start: int
    end: int
    span_end: int  # the room is busy until then (end of its last slot, or changeover)
    session: str

    @property
    def session_key(self) -> tuple[date, str, str]:
        """A session in the committee's sense: one room's block on one day."""
        return (self.day, self.session, self.room)

    def overlaps(self, other: Placement, *, own_time: bool = True) -> bool:
        """Whether the two placements overlap in time: the talks' own minutes, or
        (``own_time=False``) the time their rooms are busy, changeovers included."""
        if self.day != other.day:
            return False
        if own_time:
            return overlaps(self.start, self.end, other.start, other.end)
        return overlaps(self.start, self.span_end, other.start, other.span_end)


class Instance(BaseModel):
    """A whole conference: what the workbook says, validated."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str
    talks: list[Talk]
    speakers: list[Speaker]
    rooms: list[Room]
    slots: list[Slot]
    constraints: list[TalkRow | PairRow] = []
    weights_given: dict[str, Annotated[float, Field(ge=0)]] = {}  # penalties are never rewards
    tracks: list[Track] = []
    cell_costs: list[CellCost] = []
    people: list[Person] = []
    conflicts: list[ConflictRule] = []
    windows: list[Window] = []
    settings: Settings = Settings()
    _derived: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> Instance:
        """Unique names, references that resolve, slots in order: every problem at once,
        located by sheet and row, as the workbook reader reports them."""
        from .errors import Problems
        from .terms import TERMS

        problems = Problems()
        for sheet, items, key in (("Talks", self.talks, "id"), ("Speakers", self.speakers, "name"),
                                  ("Rooms", self.rooms, "name")):
            first: dict[str, int | None] = {}
            for item in items:
                name = getattr(item, key)
                if name in first:
                    problems.add(sheet, item.row, key, f"duplicate {key} {name!r}"
                                 + (f" (first in row {first[name]})" if first[name] is not None else ""))
                else:
                    first[name] = item.row
        speakers = {s.name for s in self.speakers}
        rooms = {r.name for r in self.rooms}
        talks = {t.id for t in self.talks}
        for t in self.talks:
            for name in t.speakers:
                if name not in speakers:
                    problems.add("Talks", t.row, "speakers", f"{t.id}: unknown speaker {name!r} (not in Speakers)")
            if not t.speakers:
                problems.add("Talks", t.row, "speakers", f"{t.id} has no speaker")
            if t.room is not None and t.room not in rooms:
                problems.add("Talks", t.row, "room", f"{t.id}: unknown room {t.room!r} (not in Rooms)")
        previous = None
        for k, slot in enumerate(self.slots):
            if slot.index != k:
                problems.add("Slots", slot.row, None, f"slot {slot.index} is at position {k}: slots are numbered in order from 0")
            if slot.end <= slot.start:
                problems.add("Slots", slot.row, "end", f"ends at {format_time(slot.end)}, not after its start")
            if slot.start < 0 or slot.end > DAY_MINUTES:
                problems.add("Slots", slot.row, "end" if slot.end > DAY_MINUTES else "start",
                             f"runs from minute {slot.start} to minute {slot.end} of its day: a slot lies "
                             "within one day, 00:00 to 24:00 (a night session is a slot of the next day)")
            if previous is not None and (slot.day, slot.start) < (previous.day, previous.start):
                problems.add("Slots", slot.row, "start", "slots must be in time order (by day, then start)")
            for room in slot.rooms:
                if room not in rooms:
                    problems.add("Slots", slot.row, "rooms", f"unknown room {room!r} (not in Rooms)")
            previous = slot
        for c in self.constraints:
            if c.talk not in talks:
                problems.add("Constraints", c.row, "talk", f"unknown talk {c.talk!r} (not in Talks)")
            if isinstance(c, PairRow) and c.other not in talks:
                problems.add("Constraints", c.row, "target", f"unknown talk {c.other!r} (not in Talks)")
            if isinstance(c, TalkRow) and c.room is not None and c.room not in rooms:
                problems.add("Constraints", c.row, "room", f"unknown room {c.room!r} (not in Rooms)")
        _check_structure(self, problems)
        for term in self.weights_given:
            if term not in TERMS:
                problems.add("Weights", None, "term", f"unknown term {term!r} (terms: {', '.join(TERMS)})")
        problems.raise_if_any(self.name)
        return self

    def with_weights(self, weights: dict[str, float]) -> Instance:
        """The same conference with some weights changed (derived data that does not
        depend on weights, such as the grid and the similarity, is shared)."""
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields["weights_given"] = {**self.weights_given, **weights}
        other = type(self)(**fields)
        other._derived = self._derived
        return other

    def has_derived(self, key: str) -> bool:
        return key in self._derived

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

    def placements(self, talk: Talk, *, any_room: bool = False) -> list[Placement]:
        """Every place the slot grid allows for ``talk`` (room, start), ignoring people.

        Only its required room, unless ``any_room`` (used to explain infeasibility).
        Built from the shared templates of its duration; not cached per talk (a large
        conference has hundreds of thousands).
        """
        return list(self.iter_placements(talk, any_room=any_room))

    def iter_placements(self, talk: Talk, *, any_room: bool = False) -> Iterator[Placement]:
        """``placements``, one at a time (for checks that stop at the first few)."""
        rooms = [talk.room] if talk.room and not any_room else [r.name for r in self.rooms]
        tid = talk.id
        return (Placement(tid, t.room, t.slots, t.day, t.start, t.end, t.span_end, t.session)
                for room in rooms for t in self.templates(talk.duration, room))

    def templates(self, duration: int | None, room: str) -> list[Placement]:
        """Talk-independent placements of a ``duration`` (None: one slot) in ``room``."""
        key = (duration, room)
        cache = self._derived.setdefault("templates", {})
        if key not in cache:
            out: list[Placement] = []
            for (day, label), idxs in self.sessions.items():
                if room not in self.session_rooms[(day, label)]:
                    continue
                for k in range(len(idxs)):
                    p = self._place_from(duration, "", room, idxs, k)
                    if p is not None:
                        out.append(p)
            cache[key] = out
        return cache[key]

    @cached_property
    def session_rooms(self) -> dict[tuple[date, str], frozenset[str]]:
        """The rooms open in at least one slot of each (day, session label)."""
        return {key: frozenset(r for j in idxs for r in self.slots[j].rooms) for key, idxs in self.sessions.items()}

    def _place_from(self, duration: int | None, talk: str, room: str, idxs: list[int], k: int) -> Placement | None:
        first = self.slots[idxs[k]]
        covered: list[int] = []
        for j in idxs[k:]:
            slot = self.slots[j]
            if room not in slot.rooms:
                return None
            covered.append(j)
            if duration is None or slot.end - first.start >= duration:
                end = slot.end if duration is None else first.start + duration
                changeover = self.room_by_name[room].changeover
                return Placement(talk, room, tuple(covered), first.day, first.start, end,
                                 max(slot.end, end + changeover), first.session)
        return None

    def placement_at(self, talk: Talk, room: str, day: date, start: int) -> Placement | None:
        """The grid placement of ``talk`` in ``room`` starting at ``day`` ``start``, if any."""
        for (d, _label), idxs in self.sessions.items():
            if d != day:
                continue
            for k, j in enumerate(idxs):
                if self.slots[j].start == start:
                    p = self._place_from(talk.duration, talk.id, room, idxs, k)
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

    def has_joint_chain(self, ids: list[str]) -> bool:
        """Whether ``joint_chains(ids)`` has one, found from the first talk's places without
        listing the others' (a check of every group of a large conference stays linear)."""
        talks = [self.talk_by_id[i] for i in ids]
        for first in self.iter_placements(talks[0]):
            last = first
            for talk in talks[1:]:
                idxs = self.sessions[(last.day, last.session)]
                pos = idxs.index(last.slots[-1])
                nxt = self._place_from(talk.duration, talk.id, last.room, idxs, pos + 1) if pos + 1 < len(idxs) else None
                if nxt is None or (talk.room and nxt.room != talk.room):
                    break
                last = nxt
            else:
                return True
        return False

    def min_slots(self, talk: Talk) -> int:
        """The fewest slots the talk can take (0 when it fits nowhere)."""
        rooms = (talk.room,) if talk.room else tuple(r.name for r in self.rooms)
        cache = self._derived.setdefault("min_slots", {})
        key = (talk.duration, rooms)
        if key not in cache:
            cache[key] = min((len(p.slots) for room in rooms for p in self.templates(talk.duration, room)), default=0)
        return cache[key]


def _check_structure(inst: Instance, problems) -> None:
    """Tracks, people, cell costs and zones refer to what exists."""
    from .structure import parse_zone

    tracks = {t.name for t in inst.tracks}
    talks = {t.id for t in inst.talks}
    rooms = {r.name for r in inst.rooms}
    persons = {p.name for p in inst.people} | {s.name for s in inst.speakers}
    first: dict[str, int | None] = {}
    for sheet, items in (("Tracks", inst.tracks), ("People", inst.people)):
        first.clear()
        for item in items:
            if item.name in first:
                problems.add(sheet, item.row, "name", f"duplicate name {item.name!r}")
            first[item.name] = item.row

    def zone(sheet: str, row: int | None, text: str | None) -> None:
        if text:
            try:
                parse_zone(text)
            except ValueError as exc:
                problems.add(sheet, row, "zone", str(exc))

    for t in inst.talks:
        if t.track is not None and t.track not in tracks:
            problems.add("Talks", t.row, "track", f"{t.id}: unknown track {t.track!r} (not in Tracks)")
        if t.order is not None and t.track is None:
            problems.add("Talks", t.row, "order", f"{t.id} has an order but no track")
        zone("Talks", t.row, t.zone)
    for s in inst.speakers:
        zone("Speakers", s.row, s.zone)
    for tr in inst.tracks:
        for name in tr.chairs:
            if name not in persons:
                problems.add("Tracks", tr.row, "chairs", f"chair {name!r} is not a person (not in People or Speakers)")
        for other, _ in tr.similar:
            if other not in tracks:
                problems.add("Tracks", tr.row, "similar", f"unknown track {other!r} (not in Tracks)")
            elif other == tr.name:
                problems.add("Tracks", tr.row, "similar", f"track {other!r} cannot be similar to itself")
    for p in inst.people:
        for tid in p.attends:
            if tid not in talks:
                problems.add("People", p.row, "attends", f"unknown talk {tid!r} (not in Talks)")
        for name in (*p.attends_tracks, *p.chairs):
            if name not in tracks:
                problems.add("People", p.row, "chairs" if name in p.chairs else "attends",
                             f"unknown track {name!r} (not in Tracks)")
    for c in inst.cell_costs:
        if c.track is not None and c.track not in tracks:
            problems.add("CellCosts", c.row, "track", f"unknown track {c.track!r} (not in Tracks)")
        if c.talk is not None and c.talk not in talks:
            problems.add("CellCosts", c.row, "talk", f"unknown talk {c.talk!r} (not in Talks)")
        if c.talk is not None and c.track is not None:
            problems.add("CellCosts", c.row, "track", "give a track or a talk, not both")
        if c.room is not None and c.room not in rooms:
            problems.add("CellCosts", c.row, "room", f"unknown room {c.room!r} (not in Rooms)")
    for r in inst.conflicts:
        if r.who == "chairs" and r.level not in ("session", "none"):
            problems.add("Conflicts", r.row, "level", "chairs conflict at session level (or none)")
    if sum(1 for w in inst.windows if w.start is None) > 1:
        rows = [w.row for w in inst.windows if w.start is None]
        problems.add("Windows", rows[1], "from", f"the penalty outside every window is given twice (rows {rows[0]} and {rows[1]})")
    try:
        parse_zone(inst.settings.zone)
    except ValueError as exc:
        problems.add("Settings", inst.settings.rows.get("zone"), "value", str(exc))


class Assignment(BaseModel):
    talk: str
    room: str
    day: date
    start: str
    end: str
    session: str
