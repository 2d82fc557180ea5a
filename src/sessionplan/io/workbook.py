"""Read a conference workbook (FORMATS.md) into a validated :class:`Instance`.

Every problem of the file is collected and raised together as an
:class:`~sessionplan.errors.InputError`, each naming sheet, Excel row and column.
"""

from __future__ import annotations

import warnings
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import InputError, Problems
from ..kinds import KINDS, normalise
from ..model import ConstraintRow, Instance, PairRow, Room, Slot, Speaker, Talk, constraint_row
from ..periods import PeriodError, format_time, parse_period, parse_periods
from ..structure import (
    HARD,
    LEVELS,
    OFF,
    WHO,
    CellCost,
    ConflictRule,
    Flag,
    Person,
    Settings,
    Track,
    Window,
    parse_zone,
)
from ..terms import TERMS
from . import cells
from .archive import DAMAGED, Limits, check_archive, formulas_without_value
from .cells import CellError
from .reading import read_input
from .schema import SCHEDULE_COLUMNS, SHEETS
from .text import CELL_CHARS, clean, cut, one_line, shown

# Bounds that keep every objective coefficient exact and far inside 64-bit integers:
# weights have at most three decimals (the solver's objective scale), people are counted
# up to a stadium.
MAX_PEOPLE = 100_000
# A day grid sheet per day is written and printed: a programme of years is a slip (or an attack).
MAX_DAYS = 1_000
WEIGHT = {"minimum": 0, "maximum": 10_000_000, "decimals": 3}


@dataclass
class Row:
    number: int
    values: dict[str, object]

    def get(self, column: str) -> object:
        return self.values.get(column)


@dataclass
class Table:
    """One sheet as header-keyed rows; ``present`` is False when the sheet is missing."""

    name: str
    present: bool = False
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def open_workbook(path: Path, problems: Problems, limits: Limits | None = None):
    """Open an .xlsx for reading values only (no formulas evaluated, no links followed).

    The file is read once through ``io.reading`` (a regular file, its size bounded); its
    parts' unpacked sizes are checked next (see ``archive``); a file that cannot be read
    safely is a problem naming the file, never a traceback.
    """
    import io

    import openpyxl

    limits = limits or Limits.from_env()
    try:
        inp = read_input(path, mb=limits.max_file_mb)
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None
    data = io.BytesIO(inp.data)
    if not zipfile.is_zipfile(data):
        ole = inp.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        problems.add(
            inp.name, None, None,
            "not an Excel workbook (.xlsx): " + (
                "an old .xls file, or a workbook protected by a password; save it in Excel as .xlsx "
                "without a password" if ole else
                "the file is not a zip archive (a CSV or a damaged file?)"),
        )
        return None
    if not check_archive(inp, limits, problems):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions
            return openpyxl.load_workbook(data, read_only=True, data_only=True, keep_links=False)
    except (*DAMAGED, InvalidFileException) as exc:
        problems.add(inp.name, None, None, f"cannot be read as an Excel workbook ({_damage(exc)})")
        return None


def _damage(exc: BaseException) -> str:
    """An exception from a damaged or hostile file, in one line (its root cause)."""
    from defusedxml import DefusedXmlException

    while exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, DefusedXmlException):
        return ("it declares XML entities or a document type, which are refused: "
                "a workbook saved by a spreadsheet program has none")
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + " ..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def find_sheet(wb, name: str, problems: Problems | None = None):
    """The sheet called ``name`` (case-insensitive, surrounding spaces ignored), or None.

    Two sheets whose names match is a problem: which one is meant cannot be told.
    """
    matches = [title for title in wb.sheetnames if title.strip().casefold() == name.casefold()]
    if len(matches) > 1 and problems is not None:
        problems.add(name, None, None, f"{len(matches)} sheets are named like {name!r} "
                                       f"({', '.join(repr(m) for m in matches)}): keep one")
    return wb[matches[0]] if matches else None


