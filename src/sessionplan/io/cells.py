"""Reading one cell of a workbook as people type it: text, numbers, Excel dates and times."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from ..periods import PeriodError, parse_date, parse_time

EXCEL_EPOCH = date(1899, 12, 30)
FIRST_DAY = date(1900, 3, 1)
YES = {"yes", "y", "true", "1", "x", "ja", "oui", "si", "sí"}
NO = {"no", "n", "false", "0", "", "nein", "non"}


#: What a day grid's cell puts between a talk's id and its title ("T05 · Title").
GRID_SEPARATOR = " · "
#: Excel's widest sheet; a day grid has a time and a session column, then one per room.
MAX_COLUMNS = 16_384
MAX_ROOMS = MAX_COLUMNS - 2


def key(value: str) -> str:
    """How ids and names are compared everywhere: case and runs of spaces ignored."""
    return " ".join(value.split()).casefold()


class CellError(ValueError):
    """A cell whose value does not fit its column."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as text; whole numbers lose their '.0', dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return minutes_text(int(value.total_seconds() // 60))
    return " ".join(str(value).split())


def minutes_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def integer(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError(f"expected a whole number, found {text(value)!r}")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise CellError(f"expected a whole number, found {text(value)}")
        n = int(value)
    else:
        s = text(value).replace(",", "").replace("_", "")
        try:
            n = int(s)
        except ValueError:
            try:
                f = float(s)
            except ValueError:
                raise CellError(f"expected a whole number, found {text(value)!r}") from None
            if not math.isfinite(f) or not f.is_integer():
                raise CellError(f"expected a whole number, found {text(value)!r}") from None
            n = int(f)
    if minimum is not None and n < minimum:
        raise CellError(f"must be at least {minimum}, found {n}")
    if maximum is not None and n > maximum:
        raise CellError(f"must be at most {maximum}, found {n}")
    return n


def number(value: object, *, minimum: float | None = None, maximum: float | None = None,
           decimals: int | None = None) -> float:
    if isinstance(value, bool):
        raise CellError(f"expected a number, found {text(value)!r}")
    if isinstance(value, (int, float)):
        f = float(value)
    else:
        try:
            f = float(text(value).replace(",", "."))
        except ValueError:
            raise CellError(f"expected a number, found {text(value)!r}") from None
    if not math.isfinite(f):
        raise CellError(f"expected a finite number, found {text(value)!r}")
    if minimum is not None and f < minimum:
        raise CellError(f"must be at least {_plain(minimum)}, found {f:g}")
    if maximum is not None and f > maximum:
        raise CellError(f"must be at most {_plain(maximum)}, found {f:g}")
    if decimals is not None and round(f, decimals) != f:
        raise CellError(f"use at most {decimals} decimals, found {f!r}")
    return f


def _plain(x: float) -> str:
    """A bound as people write it (10000000, not 1e+07)."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def day(value: object) -> date:
    """An ISO date text, an Excel date cell, or an Excel date serial number.

    Excel holds no date before 1 March 1900 (serial 61) faithfully, so none is accepted:
    a small number in a date column is a slip, not a conference in 1899.
    """
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    elif isinstance(value, bool):
        raise CellError(f"expected a date, found {text(value)!r}")
    elif isinstance(value, (int, float)):
        if not math.isfinite(value) or not (1 <= value < 2958466):
            raise CellError(f"expected a date, found the number {text(value)}")
        d = EXCEL_EPOCH + timedelta(days=int(value))
    else:
        s = text(value)
        if "T" in s or " " in s:
            s = s.replace("T", " ").split(" ")[0]
        try:
            d = parse_date(s)
        except PeriodError as exc:
            raise CellError(str(exc)) from None
    if d < FIRST_DAY:
        raise CellError(f"{d.isoformat()} is before {FIRST_DAY.isoformat()}, the first date Excel holds "
                        "(a number typed into a date column?)")
    return d


def clock(value: object) -> int:
    """A time of day in minutes: 'HH:MM' text, an Excel time cell, or a fraction of a day."""
    if isinstance(value, datetime):
        return value.hour * 60 + value.minute
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if isinstance(value, timedelta):
        m = int(round(value.total_seconds() / 60))
        if not 0 <= m <= 1440:
            raise CellError(f"expected a time of day, found {text(value)!r}")
        return m
    if isinstance(value, bool):
        raise CellError(f"expected a time (HH:MM), found {text(value)!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not 0 <= value <= 1:
            raise CellError(f"expected a time (HH:MM), found the number {text(value)}")
        return int(round(value * 1440))
    s = text(value)
    if s.count(":") == 2:
        s = s.rsplit(":", 1)[0]
    try:
        return parse_time(s)
    except PeriodError as exc:
        raise CellError(str(exc)) from None


def yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    s = text(value).casefold()
    if s in YES:
        return True
    if s in NO:
        return False
    raise CellError(f"expected yes or no, found {text(value)!r}")


def split_list(value: object) -> list[str]:
    """A ';'-separated cell as a list of stripped, non-empty items."""
    return [item.strip() for item in text(value).split(";") if item.strip()]
