"""CoSPLib workbooks: benchmark instances, their solutions, and solution workbooks.

CoSPLib (the conference scheduling benchmark library of Pylyavskyy, Jacko and Kheiri)
keeps an instance in one workbook of nine sheets:

* ``parameters``: column A/B the time-zone settings (the conference's ``Local time
  zone``, ``Suitable`` and ``Less suitable scheduling times`` as From/To, the penalties
  of less suitable and unsuitable times), column D/E one weight per criterion;
* ``submissions``: ``Reference``, ``Track``, ``Required Timeslots``, ``Order``, ``Time
  Zone`` (``GMT+2``), ``Presenters`` and ``Attendees`` (``, ``-separated), then one
  penalty column per session followed by one per room;
* ``tracks`` (``Tracks``, ``Chairs``), ``sessions`` (``Sessions``, ``Max Number of
  Timeslots``, ``Date``, ``Start Time``, ``End Time``), ``rooms`` (``Rooms``);
* four penalty matrices, labels in row 1 and column A: ``tracks_sessions|penalty``,
  ``tracks_rooms|penalty``, ``similar tracks`` (track x track) and
  ``sessions_rooms|penalty``. An empty cell is no penalty.

A solution workbook has a ``sol`` sheet (rooms across; one row per session with the
track of each room; an empty row; then one row per time slot of every session with the
submission in each room, a submission of several slots repeated in consecutive rows)
and, as CoSPLib's checker writes it, a ``violations`` sheet with the objective and the
weighted penalties of each criterion.

Names are matched exactly, as CoSPLib requires (``"Track "`` and ``"Track"`` are two
names); a name that matches only when runs of spaces are collapsed, and then only one
name, is accepted with a warning. Every problem is reported with its sheet, Excel row
and column, all at once (:class:`~sessionplan.errors.InputError`). Weights and penalties
are kept as exact integers however large.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..errors import Problems
from . import cells
from .archive import Limits
from .saving import save_workbook
from .workbook import Unreadable, find_sheet, open_workbook, sheet_rows

INSTANCE_SHEETS = ("parameters", "submissions", "tracks", "sessions", "rooms",
                   "tracks_sessions|penalty", "tracks_rooms|penalty", "similar tracks",
                   "sessions_rooms|penalty")
SOLUTION_SHEET = "sol"
VIOLATIONS_SHEET = "violations"

# Weight fields and their labels in column D of the parameters sheet, in sheet order.
WEIGHT_LABELS: tuple[tuple[str, str], ...] = (
    ("tracks_sessions", "Tracks_Sessions|Penalty"),
    ("tracks_rooms", "Tracks_Rooms|Penalty"),
    ("sessions_rooms", "Sessions_Rooms|Penalty"),
    ("similar_tracks", "Similar Tracks"),
    ("rooms_per_track", "Number of Rooms per Track"),
    ("parallel_tracks", "Parallel Tracks"),
    ("consecutive_tracks", "Consecutive Tracks"),
    ("submissions_timezones", "Submissions_Timezones"),
    ("submissions_order", "Submissions Order"),
    ("submissions_sessions", "Submissions_Sessions|Penalty"),
    ("submissions_rooms", "Submissions_Rooms|Penalty"),
    ("presenters_conflicts", "Presenters Conflicts"),
    ("attendees_conflicts", "Attendees Conflicts"),
    ("chairs_conflicts", "Chairs Conflicts"),
    ("presenters_conflicts_timeslot", "Presenters Conflicts Timeslot Level"),
    ("attendees_conflicts_timeslot", "Attendees Conflicts Timeslot Level"),
)

_SUBMISSION_COLUMNS = {
    "reference": "Reference", "track": "Track", "required timeslots": "Required Timeslots",
    "order": "Order", "time zone": "Time Zone", "presenters": "Presenters",
    "attendees": "Attendees",
}
_REQUIRED_SUBMISSION_COLUMNS = ("reference", "track", "required timeslots", "time zone")
_GMT = re.compile(r"^GMT\s*([+-])\s*(\d{1,2})$", re.IGNORECASE)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_OBJECTIVE = re.compile(r"^\s*(?:Objective Value|Final Objective)\s*=\s*(-?\d+)\s*$", re.IGNORECASE)

Matrix = dict[str, dict[str, int]]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Model):
    """A time of day window, in minutes since midnight (``start`` before ``end``)."""

    start: int = Field(ge=0, le=24 * 60)
    end: int = Field(ge=0, le=24 * 60)


class Parameters(_Model):
    """The time-zone settings of the parameters sheet (columns A and B)."""

    local_offset: int = Field(ge=-12, le=12, description="the conference's hours east of GMT")
    suitable: Window
    less_suitable: Window
    less_suitable_penalty: int = Field(ge=0)
    unsuitable_penalty: int = Field(ge=0)


class Weights(_Model):
    """One non-negative integer weight per criterion (columns D and E); 0 switches it off."""

    tracks_sessions: int = Field(ge=0)
    tracks_rooms: int = Field(ge=0)
    sessions_rooms: int = Field(ge=0)
    similar_tracks: int = Field(ge=0)
    rooms_per_track: int = Field(ge=0)
    parallel_tracks: int = Field(ge=0)
    consecutive_tracks: int = Field(ge=0)
    submissions_timezones: int = Field(ge=0)
    submissions_order: int = Field(ge=0)
    submissions_sessions: int = Field(ge=0)
    submissions_rooms: int = Field(ge=0)
    presenters_conflicts: int = Field(ge=0)
    attendees_conflicts: int = Field(ge=0)
    chairs_conflicts: int = Field(ge=0)
    presenters_conflicts_timeslot: int = Field(ge=0)
    attendees_conflicts_timeslot: int = Field(ge=0)


class Submission(_Model):
    reference: str
    track: str
    required_timeslots: int = Field(ge=1)
    order: int = Field(ge=0, description="1-based position within the track; 0: any")
    time_zone: int = Field(ge=-12, le=12, description="the presenter's hours east of GMT")
    presenters: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    session_penalties: dict[str, int] = Field(default_factory=dict, description="non-zero only")
    room_penalties: dict[str, int] = Field(default_factory=dict, description="non-zero only")


class Track(_Model):
    name: str
    chairs: tuple[str, ...] = ()


class Session(_Model):
    name: str
    max_timeslots: int = Field(ge=1)
    day: date
    start: int = Field(ge=0, le=24 * 60, description="minutes since midnight, local time")
    end: int = Field(ge=0, le=24 * 60)


class Room(_Model):
    name: str


class Instance(_Model):
    """A CoSPLib instance: every sheet, every matrix (non-zero entries only)."""

    name: str
    parameters: Parameters
    weights: Weights
    submissions: tuple[Submission, ...]
    tracks: tuple[Track, ...]
    sessions: tuple[Session, ...]
    rooms: tuple[Room, ...]
    tracks_sessions: Matrix = Field(default_factory=dict, description="track -> session -> penalty")
    tracks_rooms: Matrix = Field(default_factory=dict, description="track -> room -> penalty")
    similar_tracks: Matrix = Field(default_factory=dict,
                                   description="track (row) -> track (column) -> penalty, as entered")
    sessions_rooms: Matrix = Field(default_factory=dict, description="session -> room -> penalty")
    _cache: dict = PrivateAttr(default_factory=dict)

    def submission(self, reference: str) -> Submission:
        return self._index("_subs", self.submissions, "reference")[reference]

    def track(self, name: str) -> Track:
        return self._index("_tracks", self.tracks, "name")[name]

    def session(self, name: str) -> Session:
        return self._index("_sessions", self.sessions, "name")[name]

    def session_position(self, name: str) -> int:
        """The session's 0-based position in the sessions sheet (CoSPLib's time order)."""
        return [s.name for s in self.sessions].index(name)

    def _index(self, key: str, items: Sequence[BaseModel], attr: str) -> dict:
        # keyed by the items themselves: a model_copy shares this cache with its original
        cached = self._cache.get(key)
        if cached is None or cached[0] is not items:
            cached = self._cache[key] = (items, {getattr(x, attr): x for x in items})
        return cached[1]

    @staticmethod
    def penalty(matrix: Matrix, row: str, column: str) -> int:
        return matrix.get(row, {}).get(column, 0)

    def people(self) -> set[str]:
        """Every named presenter, attendee and chair."""
        out = {c for t in self.tracks for c in t.chairs}
        for s in self.submissions:
            out.update(s.presenters)
            out.update(s.attendees)
        return out


class Cell(_Model):
    """One (session, room) of a schedule: its track and a submission per time slot.

    ``slots[i]`` is the submission in the session's time slot ``i`` (None when empty); a
    submission needing several slots appears in that many consecutive entries.
    """

    session: str
    room: str
    track: str | None = None
    slots: tuple[str | None, ...] = ()


class Schedule(_Model):
    cells: tuple[Cell, ...] = ()

    def placements(self) -> Iterator[tuple[str, Cell, int]]:
        """(submission, cell, slot index) for every filled slot."""
        for cell in self.cells:
            for i, ref in enumerate(cell.slots):
                if ref is not None:
                    yield ref, cell, i


class Entry(_Model):
    label: str
    penalty: int


class CriterionReport(_Model):
    """One column pair of a violations sheet: ``Evaluate ...``, its entries and total."""

    name: str
    entries: tuple[Entry, ...] = ()
    total: int = 0


class Report(_Model):
    objective: int
    criteria: tuple[CriterionReport, ...] = ()

    def criterion(self, name: str) -> CriterionReport | None:
        return next((c for c in self.criteria if c.name == name), None)


class Solution(_Model):
    """A solution workbook read against its instance: the schedule, and the report if any."""

    schedule: Schedule
    report: Report | None = None
    warnings: tuple[str, ...] = ()


# -- reading cells -------------------------------------------------------------------

def _name(value: object) -> str:
    """A name cell exactly as typed (numbers as their text); '' when blank."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if value.strip() else ""
    return cells.text(value)