def sheet_rows(wb, ws, sheet: str, problems: Problems, limits: Limits, width: int | None = None, min_row: int = 1,
               header: bool = False, names: list[str | None] | None = None):
    """(Excel row, values) of a read-only sheet, bounded and safe.

    At most ``width`` columns (default: the column limit) and ``limits.max_rows``
    non-blank rows; a damaged part ends the sheet with a problem naming it. Formula
    cells without a saved value, and Excel error values (``#N/A`` ...), are returned
    as :class:`Unreadable` markers for the caller to report. ``header``: only the first
    filled row is wanted. Text passes the one cleaning step (``io.text``): what no output
    format can hold is removed and text longer than a cell holds is cut, each with a
    warning naming the cell (``names``: the column headers, else letters).
    """
    width = width or limits.max_columns
    formulas: set[tuple[int, int]] = set()
    archive, member = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
    n = min_row - 1
    try:
        if archive is not None and member is not None:
            formulas = formulas_without_value(archive, member, 1 if header else None)
        formula_rows = {r for r, c in formulas if c <= width}
        rows = ws.iter_rows(min_row=min_row, max_col=width, values_only=True)
        filled, done = 0, False
        while not done:
            chunk, done = [], True
            with warnings.catch_warnings():  # e.g. a date cell out of range: openpyxl reads #VALUE!
                warnings.simplefilter("ignore")
                for values in rows:
                    n += 1
                    if values.count(None) == len(values) and n not in formula_rows:  # blank, or a filler row
                        continue
                    chunk.append((n, values))
                    if len(chunk) >= (1 if header else 500):
                        done = False
                        break
            for row_no, values in chunk:
                values = tuple(
                    Unreadable("formula") if (row_no, c) in formulas
                    else Unreadable(v) if isinstance(v, str) and v in ERROR_CODES else v
                    for c, v in enumerate(values, start=1)
                )
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                if any(isinstance(v, str) for v in values):
                    values = tuple(_clean_cell(v, problems, sheet, row_no, c, names) if isinstance(v, str) else v
                                   for c, v in enumerate(values, start=1))
                filled += 1
                if filled > limits.max_rows:
                    problems.add(sheet, row_no, None, f"the sheet has more than {limits.max_rows:,} filled rows; the "
                                                      "rest is not read (raise the limit with --max-rows or "
                                                      "SESSIONPLAN_MAX_ROWS)")
                    return
                yield row_no, values
    except DAMAGED as exc:
        # the parser stops inside the row after the last one read
        problems.add(sheet, n + 1, None, f"the sheet cannot be read from this row on: the file is damaged "
                                         f"({_damage(exc)})")


