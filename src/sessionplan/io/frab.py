"""Import a published programme (frab, pentabarf, pretalx) into a conference workbook.

Readers turn each format into plain :class:`Event` records; :func:`build` makes the
workbook's objects from them: talks (the event id, the title unchanged, speakers, the
duration, the abstract, the track as the talk's topic), speakers, rooms, and a slot
grid from the published times. Per room and day, a *session* is a run of talks with
gaps under 20 minutes; each talk's start opens a slot in its room that lasts until the
next talk of the session starts (so the slots of a session follow each other). The
published placement of every talk is kept as the baseline in the ``scheduled_*``
columns, so ``sessionplan score`` can judge the published programme.

Readers are lenient (older files do not follow today's schema), but every problem that
prevents the import is reported, all at once, naming the file and the line (XML) or the
path inside the document (JSON). XML is parsed with defusedxml: entity declarations
(billion laughs) and external references are refused.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problems
from ..model import Assignment, Instance, Room, Slot, Speaker, Talk
from ..periods import format_time
from .cells import FIRST_DAY, GRID_SEPARATOR, MAX_COLUMNS, MAX_ROOMS
from .cells import key as id_key
from .import_models import (
    FrabDocument,
    Person,
    PublishedRoom,
    WidgetGrid,
    WidgetList,
    WidgetSlot,
    WidgetTalk,
    problems_of,
)
from .reading import MAX_DEPTH, Input, load_json, read_input
from .text import CELL_CHARS, clean, cut, one_line, shown

MAX_PEOPLE = 100_000       # the workbook's bound on audiences and capacities
LAST_DAY = date(9999, 12, 30)

SESSION_GAP = 20          # minutes: a gap this long or longer starts a new session
CELL_LIMIT = 32000        # abstracts are cut here (Excel keeps at most 32767 characters in a cell)
MIRROR_ROOM = re.compile(r"overflow|stream|relay|video|übertragung|simulcast", re.IGNORECASE)
WORKBOOK = "<workbook>"   # in notes: replaced by the name of the workbook written


@dataclass
class Event:
    """One published talk, as read from any format."""

    id: str
    title: str
    day: date
    start: int                  # minutes since midnight
    duration: int               # minutes
    room: str
    track: str = ""
    abstract: str = ""
    persons: tuple[str, ...] = ()
    where: str = ""             # 'line 12' or a path in the document, for messages
    topics: tuple[str, ...] = ()   # several topics, when the format has them (else the track)


@dataclass
class Imported:
    """What an importer made: the instance, the published schedule, and notes for people."""

    instance: Instance
    assignments: list[Assignment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str = ""

    def notes_for(self, path: str | Path) -> list[str]:
        """The notes, naming the workbook written at ``path`` in their commands."""
        from .template import command_name

        return [n.replace(WORKBOOK, command_name(path)) for n in self.notes]


class _Located:
    """Collects problems of one input file, each naming the file and where in it."""

    def __init__(self, path: Path, problems: Problems):
        self.name = shown(path.name)
        self.problems = problems

    def add(self, where: str, message: str) -> None:
        self.problems.add(f"{self.name} {where}".strip(), None, None, message)

    def warn(self, where: str, message: str) -> None:
        self.problems.warn(f"{self.name} {where}".strip(), None, None, message)


# -- small conversions ---------------------------------------------------------------

def clean_text(value: object) -> str:
    """Text as a cell can hold it: HTML tags dropped, control characters removed."""
    if value is None:
        return ""
    if isinstance(value, dict):  # pretalx i18n text {"en": ..., "fr": ...}
        value = value.get("en") or next((v for v in value.values() if v), "")
    s = str(value)
    if "<" in s and re.search(r"</?[a-zA-Z][^>]*>", s):
        s = re.sub(r"<br\s*/?>|</p>|</li>", "\n", s, flags=re.IGNORECASE)
        s = html.unescape(re.sub(r"<[^>]+>", " ", s))
    s = clean(s)[0]
    s = "\n".join(" ".join(line.split()) for line in s.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", s)


def name_text(value: object) -> str:
    """A name (room, speaker, track) on one line, without the list separator ';'."""
    return " ".join(clean_text(value).replace(";", ",").split())


def title_text(value: object) -> str:
    """A title exactly as published (only characters no cell can hold are removed)."""
    if isinstance(value, dict):
        value = value.get("en") or next((v for v in value.values() if v), "")
    return clean(str(value or ""))[0]


def minutes(text: object) -> int:
    """A duration or time of day: 'HH:MM', 'HH:MM:SS' or a whole number of minutes."""
    if isinstance(text, bool) or text is None:
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, (int, float)):
        if not -1e9 < text < 1e9:
            raise ValueError(f"{text!r} minutes is not a duration")
        return int(text)
    parts = str(text).strip().split(":")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        raise ValueError(f"{text!r} is not a time (HH:MM)")
    if any(len(p) > 9 for p in parts):
        raise ValueError(f"{str(text)[:40]!r} is not a time (HH:MM)")
    nums = [int(p) for p in parts]
    if len(parts) == 1:
        return nums[0]
    return nums[0] * 60 + nums[1]


def parse_moment(text: object) -> datetime:
    """An ISO date-time; its wall-clock time is kept in the offset it was written with."""
    if text is None:
        raise ValueError("no date-time")
    return datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))


# -- building the workbook's objects -----------------------------------------------

_MIRROR_MARK = re.compile(r"\s*[(\[][^)\]]*(?:overflow|stream|relay|übertragung|simulcast)[^)\]]*[)\]]\s*", re.IGNORECASE)


def _title_key(title: str) -> str:
    """A title compared for copies: case, spacing and a '(Stream)'-like mark ignored."""
    return " ".join(_MIRROR_MARK.sub(" ", title).casefold().split())


def _is_mirror(e: Event) -> bool:
    return bool(MIRROR_ROOM.search(e.room) or _MIRROR_MARK.search(e.title))


def drop_mirrors(events: list[Event], loc: _Located) -> list[Event]:
    """Drop copies of a talk shown at the same time in an overflow or stream room.

    A copy has the same title (ignoring a mark such as '(Stream)') and start; it is
    dropped when it is marked as a mirror (its room or its title says overflow, stream,
    relay) or lists the same speakers. The talk stays where it is not a mirror.
    """
    groups: dict[tuple, list[Event]] = {}
    for e in events:
        groups.setdefault((e.day, e.start, _title_key(e.title)), []).append(e)
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = next((e for e in group if not _is_mirror(e)), group[0])
        for e in group:
            if e is keep:
                continue
            if _is_mirror(e) or set(e.persons) == set(keep.persons):
                dropped.add(id(e))
                loc.warn(e.where, f"{e.title!r} in {e.room} is a copy of {keep.title!r} in {keep.room} "
                                  f"(same talk, same start): not imported")
    return [e for e in events if id(e) not in dropped]


def clip_at_midnight(events: list[Event], loc: _Located) -> None:
    """A talk running past midnight is shortened to end at 24:00 (the grid has one day per slot)."""
    for e in events:
        if e.start + e.duration > 1440:
            loc.warn(e.where, f"{e.title!r} runs past midnight ({format_time(e.start)} + {e.duration} min): "
                              f"imported as ending at 24:00")
            e.duration = 1440 - e.start


def session_runs(events: list[Event]) -> list[list[Event]]:
    """One room's talks of one day (sorted by start) cut into sessions at gaps of 20 minutes or more."""
    runs: list[list[Event]] = []
    end = None
    for e in events:
        if end is None or e.start - end >= SESSION_GAP:
            runs.append([])
            end = e.start
        runs[-1].append(e)
        end = max(end, e.start + e.duration)
    return runs


