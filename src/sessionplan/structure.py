"""Tracks, people, conflicts, cell costs and local hours: what the rules mean.

The workbook's Tracks, CellCosts, People, Conflicts, Windows and Settings sheets (see
the README, "Tracks, people and time zones") become the objects here; the functions
below are the single statement of the rules' meaning that the solver families
(``solver/families/tracks.py``, ``people.py``, ``zones.py``) and their evaluator twins
share: which talks conflict for whom, which cells a cost row matches, a talk's local
hours and position in its track.

Words: a *block* is a session block, (day, session label), ordered by time; a *cell* is
one room's part of a block, (day, session label, room); a cell *holds* a track when a
talk of the track is in it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict

from .periods import Period

if TYPE_CHECKING:
    from .model import Instance, Placement, Talk

WHO = ("presenters", "attendees", "chairs")
LEVELS = ("time", "slot", "session", "none")
Level = Literal["time", "slot", "session", "none"]
Cell = tuple[date, str, str]
Block = tuple[date, str]


class Flag(NamedTuple):
    """A rule's strength: off, hard, or soft with a weight per unit of violation."""

    hard: bool = False
    weight: float = 0.0

    @property
    def on(self) -> bool:
        return self.hard or self.weight > 0

    @property
    def text(self) -> str:
        return "yes" if self.hard else (f"{self.weight:g}" if self.weight else "no")


OFF = Flag()
HARD = Flag(True)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class Track(_Frozen):
    name: str
    chairs: tuple[str, ...] = ()
    similar: tuple[tuple[str, Flag], ...] = ()   # (other track, strength), as listed
    one_room: Flag = OFF
    consecutive: Flag = OFF
    not_parallel: Flag = OFF
    order: Flag = HARD
    row: int | None = None


class CellCost(_Frozen):
    """A CellCosts row: a cell in use (holding ``track``, or with ``talk`` in it) that
    matches ``period`` and ``room`` costs ``penalty`` (``hard``: is forbidden)."""

    track: str | None = None
    talk: str | None = None
    period: Period | None = None
    room: str | None = None
    penalty: float = 0.0
    hard: bool = False
    row: int | None = None

    def matches(self, day: date, start: int, end: int, session: str, room: str) -> bool:
        """Whether a cell of ``room`` whose time span is ``start..end`` on ``day`` matches."""
        return (self.room is None or self.room == room) and (
            self.period is None or self.period.touches(day, start, end, session))

    def describe(self) -> str:
        what = f"talk {self.talk}" if self.talk else (f"track {self.track!r}" if self.track else "any cell in use")
        where = " ".join(x for x in (self.period.text if self.period else "", f"in {self.room}" if self.room else "") if x)
        return f"{what} {where or 'anywhere'}: " + ("forbidden" if self.hard else f"penalty {self.penalty:g}")


class Person(_Frozen):
    name: str
    attends: tuple[str, ...] = ()        # talk ids
    attends_tracks: tuple[str, ...] = ()
    chairs: tuple[str, ...] = ()         # track names
    row: int | None = None


class ConflictRule(_Frozen):
    who: Literal["presenters", "attendees", "chairs"]
    level: Level
    hard: bool = True
    weight: float = 0.0
    row: int | None = None   # None: a default rule

    def describe(self) -> str:
        strength = "hard" if self.hard else f"weight {self.weight:g}"
        return f"{self.who} never in conflict at {self.level} level ({strength})"


class Window(_Frozen):
    """A Windows row: local hours ``start..end`` (minutes; ``None`` both: the outside penalty)."""

    start: int | None = None
    end: int | None = None
    penalty: float = 0.0
    row: int | None = None


class Settings(_Frozen):
    zone: str = "UTC"
    windows_over: Literal["talk", "session"] = "talk"
    rows: dict[str, int] = {}


DEFAULT_CONFLICTS = (ConflictRule(who="presenters", level="time"), ConflictRule(who="attendees", level="time"),
                     ConflictRule(who="chairs", level="session"))