def _clean_cell(value: str, problems: Problems, sheet: str, row: int, col: int,
                names: list[str | None] | None) -> str:
    out, note = clean(value)
    over = len(out) > CELL_CHARS
    if note is None and not over:
        return out
    name = names[col - 1] if names and col <= len(names) and names[col - 1] else get_column_letter(col)
    if note is not None:
        problems.warn(sheet, row, name, note)
    if over:
        problems.warn(sheet, row, name, f"{len(out):,} characters, more than an Excel cell holds: cut to "
                                        f"{CELL_CHARS:,}")
        out = cut(out)[0]
    return out


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value sessionplan cannot see: a formula without saved value, or an Excel error."""

    what: str

    def message(self) -> str:
        if self.what == "formula":
            return ("holds a formula without a saved value (sessionplan never evaluates formulas): "
                    "open and save the file in Excel, or type the value")
        return f"holds the Excel error {self.what} (a formula that failed): type the value"


def read_table(wb, name: str, problems: Problems, limits: Limits | None = None) -> Table:
    """Read sheet ``name`` (matched case-insensitively) with its header in row 1."""
    limits = limits or Limits.from_env()
    spec = SHEETS.get(name)
    table = Table(name)
    ws = find_sheet(wb, name, problems)
    if ws is None:
        if spec is not None and spec.required:
            problems.add(name, None, None, f"required sheet {name!r} is missing (sheets found: {', '.join(wb.sheetnames)})")
        return table
    table.present = True
    if getattr(ws, "sheet_state", "visible") != "visible":
        problems.warn(name, None, None, "the sheet is hidden in Excel; it is read all the same")
    known = set(spec.names if spec else []) | (set(SCHEDULE_COLUMNS) if name == "Talks" else set())
    header: list[str | None] = []
    seen: dict[str, int] = {}
    head = sheet_rows(wb, ws, name, problems, limits, width=limits.max_columns + 1, header=True)
    first = next(head, None)
    head.close()
    if first is not None and first[0] != 1:
        problems.add(name, 1, None, f"row 1 must hold the column headers, but it is empty (the first filled row is {first[0]})")
        return table
    for col_idx, v in enumerate(first[1] if first else (), start=1):
        if isinstance(v, Unreadable):
            problems.add(name, 1, None, f"header cell {get_column_letter(col_idx)}1 {v.message()}")
            v = None
        h = cells.text(v).casefold() if not cells.is_blank(v) else None
        if h is not None and col_idx > limits.max_columns:
            problems.add(name, 1, None, f"the sheet has more than {limits.max_columns} columns")
            break
        if h is None:
            header.append(None)
            continue
        if h in seen:
            problems.add(name, 1, h, f"duplicate column header (also column {get_column_letter(seen[h])})")
            header.append(None)
            continue
        seen[h] = col_idx
        header.append(h)
        if h not in known:
            problems.warn(name, 1, h, "unknown column, ignored")
    while header and header[-1] is None:
        header.pop()
    table.columns = [h for h in header if h]
    if spec:
        for col in spec.columns:
            if col.required and col.name not in seen:
                problems.add(name, 1, col.name, "required column is missing")
    if not header:
        return table
    for n, values in sheet_rows(wb, ws, name, problems, limits, width=len(header), min_row=2, names=header):
        row = {}
        for h, v in zip(header, values, strict=False):
            if h is None:
                continue
            if isinstance(v, Unreadable):
                problems.add(name, n, h, v.message())
                v = None
            row[h] = v
        if any(not cells.is_blank(v) for v in row.values()):
            table.rows.append(Row(n, row))
    return table


def _first_running(lane: deque[Slot] | None, start) -> Slot | None:
    """The first slot of ``lane`` still running at ``start`` (the expired ones before it dropped)."""
    while lane and lane[0].end <= start:
        lane.popleft()
    return lane[0] if lane else None


class _Reader:
    """Turns the tables into domain objects, collecting problems as it goes."""

    def __init__(self, tables: dict[str, Table], problems: Problems):
        self.t = {**{name: Table(name) for name in SHEETS}, **tables}   # optional sheets may be absent
        self.p = problems
        self.track_names: dict[str, str] = {}
        self.person_names: dict[str, str] = {}
        self.person_rows: dict[str, Row] = {}

    def cell(self, sheet: str, row: Row, column: str, convert, **kw):
        return convert_cell(self.p, sheet, row, column, convert, **kw)

    def required_text(self, sheet: str, row: Row, column: str) -> str | None:
        value = cells.text(row.get(column))
        if not value:
            self.p.add(sheet, row.number, column, "is empty but required")
            return None
        return value

    def unique(self, sheet: str, column: str) -> dict[str, Row]:
        """Rows by their key column, reporting empty and duplicate keys.

        Keys are compared as everywhere else (``cells.key``: case and spacing ignored), so
        ``T1`` and ``t1`` are one id given twice; a key holding the day grid's separator
        " · " could not be read back from a grid cell."""
        out: dict[str, Row] = {}
        first: dict[str, tuple[str, Row]] = {}
        for row in self.t[sheet].rows:
            key = self.required_text(sheet, row, column)
            if key is None:
                continue
            if cells.GRID_SEPARATOR in key:
                self.p.add(sheet, row.number, column, f"{column} {key!r} holds {cells.GRID_SEPARATOR.strip()!r} "
                                                      "between spaces, which the day grids use to separate the id "
                                                      "from the title: use another character")
                continue
            k = cells.key(key)
            if k in first:
                given, prev = first[k]
                same = "" if given == key else f" (as {given!r}: case and spacing are ignored)"
                self.p.add(sheet, row.number, column, f"duplicate {column} {key!r}{same} (first in row {prev.number})")
                continue
            first[k] = (key, row)
            out[key] = row
        return out

    # -- sheets ------------------------------------------------------------------

    def rooms(self) -> list[Room]:
        out = []
        for name, row in self.unique("Rooms", "name").items():
            cap = None
            if not cells.is_blank(row.get("capacity")):
                cap = self.cell("Rooms", row, "capacity", cells.integer, minimum=0, maximum=MAX_PEOPLE)
            changeover = 0
            if not cells.is_blank(row.get("changeover")):
                changeover = self.cell("Rooms", row, "changeover", cells.integer, minimum=0, maximum=24 * 60) or 0
            out.append(Room(name=name, capacity=cap, changeover=changeover, row=row.number))
        return out

    def slots(self, room_names: list[str]) -> list[Slot]:
        raw = []
        known = {r.casefold(): r for r in room_names}
        every_room = tuple(room_names)
        for row in self.t["Slots"].rows:
            d = self.cell("Slots", row, "day", cells.day) if not cells.is_blank(row.get("day")) else None
            if cells.is_blank(row.get("day")):
                self.p.add("Slots", row.number, "day", "is empty but required")
            start = end = None
            for col in ("start", "end"):
                if cells.is_blank(row.get(col)):
                    self.p.add("Slots", row.number, col, "is empty but required")
            if not cells.is_blank(row.get("start")):
                start = self.cell("Slots", row, "start", cells.clock)
            if not cells.is_blank(row.get("end")):
                end = self.cell("Slots", row, "end", cells.clock)
            session = self.required_text("Slots", row, "session")
            if start is not None and end is not None and end <= start:
                self.p.add("Slots", row.number, "end", f"ends at {format_time(end)}, not after its start {format_time(start)}")
                continue
            resolved: dict[str, None] = {}  # in the order given, each once
            for r in cells.split_list(row.get("rooms")):
                if r.casefold() not in known:
                    self.p.add("Slots", row.number, "rooms", f"unknown room {r!r} (not in sheet Rooms)")
                else:
                    resolved[known[r.casefold()]] = None
            if None in (d, start, end, session):
                continue
            raw.append((d, start, end, session, tuple(resolved) if resolved else every_room, row.number))
        raw.sort(key=lambda s: (s[0], s[1], s[2], s[3], s[5]))
        slots = [
            Slot(index=i, day=d, start=s, end=e, session=label, rooms=rooms, row=rn)
            for i, (d, s, e, label, rooms, rn) in enumerate(raw)
        ]
        self._check_slot_overlaps(slots)
        return slots

    def _check_slot_overlaps(self, slots: list[Slot]) -> None:
        """Each slot row that overlaps an earlier one of its session, or shares a room with one,
        is reported once (with the first such row), so that a sheet of copies stays readable.

        A sweep over the slots in start order: per session and per room, the slots still
        running in the order they started (expired ones dropped from the front as met), so
        that the work grows with the rows and their rooms, never with the pairs."""
        by_day: dict = {}
        for s in slots:
            by_day.setdefault(s.day, []).append(s)
        for day_slots in by_day.values():
            lanes: dict[tuple[str, str], deque[Slot]] = {}
            for b in day_slots:
                keys = [("session", b.session)] + [("room", r) for r in b.rooms]
                found = [a for a in (_first_running(lanes.get(k), b.start) for k in keys) if a is not None]
                if found:
                    a = min(found, key=lambda x: x.index)   # the first to start (indices follow the order)
                    if a.session == b.session:
                        self.p.add("Slots", b.row, "start", f"overlaps row {a.row} of the same session {a.session!r}")
                    else:
                        shared = sorted(set(a.rooms) & set(b.rooms))
                        self.p.add("Slots", b.row, "rooms",
                                   f"room {shared[0]!r} would be in two overlapping slots (rows {a.row} and {b.row})")
                for k in keys:
                    lanes.setdefault(k, deque()).append(b)

    def speakers(self, labels: frozenset[str]) -> list[Speaker]:
        out = []
        for name, row in self.unique("Speakers", "name").items():
            fields = {}
            for col in ("unavailable", "prefers"):
                periods, errors = parse_periods(cells.text(row.get(col)), labels)
                for e in errors:
                    self.p.add("Speakers", row.number, col, e)
                fields[col] = tuple(periods)
            out.append(
                Speaker(name=name, affiliation=cells.text(row.get("affiliation")), row=row.number,
                        zone=self.zone("Speakers", row), **fields)
            )
        return out

    def talks(self, speakers: set[str], rooms: dict[str, str]) -> list[Talk]:
        out = []
        speakers_cf = {s.casefold(): s for s in speakers}
        rows = self.unique("Talks", "id")
        self.talk_ids = {cells.key(t): t for t in rows}
        for tid, row in rows.items():
            title = self.required_text("Talks", row, "title")
            names = cells.split_list(row.get("speakers"))
            if not names:
                self.p.add("Talks", row.number, "speakers", "is empty but required (names separated by ';')")
            resolved = []
            for n in names:
                if n.casefold() not in speakers_cf:
                    self.p.add("Talks", row.number, "speakers", f"unknown speaker {n!r} (not in sheet Speakers)")
                else:
                    resolved.append(speakers_cf[n.casefold()])
            if len(set(resolved)) != len(resolved):
                self.p.add("Talks", row.number, "speakers", "a speaker is listed twice")
            duration = audience = None
            if not cells.is_blank(row.get("duration")):
                duration = self.cell("Talks", row, "duration", cells.integer, minimum=1, maximum=24 * 60)
            if not cells.is_blank(row.get("audience")):
                audience = self.cell("Talks", row, "audience", cells.integer, minimum=0, maximum=MAX_PEOPLE)
            room = None
            room_text = cells.text(row.get("room"))
            if room_text:
                room = rooms.get(room_text.casefold())
                if room is None:
                    self.p.add("Talks", row.number, "room", f"unknown room {room_text!r} (not in sheet Rooms)")
            pinned = False
            if not cells.is_blank(row.get("pinned")):
                pinned = bool(self.cell("Talks", row, "pinned", cells.yes_no))
            track = None
            track_text = cells.text(row.get("track"))
            if track_text:
                track = self.track_names.get(cells.key(track_text))
                if track is None:
                    self.p.add("Talks", row.number, "track", f"unknown track {track_text!r} (not in sheet Tracks)")
            order = None
            if not cells.is_blank(row.get("order")):
                order = self.cell("Talks", row, "order", cells.integer, minimum=1, maximum=100_000)
                if track_text == "":
                    self.p.add("Talks", row.number, "order", "an order is a position within a track: give the talk a track")
            if title is None or not resolved:
                continue
            out.append(
                Talk(
                    id=tid,
                    title=title,
                    speakers=tuple(dict.fromkeys(resolved)),
                    duration=duration,
                    topics=tuple(cells.split_list(row.get("topics"))),
                    abstract=str(row.get("abstract") or "").strip(),
                    joint=cells.text(row.get("joint")) or None,
                    audience=audience,
                    room=room,
                    pinned=pinned,
                    track=track,
                    order=order,
                    zone=self.zone("Talks", row),
                    row=row.number,
                )
            )
        return out

    # -- tracks, people, conflicts, windows, settings -----------------------------------

    def zone(self, sheet: str, row: Row) -> str | None:
        text = cells.text(row.get("zone"))
        if not text:
            return None
        try:
            parse_zone(text)
        except ValueError as exc:
            self.p.add(sheet, row.number, "zone", str(exc))
            return None
        return text

    def flag(self, sheet: str, row: Row, column: str, blank: Flag = OFF) -> Flag:
        """yes = hard, no or empty = off (or ``blank``), a number = soft with that weight."""
        value = row.get(column)
        if cells.is_blank(value):
            return blank
        return self.strength(sheet, row, column, value)

    def strength(self, sheet: str, row: Row, column: str, value: object) -> Flag:
        if isinstance(value, str) and value.strip().casefold() in cells.YES - {"1"}:
            return HARD
        if isinstance(value, str) and value.strip().casefold() in cells.NO - {"0"}:
            return OFF
        try:
            w = cells.number(value, **WEIGHT)
        except CellError as exc:
            self.p.add(sheet, row.number, column, f"expected yes, no or a weight: {exc}")
            return OFF
        return Flag(False, w)

    def people(self, speakers: list[Speaker]) -> None:
        """The People rows' names (read before Tracks, whose chairs are people)."""
        self.person_rows = self.unique("People", "name")
        spoken = {cells.key(s.name): s.name for s in speakers}
        self.person_names = dict(spoken)
        for name in self.person_rows:
            self.person_names.setdefault(cells.key(name), name)

    def tracks(self) -> list[Track]:
        rows = self.unique("Tracks", "name")
        self.track_names = {cells.key(n): n for n in rows}
        out = []
        for name, row in rows.items():
            chairs = []
            for c in cells.split_list(row.get("chairs")):
                person = self.person_names.get(cells.key(c))
                if person is None:
                    self.p.add("Tracks", row.number, "chairs", f"chair {c!r} is not a person (not in sheet People or Speakers)")
                else:
                    chairs.append(person)
            similar = []
            for item in cells.split_list(row.get("similar")):
                other_text, flag = item, HARD
                head, eq, tail = item.rpartition("=")
                if eq:
                    other_text, flag = head.strip(), self.strength("Tracks", row, "similar", tail.strip())
                other = self.track_names.get(cells.key(other_text))
                if other is None:
                    self.p.add("Tracks", row.number, "similar", f"unknown track {other_text!r} (not in sheet Tracks)")
                elif other == name:
                    self.p.add("Tracks", row.number, "similar", f"track {name!r} cannot be similar to itself")
                else:
                    similar.append((other, flag))
            out.append(Track(name=name, chairs=tuple(dict.fromkeys(chairs)), similar=tuple(similar),
                             one_room=self.flag("Tracks", row, "one_room"),
                             consecutive=self.flag("Tracks", row, "consecutive"),
                             not_parallel=self.flag("Tracks", row, "not_parallel"),
                             order=self.flag("Tracks", row, "order", blank=HARD), row=row.number))
        return out

    def person_list(self) -> list[Person]:
        out = []
        for name, row in self.person_rows.items():
            talks, tracks = [], []
            for item in cells.split_list(row.get("attends")):
                if cells.key(item) in self.talk_ids:
                    talks.append(self.talk_ids[cells.key(item)])
                elif cells.key(item) in self.track_names:
                    tracks.append(self.track_names[cells.key(item)])
                else:
                    self.p.add("People", row.number, "attends", f"unknown talk or track {item!r} (not in sheet Talks or Tracks)")
            chairs = []
            for item in cells.split_list(row.get("chairs")):
                if cells.key(item) in self.track_names:
                    chairs.append(self.track_names[cells.key(item)])
                else:
                    self.p.add("People", row.number, "chairs", f"unknown track {item!r} (not in sheet Tracks)")
            out.append(Person(name=self.person_names[cells.key(name)], attends=tuple(dict.fromkeys(talks)),
                              attends_tracks=tuple(dict.fromkeys(tracks)), chairs=tuple(dict.fromkeys(chairs)),
                              row=row.number))
        return out

    def cell_costs(self, rooms: dict[str, str], labels: frozenset[str]) -> list[CellCost]:
        out = []
        sheet = "CellCosts"
        for row in self.t[sheet].rows:
            fields: dict = {"row": row.number}
            ok = True
            track_text, talk_text = cells.text(row.get("track")), cells.text(row.get("talk"))
            if track_text and talk_text:
                self.p.add(sheet, row.number, "talk", "give a track or a talk, not both")
                ok = False
            if track_text:
                fields["track"] = self.track_names.get(cells.key(track_text))
                if fields["track"] is None:
                    self.p.add(sheet, row.number, "track", f"unknown track {track_text!r} (not in sheet Tracks)")
                    ok = False
            if talk_text:
                fields["talk"] = self.talk_ids.get(cells.key(talk_text))
                if fields["talk"] is None:
                    self.p.add(sheet, row.number, "talk", f"unknown talk {talk_text!r} (not in sheet Talks)")
                    ok = False
            period_text = cells.text(row.get("period"))
            if period_text:
                try:
                    fields["period"] = parse_period(period_text, labels)
                except PeriodError as exc:
                    self.p.add(sheet, row.number, "period", str(exc))
                    ok = False
            room_text = cells.text(row.get("room"))
            if room_text:
                fields["room"] = rooms.get(room_text.casefold())
                if fields["room"] is None:
                    self.p.add(sheet, row.number, "room", f"unknown room {room_text!r} (not in sheet Rooms)")
                    ok = False
            value = row.get("penalty")
            if cells.is_blank(value):
                self.p.add(sheet, row.number, "penalty", "is empty but required (a number, or forbid)")
                continue
            if cells.text(value).casefold() == "forbid":
                fields["hard"] = True
            else:
                penalty = self.cell(sheet, row, "penalty", cells.number, **WEIGHT)
                if penalty is None:
                    continue
                fields["penalty"] = penalty
            if ok:
                out.append(CellCost(**fields))
        return out

    def conflicts(self) -> list[ConflictRule]:
        out = []
        sheet = "Conflicts"
        for row in self.t[sheet].rows:
            who = cells.text(row.get("who")).casefold()
            level = cells.text(row.get("level")).casefold()
            ok = True
            if who not in WHO:
                self.p.add(sheet, row.number, "who", f"expected one of {', '.join(WHO)}, found {who!r}")
                ok = False
            if level not in LEVELS:
                self.p.add(sheet, row.number, "level", f"expected one of {', '.join(LEVELS)}, found {level!r}")
                ok = False
            elif who == "chairs" and level not in ("session", "none"):
                self.p.add(sheet, row.number, "level", "chairs conflict at session level (or none)")
                ok = False
            weight = None
            if not cells.is_blank(row.get("weight")):
                weight = self.cell(sheet, row, "weight", cells.number, **WEIGHT)
                ok = ok and weight is not None
            if ok:
                out.append(ConflictRule(who=who, level=level, hard=weight is None, weight=weight or 0.0,
                                        row=row.number))
        return out

    def windows(self) -> list[Window]:
        out = []
        sheet = "Windows"
        for row in self.t[sheet].rows:
            blank = [cells.is_blank(row.get(c)) for c in ("from", "to")]
            times = {}
            if blank == [True, False] or blank == [False, True]:
                self.p.add(sheet, row.number, "from" if blank[0] else "to",
                           "is empty: give both times, or neither for the penalty outside every window")
                continue
            if not blank[0]:
                for col in ("from", "to"):
                    times[col] = self.cell(sheet, row, col, cells.clock)
                if None in times.values():
                    continue
            if cells.is_blank(row.get("penalty")):
                self.p.add(sheet, row.number, "penalty", "is empty but required (0 = suitable hours)")
                continue
            penalty = self.cell(sheet, row, "penalty", cells.number, **WEIGHT)
            if penalty is None:
                continue
            out.append(Window(start=times.get("from"), end=times.get("to"), penalty=penalty, row=row.number))
        return out

    def settings(self) -> Settings:
        fields: dict = {}
        rows: dict[str, int] = {}
        sheet = "Settings"
        for row in self.t[sheet].rows:
            key = cells.text(row.get("key")).casefold()
            value = cells.text(row.get("value"))
            if key in rows:
                self.p.add(sheet, row.number, "key", f"{key!r} given twice (first in row {rows[key]})")
                continue
            rows[key] = row.number
            if key == "zone":
                try:
                    parse_zone(value)
                    fields["zone"] = value
                except ValueError as exc:
                    self.p.add(sheet, row.number, "value", str(exc))
            elif key == "windows_over":
                if value.casefold() not in ("talk", "session"):
                    self.p.add(sheet, row.number, "value", f"windows_over is talk or session, found {value!r}")
                else:
                    fields["windows_over"] = value.casefold()
            else:
                self.p.add(sheet, row.number, "key", f"unknown setting {key!r} (settings: zone, windows_over)")
        return Settings(rows=rows, **fields)

    def constraints(self, talks: dict[str, str], rooms: dict[str, str], labels: frozenset[str]) -> list[ConstraintRow]:
        out = []
        sheet = "Constraints"
        for row in self.t[sheet].rows:
            kind = normalise(cells.text(row.get("kind")))
            if not kind:
                self.p.add(sheet, row.number, "kind", "is empty but required")
                continue
            if kind not in KINDS:
                self.p.add(sheet, row.number, "kind", f"unknown kind {kind!r} (use one of: {', '.join(KINDS)})")
                continue
            talk = self.required_text(sheet, row, "talk")
            if talk is not None:
                if cells.key(talk) not in talks:
                    self.p.add(sheet, row.number, "talk", f"unknown talk {talk!r} (not in sheet Talks)")
                    talk = None
                else:
                    talk = talks[cells.key(talk)]
            hard = True
            if not cells.is_blank(row.get("hard")):
                hard = self.cell(sheet, row, "hard", cells.yes_no)
            weight = None
            if not cells.is_blank(row.get("weight")):
                weight = self.cell(sheet, row, "weight", cells.number, **WEIGHT)
            target = cells.text(row.get("target"))
            parsed = self._target(row, kind, target, talk, talks, rooms, labels)
            if talk is None or parsed is None or hard is None:
                continue
            out.append(constraint_row(kind, talk, target=target, hard=hard, weight=weight, row=row.number, **parsed))
        for cycle in before_cycles(out):
            steps = ", ".join(f"{r.talk} before {r.other} (row {r.row})" for r in cycle)
            self.p.add(sheet, max(r.row or 0 for r in cycle), "target",
                       f"hard 'before' rows form a cycle that no order satisfies: {steps}; "
                       "remove one of them or make it soft (hard: no)")
        return out

    def _target(self, row: Row, kind, target, talk, talks, rooms, labels) -> dict | None:
        sheet = "Constraints"
        if KINDS[kind].arity == "pair":
            if not target:
                self.p.add(sheet, row.number, "target", f"{kind} needs another talk id as target")
                return None
            if cells.key(target) not in talks:
                self.p.add(sheet, row.number, "target", f"unknown talk {target!r} (not in sheet Talks)")
                return None
            target = talks[cells.key(target)]
            if target == talk:
                self.p.add(sheet, row.number, "target", f"a talk cannot be {KINDS[kind].phrase} itself")
                return None
            return {"other": target}
        # pin / forbid: a period and/or a room
        period_text, room_text = target, cells.text(row.get("room"))
        if "@" in target:
            period_text, _, at_room = target.partition("@")
            period_text = period_text.strip()
            room_text = room_text or at_room.strip()
        elif target.casefold() in rooms and target.casefold() not in labels:
            period_text, room_text = "", target
        room = None
        if room_text:
            room = rooms.get(room_text.casefold())
            if room is None:
                self.p.add(sheet, row.number, "target" if "@" in target or not cells.text(row.get("room")) else "room",
                           f"unknown room {room_text!r} (not in sheet Rooms)")
                return None
        period = None
        if period_text:
            try:
                period = parse_period(period_text, labels)
            except PeriodError as exc:
                self.p.add(sheet, row.number, "target", str(exc))
                return None
        if period is None and room is None:
            self.p.add(sheet, row.number, "target", f"{kind} needs a period and/or a room as target")
            return None
        return {"period": period, "room": room}

    def weights(self) -> dict[str, float]:
        out: dict[str, float] = {}
        first: dict[str, int] = {}
        for row in self.t["Weights"].rows:
            term = cells.text(row.get("term"))
            if not term:
                self.p.add("Weights", row.number, "term", "is empty but required")
                continue
            if term not in TERMS:
                self.p.add("Weights", row.number, "term", f"unknown term {term!r} (terms: {', '.join(TERMS)})")
                continue
            if term in first:
                self.p.add("Weights", row.number, "term", f"term {term!r} given twice (first in row {first[term]})")
                continue
            first[term] = row.number
            if cells.is_blank(row.get("weight")):
                self.p.add("Weights", row.number, "weight", "is empty but required")
                continue
            w = self.cell("Weights", row, "weight", cells.number, **WEIGHT)
            if w is not None:
                out[term] = w
        return out