def build(events: list[Event], rooms: dict[str, int | None], name: str, loc: _Located) -> Imported:
    """Talks, speakers, rooms and the slot grid of a published programme, and its schedule."""
    events = drop_mirrors(events, loc)
    clip_at_midnight(events, loc)
    fit_cells(events, loc)
    check_ids([(e.id, e.where) for e in events], loc)
    spelled: dict[str, str] = {}   # room key -> first spelling (the file's room list first)
    for r in list(rooms) + [e.room for e in events]:
        spelled.setdefault(id_key(r), r)
    for e in events:
        e.room = spelled[id_key(e.room)]
    capacity = {spelled[id_key(r)]: c for r, c in reversed(list(rooms.items()))}
    used = list(dict.fromkeys(e.room for e in events))
    names = list(dict.fromkeys([spelled[id_key(r)] for r in rooms if spelled[id_key(r)] in used] + used))
    if len(names) > MAX_ROOMS:
        loc.add("", f"the programme uses {len(names):,} rooms; a day grid has a column per room and Excel holds "
                    f"at most {MAX_COLUMNS:,} columns ({MAX_ROOMS:,} rooms)")
        return Imported(Instance(name=name, talks=[], speakers=[], rooms=[], slots=[]))
    room_objs = [Room(name=r, capacity=capacity.get(r)) for r in names]
    order = {r: i for i, r in enumerate(names)}

    by_room_day: dict[tuple, list[Event]] = {}
    for e in sorted(events, key=lambda e: (e.day, order[e.room], e.start, e.id)):
        by_room_day.setdefault((e.day, e.room), []).append(e)
    raw_slots: list[tuple] = []
    session_of: dict[int, str] = {}
    for (day, room), evs in by_room_day.items():
        for k, run in enumerate(session_runs(evs), start=1):
            label = f"{room} #{k}"
            starts = sorted({e.start for e in run})
            for i, s in enumerate(starts):
                end = starts[i + 1] if i + 1 < len(starts) else max(e.start + e.duration for e in run if e.start == s)
                raw_slots.append((day, s, end, label, room))
            for e in run:
                session_of[id(e)] = label
            overlaps = [(a, b) for a, b in zip(run, run[1:], strict=False) if b.start < a.start + a.duration]
            for a, b in overlaps:
                loc.warn(b.where, f"{b.title!r} starts in {room} before {a.title!r} ends: the published "
                                  f"programme has two talks in one room at once")
    raw_slots.sort(key=lambda s: (s[0], s[1], order[s[4]]))
    slots = [Slot(index=i, day=d, start=s, end=e, session=label, rooms=(room,))
             for i, (d, s, e, label, room) in enumerate(raw_slots)]

    speakers: dict[str, str] = {}   # casefolded -> first spelling
    talks, assignments = [], []
    unnamed = 0
    for e in events:
        names = []
        for p in e.persons:
            key = p.casefold()
            speakers.setdefault(key, p)
            if speakers[key] not in names:
                names.append(speakers[key])
        if not names:
            unnamed += 1
            placeholder = f"N.N. (talk {e.id})"
            speakers.setdefault(placeholder.casefold(), placeholder)
            names = [placeholder]
        talks.append(Talk(id=e.id, title=e.title, speakers=tuple(names), duration=e.duration,
                          topics=e.topics or ((e.track,) if e.track else ()), abstract=e.abstract))
        assignments.append(Assignment(talk=e.id, room=e.room, day=e.day, start=format_time(e.start),
                                      end=format_time(e.start + e.duration), session=session_of[id(e)]))
    notes = []
    if unnamed:
        notes.append(f"{unnamed} talks list no speaker: each got a placeholder speaker 'N.N. (talk <id>)'")
    instance = Instance(name=name, talks=talks, speakers=[Speaker(name=n) for n in speakers.values()],
                        rooms=room_objs, slots=slots)
    return Imported(instance, assignments, notes)


