"""More published programmes: EuroPython's schedule XML, Indico's JSON exports, and the
checks every imported programme gets (does it keep the hard rules it is judged by?).

* **EuroPython** schedule XML: ``<day date="...">`` elements holding ``<entry>`` elements
  (title, start, duration or end, room, speakers, ``<topics><topic>``, abstract). Field
  names vary between years, so each is looked up under its usual spellings; entries with
  no speaker and a type such as break or lunch are not talks and are skipped.
* **Indico** (academic meetings): the HTTP API's event export with contributions
  (``/export/event/ID.json?detail=contributions`` or ``detail=sessions``) and its
  timetable export (``/export/timetable/ID.json``). The JSON is parsed into pydantic
  models; a contribution's speakers are its ``speakers`` (else its presenters, else its
  ``primaryauthors``), its topic the track (else the session), its place ``room`` or
  ``roomFullname``. Unscheduled contributions (no start) are listed in a note.
* **Speakers written ``id:name``** and joined with ``|`` (as some wikis and registration
  systems export them) are split into separate people (``split_speakers``).
* ``hard_rule_notes``: a published programme that itself breaks a hard rule (a speaker
  in two rooms at once) is reported, as two talks in one room already are.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..model import Assignment, Instance
from .frab import Event, _event, _Located, minutes, name_text

# -- speakers as "id:name|id:name" -----------------------------------------------

_ID_NAME = re.compile(r"^\s*[\w.-]{1,40}\s*:\s*(?P<name>\S.*?)\s*$")


def split_speakers(text: object) -> list[str]:
    """Speaker names of a cell: ';'-separated, or '|'-separated, each possibly written
    'id:name' (the id is dropped; 'name' alone is kept as it is)."""
    raw = "" if text is None else str(text)
    parts = raw.split("|") if "|" in raw else raw.split(";")
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = _ID_NAME.match(part)
        out.append(m.group("name") if m and not part.lower().startswith(("http:", "https:")) else part)
    return out


# -- hard rules of the published programme --------------------------------------

IMPORT_RULES_REPORTED_ELSEWHERE = ("room_conflict",)   # the importers warn about two talks in one room


def hard_rule_notes(instance: Instance, assignments: list[Assignment], *, skip: tuple[str, ...] = ()) -> list[str]:
    """What the published programme breaks of the hard rules (the evaluator's messages)."""
    from ..evaluate import evaluate
    from ..terms import TERMS

    if not assignments:
        return []
    plain = instance.with_weights({t: 0 for t in TERMS})   # hard rules only: no similarity needed
    ev = evaluate(plain, assignments)
    return [f"the published programme breaks a hard rule: {v.message}" for v in ev.violations if v.rule not in skip]


# -- EuroPython schedule XML ------------------------------------------------------

NOT_TALKS = re.compile(r"break|lunch|coffee|registration|dinner|social|party|closing|opening", re.IGNORECASE)


def _text(el, *names: str) -> str:
    for name in names:
        found = el.find(name)
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return ""


def _names(el, container: str, item: str) -> list[str]:
    out = []
    for node in el.iterfind(f"{container}/{item}"):
        name = _text(node, "name") or (node.text or "").strip() or node.get("name", "")
        if name:
            out.append(name)
    return out


def is_europython(root) -> bool:
    return any(day.find("entry") is not None for day in root.iter("day"))


def read_europython(root, lines: dict, loc: _Located) -> tuple[list[Event], dict[str, int | None]]:
    """Talks of a EuroPython-style schedule: ``<day date>`` with ``<entry>`` children."""
    events = []
    for day in root.iter("day"):
        day_text = day.get("date") or _text(day, "date")
        for entry in day.iterfind("entry"):
            where = f"line {lines.get(entry, '?')}"
            speakers = _names(entry, "speakers", "speaker") or [p for p in (_text(entry, "speaker"),) if p]
            kind = _text(entry, "type", "category", "event_type")
            title = _text(entry, "title", "name")
            if not speakers and (NOT_TALKS.search(kind) or NOT_TALKS.fullmatch(title.strip(" .!"))):
                continue   # a break, not a talk
            d = s = None
            start_text = _text(entry, "start", "time", "start_time")
            try:
                if "T" in start_text:
                    moment = datetime.fromisoformat(start_text)
                    d, s = moment.date(), moment.hour * 60 + moment.minute
                else:
                    d, s = date.fromisoformat((entry.get("date") or day_text or "")[:10]), minutes(start_text)
            except ValueError:
                loc.add(where, f"entry {entry.get('id') or title!r}: start {start_text!r} or day {day_text!r} "
                               "is not a time (HH:MM) and date (YYYY-MM-DD)")
                continue
            duration: Any = _text(entry, "duration", "length")
            end_text = _text(entry, "end", "end_time")
            if not duration and end_text:
                try:
                    duration = minutes(end_text.split("T")[-1][:5]) - s
                except ValueError:
                    duration = end_text
            room = _text(entry, "room", "location") or (_names(entry, "tracks", "track") or [""])[0]
            topics = _names(entry, "topics", "topic") or _names(entry, "tags", "tag")
            e = _event(loc, where, id=entry.get("id") or _text(entry, "id", "slug"), title=title, day=d, start=s,
                       duration=duration or None, room=room, track=topics[0] if topics else "",
                       abstract=_text(entry, "abstract", "description", "summary"), persons=speakers)
            if e:
                e.topics = tuple(t for t in (name_text(x) for x in topics) if t)
                events.append(e)
    return events, {}


def describe_xml(root) -> str:
    """What an unknown XML schedule looks like, for the message that refuses it."""
    children = list(dict.fromkeys(child.tag for child in root))[:6]
    return f"<{root.tag}> with {', '.join(f'<{c}>' for c in children) or 'no elements'}"


# -- Indico JSON ------------------------------------------------------------------

class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class IndicoMoment(_Lenient):
    date: date
    time: str = "00:00:00"
    tz: str | None = None

    def minutes(self) -> int:
        return minutes(self.time)


class IndicoPerson(_Lenient):
    fullName: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    firstName: str | None = None
    familyName: str | None = None
    affiliation: str | None = None

    @property
    def display(self) -> str:
        first = self.first_name or self.firstName or ""
        last = self.last_name or self.familyName or ""
        joined = f"{first} {last}".strip()
        name = self.fullName or self.name or joined
        # Indico writes full names "Family, Given"; people read "Given Family"
        if "," in name and joined:
            return joined
        return " ".join(name.split())


class IndicoContribution(_Lenient):
    id: str | None = None
    friendly_id: str | None = None
    contributionId: str | None = None
    title: str = ""
    startDate: IndicoMoment | None = None
    endDate: IndicoMoment | None = None
    duration: int | None = None
    room: str | None = None
    roomFullname: str | None = None
    location: str | None = None
    track: str | None = None
    session: str | None = None
    slotTitle: str | None = None
    description: str | None = ""
    keywords: list[str] = []
    speakers: list[IndicoPerson] = []
    presenters: list[IndicoPerson] = []
    primaryauthors: list[IndicoPerson] = []
    entryType: str | None = None
    entries: dict[str, IndicoContribution] = {}

    @field_validator("id", "friendly_id", "contributionId", mode="before")
    @classmethod
    def _as_text(cls, v):
        return None if v is None else str(v)

    @field_validator("track", "session", mode="before")
    @classmethod
    def _named(cls, v):
        if isinstance(v, dict):
            return v.get("title") or v.get("name")
        return v

    def people(self) -> list[str]:
        for group in (self.speakers, self.presenters, self.primaryauthors):
            names = [p.display for p in group if p.display]
            if names:
                return names
        return []


class IndicoSession(_Lenient):
    title: str | None = None
    contributions: list[IndicoContribution] = []


class IndicoEvent(_Lenient):
    title: str | None = None
    contributions: list[IndicoContribution] = []
    sessions: list[IndicoSession] = []


def is_indico(doc: dict) -> bool:
    return "results" in doc and (doc.get("_type") == "HTTPAPIResult" or isinstance(doc.get("results"), (list, dict)))


def _pydantic_problems(loc: _Located, where: str, exc: ValidationError) -> None:
    for err in exc.errors():
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        loc.add(f"{where}{path}", err["msg"])


def _indico_event(loc: _Located, where: str, c: IndicoContribution, session: str | None,
                  unscheduled: list[str]) -> Event | None:
    if c.startDate is None:
        unscheduled.append(c.title or (c.id or "?"))
        return None
    start = c.startDate.minutes()
    duration: Any = c.duration
    if duration is None and c.endDate is not None:
        duration = (c.endDate.date - c.startDate.date).days * 1440 + c.endDate.minutes() - start
    topic = c.track or c.session or session or ""
    return _event(loc, where, id=c.friendly_id or c.contributionId or c.id, title=c.title, day=c.startDate.date,
                  start=start, duration=duration, room=c.room or c.roomFullname or c.location, track=topic,
                  abstract=c.description or "", persons=c.people())


def read_indico(doc: dict, loc: _Located) -> tuple[list[Event], dict[str, int | None], list[str]]:
    """Talks of an Indico event or timetable export; the notes list unscheduled contributions."""
    events: list[Event] = []
    unscheduled: list[str] = []
    results = doc.get("results")
    if isinstance(results, list):   # /export/event/ID.json?detail=contributions|sessions
        for k, raw in enumerate(results):
            try:
                ev = IndicoEvent.model_validate(raw)
            except ValidationError as exc:
                _pydantic_problems(loc, f"results[{k}]", exc)
                continue
            for i, c in enumerate(ev.contributions):
                e = _indico_event(loc, f"results[{k}].contributions[{i}]", c, None, unscheduled)
                events += [e] if e else []
            for s, sess in enumerate(ev.sessions):
                for i, c in enumerate(sess.contributions):
                    e = _indico_event(loc, f"results[{k}].sessions[{s}].contributions[{i}]", c, sess.title, unscheduled)
                    events += [e] if e else []
    elif isinstance(results, dict):  # /export/timetable/ID.json: {event: {yyyymmdd: {entry id: entry}}}
        for event_id, days in results.items():
            for day_key, entries in (days or {}).items():
                for entry_id, raw in (entries or {}).items():
                    where = f"results[{event_id!r}][{day_key!r}][{entry_id!r}]"
                    try:
                        entry = IndicoContribution.model_validate(raw)
                    except ValidationError as exc:
                        _pydantic_problems(loc, where, exc)
                        continue
                    if entry.entryType == "Session" or entry.entries:
                        for sub_id, sub in entry.entries.items():
                            if sub.entryType in (None, "Contribution"):
                                e = _indico_event(loc, f"{where}.entries[{sub_id!r}]", sub, entry.title or entry.slotTitle,
                                                  unscheduled)
                                events += [e] if e else []
                    elif entry.entryType in (None, "Contribution"):
                        e = _indico_event(loc, where, entry, None, unscheduled)
                        events += [e] if e else []
    else:
        loc.add("results", "not an Indico export: expected a list of events or a timetable object")
    notes = []
    if unscheduled:
        notes.append(f"{len(unscheduled)} contributions have no time in the timetable and are not imported: "
                     + "; ".join(unscheduled[:10]) + (" ..." if len(unscheduled) > 10 else ""))
    return events, {}, notes


def events_from_rows(rows: list[tuple[str, dict[str, str]]], loc: _Located) -> list[Event]:
    """Events of a CSV that has room, date (or day) and start columns: (where, cells) per row."""
    events = []
    for where, cell in rows:
        day_text = (cell.get("date") or "").strip()
        try:
            day = date.fromisoformat(day_text[:10])
        except ValueError:
            loc.add(where, f"date {day_text!r} is not a date (YYYY-MM-DD)")
            continue
        start_text = (cell.get("start") or "").strip()
        try:
            start = minutes(start_text.split("T")[-1][:5])
        except ValueError:
            loc.add(where, f"start {start_text!r} is not a time (HH:MM)")
            continue
        duration: Any = (cell.get("duration") or "").strip()
        if not duration and (cell.get("end") or "").strip():
            try:
                duration = minutes(cell["end"].strip()[:5]) - start
            except ValueError:
                duration = cell["end"]
        topics = [name_text(t) for t in (cell.get("topics") or "").split(";") if name_text(t)]
        e = _event(loc, where, id=cell.get("id"), title=cell.get("title"), day=day, start=start,
                   duration=duration or None, room=cell.get("room"), track=topics[0] if topics else "",
                   abstract=cell.get("abstract"), persons=split_speakers(cell.get("speakers")))
        if e:
            e.topics = tuple(topics)
            events.append(e)
    return events
