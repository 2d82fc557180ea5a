"""The programme as an iCalendar file: one event per talk, for calendar programs.

Each event has the talk's title as summary, its room as location and its speakers
(then the abstract) in the description; its UID is the talk's stable UUID, so that
importing a later export updates the events instead of duplicating them. Times carry
the conference's time zone (a VTIMEZONE is included).
"""

from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event

from .programme import Item, Programme

PRODID = "-//sessionplan//conference programme//EN"


def description(item: Item) -> str:
    t = item.talk
    who = "Speaker" if len(t.speakers) == 1 else "Speakers"
    parts = [f"{who}: {', '.join(t.speakers)}"]
    if t.topics:
        parts.append(f"Topics: {', '.join(t.topics)}")
    if t.abstract:
        parts.append(t.abstract)
    return "\n\n".join(parts)


def to_ics(prog: Programme, *, stamp: datetime | None = None) -> bytes:
    """The calendar as bytes (RFC 5545); ``stamp`` is the DTSTAMP (default: now)."""
    stamp = stamp or datetime.now(timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = prog.title + (f" · {prog.settings.speaker}" if prog.settings.speaker else "")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", prog.settings.time_zone)
    for item in prog.items:
        ev = Event()
        ev.add("uid", f"{item.guid}@sessionplan")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", item.start)
        ev.add("dtend", item.end)
        ev.add("summary", item.talk.title)
        ev.add("location", item.assignment.room)
        ev.add("description", description(item))
        if item.talk.topics:
            ev.add("categories", list(item.talk.topics))
        if item.url:
            ev.add("url", item.url)
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