def check_ids(ids: list[tuple[str, str]], loc: _Located) -> None:
    """Talk ids as the workbook compares them (case and spacing ignored: ``T1`` and ``t1``
    are one id), and none holding the day grid's separator " · "."""
    seen: dict[str, str] = {}
    for tid, where in ids:
        if GRID_SEPARATOR in tid:
            loc.add(where, f"talk id {tid!r} holds {GRID_SEPARATOR.strip()!r} between spaces, which the day grids "
                           "use to separate the id from the title")
        k = id_key(tid)
        if k in seen:
            loc.add(where, f"talk id {tid!r} is used twice (also {seen[k]})")
        seen.setdefault(k, where)


def fit_text(text: str, what: str, where: str, loc: _Located, limit: int = CELL_CHARS) -> str:
    """``text`` cut to what a cell holds, with a note saying so."""
    out, was_cut = cut(text, limit)
    if was_cut:
        loc.warn(where, f"{what} has {len(text):,} characters, more than an Excel cell holds: cut to {limit:,}")
    return out


def fit_cells(events: list[Event], loc: _Located) -> None:
    """Every text of the events within a cell's limit (the abstract within CELL_LIMIT)."""
    for e in events:
        label = e.title[:60]
        e.title = fit_text(e.title, f"the title of talk {e.id}", e.where, loc)
        e.abstract = fit_text(e.abstract, f"the abstract of {label!r}", e.where, loc, CELL_LIMIT)
        e.room = fit_text(e.room, "the room name", e.where, loc)
        e.track = fit_text(e.track, "the track", e.where, loc)
        e.persons = tuple(fit_text(p, "a speaker's name", e.where, loc) for p in e.persons)
        e.topics = tuple(fit_text(t, "a topic", e.where, loc) for t in e.topics)