def before_cycles(rows: list[ConstraintRow]) -> list[list[PairRow]]:
    """One cycle of hard ``before`` rows in each group of talks that must all precede each other.

    Strongly connected components (Tarjan, iterative, in sheet order), then the shortest
    cycle through each component's first talk.
    """
    edges: dict[str, list[PairRow]] = {}
    for r in rows:
        if r.kind == "before" and r.hard and isinstance(r, PairRow):
            edges.setdefault(r.talk, []).append(r)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on_stack.add(v)
            out = edges.get(v, [])
            if i < len(out):
                work.append((v, i + 1))
                w = out[i].other
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    components.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    cycles = []
    for comp in components:
        members = set(comp)
        start = min(comp, key=lambda t: index[t])
        via: dict[str, PairRow] = {}
        frontier = [start]
        while frontier and start not in via:
            nxt = []
            for v in frontier:
                for r in edges.get(v, []):
                    if r.other in members and r.other not in via:
                        via[r.other] = r
                        nxt.append(r.other)
            frontier = nxt
        cycle, t = [], start
        while True:
            r = via[t]
            cycle.append(r)
            t = r.talk
            if t == start:
                break
        cycles.append(cycle[::-1])
    return cycles


def read_workbook(path: str | Path, *, problems: Problems | None = None, limits: Limits | None = None) -> Instance:
    """Read and validate a conference workbook; raises InputError with every problem.

    ``limits`` bound what is read (default: ``Limits.from_env()``).
    """
    path = Path(path)
    problems = problems if problems is not None else Problems()
    limits = limits or Limits.from_env()
    wb = open_workbook(path, problems, limits)
    if wb is None:
        problems.raise_if_any(shown(path))
    try:
        tables = {name: read_table(wb, name, problems, limits) for name in SHEETS}
    finally:
        wb.close()
    # A missing sheet or column is reported on its own (for every sheet at once):
    # checking rows against a broken structure would only bury it in noise.
    problems.raise_if_any(shown(path))
    instance = build_instance(tables, instance_name(path, problems), problems)
    problems.raise_if_any(shown(path))
    assert instance is not None
    return instance


