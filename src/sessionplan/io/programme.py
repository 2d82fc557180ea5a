"""A solved programme as the exporters see it: talks at absolute times, with stable ids.

Every export format (frab JSON and XML, iCalendar, HTML) starts from ``Programme``:
the schedule checked against the workbook, each talk's start and end as time-zone
aware datetimes, and identifiers that stay the same from one export to the next
(``guid``: a UUID derived from the conference and the talk id; ``number``: the talk's
position in the Talks sheet; ``slug``).
"""

from __future__ import annotations

import math
import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError, Problem
from ..model import Assignment, Instance, Talk
from ..periods import PeriodError, format_time, parse_time
from .text import clean, shown

# Namespace of every UUID sessionplan derives (uuid5 of a name inside it).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sessionplan")
ACRONYM_RE = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")  # the frab JSON schema's
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def slugify(text: str) -> str:
    """Lower-case ASCII letters and digits joined by '-' (accents dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


@dataclass(frozen=True)
class Settings:
    """What the workbook does not say about the conference, for the exports.

    ``time_zone``: IANA name of the conference's local time (the workbook's times are
    local times); ``base_url``: where the HTML timetable is published, so that talk
    links point at the talk in it; ``acronym`` and ``title`` default to the workbook's
    file name; ``language``: the language code of every talk (default: each talk's own,
    recognised from its title and abstract); ``speaker``: keep only this speaker's talks.
    """

    title: str | None = None
    acronym: str | None = None
    time_zone: str = "UTC"
    base_url: str | None = None
    language: str | None = None
    speaker: str | None = None

    def problems(self, instance: Instance) -> list[Problem]:
        out = []
        for option, value in (("--title", self.title), ("--acronym", self.acronym), ("--base-url", self.base_url),
                              ("--language", self.language), ("--speaker", self.speaker),
                              ("--timezone", self.time_zone)):
            if value is not None and (clean(value)[1] is not None or "\n" in value or "\r" in value):
                out.append(Problem(None, None, None, f"{option}: {shown(value)!r} holds line breaks or control "
                                                     "characters, which no calendar or schedule file can carry"))
        if out:
            return out
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(Problem(None, None, None, f"--timezone: {self.time_zone!r} is not a time zone name (e.g. Europe/Berlin, UTC)"))
        if self.acronym is not None and not ACRONYM_RE.match(self.acronym):
            out.append(Problem(None, None, None, f"--acronym: {self.acronym!r} is not a frab acronym: "
                               "4 or more lower-case letters, digits or '_' (e.g. conf2027)"))
        if self.base_url is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", self.base_url):
            out.append(Problem(None, None, None, f"--base-url: {self.base_url!r} is not an http(s) address"))
        if self.language is not None and not LANGUAGE_RE.match(self.language):
            out.append(Problem(None, None, None, f"--language: {self.language!r} is not a language code (e.g. en, de)"))
        if self.speaker is not None and _speaker_name(instance, self.speaker) is None:
            out.append(Problem(None, None, None, f"--speaker: {self.speaker!r} is not in the Speakers sheet"))
        return out


def _speaker_name(instance: Instance, name: str) -> str | None:
    wanted = name.strip().casefold()
    return next((s.name for s in instance.speakers if s.name.casefold() == wanted), None)


@dataclass(frozen=True)
class Item:
    """One scheduled talk."""

    talk: Talk
    assignment: Assignment
    number: int          # 1-based position in the Talks sheet
    start: datetime      # time-zone aware
    end: datetime
    guid: str
    slug: str
    url: str | None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def anchor(self) -> str:
        return f"talk-{self.number}"


@dataclass
class Programme:
    instance: Instance
    settings: Settings
    items: list[Item] = field(default_factory=list)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.time_zone)

    @property
    def title(self) -> str:
        return self.settings.title or self.instance.name

    @cached_property
    def acronym(self) -> str:
        return self.settings.acronym or default_acronym(self.instance.name)

    @property
    def rooms(self) -> list[str]:
        return [r.name for r in self.instance.rooms]

    @cached_property
    def days(self) -> list[date]:
        return sorted(set(self.instance.days) | {i.assignment.day for i in self.items})

    def items_on(self, day: date) -> list[Item]:
        return [i for i in self.items if i.assignment.day == day]

    def at(self, day: date, minutes: int) -> datetime:
        return datetime.combine(day, time(0), self.tz) + timedelta(minutes=minutes)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """The day's first slot start and last slot end (or talk times, when later)."""
        slots = [s for s in self.instance.slots if s.day == day]
        items = self.items_on(day)
        first = min([self.at(day, s.start) for s in slots] + [i.start for i in items])
        last = max([self.at(day, s.end) for s in slots] + [i.end for i in items])
        return first, last

    @cached_property
    def timeslot_minutes(self) -> int:
        """The grid unit: the largest step that divides every slot and talk time."""
        times = [m for s in self.instance.slots for m in (s.start, s.end)]
        times += [parse_time(i.assignment.start) for i in self.items] + [parse_time(i.assignment.end) for i in self.items]
        return (math.gcd(*times) or 5) if times else 5

    def guid(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.instance.name}/{kind}/{key}"))

    def language(self, item: Item) -> str:
        """The talk's language code: ``Settings.language`` if given, else recognised from
        the talk's title and abstract by their stop words (English when none says)."""
        return self.settings.language or self.languages.get(item.talk.id, "en")

    @cached_property
    def languages(self) -> dict[str, str]:
        from ..similarity import language, words

        return {i.talk.id: language(words(f"{i.talk.title} {i.talk.abstract}")) for i in self.items}

    @property
    def main_language(self) -> str:
        """The language of most talks (the page's language in the HTML timetable)."""
        if self.settings.language:
            return self.settings.language
        counts = Counter(self.language(i) for i in self.items)
        return max(sorted(counts), key=lambda code: (counts[code], code == "en")) if counts else "en"

    def track(self, item: Item) -> str | None:
        return item.talk.topics[0].strip() if item.talk.topics else None

    @property
    def generator_version(self) -> str:
        from .schedule_json import versions

        return versions()["sessionplan"]