def _event(loc: _Located, where: str, *, id, title, day, start, duration, room, track="",
           abstract="", description="", persons=()) -> Event | None:
    """An Event from raw fields, or None (with the problems recorded)."""
    ok = True
    tid = clean_text(id)
    if not tid:
        loc.add(where, "the talk has no id (nor guid or code)")
        ok = False
    t = title_text(title)
    if not t.strip():
        loc.add(where, f"talk {tid or '?'} has no title")
        ok = False
    try:
        dur = minutes(duration)
        if dur <= 0:
            loc.add(where, f"talk {tid}: duration {duration!r} is not positive")
            ok = False
    except ValueError as exc:
        loc.add(where, f"talk {tid}: bad duration ({exc})")
        ok = False
    if start is None or day is None:
        loc.add(where, f"talk {tid}: no start time or date")
        ok = False
    elif not FIRST_DAY <= day <= LAST_DAY:
        loc.add(where, f"talk {tid}: its date {day.isoformat()} is outside what a workbook holds "
                       f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})")
        ok = False
    elif not 0 <= start < 1440:
        loc.add(where, f"talk {tid}: start {start} is not a time of day")
        ok = False
    r = name_text(room)
    if not r:
        loc.add(where, f"talk {tid}: no room")
        ok = False
    if not ok:
        return None
    text = clean_text(abstract)
    desc = clean_text(description)
    if desc and desc not in text:
        text = f"{text}\n\n{desc}".strip()
    return Event(id=tid, title=t, day=day, start=start, duration=dur, room=r, track=name_text(track),
                 abstract=text, persons=tuple(n for n in (name_text(p) for p in persons) if n), where=where)