def instance_name(path: Path, problems: Problems) -> str:
    """The conference's name: the file name without its suffix, on one line and cleaned (it
    becomes the default title of every export, a calendar's name, page headers)."""
    name = one_line(path.stem)
    if name != path.stem:
        problems.warn(shown(path.name), None, None, f"the file name holds line breaks or control characters; "
                                                    f"the conference is called {name!r}")
    return name or "conference"


def build_instance(tables: dict[str, Table], name: str, problems: Problems, grid: bool = True) -> Instance | None:
    """The instance of the tables, or None (with the problems recorded). ``grid=False``:
    empty Rooms and Slots are no problem (an imported list of talks)."""
    r = _Reader(tables, problems)
    rooms = r.rooms()
    if len(rooms) > cells.MAX_ROOMS:
        problems.add("Rooms", rooms[cells.MAX_ROOMS].row, "name",
                     f"{len(rooms):,} rooms: a day grid has a column per room, and Excel holds at most "
                     f"{cells.MAX_COLUMNS:,} columns ({cells.MAX_ROOMS:,} rooms)")
    room_map = {room.name.casefold(): room.name for room in rooms}
    slots = r.slots([room.name for room in rooms])
    labels = frozenset(s.session.casefold() for s in slots)
    speakers = r.speakers(labels)
    r.people(speakers)
    tracks = r.tracks()
    talks = r.talks({s.name for s in speakers}, room_map)
    constraints = r.constraints(r.talk_ids, room_map, labels)
    weights = r.weights()
    people = r.person_list()
    cell_costs = r.cell_costs(room_map, labels)
    conflicts = r.conflicts()
    windows = r.windows()
    settings = r.settings()
    if not tables["Talks"].rows:
        problems.add("Talks", None, None, "no talks: the sheet has a header but no rows")
    days = sorted({s.day for s in slots})
    if len(days) > MAX_DAYS:
        problems.add("Slots", next(s.row for s in slots if s.day == days[MAX_DAYS]), "day",
                     f"the slots span {len(days):,} days; a programme has at most {MAX_DAYS:,} (one day grid "
                     "sheet each): split it into several workbooks")
    if not slots and not problems and grid:
        problems.add("Slots", None, None, "no slots: the sheet has a header but no rows")
    if not rooms and not problems and grid:
        problems.add("Rooms", None, None, "no rooms: the sheet has a header but no rows")
    if problems:
        return None
    return Instance(
        name=name, talks=talks, speakers=speakers, rooms=rooms, slots=slots,
        constraints=constraints, weights_given=weights, tracks=tracks, people=people, cell_costs=cell_costs,
        conflicts=conflicts, windows=windows, settings=settings,
    )


