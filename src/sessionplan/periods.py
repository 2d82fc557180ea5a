"""The period grammar of the workbook (``unavailable``, ``prefers``, constraint targets).

A period is one of

* a session label of the ``Slots`` sheet (``Mon-1``), matched case-insensitively;
* a date (``2027-03-08``), a weekday (``Mon`` or ``Monday``), a weekday range
  (``Mon-Wed``) or a date range (``2027-03-08..2027-03-10``);
* any of those followed by ``AM`` (before 12:00), ``PM`` (from 12:00), a time range
  (``14:00-18:00``) or a time (``09:00``, a start time: "at 09:00");
* ``AM``, ``PM`` or a time range alone, meaning that part of every day.

Lists of periods are separated by ``;``. A talk *touches* a period when its time
overlaps it (used for ``unavailable`` and ``forbid``) and lies *within* it when all of
its time is inside (``prefers`` and ``pin``); a time period means the start time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_FULL = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_ALIASES = {name: i for i, name in enumerate(WEEKDAYS)}
_WEEKDAY_ALIASES.update({name: i for i, name in enumerate(_FULL)})
_WEEKDAY_ALIASES.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_TIME = r"(\d{1,2})[:.h](\d{2})"
_TIME_RE = re.compile(rf"^{_TIME}$")
_TIME_RANGE_RE = re.compile(rf"^{_TIME}\s*-\s*{_TIME}$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
NOON = 12 * 60
DAY_END = 24 * 60


class PeriodError(ValueError):
    """A period text that the grammar does not accept."""


@dataclass(frozen=True)
class Period:
    text: str
    weekdays: frozenset[int] | None = None
    first: date | None = None
    last: date | None = None
    start: int = 0
    end: int = DAY_END
    point: bool = False
    session: str | None = None

    def day_matches(self, day: date) -> bool:
        if self.weekdays is not None and day.weekday() not in self.weekdays:
            return False
        return self.first is None or self.last is None or self.first <= day <= self.last

    def touches(self, day: date, start: int, end: int, session: str) -> bool:
        """True when a talk on ``day`` from ``start`` to ``end`` (minutes) overlaps."""
        if self.session is not None:
            return session.casefold() == self.session and self.day_matches(day)
        if not self.day_matches(day):
            return False
        if self.point:
            return start <= self.start < end
        return start < self.end and self.start < end

    def within(self, day: date, start: int, end: int, session: str) -> bool:
        """True when a talk on ``day`` from ``start`` to ``end`` lies inside."""
        if self.session is not None:
            return session.casefold() == self.session and self.day_matches(day)
        if not self.day_matches(day):
            return False
        if self.point:
            return start == self.start
        return self.start <= start and end <= self.end

    def __str__(self) -> str:
        return self.text


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether the half-open intervals [start, end) and [other_start, other_end) meet."""
    return start < other_end and other_start < end


def parse_time(text: str) -> int:
    """``HH:MM`` to minutes since midnight."""
    m = _TIME_RE.match(text.strip())
    if not m:
        raise PeriodError(f"{text!r} is not a time (HH:MM)")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 24 or mi > 59 or (h == 24 and mi):
        raise PeriodError(f"{text!r} is not a time of day")
    return h * 60 + mi


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_date(text: str) -> date:
    m = _DATE_RE.match(text.strip())
    if not m:
        raise PeriodError(f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a valid date ({exc})") from None


def _weekday(token: str) -> int | None:
    return _WEEKDAY_ALIASES.get(token.casefold().rstrip("."))


def _day_spec(token: str) -> dict | None:
    """A date, weekday, weekday range or date range, as Period fields; None if not one."""
    wd = _weekday(token)
    if wd is not None:
        return {"weekdays": frozenset([wd])}
    if _DATE_RE.match(token):
        d = parse_date(token)
        return {"first": d, "last": d}
    if ".." in token:
        a, _, b = token.partition("..")
        if _DATE_RE.match(a.strip()) and _DATE_RE.match(b.strip()):
            first, last = parse_date(a), parse_date(b)
            if last < first:
                raise PeriodError(f"{token!r}: the range ends before it starts")
            return {"first": first, "last": last}
        return None
    if "-" in token:
        a, _, b = token.partition("-")
        wa, wb = _weekday(a.strip()), _weekday(b.strip())
        if wa is not None and wb is not None:
            if wb < wa:
                raise PeriodError(f"{token!r}: the weekday range ends before it starts")
            return {"weekdays": frozenset(range(wa, wb + 1))}
    return None


def _time_spec(token: str) -> dict | None:
    t = token.strip()
    low = t.casefold()
    if low == "am":
        return {"start": 0, "end": NOON}
    if low == "pm":
        return {"start": NOON, "end": DAY_END}
    m = _TIME_RANGE_RE.match(t)
    if m:
        start = parse_time(f"{m.group(1)}:{m.group(2)}")
        end = parse_time(f"{m.group(3)}:{m.group(4)}")
        if end <= start:
            raise PeriodError(f"{token!r}: the time range ends before it starts")
        return {"start": start, "end": end}
    if _TIME_RE.match(t):
        s = parse_time(t)
        return {"start": s, "end": s, "point": True}
    return None


def parse_period(text: str, session_labels: frozenset[str] = frozenset()) -> Period:
    """Parse one period; ``session_labels`` are the casefolded labels of the Slots sheet."""
    raw = " ".join(str(text).split())
    if not raw:
        raise PeriodError("empty period")
    if raw.casefold() in session_labels:
        return Period(text=raw, session=raw.casefold())
    whole_time = _time_spec(raw)
    if whole_time is not None:
        return Period(text=raw, **whole_time)
    day_part, _, time_part = raw.partition(" ")
    day = _day_spec(day_part)
    if day is None:
        raise PeriodError(
            f"{raw!r} is not a period: expected a session label, a date (2027-03-08), "
            "a weekday (Mon), a range (Mon-Wed), optionally followed by AM, PM, "
            "a time (09:00) or a time range (14:00-18:00)"
        )
    fields = dict(day)
    if time_part:
        t = _time_spec(time_part)
        if t is None:
            raise PeriodError(
                f"{raw!r}: {time_part!r} is not AM, PM, a time (09:00) or a time range (14:00-18:00)"
            )
        fields.update(t)
    return Period(text=raw, **fields)


def parse_periods(text: str, session_labels: frozenset[str] = frozenset()) -> tuple[list[Period], list[str]]:
    """Parse a ``;``-separated list; returns the periods and one message per bad item."""
    periods, errors = [], []
    for item in str(text).split(";"):
        if not item.strip():
            continue
        try:
            periods.append(parse_period(item, session_labels))
        except PeriodError as exc:
            errors.append(str(exc))
    return periods, errors