def _start_of(loc: _Located, where: str, moment, day_text, start_text, day_start: datetime | None):
    """(day, minutes) of an event: from its ISO date-time, else the day's date and 'HH:MM'."""
    if moment:
        try:
            dt = parse_moment(moment)
            return dt.date(), dt.hour * 60 + dt.minute
        except (ValueError, OverflowError):
            loc.warn(where, f"date {moment!r} is not an ISO date-time; using the day's date and the start")
    try:
        day = date.fromisoformat(str(day_text).strip()[:10])
    except ValueError:
        loc.add(where, f"day {day_text!r} is not a date (YYYY-MM-DD)")
        return None, None
    try:
        start = minutes(start_text)
    except ValueError as exc:
        loc.add(where, f"bad start ({exc})")
        return day, None
    if day_start is not None and start < day_start.hour * 60 + day_start.minute and day < date.max:
        day += timedelta(days=1)  # after midnight of a day that runs into the night
    return day, start


def _day_start(value) -> datetime | None:
    try:
        return parse_moment(value) if value else None
    except ValueError:
        return None


# -- frab / pretalx schedule.json (c3voc format) -------------------------------------

def _persons(raw: list[Person] | None) -> list[str]:
    return [p.display for p in raw or []]


def _capacity(value, where: str, loc: _Located) -> int | None:
    """A room's published capacity as the workbook takes it (None when it cannot be one)."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    try:
        cap = float(value)
    except ValueError:
        return None
    if not cap.is_integer() or cap < 0:
        return None
    if cap > MAX_PEOPLE:
        loc.warn(where, f"capacity {value!r} is more than {MAX_PEOPLE:,} seats: imported without a capacity")
        return None
    return int(cap)


def read_c3voc(doc: FrabDocument, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    conf = doc.schedule.conference
    rooms: dict[str, int | None] = {}
    for i, r in enumerate(conf.rooms or []):
        if r.name:
            rooms[name_text(r.name)] = _capacity(r.capacity, f"schedule.conference.rooms[{i}].capacity", loc)
    events = []
    for di, day in enumerate(conf.days):
        path = f"schedule.conference.days[{di}]"
        day_start = _day_start(day.day_start)
        for room, evs in day.rooms.items():
            for ei, ev in enumerate(evs):
                where = f"{path}.rooms[{shown(repr(room))}][{ei}]"
                d, s = _start_of(loc, where, ev.date, day.date, ev.start, day_start)
                e = _event(loc, where, id=ev.id if ev.id not in (None, "") else ev.guid,
                           title=ev.title, day=d, start=s, duration=ev.duration,
                           room=ev.room or room, track=ev.track or "",
                           abstract=ev.abstract, description=ev.description,
                           persons=_persons(ev.persons))
                if e:
                    events.append(e)
    return events, rooms


# -- pretalx widget JSON -------------------------------------------------------------

def _widget_event(loc: _Located, where: str, talk: WidgetTalk, room: str, track, speakers: list[str]) -> Event | None:
    slot = talk.slot or WidgetSlot()
    start_text = talk.start or slot.start
    d = s = None
    try:
        dt = parse_moment(start_text)
        d, s = dt.date(), dt.hour * 60 + dt.minute
    except (TypeError, ValueError):
        loc.add(where, f"start {start_text!r} is not an ISO date-time")
    duration = talk.duration
    end_text = talk.end or slot.end
    if duration in (None, "") and end_text and d is not None:
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            duration = int((parse_moment(end_text) - parse_moment(start_text)).total_seconds() // 60)
    return _event(loc, where, id=talk.code or talk.id, title=talk.title, day=d, start=s,
                  duration=duration, room=room, track=track or "", abstract=talk.abstract,
                  description=talk.description, persons=speakers)


def _names(items, key: str = "id") -> dict:
    return {getattr(it, key): name_text(it.name) for it in items or []}


def _capacities(items: list[PublishedRoom] | None, loc: _Located) -> dict[str, int | None]:
    return {name_text(r.name): _capacity(r.capacity, f"rooms[{i}].capacity", loc) for i, r in enumerate(items or [])}


def read_widget(doc: WidgetList, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    """pretalx's schedule widget data: ``talks``, ``rooms``, ``speakers``, ``tracks`` lists with ids."""
    rooms = _names(doc.rooms)
    tracks = _names(doc.tracks)
    speakers = _names(doc.speakers, "code")
    events = []
    for i, talk in enumerate(doc.talks):
        where = f"talks[{i}]"
        if not talk.start or talk.room is None:
            continue  # not scheduled (breaks are listed with no room)
        room = rooms.get(talk.room)
        if room is None:
            loc.add(where, f"room id {_int_or(talk.room)!r} is not in 'rooms'")
            continue
        names = []
        for p in talk.speakers or []:
            if p.text is None:
                names.append(p.display)  # a speaker given as an object with a name
            elif p.text in speakers:
                names.append(speakers[p.text])
            else:
                loc.add(where, f"speaker code {p.text!r} is not in 'speakers'")
        track = talk.track
        track_name = (track.name if track.name is not None else tracks.get(track.id, "")) if track else ""
        e = _widget_event(loc, where, talk, room, track_name, names)
        if e:
            events.append(e)
    return events, _capacities(doc.rooms, loc)