# -- zones ------------------------------------------------------------------------------

_OFFSET_RE = re.compile(r"^(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)


@lru_cache(maxsize=512)
def parse_zone(text: str) -> tzinfo:
    """An IANA zone (``Europe/Berlin``) or a fixed offset (``UTC+2``, ``GMT-5``, ``UTC+5:30``)."""
    s = text.strip()
    m = _OFFSET_RE.match(s)
    if m:
        if m.group(1) is None:
            return timezone.utc
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise ValueError(f"{text!r} is not an offset from UTC (at most 14 hours)")
        sign = -1 if m.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        if not s or s.startswith(("/", ".")) or ".." in s:
            raise ValueError
        return ZoneInfo(s)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is not a time zone (use an IANA name such as Europe/Berlin, "
                         "or an offset such as UTC+2 or GMT-5)") from None


def talk_zone(instance: Instance, talk: Talk) -> str | None:
    """The talk's own zone, else its first speaker's (None: unknown)."""
    if talk.zone:
        return talk.zone
    for name in talk.speakers:
        s = instance.speaker_by_name.get(name)
        if s is not None and s.zone:
            return s.zone
        break
    return None


def local_minute(instance: Instance, day: date, minutes: int, zone: str) -> int:
    """The minute of the day, in ``zone``, of ``minutes`` on ``day`` in the conference's zone."""
    home = parse_zone(instance.settings.zone)
    when = datetime(day.year, day.month, day.day, tzinfo=home) + timedelta(minutes=minutes)
    local = when.astimezone(parse_zone(zone))
    return local.hour * 60 + local.minute


def in_window(w: Window, start: int, length: int) -> bool:
    """Whether local ``start`` (minute of the day) for ``length`` minutes lies in the window
    (a window whose end is not after its start runs past midnight)."""
    assert w.start is not None and w.end is not None
    span = (w.end - w.start) % 1440 or 1440
    return (start - w.start) % 1440 + length <= span


def window_span(instance: Instance, p: Placement) -> tuple[int, int]:
    """The times the windows judge: the talk's own, or its session block's in its room."""
    if instance.settings.windows_over == "talk":
        return p.start, p.end
    idxs = [j for j in instance.sessions[(p.day, p.session)] if p.room in instance.slots[j].rooms]
    return instance.slots[idxs[0]].start, instance.slots[idxs[-1]].end


def window_penalty(instance: Instance, talk: Talk, p: Placement) -> Fraction:
    """The talk's local-hours penalty at ``p``, per slot it fills (0 without a zone or windows)."""
    if not instance.windows:
        return Fraction(0)
    zone = talk_zone(instance, talk)
    if zone is None:
        return Fraction(0)
    start, end = window_span(instance, p)
    local = local_minute(instance, p.day, start, zone)
    inside = [w.penalty for w in instance.windows if w.start is not None and in_window(w, local, end - start)]
    outside = [w.penalty for w in instance.windows if w.start is None]
    value = min(inside) if inside else (outside[0] if outside else 0.0)
    return Fraction(str(value)) * max(1, len(p.slots))


# -- tracks -----------------------------------------------------------------------------

def blocks(instance: Instance) -> dict[Block, int]:
    """Each session block's position in time order (day, first start)."""
    def compute() -> dict[Block, int]:
        keys = sorted(instance.sessions, key=lambda k: (k[0], instance.slots[instance.sessions[k][0]].start, k[1]))
        return {k: n for n, k in enumerate(keys)}
    return instance.derived("blocks", compute)


def cell_span(instance: Instance, cell: Cell) -> tuple[int, int]:
    """The cell's first start and last end."""
    day, label, room = cell
    idxs = [j for j in instance.sessions[(day, label)] if room in instance.slots[j].rooms]
    return instance.slots[idxs[0]].start, instance.slots[idxs[-1]].end


def cell_matches(instance: Instance, cost: CellCost, cell: Cell) -> bool:
    start, end = cell_span(instance, cell)
    return cost.matches(cell[0], start, end, cell[1], cell[2])


def talks_of_track(instance: Instance) -> dict[str, list[str]]:
    """Talk ids of each track, in sheet order (every track listed)."""
    def compute() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {t.name: [] for t in instance.tracks}
        for talk in instance.talks:
            if talk.track:
                out.setdefault(talk.track, []).append(talk.id)
        return out
    return instance.derived("talks_of_track", compute)


def chairs_of(instance: Instance) -> dict[str, tuple[str, ...]]:
    """Each track's chairs: its Tracks row's, then the People who chair it."""
    def compute() -> dict[str, tuple[str, ...]]:
        out = {t.name: list(t.chairs) for t in instance.tracks}
        for person in instance.people:
            for track in person.chairs:
                if person.name not in out.setdefault(track, []):
                    out[track].append(person.name)
        return {k: tuple(v) for k, v in out.items()}
    return instance.derived("chairs_of", compute)


def position_key(instance: Instance, p: Placement) -> int:
    """The order of talks within a track: block, then the room's row in Rooms, then start."""
    rooms = instance.derived("room_index", lambda: {r.name: n for n, r in enumerate(instance.rooms)})
    return (blocks(instance)[(p.day, p.session)] * len(rooms) + rooms[p.room]) * 1441 + p.start


def ordered_tracks(instance: Instance) -> list[str]:
    """Tracks whose order rule is on and that hold a talk with an ``order``."""
    talks = talks_of_track(instance)
    return [t.name for t in instance.tracks if t.order.on
            and any(instance.talk_by_id[i].order is not None for i in talks.get(t.name, []))]


def track_flags(track: Track) -> list[tuple[str, str, Flag]]:
    """(column, term, strength) of a track's own rules that are on."""
    return [(col, term, flag) for col, term, flag in (
        ("one_room", "track_rooms", track.one_room), ("consecutive", "track_consecutive", track.consecutive),
        ("not_parallel", "track_parallel", track.not_parallel)) if flag.on]


def similar_rules(instance: Instance) -> list[tuple[Track, str, Flag]]:
    """(track, similar track, strength) of every rule on."""
    return [(t, other, flag) for t in instance.tracks for other, flag in t.similar if flag.on]


# -- conflicts --------------------------------------------------------------------------

def conflict_rules(instance: Instance, who: str) -> list[ConflictRule]:
    """The rules for ``who``: the Conflicts rows, else the default (level none: no rule)."""
    given = [r for r in instance.conflicts if r.who == who]
    rules = given or [r for r in DEFAULT_CONFLICTS if r.who == who]
    return [r for r in rules if r.level != "none" and (r.hard or r.weight > 0)]


def presenters_default(instance: Instance) -> bool:
    """Whether presenters keep the default rule (shared speakers are then the speakers' rule)."""
    return not any(r.who == "presenters" for r in instance.conflicts)


def _pair(a: str, b: str, order: dict[str, int]) -> tuple[str, str]:
    return (a, b) if order[a] < order[b] else (b, a)


def _talk_order(instance: Instance) -> dict[str, int]:
    return instance.derived("talk_order", lambda: {t.id: n for n, t in enumerate(instance.talks)})


def chaired_by(instance: Instance) -> dict[str, list[str]]:
    """The tracks each person chairs."""
    def compute() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, chairs in chairs_of(instance).items():
            for chair in chairs:
                out.setdefault(chair, []).append(name)
        return out
    return instance.derived("chaired_by", compute)


def _chair_pairs_of(instance: Instance, own: list[str], person: str, tracks: list[str] | None = None) -> set:
    """Pairs (one of ``own``, a talk of a track ``person`` chairs that is not its own)."""
    order = _talk_order(instance)
    of_track = talks_of_track(instance)
    out = set()
    for name in tracks if tracks is not None else chaired_by(instance).get(person, []):
        for a in own:
            for b in of_track.get(name, []):
                if a != b and instance.talk_by_id[a].track != name:
                    out.add(_pair(a, b, order))
    return out


def presenter_pairs_of(instance: Instance, speaker: str, tracks: list[str] | None = None) -> set[tuple[str, str]]:
    """The presenter conflicts one speaker causes: their talks pairwise, and each with the
    talks of the tracks they chair (only those of ``tracks``, if given)."""
    order = _talk_order(instance)
    own = instance.talks_of_speaker.get(speaker, [])
    out = set() if tracks is not None else {_pair(a, b, order) for a, b in combinations(own, 2)}
    return out | _chair_pairs_of(instance, own, speaker, tracks)


def attendee_pairs_of(instance: Instance, person: Person) -> set[tuple[str, str]]:
    """The attendee conflicts one person causes: the talks they attend pairwise, each with
    the talks they present, each with the talks of the tracks they chair."""
    order = _talk_order(instance)
    of_track = talks_of_track(instance)
    attends = list(dict.fromkeys([*person.attends, *(i for name in person.attends_tracks for i in of_track.get(name, []))]))
    out = {_pair(a, b, order) for a, b in combinations(attends, 2)}
    out |= {_pair(a, b, order) for a in attends for b in instance.talks_of_speaker.get(person.name, []) if a != b}
    return out | _chair_pairs_of(instance, attends, person.name)


def conflict_pairs(instance: Instance, who: str) -> list[tuple[str, str]]:
    """The talk pairs that conflict for presenters or attendees, once each, in sheet order.

    Presenters: two talks sharing a speaker, or a speaker of one chairs the other's
    (different) track. Attendees: a person attends both, or attends one and presents the
    other, or attends one and chairs the other's (different) track."""
    def compute() -> list[tuple[str, str]]:
        order = _talk_order(instance)
        pairs: set[tuple[str, str]] = set()
        if who == "presenters":
            for speaker in instance.talks_of_speaker:
                pairs |= presenter_pairs_of(instance, speaker)
        else:
            for person in instance.people:
                pairs |= attendee_pairs_of(instance, person)
        return sorted(pairs, key=lambda ab: (order[ab[0]], order[ab[1]]))
    return instance.derived(f"conflict_pairs:{who}", compute)


def chair_pairs(instance: Instance) -> list[tuple[str, str]]:
    """Pairs of different tracks that share a chair, in sheet order."""
    def compute() -> list[tuple[str, str]]:
        chairs = chairs_of(instance)
        names = [t.name for t in instance.tracks]
        return [(a, b) for a, b in combinations(names, 2) if set(chairs.get(a, ())) & set(chairs.get(b, ()))]
    return instance.derived("chair_pairs", compute)


def slot_times(instance: Instance, p: Placement) -> list[tuple[date, int]]:
    """The (day, start) of each slot the placement fills."""
    return [(p.day, instance.slots[j].start) for j in p.slots]


def pair_conflict(instance: Instance, level: str, a: Placement, b: Placement) -> int:
    """How much two placed talks conflict at ``level`` (0: not at all; rooms must differ)."""
    if a.room == b.room:
        return 0
    if level == "time":
        return int(a.overlaps(b))
    if level == "slot":
        return len(set(slot_times(instance, a)) & set(slot_times(instance, b)))
    return int((a.day, a.session) == (b.day, b.session))


def extra_weights(instance: Instance) -> list[float]:
    """Every number of these sheets the objective multiplies (for its scale)."""
    out: list[float] = []
    for t in instance.tracks:
        out += [f.weight for _, _, f in track_flags(t)] + [t.order.weight] + [f.weight for _, f in t.similar]
    out += [c.penalty for c in instance.cell_costs] + [w.penalty for w in instance.windows]
    out += [r.weight for r in instance.conflicts]
    return [w for w in out if w]