def default_acronym(name: str) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", slugify(name).replace("-", "_")).strip("_")
    return base if len(base) >= 4 else f"{base}_conf".lstrip("_")


def duration_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def build_programme(instance: Instance, assignments: list[Assignment], settings: Settings | None = None,
                    source: str = "schedule") -> Programme:
    """Check the schedule against the workbook and the settings; InputError lists every problem."""
    settings = settings or Settings()
    problems = settings.problems(instance)
    position = {t.id: k for k, t in enumerate(instance.talks, start=1)}
    seen: set[str] = set()
    prog = Programme(instance, settings)
    if problems:
        raise InputError(problems, "options")
    speaker = _speaker_name(instance, settings.speaker) if settings.speaker else None
    base = settings.base_url.split("#")[0] if settings.base_url else None
    for k, a in enumerate(assignments):
        where = f"assignments[{k}]"
        talk = instance.talk_by_id.get(a.talk)
        if talk is None:
            problems.append(Problem(source, None, f"{where}.talk", f"talk {a.talk!r} is not in the workbook"))
            continue
        if a.talk in seen:
            problems.append(Problem(source, None, f"{where}.talk", f"talk {a.talk!r} is scheduled twice"))
            continue
        seen.add(a.talk)
        if a.room not in instance.room_by_name:
            problems.append(Problem(source, None, f"{where}.room", f"room {a.room!r} is not in the workbook"))
        try:
            start, end = parse_time(a.start), parse_time(a.end)
        except PeriodError as exc:
            problems.append(Problem(source, None, where, str(exc)))
            continue
        if end <= start:
            problems.append(Problem(source, None, f"{where}.end", f"talk {a.talk!r} ends ({a.end}) before it starts ({a.start})"))
            continue
        if speaker and speaker not in talk.speakers:
            continue
        start_dt, end_dt = prog.at(a.day, start), prog.at(a.day, end)
        number = position[talk.id]
        words = slugify(talk.title)[:60].strip("-")
        slug = f"{prog.acronym.replace('-', '_')}-{number}-{words if len(words) > 1 else 'talk'}"
        item = Item(talk=talk, assignment=a.model_copy(update={"start": format_time(start), "end": format_time(end)}),
                    number=number, start=start_dt, end=end_dt, guid=prog.guid("talk", talk.id), slug=slug,
                    url=f"{base}#talk-{number}" if base else None)
        prog.items.append(item)
    if problems:
        raise InputError(problems, source)
    order = {r: k for k, r in enumerate(prog.rooms)}
    prog.items.sort(key=lambda i: (i.start, order.get(i.assignment.room, len(order)), i.number))
    return prog