def read_widget_grid(doc: WidgetGrid, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    """A pretalx schedule grouped as ``schedule[date][minute][room id] = talk`` (with ``rooms``, ``speakers``)."""
    rooms = _names(doc.rooms)
    events = []
    for day, by_minute in doc.schedule.items():
        for minute, by_room in by_minute.items():
            for room_id, talk in (by_room or {}).items():
                where = f"schedule[{shown(repr(day))}][{shown(repr(minute))}][{shown(repr(room_id))}]"
                slot = talk.slot or WidgetSlot()
                room = name_text(slot.room) or rooms.get(room_id) or rooms.get(str(_int_or(room_id)))
                if not room:
                    loc.add(where, f"room {room_id!r} is not in 'rooms'")
                    continue
                track = talk.track
                e = _widget_event(loc, where, talk, room, track.name if track else "",
                                  [p.display for p in talk.speakers or []])
                if e:
                    events.append(e)
    sprints = sum(len(r or {}) for m in (doc.sprints or {}).values() for r in m.values())
    if sprints:
        loc.warn("sprints", f"{sprints} sprints (a separate programme) are not imported")
    return events, _capacities(doc.rooms, loc)


def _int_or(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _typed(model: type[BaseModel], doc: dict, loc: _Located):
    """``doc`` as ``model``, or None with every shape error located by its path."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        for where, message in problems_of(exc, model):
            loc.add(where, message)
        return None


def read_json(inp: Input, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    try:
        doc = load_json(inp, loc.warn)
    except InputError as exc:
        for p in exc.problems:
            loc.add(f"line {p.row}" if p.row else "", p.message)
        return [], {}
    if not isinstance(doc, dict):
        loc.add("", "not a schedule: the document is not a JSON object")
        return [], {}
    schedule = doc.get("schedule")
    if isinstance(schedule, dict) and "conference" in schedule:
        c3voc = _typed(FrabDocument, doc, loc)
        return read_c3voc(c3voc, loc) if c3voc else ([], {})
    if "talks" in doc:
        widget = _typed(WidgetList, doc, loc)
        return read_widget(widget, loc) if widget else ([], {})
    if isinstance(schedule, dict):
        grid = _typed(WidgetGrid, doc, loc)
        return read_widget_grid(grid, loc) if grid else ([], {})
    from .programmes import is_indico, read_indico

    if is_indico(doc):
        events, rooms, notes = read_indico(doc, loc)
        for note in notes:
            loc.warn("", note)
        return events, rooms
    loc.add("", "not a schedule this importer knows: expected a frab/pretalx schedule.json "
                "(schedule.conference.days), pretalx widget data (talks, rooms, speakers) or an Indico "
                f"export (results); its keys are {', '.join(shown(k) for k in list(doc)[:8]) or 'none'}")
    return [], {}


# -- frab / pentabarf schedule.xml --------------------------------------------------

def parse_xml_safely(inp: Input, loc: _Located):
    """The XML tree and each element's line; None (with the problem recorded) if refused.

    Every text and attribute passes the cleaning step (``io.text``), each change a warning
    naming its line."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    lines: dict = {}

    class TooDeep(Exception):
        pass

    class LineParser(DefusedXMLParser):
        depth = 0

        def _start(self, *args):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise TooDeep
            element = super()._start(*args)
            lines[element] = self.parser.CurrentLineNumber
            return element

        def _end(self, *args):
            self.depth -= 1
            return super()._end(*args)

    parser = LineParser()
    try:
        data = inp.data
        for at in range(0, len(data), 1 << 16):
            parser.feed(data[at:at + (1 << 16)])
        root = parser.close()
    except TooDeep:
        loc.add(f"line {parser.parser.CurrentLineNumber}", f"not a schedule: elements nested more than {MAX_DEPTH} "
                                                          "levels deep")
        return None, lines
    except DefusedXmlException as exc:
        line = getattr(parser.parser, "CurrentLineNumber", None)
        loc.add(f"line {line}" if line else "", f"refused: the XML declares entities or external "
                f"references, which a schedule never needs and which can be used to attack the "
                f"reader (billion laughs, reading local files): {exc}")
        return None, lines
    except ParseError as exc:
        line, col = exc.position
        loc.add(f"line {line}", f"not well-formed XML (column {col + 1}): {exc.msg if hasattr(exc, 'msg') else exc}")
        return None, lines
    for el in root.iter():
        where = f"line {lines.get(el, '?')}"
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            if value:
                out, note = clean(value)
                if note is not None and attr == "text":
                    loc.warn(where, f"<{el.tag}>: {note}")
                setattr(el, attr, out)
        for name, value in list(el.attrib.items()):
            out, note = clean(value)
            if note is not None:
                loc.warn(where, f"<{el.tag} {name}=...>: {note}")
                el.attrib[name] = out
    return root, lines


def read_xml(inp: Input, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    root, lines = parse_xml_safely(inp, loc)
    if root is None:
        return [], {}
    from .programmes import describe_xml, is_europython, read_europython

    if is_europython(root):
        return read_europython(root, lines, loc)
    if root.tag != "schedule" or not any(True for _ in root.iter("event")):
        loc.add(f"line {lines.get(root, 1)}", f"not a frab schedule.xml (<schedule> with <day><room><event>) nor a "
                f"EuroPython one (<day> with <entry>): the document is {describe_xml(root)}")
        return [], {}
    events = []
    for day in root.iter("day"):
        day_start = _day_start(day.get("start"))
        for room_el in day.iter("room"):
            for ev in room_el.iter("event"):
                where = f"line {lines.get(ev, '?')}"
                d, s = _start_of(loc, where, ev.findtext("date"), day.get("date"), ev.findtext("start"), day_start)
                e = _event(loc, where, id=ev.get("id") or ev.get("guid"), title=ev.findtext("title"), day=d,
                           start=s, duration=ev.findtext("duration"),
                           room=ev.findtext("room") or room_el.get("name"), track=ev.findtext("track") or "",
                           abstract=ev.findtext("abstract"), description=ev.findtext("description"),
                           persons=[p.text or "" for p in ev.iterfind("persons/person")])
                if e:
                    events.append(e)
    return events, {}


# -- entry points --------------------------------------------------------------------

def read_published(source: str | Path | Input, problems: Problems | None = None) -> Imported:
    """Read a published schedule (schedule.json, schedule.xml or pretalx widget JSON).

    ``source`` is a path or a file already read (``io.reading.Input``). Raises InputError
    with every problem; ``problems.warnings`` receives the notes (dropped copies, clipped
    talks, cleaned texts).
    """
    inp = source if isinstance(source, Input) else read_input(source)
    path = inp.path
    problems = problems if problems is not None else Problems()
    loc = _Located(path, problems)
    head = inp.data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.casefold() == ".xml" or head.startswith(b"<"):
        events, rooms = read_xml(inp, loc)
    else:
        events, rooms = read_json(inp, loc)
    if not events and not problems:
        loc.add("", "no scheduled talks found")
    problems.raise_if_any(shown(path))
    imported = build(events, rooms, one_line(path.stem) or "conference", loc)
    problems.raise_if_any(shown(path))
    imported.source = str(path)
    imported.notes += [str(w) for w in problems.warnings] + published_hard_rules(imported)
    return imported


def published_hard_rules(imported: Imported) -> list[str]:
    """The hard rules the published programme breaks (two talks in one room are already named)."""
    from .programmes import IMPORT_RULES_REPORTED_ELSEWHERE, hard_rule_notes

    return hard_rule_notes(imported.instance, imported.assignments, skip=IMPORT_RULES_REPORTED_ELSEWHERE)


def check_importable(imported: Imported, problems: Problems | None = None) -> None:
    """Refuse an import whose workbook ``sessionplan check`` would refuse: the rows to be
    written are read back by the workbook reader itself (the same rules, limits and id
    comparison), and any problem it finds is an InputError naming the sheet, row and
    column of the workbook that was not written."""
    from .archive import Limits
    from .schema import SHEETS
    from .template import input_rows, rows_with_schedule
    from .workbook import Row, Table, build_instance

    inst = imported.instance
    rows = rows_with_schedule(inst, imported.assignments) if imported.assignments else input_rows(inst)
    tables = {}
    for name, spec in SHEETS.items():
        header = spec.names
        table = Table(name, present=True, columns=list(header))
        for n, r in enumerate(rows.get(name, []), start=2):
            table.rows.append(Row(n, {h: v for h, v in zip(header, r, strict=False) if v is not None}))
        tables[name] = table
    found = Problems()
    limits = Limits.from_env()
    for table in tables.values():
        if len(table.rows) > limits.max_rows:
            found.add(table.name, table.rows[limits.max_rows].number, None,
                      f"{len(table.rows):,} rows, more than the {limits.max_rows:,} a sheet may have (raise the limit "
                      "with SESSIONPLAN_MAX_ROWS)")
        for row in table.rows:
            for h, v in row.values.items():
                if isinstance(v, str) and len(v) > CELL_CHARS:
                    found.add(table.name, row.number, h, f"{len(v):,} characters, more than an Excel cell holds")
    build_instance(tables, inst.name, found, grid=bool(inst.rooms or inst.slots))
    if found:
        raise InputError([type(p)(p.sheet, p.row, p.column, f"{p.message} (in the workbook this import would "
                                                            "write; nothing was written)") for p in found.items],
                         shown(imported.source) or None)


def write_imported(imported: Imported, path: str | Path) -> None:
    """The conference workbook of an import: the input sheets (with the published schedule
    in ``scheduled_*``) and an ``Import`` sheet saying where it came from and what to check."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .saving import save_workbook
    from .schema import SCHEDULE_COLUMNS
    from .template import command_name, input_rows, rows_with_schedule, write_input_sheets

    inst = imported.instance
    wb = Workbook()
    wb.remove(wb.active)
    if imported.assignments:
        write_input_sheets(wb, rows_with_schedule(inst, imported.assignments), {"Talks": SCHEDULE_COLUMNS})
    else:
        write_input_sheets(wb, input_rows(inst))
    ws = wb.create_sheet("Import", 0)
    ws.column_dimensions["A"].width = 120
    lines = [f"Imported from {shown(Path(imported.source).name)}",
             f"{len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
             f"{len(inst.slots)} slots"]
    if imported.assignments:
        lines.append("Talks' scheduled_* columns hold the published programme: "
                     f"'sessionplan score {command_name(path)} {command_name(path)}' evaluates it.")
    lines += [""] + [clean(n)[0] for n in imported.notes_for(path)]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    save_workbook(path, wb)