def _loose(name: str) -> str:
    return " ".join(name.split())


def _label(value: object) -> str:
    """A label cell for matching: case-folded, spaces collapsed, a trailing ':' dropped."""
    return _loose(cells.text(value)).rstrip(":").strip().casefold()


class _Names:
    """Resolves names exactly, or up to runs of spaces when that picks one name (a warning)."""

    def __init__(self, kind: str, names: Iterable[str]):
        self.kind = kind
        self.exact = list(names)
        self._exact = set(self.exact)
        self._loose: dict[str, list[str]] = {}
        for n in self.exact:
            self._loose.setdefault(_loose(n), []).append(n)

    def resolve(self, value: str, problems: Problems, sheet: str, row: int | None,
                column: str | None) -> str | None:
        if value in self._exact:
            return value
        near = self._loose.get(_loose(value), [])
        if len(near) == 1:
            problems.warn(sheet, row, column, f"{self.kind} {value!r} taken as {near[0]!r} "
                                              "(the names differ only in spaces)")
            return near[0]
        problems.add(sheet, row, column, f"unknown {self.kind} {value!r}")
        return None


def _sheets(wb, wanted: Sequence[str], problems: Problems) -> dict[str, list[tuple]]:
    """The rows of each wanted sheet (matched case-insensitively), ``rows[k]`` being Excel row
    ``k + 1`` (blank rows empty); missing sheets and unreadable cells are reported."""
    limits = Limits.from_env()
    out = {}
    for name in wanted:
        ws = find_sheet(wb, name, problems)
        if ws is None:
            problems.add(name, None, None, f"sheet missing (sheets found: {', '.join(wb.sheetnames)})")
            continue
        rows: list[tuple] = []
        for n, values in sheet_rows(wb, ws, name, problems, limits):
            for c, v in enumerate(values, start=1):
                if isinstance(v, Unreadable):
                    problems.add(name, n, get_column_letter(c), v.message())
            rows += [()] * (n - 1 - len(rows))
            rows.append(tuple(None if isinstance(v, Unreadable) else v for v in values))
        out[name] = rows
    return out