def read_schedule_from_workbook(path: str | Path, instance: Instance) -> list:
    """The schedule held in a solved workbook's Talks sheet (``scheduled_*`` columns)."""
    from ..model import Assignment

    path = Path(path)
    problems = Problems()
    wb = open_workbook(path, problems)
    if wb is None:
        problems.raise_if_any(str(path))
    try:
        table = read_table(wb, "Talks", problems)
    finally:
        wb.close()
    missing = [c for c in ("scheduled_day", "scheduled_start", "scheduled_room") if c not in table.columns]
    if table.present and missing:
        problems.add("Talks", 1, missing[0], "not a solved workbook: the schedule columns are missing")
    problems.raise_if_any(str(path))
    rooms = {r.name.casefold(): r.name for r in instance.rooms}
    out = []
    for row in table.rows:
        tid = cells.text(row.get("id"))
        if cells.is_blank(row.get("scheduled_day")) and cells.is_blank(row.get("scheduled_start")):
            continue  # not scheduled: the evaluator will say so
        d = convert_cell(problems, "Talks", row, "scheduled_day", cells.day)
        start = convert_cell(problems, "Talks", row, "scheduled_start", cells.clock)
        end = None
        if not cells.is_blank(row.get("scheduled_end")):
            end = convert_cell(problems, "Talks", row, "scheduled_end", cells.clock)
        room_text = cells.text(row.get("scheduled_room"))
        room = rooms.get(room_text.casefold(), room_text)
        if not room_text:
            problems.add("Talks", row.number, "scheduled_room", "is empty but the talk has a scheduled day")
        if d is None or start is None or not room_text:
            continue
        talk = instance.talk_by_id.get(tid)
        duration = (talk.duration if talk and talk.duration else None)
        p = instance.placement_at(talk, room, d, start) if talk and room in instance.room_by_name else None
        if end is None:
            end = p.end if p else start + (duration or 0)
        session = p.session if p else cells.text(row.get("scheduled_session"))
        out.append(Assignment(talk=tid, room=room, day=d, start=format_time(start), end=format_time(end),
                              session=session))
    problems.raise_if_any(str(path))
    return out


def convert_cell(problems: Problems, sheet: str, row: Row, column: str, convert, **kw):
    """Convert one cell; on failure record the problem and return None."""
    try:
        return convert(row.get(column), **kw)
    except CellError as exc:
        problems.add(sheet, row.number, column, str(exc))
        return None
