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
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from ..errors import Problems
from ..model import Assignment, Instance, Room, Slot, Speaker, Talk
from ..periods import format_time

SESSION_GAP = 20          # minutes: a gap this long or longer starts a new session
CELL_LIMIT = 32000        # Excel keeps at most 32767 characters in a cell
MIRROR_ROOM = re.compile(r"overflow|stream|relay|video|übertragung|simulcast", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
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
        self.name = path.name
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
    s = _CONTROL.sub("", s)
    s = "\n".join(" ".join(line.split()) for line in s.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", s)


def name_text(value: object) -> str:
    """A name (room, speaker, track) on one line, without the list separator ';'."""
    return " ".join(clean_text(value).replace(";", ",").split())


def title_text(value: object) -> str:
    """A title exactly as published (only characters no cell can hold are removed)."""
    if isinstance(value, dict):
        value = value.get("en") or next((v for v in value.values() if v), "")
    return _CONTROL.sub("", str(value or ""))


def minutes(text: object) -> int:
    """A duration or time of day: 'HH:MM', 'HH:MM:SS' or a whole number of minutes."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, (int, float)):
        return int(text)
    parts = str(text).strip().split(":")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        raise ValueError(f"{text!r} is not a time (HH:MM)")
    nums = [int(p) for p in parts]
    if len(parts) == 1:
        return nums[0]
    return nums[0] * 60 + nums[1]


def parse_moment(text: object) -> datetime:
    """An ISO date-time; its wall-clock time is kept in the offset it was written with."""
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
    seen: dict[str, Event] = {}
    for e in events:
        if e.id in seen:
            loc.add(e.where, f"talk id {e.id!r} is used twice (also {seen[e.id].where})")
        seen.setdefault(e.id, e)
    used = list(dict.fromkeys(e.room for e in events))
    names = list(dict.fromkeys([r for r in rooms if r in used] + used))   # the file's room order first
    room_objs = [Room(name=r, capacity=rooms.get(r)) for r in names]
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
        abstract = e.abstract
        if len(abstract) > CELL_LIMIT:
            loc.warn(e.where, f"the abstract of {e.title!r} is cut to {CELL_LIMIT} characters (an Excel cell's limit)")
            abstract = abstract[:CELL_LIMIT]
        talks.append(Talk(id=e.id, title=e.title, speakers=tuple(names), duration=e.duration,
                          topics=e.topics or ((e.track,) if e.track else ()), abstract=abstract))
        assignments.append(Assignment(talk=e.id, room=e.room, day=e.day, start=format_time(e.start),
                                      end=format_time(e.start + e.duration), session=session_of[id(e)]))
    notes = []
    if unnamed:
        notes.append(f"{unnamed} talks list no speaker: each got a placeholder speaker 'N.N. (talk <id>)'")
    instance = Instance(name=name, talks=talks, speakers=[Speaker(name=n) for n in speakers.values()],
                        rooms=room_objs, slots=slots)
    return Imported(instance, assignments, notes)


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
        except ValueError:
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
    if day_start is not None and start < day_start.hour * 60 + day_start.minute:
        day += timedelta(days=1)  # after midnight of a day that runs into the night
    return day, start


def _day_start(value) -> datetime | None:
    try:
        return parse_moment(value) if value else None
    except ValueError:
        return None


# -- frab / pretalx schedule.json (c3voc format) -------------------------------------

def _persons(raw) -> list[str]:
    out = []
    for p in raw or []:
        if isinstance(p, dict):
            out.append(p.get("public_name") or p.get("name") or p.get("full_public_name") or "")
        else:
            out.append(str(p))
    return out


def read_c3voc(doc: dict, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    conf = (doc.get("schedule") or {}).get("conference") if isinstance(doc.get("schedule"), dict) else None
    if not isinstance(conf, dict) or not isinstance(conf.get("days"), list):
        loc.add("schedule.conference.days", "missing: not a frab/pretalx schedule.json")
        return [], {}
    rooms: dict[str, int | None] = {}
    for r in conf.get("rooms") or []:
        if isinstance(r, dict) and r.get("name"):
            cap = r.get("capacity")
            rooms[name_text(r["name"])] = cap if isinstance(cap, int) and cap >= 0 else None
    events = []
    for di, day in enumerate(conf["days"]):
        path = f"schedule.conference.days[{di}]"
        if not isinstance(day, dict) or not isinstance(day.get("rooms"), dict):
            loc.add(path, "a day without 'rooms'")
            continue
        day_start = _day_start(day.get("day_start"))
        for room, evs in day["rooms"].items():
            if not isinstance(evs, list):
                loc.add(f"{path}.rooms[{room!r}]", "not a list of events")
                continue
            for ei, ev in enumerate(evs):
                where = f"{path}.rooms[{room!r}][{ei}]"
                if not isinstance(ev, dict):
                    loc.add(where, "not an event object")
                    continue
                d, s = _start_of(loc, where, ev.get("date"), day.get("date"), ev.get("start"), day_start)
                e = _event(loc, where, id=ev.get("id") if ev.get("id") not in (None, "") else ev.get("guid"),
                           title=ev.get("title"), day=d, start=s, duration=ev.get("duration"),
                           room=ev.get("room") or room, track=ev.get("track") or "",
                           abstract=ev.get("abstract"), description=ev.get("description"),
                           persons=_persons(ev.get("persons")))
                if e:
                    events.append(e)
    return events, rooms


# -- pretalx widget JSON -------------------------------------------------------------

def _widget_event(loc: _Located, where: str, talk: dict, room: str, track, speakers: list[str]) -> Event | None:
    slot: dict = talk["slot"] if isinstance(talk.get("slot"), dict) else {}
    start_text = talk.get("start") or slot.get("start")
    d = s = None
    try:
        dt = parse_moment(start_text)
        d, s = dt.date(), dt.hour * 60 + dt.minute
    except (TypeError, ValueError):
        loc.add(where, f"start {start_text!r} is not an ISO date-time")
    duration = talk.get("duration")
    end_text = talk.get("end") or slot.get("end")
    if duration in (None, "") and end_text and d is not None:
        with contextlib.suppress(TypeError, ValueError):
            duration = int((parse_moment(end_text) - parse_moment(start_text)).total_seconds() // 60)
    return _event(loc, where, id=talk.get("code") or talk.get("id"), title=talk.get("title"), day=d, start=s,
                  duration=duration, room=room, track=track or "", abstract=talk.get("abstract"),
                  description=talk.get("description"), persons=speakers)


def _i18n_names(items, key="id") -> dict:
    return {it.get(key): name_text(it.get("name")) for it in items or [] if isinstance(it, dict)}


def read_widget(doc: dict, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    """pretalx's schedule widget data: ``talks``, ``rooms``, ``speakers``, ``tracks`` lists with ids."""
    rooms = _i18n_names(doc.get("rooms"))
    tracks = _i18n_names(doc.get("tracks"))
    speakers = _i18n_names(doc.get("speakers"), "code")
    capacity = {name_text(r.get("name")): r.get("capacity") for r in doc.get("rooms") or [] if isinstance(r, dict)}
    events = []
    for i, talk in enumerate(doc.get("talks") or []):
        where = f"talks[{i}]"
        if not isinstance(talk, dict):
            loc.add(where, "not a talk object")
            continue
        if not talk.get("start") or talk.get("room") is None:
            continue  # not scheduled (breaks are listed with no room)
        room = rooms.get(talk.get("room"))
        if room is None:
            loc.add(where, f"room id {talk.get('room')!r} is not in 'rooms'")
            continue
        names = []
        for code in talk.get("speakers") or []:
            if isinstance(code, dict):
                names.append(code.get("name") or "")
            elif code in speakers:
                names.append(speakers[code])
            else:
                loc.add(where, f"speaker code {code!r} is not in 'speakers'")
        track = talk.get("track")
        e = _widget_event(loc, where, talk, room, tracks.get(track, "") if not isinstance(track, dict) else track.get("name"), names)
        if e:
            events.append(e)
    return events, {k: v if isinstance(v, int) and v >= 0 else None for k, v in capacity.items()}


def read_widget_grid(doc: dict, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    """A pretalx schedule grouped as ``schedule[date][minute][room id] = talk`` (with ``rooms``, ``speakers``)."""
    rooms = _i18n_names(doc.get("rooms"))
    capacity = {name_text(r.get("name")): r.get("capacity") for r in doc.get("rooms") or [] if isinstance(r, dict)}
    events = []
    for day, by_minute in (doc.get("schedule") or {}).items():
        if not isinstance(by_minute, dict):
            loc.add(f"schedule[{day!r}]", "not an object of start minutes")
            continue
        for minute, by_room in by_minute.items():
            if not isinstance(by_room, dict):
                loc.add(f"schedule[{day!r}][{minute!r}]", "not an object of rooms")
                continue
            for room_id, talk in by_room.items():
                where = f"schedule[{day!r}][{minute!r}][{room_id!r}]"
                if not isinstance(talk, dict):
                    loc.add(where, "not a talk object")
                    continue
                slot: dict = talk["slot"] if isinstance(talk.get("slot"), dict) else {}
                room = name_text(slot.get("room")) or rooms.get(_int_or(room_id))
                if not room:
                    loc.add(where, f"room {room_id!r} is not in 'rooms'")
                    continue
                track = talk.get("track")
                track = track.get("name") if isinstance(track, dict) else track
                e = _widget_event(loc, where, talk, room, track, _persons(talk.get("speakers")))
                if e:
                    events.append(e)
    sprints = sum(len(r or {}) for m in (doc.get("sprints") or {}).values() if isinstance(m, dict) for r in m.values())
    if sprints:
        loc.warn("sprints", f"{sprints} sprints (a separate programme) are not imported")
    return events, {k: v if isinstance(v, int) and v >= 0 else None for k, v in capacity.items()}


def _int_or(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def read_json(path: Path, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        loc.add("", f"not UTF-8 text ({exc})")
        return [], {}
    except json.JSONDecodeError as exc:
        loc.add(f"line {exc.lineno}", f"not valid JSON: {exc.msg} (column {exc.colno})")
        return [], {}
    if not isinstance(doc, dict):
        loc.add("", "not a schedule: the document is not a JSON object")
        return [], {}
    if isinstance(doc.get("schedule"), dict) and "conference" in doc["schedule"]:
        return read_c3voc(doc, loc)
    if isinstance(doc.get("talks"), list):
        return read_widget(doc, loc)
    if isinstance(doc.get("schedule"), dict):
        return read_widget_grid(doc, loc)
    from .programmes import is_indico, read_indico

    if is_indico(doc):
        events, rooms, notes = read_indico(doc, loc)
        for note in notes:
            loc.warn("", note)
        return events, rooms
    loc.add("", "not a schedule this importer knows: expected a frab/pretalx schedule.json "
                "(schedule.conference.days), pretalx widget data (talks, rooms, speakers) or an Indico "
                f"export (results); its keys are {', '.join(list(doc)[:8]) or 'none'}")
    return [], {}


# -- frab / pentabarf schedule.xml --------------------------------------------------

def parse_xml_safely(path: Path, loc: _Located):
    """The XML tree and each element's line; None (with the problem recorded) if refused."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    lines: dict = {}

    class LineParser(DefusedXMLParser):
        def _start(self, *args):
            element = super()._start(*args)
            lines[element] = self.parser.CurrentLineNumber
            return element

    parser = LineParser()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 16):
                parser.feed(chunk)
        return parser.close(), lines
    except DefusedXmlException as exc:
        line = getattr(parser.parser, "CurrentLineNumber", None)
        loc.add(f"line {line}" if line else "", f"refused: the XML declares entities or external "
                f"references, which a schedule never needs and which can be used to attack the "
                f"reader (billion laughs, reading local files): {exc}")
    except ParseError as exc:
        line, col = exc.position
        loc.add(f"line {line}", f"not well-formed XML (column {col + 1}): {exc.msg if hasattr(exc, 'msg') else exc}")
    return None, lines


def read_xml(path: Path, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    root, lines = parse_xml_safely(path, loc)
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

def read_published(path: str | Path, problems: Problems | None = None) -> Imported:
    """Read a published schedule (schedule.json, schedule.xml or pretalx widget JSON).

    Raises InputError with every problem; ``problems.warnings`` receives the notes
    (dropped copies, clipped talks).
    """
    path = Path(path)
    problems = problems if problems is not None else Problems()
    loc = _Located(path, problems)
    if not path.is_file():
        problems.add(str(path), None, None, "file not found")
        problems.raise_if_any(str(path))
    head = path.read_bytes()[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.casefold() == ".xml" or head.startswith(b"<"):
        events, rooms = read_xml(path, loc)
    else:
        events, rooms = read_json(path, loc)
    if not events and not problems:
        loc.add("", "no scheduled talks found")
    problems.raise_if_any(str(path))
    imported = build(events, rooms, path.stem, loc)
    problems.raise_if_any(str(path))
    imported.source = str(path)
    imported.notes += [str(w) for w in problems.warnings] + published_hard_rules(imported)
    return imported


def published_hard_rules(imported: Imported) -> list[str]:
    """The hard rules the published programme breaks (two talks in one room are already named)."""
    from .programmes import IMPORT_RULES_REPORTED_ELSEWHERE, hard_rule_notes

    return hard_rule_notes(imported.instance, imported.assignments, skip=IMPORT_RULES_REPORTED_ELSEWHERE)


def write_imported(imported: Imported, path: str | Path) -> None:
    """The conference workbook of an import: the input sheets (with the published schedule
    in ``scheduled_*``) and an ``Import`` sheet saying where it came from and what to check."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .atomic import write_with
    from .schema import SCHEDULE_COLUMNS
    from .template import (
        command_name,
        input_rows,
        rows_with_schedule,
        write_input_sheets,
    )

    inst = imported.instance
    wb = Workbook()
    wb.remove(wb.active)
    if imported.assignments:
        write_input_sheets(wb, rows_with_schedule(inst, imported.assignments), {"Talks": SCHEDULE_COLUMNS})
    else:
        write_input_sheets(wb, input_rows(inst))
    ws = wb.create_sheet("Import", 0)
    ws.column_dimensions["A"].width = 120
    lines = [f"Imported from {Path(imported.source).name}",
             f"{len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
             f"{len(inst.slots)} slots"]
    if imported.assignments:
        lines.append("Talks' scheduled_* columns hold the published programme: "
                     f"'sessionplan score {command_name(path)} {command_name(path)}' evaluates it.")
    lines += [""] + imported.notes_for(path)
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    write_with(path, wb.save)