def _open(path: Path):
    problems = Problems()
    wb = open_workbook(path, problems)
    problems.raise_if_any(str(path))
    return wb


def _cell(row: tuple, i: int) -> object:
    return row[i] if i < len(row) else None


def _integer(problems: Problems, sheet: str, row: int, column: str, value: object,
             *, minimum: int | None = 0, blank: int | None = 0) -> int | None:
    if cells.is_blank(value):
        if blank is None:
            problems.add(sheet, row, column, "missing (a whole number)")
        return blank
    try:
        return cells.integer(value, minimum=minimum)
    except cells.CellError as exc:
        problems.add(sheet, row, column, str(exc))
        return None


def _gmt(problems: Problems, sheet: str, row: int, column: str, value: object) -> int | None:
    text = cells.text(value)
    m = _GMT.match(text)
    if not m or int(m.group(2)) > 12:
        problems.add(sheet, row, column,
                     f"expected a time zone GMT+N or GMT-N (N from 0 to 12), found {text!r}")
        return None
    return int(m.group(2)) * (1 if m.group(1) == "+" else -1)


def _clock(problems: Problems, sheet: str, row: int, column: str, value: object) -> int | None:
    if cells.is_blank(value):
        problems.add(sheet, row, column, "missing (a time HH:MM)")
        return None
    try:
        return cells.clock(value)
    except cells.CellError as exc:
        problems.add(sheet, row, column, str(exc))
        return None


def _day(problems: Problems, sheet: str, row: int, column: str, value: object) -> date | None:
    text = cells.text(value)
    m = _US_DATE.match(text) if isinstance(value, str) else None
    try:
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        if cells.is_blank(value):
            raise cells.CellError("missing (a date MM/DD/YYYY)")
        return cells.day(value)
    except (ValueError, cells.CellError) as exc:
        problems.add(sheet, row, column, f"not a date (MM/DD/YYYY): {exc}")
        return None


