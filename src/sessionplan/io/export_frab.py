"""The frab / c3voc schedule exchange format: ``schedule.json`` and ``schedule.xml``.

Conference apps (Giggity, EventFahrplan, ConfClerk, ...) and video tooling read these.
Both follow the official definitions (c3voc ``schema.json`` and ``schedule.xml.xsd``);
the tests validate every export against them. Times carry the conference's UTC offset
(``Settings.time_zone``). Speakers are written as persons with a stable UUID.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

from .colours import colouring
from .programme import Item, Programme, duration_text

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIME_ZONE_RE = r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$"  # the schema's pattern for time_zone_name


def schedule_version(prog: Programme) -> str:
    """Changes whenever the programme changes (apps use it to notice updates)."""
    text = "|".join(f"{i.talk.id}@{i.assignment.room}@{i.start.isoformat()}@{i.end.isoformat()}" for i in prog.items)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _tracks(prog: Programme) -> list[tuple[str, str]]:
    """(track name, '#rrggbb') of the topics in use, coloured as in the HTML timetable."""
    c = colouring(prog.instance, [i.assignment for i in prog.items])
    if c.by != "topic":
        return []
    seen: dict[str, tuple[str, str]] = {}
    for item in prog.items:
        if name := prog.track(item):
            seen.setdefault(name.casefold(), (name, "#" + c.talk_colour[item.talk.id].lower()))
    return sorted(seen.values(), key=lambda nc: nc[0].casefold())


def _time_zone_name(prog: Programme) -> str | None:
    name = prog.settings.time_zone
    return name if re.match(TIME_ZONE_RE, name) else None


def _persons(prog: Programme, item: Item) -> list[dict]:
    return [{"guid": prog.guid("speaker", name), "name": name} for name in item.talk.speakers]


def _event(prog: Programme, item: Item) -> dict:
    t = item.talk
    return {
        "guid": item.guid,
        "id": item.number,
        "date": item.start.isoformat(),
        "start": item.assignment.start,
        "end": item.end.isoformat(),
        "duration": duration_text(item.minutes),
        "room": item.assignment.room,
        "slug": item.slug,
        "url": item.url or f"urn:uuid:{item.guid}",
        "title": t.title,
        "subtitle": "",
        "track": prog.track(item),
        "type": "talk",
        "language": prog.language(item),
        "abstract": t.abstract,
        "description": "",
        "recording_license": "",
        "do_not_record": None,
        "persons": _persons(prog, item),
        "links": [],
        "attachments": [],
    }


def to_frab_json(prog: Programme) -> dict:
    """The ``schedule.json`` document (c3voc schema)."""
    conference: dict = {
        "acronym": prog.acronym,
        "title": prog.title,
        "start": prog.days[0].isoformat(),
        "end": prog.days[-1].isoformat(),
        "daysCount": len(prog.days),
        "timeslot_duration": duration_text(prog.timeslot_minutes),
    }
    if (tz := _time_zone_name(prog)) is not None:
        conference["time_zone_name"] = tz
    if prog.settings.base_url:
        conference["url"] = prog.settings.base_url
    tracks = _tracks(prog)
    if tracks:
        conference["tracks"] = [{"name": name, "color": colour} for name, colour in tracks]
    conference["rooms"] = [
        {"name": r.name, "guid": prog.guid("room", r.name), "capacity": r.capacity} for r in prog.instance.rooms
    ]
    days = []
    for index, day in enumerate(prog.days, start=1):
        first, last = prog.day_bounds(day)
        rooms: dict[str, list] = {name: [] for name in prog.rooms}
        for item in prog.items_on(day):
            rooms.setdefault(item.assignment.room, []).append(_event(prog, item))
        days.append({"index": index, "date": day.isoformat(), "day_start": first.isoformat(),
                     "day_end": last.isoformat(), "rooms": rooms})
    conference["days"] = days
    schedule: dict = {"version": schedule_version(prog)}
    if prog.settings.base_url:
        schedule["base_url"] = prog.settings.base_url
    schedule["conference"] = conference
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "sessionplan", "version": prog.generator_version},
        "schedule": schedule,
    }


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = str(text)
    return el


def to_frab_xml(prog: Programme) -> bytes:
    """The ``schedule.xml`` document (c3voc XSD), UTF-8 with an XML declaration."""
    root = ET.Element("schedule")
    _sub(root, "generator", name="sessionplan", version=prog.generator_version)
    _sub(root, "version", schedule_version(prog))
    conf = _sub(root, "conference")
    _sub(conf, "title", prog.title)
    _sub(conf, "acronym", prog.acronym)
    _sub(conf, "start", prog.days[0].isoformat())
    _sub(conf, "end", prog.days[-1].isoformat())
    _sub(conf, "days", len(prog.days))
    _sub(conf, "timeslot_duration", duration_text(prog.timeslot_minutes))
    if prog.settings.base_url:
        _sub(conf, "base_url", prog.settings.base_url)
    _sub(conf, "time_zone_name", prog.settings.time_zone)
    for name, colour in _tracks(prog):
        _sub(conf, "track", name, name=name, color=colour)
    for index, day in enumerate(prog.days, start=1):
        first, last = prog.day_bounds(day)
        d = _sub(root, "day", date=day.isoformat(), start=first.isoformat(), end=last.isoformat(), index=str(index))
        items = prog.items_on(day)
        for room in prog.rooms:
            r = _sub(d, "room", name=room, guid=prog.guid("room", room))
            for item in (i for i in items if i.assignment.room == room):
                _xml_event(prog, r, item)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _xml_event(prog: Programme, parent: ET.Element, item: Item) -> None:
    t = item.talk
    ev = _sub(parent, "event", guid=item.guid, id=str(item.number))
    _sub(ev, "date", item.start.isoformat())
    _sub(ev, "start", item.assignment.start)
    _sub(ev, "duration", duration_text(item.minutes))
    _sub(ev, "room", item.assignment.room)
    _sub(ev, "slug", item.slug)
    if item.url:
        _sub(ev, "url", item.url)
    _sub(ev, "title", t.title)
    _sub(ev, "subtitle", "")
    _sub(ev, "track", prog.track(item) or "")
    _sub(ev, "type", "talk")
    _sub(ev, "language", prog.language(item))
    _sub(ev, "abstract", t.abstract)
    _sub(ev, "description", "")
    persons = _sub(ev, "persons")
    for name in t.speakers:
        _sub(persons, "person", name, guid=prog.guid("speaker", name))
    _sub(ev, "links")
    _sub(ev, "attachments")