def _people(value: object) -> tuple[str, ...]:
    """A ``, ``-separated list of names, each stripped, empty items dropped."""
    if cells.is_blank(value):
        return ()
    return tuple(p.strip() for p in _name(value).split(",") if p.strip())


def _header(row: tuple) -> dict[str, int]:
    return {_label(v): i for i, v in reversed(list(enumerate(row))) if not cells.is_blank(v)}


def _body(rows: list[tuple]) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, row) for each row after the header that holds anything."""
    for n, r in enumerate(rows[1:], start=2):
        if any(not cells.is_blank(v) for v in r):
            yield n, r


def _keyed(rows: list[tuple], index: int, sheet: str, column: str, kind: str,
           problems: Problems) -> Iterator[tuple[int, tuple, str]]:
    """(Excel row, row, name) for each body row whose ``index`` cell names a new item;
    a missing or repeated name is reported and its row skipped."""
    seen: dict[str, int] = {}
    for n, r in _body(rows):
        name = _name(_cell(r, index))
        if not name:
            problems.add(sheet, n, column, f"missing {kind}")
        elif _unique(problems, seen, name, sheet, n, column, kind):
            yield n, r, name


# -- the instance --------------------------------------------------------------------

def read_instance(path: str | Path) -> Instance:
    """A CoSPLib instance workbook; raises InputError listing every problem found."""
    path = Path(path)
    problems = Problems()
    wb = _open(path)
    try:
        rows = _sheets(wb, INSTANCE_SHEETS, problems)
    finally:
        wb.close()
    problems.raise_if_any(str(path))
    tracks = _read_tracks(rows["tracks"], problems)
    sessions = _read_sessions(rows["sessions"], problems)
    rooms = [Room(name=n) for n in _read_names(rows["rooms"], "rooms", "Rooms", "room", problems)]
    track_names = _Names("track", [t.name for t in tracks])
    session_names = _Names("session", [s.name for s in sessions])
    room_names = _Names("room", [r.name for r in rooms])
    parameters, weights = _read_parameters(rows["parameters"], problems)
    submissions = _read_submissions(rows["submissions"], track_names, session_names, room_names,
                                    problems)
    matrices = {
        field: _read_matrix(rows[sheet], sheet, rn, cn, problems)
        for field, sheet, rn, cn in (
            ("tracks_sessions", "tracks_sessions|penalty", track_names, session_names),
            ("tracks_rooms", "tracks_rooms|penalty", track_names, room_names),
            ("similar_tracks", "similar tracks", track_names, track_names),
            ("sessions_rooms", "sessions_rooms|penalty", session_names, room_names),
        )
    }
    used = {s.track for s in submissions}
    for t in tracks:
        if t.name not in used:
            problems.warn("tracks", None, "Tracks", f"track {t.name!r} has no submissions")
    problems.raise_if_any(str(path))
    assert parameters is not None and weights is not None
    return Instance(name=path.stem, parameters=parameters, weights=weights,
                    submissions=tuple(submissions), tracks=tuple(tracks), sessions=tuple(sessions),
                    rooms=tuple(rooms), **matrices)


def _columns(rows: list[tuple], sheet: str, wanted: dict[str, str], required: Iterable[str],
             problems: Problems) -> dict[str, int]:
    head = _header(rows[0]) if rows else {}
    for key in required:
        if key not in head:
            problems.add(sheet, 1, wanted[key], "column missing")
    return {k: head[k] for k in wanted if k in head}


def _unique(problems: Problems, seen: dict[str, int], name: str, sheet: str, row: int,
            column: str, kind: str) -> bool:
    if name in seen:
        problems.add(sheet, row, column, f"{kind} {name!r} already on row {seen[name]}")
        return False
    seen[name] = row
    return True


def _read_names(rows: list[tuple], sheet: str, column: str, kind: str, problems: Problems) -> list[str]:
    col = _columns(rows, sheet, {column.lower(): column}, [column.lower()], problems)
    if column.lower() not in col:
        return []
    return [name for _, _, name in _keyed(rows, col[column.lower()], sheet, column, kind, problems)]


def _read_tracks(rows: list[tuple], problems: Problems) -> list[Track]:
    names = _read_names(rows, "tracks", "Tracks", "track", problems)
    col = _columns(rows, "tracks", {"tracks": "Tracks", "chairs": "Chairs"}, [], problems)
    chairs: dict[str, tuple[str, ...]] = {}
    if "tracks" in col:
        for _, r in _body(rows):
            name = _name(_cell(r, col["tracks"]))
            if name and "chairs" in col:
                chairs.setdefault(name, _people(_cell(r, col["chairs"])))
    return [Track(name=n, chairs=chairs.get(n, ())) for n in names]


def _read_sessions(rows: list[tuple], problems: Problems) -> list[Session]:
    sheet = "sessions"
    wanted = {"sessions": "Sessions", "max number of timeslots": "Max Number of Timeslots",
              "date": "Date", "start time": "Start Time", "end time": "End Time"}
    col = _columns(rows, sheet, wanted, wanted, problems)
    if len(col) < len(wanted):
        return []
    out = []
    for n, r, name in _keyed(rows, col["sessions"], sheet, "Sessions", "session", problems):
        slots = _integer(problems, sheet, n, "Max Number of Timeslots",
                         _cell(r, col["max number of timeslots"]), minimum=1, blank=None)
        day = _day(problems, sheet, n, "Date", _cell(r, col["date"]))
        start = _clock(problems, sheet, n, "Start Time", _cell(r, col["start time"]))
        end = _clock(problems, sheet, n, "End Time", _cell(r, col["end time"]))
        if start is not None and end is not None and end <= start:
            problems.add(sheet, n, "End Time", "the session ends before it starts")
            continue
        if None in (slots, day, start, end):
            continue
        out.append(Session.model_validate({"name": name, "max_timeslots": slots, "day": day,
                                           "start": start, "end": end}))
    return out


def _read_parameters(rows: list[tuple], problems: Problems) -> tuple[Parameters | None, Weights | None]:
    sheet = "parameters"
    sections = {"suitable scheduling times": "suitable",
                "less suitable scheduling times": "less_suitable",
                "unsuitable scheduling times": "unsuitable"}
    found: dict[str, object] = {}
    section: str | None = None
    weights: dict[str, int] = {}
    weight_keys = {_label(label): (field, label) for field, label in WEIGHT_LABELS}
    seen_weights: dict[str, int] = {}
    for n, r in enumerate(rows, start=1):
        label, value = _label(_cell(r, 0)), _cell(r, 1)
        if label in sections:
            section = sections[label]
        elif label == "local time zone":
            found["local"] = _gmt(problems, sheet, n, "B", value)
        elif label in ("from", "to") and section in ("suitable", "less_suitable"):
            found[f"{section}.{label}"] = _clock(problems, sheet, n, "B", value)
        elif label == "penalty" and section in ("less_suitable", "unsuitable"):
            found[f"{section}.penalty"] = _integer(problems, sheet, n, "B", value, blank=None)
        elif label and label != "sessions":
            problems.add(sheet, n, "A", f"unexpected label {cells.text(_cell(r, 0))!r}")
        wlabel = _label(_cell(r, 3))
        if wlabel in weight_keys:
            field, _ = weight_keys[wlabel]
            if _unique(problems, seen_weights, field, sheet, n, "D", "weight"):
                w = _integer(problems, sheet, n, "E", _cell(r, 4), blank=None)
                if w is not None:
                    weights[field] = w
        elif wlabel and wlabel != "weights":
            problems.add(sheet, n, "D", f"unknown weight {cells.text(_cell(r, 3))!r}")
    for field, label in WEIGHT_LABELS:
        if field not in seen_weights:
            problems.add(sheet, None, "D", f"weight {label!r} missing")
    needed = {"local": "Local time zone", "suitable.from": "Suitable scheduling times: From",
              "suitable.to": "Suitable scheduling times: To",
              "less_suitable.from": "Less suitable scheduling times: From",
              "less_suitable.to": "Less suitable scheduling times: To",
              "less_suitable.penalty": "Less suitable scheduling times: Penalty",
              "unsuitable.penalty": "Unsuitable scheduling times: Penalty"}
    for key, label in needed.items():
        if key not in found:
            problems.add(sheet, None, "A", f"{label!r} missing")
    if problems or len(weights) < len(WEIGHT_LABELS) or any(v is None for v in found.values()):
        return None, None
    params = Parameters.model_validate({
        "local_offset": found["local"],
        "suitable": {"start": found["suitable.from"], "end": found["suitable.to"]},
        "less_suitable": {"start": found["less_suitable.from"], "end": found["less_suitable.to"]},
        "less_suitable_penalty": found["less_suitable.penalty"],
        "unsuitable_penalty": found["unsuitable.penalty"],
    })
    return params, Weights(**weights)


def _read_submissions(rows: list[tuple], tracks: _Names, sessions: _Names, rooms: _Names,
                      problems: Problems) -> list[Submission]:
    sheet = "submissions"
    col = _columns(rows, sheet, _SUBMISSION_COLUMNS, _REQUIRED_SUBMISSION_COLUMNS, problems)
    if any(k not in col for k in _REQUIRED_SUBMISSION_COLUMNS) or not rows:
        return []
    fixed = set(col.values())
    header = rows[0]
    rest = [i for i in range(len(header)) if i not in fixed]
    named = [i for i in rest if not cells.is_blank(header[i])]
    n_s, n_r = len(sessions.exact), len(rooms.exact)
    session_cols = _penalty_columns(header, named[:n_s], sessions, sheet, problems)
    room_cols = _penalty_columns(header, named[n_s:n_s + n_r], rooms, sheet, problems)
    for i in named[n_s + n_r:]:
        problems.warn(sheet, 1, _name(header[i]), "column after the session and room columns, ignored")
    unnamed = [i for i in rest if cells.is_blank(header[i])]
    for n, r in _body(rows):
        for i in unnamed:
            if not cells.is_blank(_cell(r, i)):
                problems.add(sheet, n, get_column_letter(i + 1), "a value under an empty header")
    out: list[Submission] = []
    for n, r, ref in _keyed(rows, col["reference"], sheet, "Reference", "reference", problems):
        track_text = _name(_cell(r, col["track"]))
        track = tracks.resolve(track_text, problems, sheet, n, "Track") if track_text else None
        if not track_text:
            problems.add(sheet, n, "Track", "missing track")
        req = _integer(problems, sheet, n, "Required Timeslots", _cell(r, col["required timeslots"]),
                       minimum=1, blank=None)
        order = (_integer(problems, sheet, n, "Order", _cell(r, col["order"]))
                 if "order" in col else 0)
        tz = _gmt(problems, sheet, n, "Time Zone", _cell(r, col["time zone"]))
        spen = _penalty_row(r, n, session_cols, sheet, problems)
        rpen = _penalty_row(r, n, room_cols, sheet, problems)
        if None in (track, req, order, tz, spen, rpen):
            continue
        out.append(Submission.model_validate({
            "reference": ref, "track": track, "required_timeslots": req, "order": order, "time_zone": tz,
            "presenters": _people(_cell(r, col["presenters"])) if "presenters" in col else (),
            "attendees": _people(_cell(r, col["attendees"])) if "attendees" in col else (),
            "session_penalties": spen, "room_penalties": rpen}))
    return out


def _penalty_columns(header: tuple, idx: list[int], names: _Names, sheet: str,
                     problems: Problems) -> dict[int, str]:
    """Column index -> name for a run of penalty columns that must name each item once."""
    out: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i in idx:
        text = _name(header[i])
        name = names.resolve(text, problems, sheet, 1, text)
        if name is not None and _unique(problems, seen, name, sheet, 1, text, f"{names.kind} column"):
            out[i] = name
    for name in names.exact:
        if name not in seen:
            problems.add(sheet, 1, None, f"no column for {names.kind} {name!r}")
    return out


def _penalty_row(r: tuple, n: int, columns: dict[int, str], sheet: str,
                 problems: Problems) -> dict[str, int] | None:
    out: dict[str, int] = {}
    ok = True
    for i, name in columns.items():
        v = _integer(problems, sheet, n, name, _cell(r, i))
        if v is None:
            ok = False
        elif v:
            out[name] = v
    return out if ok else None


def _read_matrix(rows: list[tuple], sheet: str, row_names: _Names, col_names: _Names,
                 problems: Problems) -> Matrix:
    if not rows:
        problems.add(sheet, None, None, "sheet is empty")
        return {}
    header = rows[0]
    columns = _penalty_columns(header, [i for i in range(1, len(header)) if not cells.is_blank(header[i])],
                               col_names, sheet, problems)
    unnamed = [i for i in range(1, len(header)) if cells.is_blank(header[i])]
    out: Matrix = {}
    seen: dict[str, int] = {}
    for n, r in _body(rows):
        text = _name(_cell(r, 0))
        for i in unnamed + list(range(len(header), len(r))):
            if not cells.is_blank(_cell(r, i)):
                problems.add(sheet, n, get_column_letter(i + 1), "a value under an empty header")
        if not text:
            problems.add(sheet, n, "A", f"missing {row_names.kind} name")
            continue
        name = row_names.resolve(text, problems, sheet, n, "A")
        if name is None or not _unique(problems, seen, name, sheet, n, "A", f"{row_names.kind} row"):
            continue
        values = _penalty_row(r, n, columns, sheet, problems)
        if values:
            out[name] = values
    for name in row_names.exact:
        if name not in seen:
            problems.add(sheet, None, "A", f"no row for {row_names.kind} {name!r}")
    return out


# -- solutions -----------------------------------------------------------------------

def read_solution(path: str | Path, instance: Instance) -> Solution:
    """A CoSPLib solution workbook (``sol``, optional ``violations``) against its instance."""
    path = Path(path)
    problems = Problems()
    wb = _open(path)
    try:
        rows = _sheets(wb, [SOLUTION_SHEET], problems)
        has_report = find_sheet(wb, VIOLATIONS_SHEET) is not None
        report_rows = _sheets(wb, [VIOLATIONS_SHEET], problems)[VIOLATIONS_SHEET] if has_report else None
    finally:
        wb.close()
    problems.raise_if_any(str(path))
    schedule = _read_sol(rows[SOLUTION_SHEET], instance, problems)
    report = _read_report(report_rows, problems) if report_rows is not None else None
    problems.raise_if_any(str(path))
    return Solution(schedule=schedule, report=report, warnings=tuple(str(w) for w in problems.warnings))


def _read_sol(rows: list[tuple], instance: Instance, problems: Problems) -> Schedule:
    sheet = SOLUTION_SHEET
    if not rows:
        problems.add(sheet, None, None, "sheet is empty")
        return Schedule()
    sessions = _Names("session", [s.name for s in instance.sessions])
    tracks = _Names("track", [t.name for t in instance.tracks])
    refs = _Names("submission", [s.reference for s in instance.submissions])
    room_cols: dict[int, str] = {}
    seen: dict[str, int] = {}
    rooms = _Names("room", [r.name for r in instance.rooms])
    for i in range(1, len(rows[0])):
        text = _name(rows[0][i])
        if text:
            name = rooms.resolve(text, problems, sheet, 1, get_column_letter(i + 1))
            if name is not None and _unique(problems, seen, name, sheet, 1, get_column_letter(i + 1),
                                            "room column"):
                room_cols[i] = name
    n = 1
    track_of: dict[tuple[str, str], str] = {}
    seen_sessions: dict[str, int] = {}
    # block 1: a row per session with its tracks, up to an empty row (or a session seen before)
    labels: set[str] = set()
    while n < len(rows) and not cells.is_blank(_cell(rows[n], 0)) and _name(rows[n][0]) not in labels:
        r = rows[n]
        labels.add(_name(r[0]))
        session = sessions.resolve(_name(r[0]), problems, sheet, n + 1, "A")
        if session is not None and _unique(problems, seen_sessions, session, sheet, n + 1, "A", "session"):
            for i, room in room_cols.items():
                text = _name(_cell(r, i))
                if text:
                    track = tracks.resolve(text, problems, sheet, n + 1, room)
                    if track is not None:
                        track_of[(session, room)] = track
        _no_stray(r, room_cols, sheet, n + 1, problems)
        n += 1
    slots: dict[tuple[str, str], dict[int, str]] = {}
    used: dict[str, int] = {}
    for m in range(n, len(rows)):                                       # block 2: time slots
        r = rows[m]
        if all(cells.is_blank(v) for v in r):
            continue
        text = _name(_cell(r, 0))
        if not text:
            problems.add(sheet, m + 1, "A", "a time slot row without a session")
            continue
        session = sessions.resolve(text, problems, sheet, m + 1, "A")
        if session is None:
            continue
        index = used.get(session, 0)
        used[session] = index + 1
        if index >= instance.session(session).max_timeslots:
            problems.add(sheet, m + 1, "A", f"session {session!r} has only "
                                            f"{instance.session(session).max_timeslots} time slots")
            continue
        for i, room in room_cols.items():
            text = _name(_cell(r, i))
            if text:
                ref = refs.resolve(text, problems, sheet, m + 1, room)
                if ref is not None:
                    slots.setdefault((session, room), {})[index] = ref
        _no_stray(r, room_cols, sheet, m + 1, problems)
    out = []
    for s in instance.sessions:
        for r_ in instance.rooms:
            key = (s.name, r_.name)
            if key in track_of or key in slots:
                filled = slots.get(key, {})
                out.append(Cell(session=s.name, room=r_.name, track=track_of.get(key),
                                slots=tuple(filled.get(i) for i in range(s.max_timeslots))))
    return Schedule(cells=tuple(out))


def _no_stray(r: tuple, room_cols: dict[int, str], sheet: str, row: int, problems: Problems) -> None:
    for i in range(1, len(r)):
        if i not in room_cols and not cells.is_blank(r[i]):
            problems.add(sheet, row, get_column_letter(i + 1), "a value under no room")


def _read_report(rows: list[tuple], problems: Problems) -> Report | None:
    sheet = VIOLATIONS_SHEET
    if len(rows) < 2:
        problems.add(sheet, None, None, "expected the objective in A2 and a column pair per criterion")
        return None
    m = _OBJECTIVE.match(cells.text(_cell(rows[1], 0)))
    if not m:
        problems.add(sheet, 2, "A", f"expected 'Objective Value = N', found {cells.text(_cell(rows[1], 0))!r}")
        return None
    criteria = []
    for i in range(1, len(rows[0]), 2):
        name = cells.text(rows[0][i])
        if not name:
            continue
        entries, total = [], None
        for n in range(1, len(rows)):
            label = _name(_cell(rows[n], i))
            if not label:
                break
            value = _integer(problems, sheet, n + 1, get_column_letter(i + 2), _cell(rows[n], i + 1),
                             minimum=None, blank=None)
            if value is None:
                break
            if label == "Total":
                total = value
                break
            entries.append(Entry(label=label, penalty=value))
        if total is None:
            problems.add(sheet, None, get_column_letter(i + 1), f"{name!r}: no 'Total' row")
            continue
        criteria.append(CriterionReport(name=name, entries=tuple(entries), total=total))
    return Report(objective=int(m.group(1)), criteria=tuple(criteria))


def check_schedule(instance: Instance, schedule: Schedule) -> list[str]:
    """What makes ``schedule`` impossible to write for ``instance`` (unknown names, overfull cells)."""
    out = []
    sessions = {s.name: s for s in instance.sessions}
    rooms = {r.name for r in instance.rooms}
    tracks = {t.name for t in instance.tracks}
    refs = {s.reference for s in instance.submissions}
    seen: set[tuple[str, str]] = set()
    for c in schedule.cells:
        where = f"cell ({c.session!r}, {c.room!r})"
        if c.session not in sessions or c.room not in rooms:
            out.append(f"{where}: unknown session or room")
            continue
        if (c.session, c.room) in seen:
            out.append(f"{where}: given twice")
        seen.add((c.session, c.room))
        if c.track is not None and c.track not in tracks:
            out.append(f"{where}: unknown track {c.track!r}")
        if len(c.slots) > sessions[c.session].max_timeslots:
            out.append(f"{where}: {len(c.slots)} time slots, the session has "
                       f"{sessions[c.session].max_timeslots}")
        out += [f"{where}: unknown submission {ref!r}" for ref in c.slots if ref is not None and ref not in refs]
    return out


def write_solution(path: str | Path, instance: Instance, schedule: Schedule,
                   report: Report | None = None) -> None:
    """Write ``schedule`` as a CoSPLib solution workbook (``sol``; ``violations`` when given)."""
    bad = check_schedule(instance, schedule)
    if bad:
        raise ValueError("schedule does not fit the instance: " + "; ".join(bad))
    write_layout(path, [(s.name, s.max_timeslots) for s in instance.sessions], [r.name for r in instance.rooms],
                 schedule, report)


def write_layout(path: str | Path, sessions: Sequence[tuple[str, int]], rooms: Sequence[str],
                 schedule: Schedule, report: Report | None = None) -> None:
    """The ``sol`` sheet of ``schedule`` for sessions (name, time slots) and rooms in this
    order, without an instance to check it against (``write_solution`` checks)."""
    by_cell = {(c.session, c.room): c for c in schedule.cells}
    wb = Workbook()
    ws = wb.active
    ws.title = SOLUTION_SHEET
    ws.append([None, *rooms])
    for name, _ in sessions:
        ws.append([name, *[getattr(by_cell.get((name, r)), "track", None) for r in rooms]])
    ws.append([])
    for name, k in sessions:
        for i in range(k):
            row: list[str | None] = [name]
            for r in rooms:
                c = by_cell.get((name, r))
                row.append(c.slots[i] if c is not None and i < len(c.slots) else None)
            ws.append(row)
    if report is not None:
        _write_report(wb.create_sheet(VIOLATIONS_SHEET), report)
    save_workbook(path, wb)  # atomic, every text stored as text


def _write_report(ws, report: Report) -> None:
    ws.cell(1, 1, "Obj")
    ws.cell(2, 1, f"Objective Value = {report.objective}")
    for k, c in enumerate(report.criteria):
        col = 2 + 2 * k
        ws.cell(1, col, c.name)
        for n, e in enumerate(c.entries, start=2):
            ws.cell(n, col, e.label)
            ws.cell(n, col + 1, e.penalty)
        ws.cell(2 + len(c.entries), col, "Total")
        ws.cell(2 + len(c.entries), col + 1, c.total)


def is_cosplib(path: str | Path) -> bool:
    """True for a readable workbook with CoSPLib's sheets parameters, submissions and similar tracks."""
    problems = Problems()
    wb = open_workbook(Path(path), problems)
    if wb is None:
        return False
    try:
        return all(find_sheet(wb, name) is not None for name in ("parameters", "submissions", "similar tracks"))
    finally:
        wb.close()
