"""A CoSPLib instance as a conference workbook (``sessionplan import GECCO21.xlsx``).

Every sheet and every penalty matrix of the instance becomes rows of the workbook, each
CoSPLib criterion a rule whose penalty is the criterion's weight times its CoSPLib amount,
so that the workbook's objective *is* the CoSPLib objective:

========================================  =================================================
CoSPLib                                    conference workbook
========================================  =================================================
submission (reference, required slots)     Talks row: id and title the reference, duration
                                           the required slots times the slot length
presenters / attendees / track chairs      Speakers / People (``attends``) / Tracks ``chairs``
sessions (one CoSPLib session)             one session block of Slots, ``Max Number of
                                           Timeslots`` slots of one length (all rooms open)
tracks_sessions, tracks_rooms,             CellCosts rows (track, session label, room),
sessions_rooms                             penalty = weight x matrix entry, per cell in use
submissions_sessions / _rooms              CellCosts rows with ``talk``, per slot it fills
similar tracks                             Tracks ``similar``: ``B = weight x entry`` (the
                                           larger of the two triangles, written once)
number of rooms per track, parallel        Tracks ``one_room``, ``not_parallel``,
tracks, consecutive tracks                 ``consecutive``: the weight
submissions order                          Talks ``order``; Tracks ``order``: the weight
submissions' time zones                    Talks ``zone`` (``UTC+2``), Windows (suitable,
                                           less suitable, outside), Settings ``zone`` and
                                           ``windows_over = session``; per talk and session
                                           CellCosts rows where the grid's times would
                                           change a penalty (see ``Converted.notes``)
presenters / attendees / chairs conflicts  Conflicts rows: ``session`` level (and ``slot``
(session level, time-slot level)           for the [TS] criteria), weight = the weight
========================================  =================================================

The Weights sheet switches the topic terms off and leaves the new terms at 1, so every
amount the workbook charges is the integer CoSPLib charges. A workbook cell holds at most
10^7: a term whose products exceed that gets their greatest common divisor as its weight
(CoSPLib's weights are powers of ten, so 10^7 x 10^7 is a penalty 10^7 at weight 10^7),
and every product stays an exact integer.

The slot grid: one slot length for the whole conference (a submission takes the same
number of slots in every session), the shortest whole-minute length of any session's
slots; a session starts at its CoSPLib time and lasts its slots. Sessions that would
overlap in time (CoSPLib's sessions need not be in time order apart from their sheet
order) move to later days, keeping their times of day and the sheet's order.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..errors import InputError, Problem, Problems
from ..periods import format_time
from ..terms import TERMS
from . import cosplib
from .cosplib_score import timezone_penalty

WEIGHT_MAX = 10_000_000      # the largest number a Weights, CellCosts, Tracks or Conflicts cell takes
TOPIC_TERMS_OFF = ("topic_cohesion", "topic_parallel", "topic_clash", "topic_day", "speaker_prefers",
                   "room_capacity")


@dataclass
class Converted:
    """The workbook of a converted instance: rows per sheet (column -> value), and notes."""

    instance: cosplib.Instance
    sheets: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    slot_minutes: int = 0
    windows_exact: bool = True
    session_days: dict[str, date] = field(default_factory=dict)

    def add(self, sheet: str, **values: object) -> None:
        self.sheets.setdefault(sheet, []).append({k: v for k, v in values.items() if v is not None})


def offset_zone(hours: int) -> str:
    """A fixed GMT offset as the workbook's zone text (``UTC+2``, ``UTC-8``, ``UTC+0``)."""
    return f"UTC{hours:+d}"


def slot_minutes(instance: cosplib.Instance) -> int:
    """The one slot length: the shortest whole-minute slot of any session (at least 1)."""
    return max(1, min((s.end - s.start) // s.max_timeslots for s in instance.sessions))


def session_days(instance: cosplib.Instance, length: int) -> dict[str, date]:
    """Each session's day in the grid: its own, or a later one when it would overlap the
    session before it (sheet order kept, times of day kept)."""
    out: dict[str, date] = {}
    shift = 0
    prev: tuple[date, int] | None = None
    for s in instance.sessions:
        end = s.start + s.max_timeslots * length
        day = s.day + timedelta(days=shift)
        if prev is not None and (day < prev[0] or (day == prev[0] and s.start < prev[1])):
            shift += (prev[0] - day).days + 1
            day = s.day + timedelta(days=shift)
        out[s.name] = day
        prev = (day, end)
    return out


def _window_penalty(instance: cosplib.Instance, offset: int, start: int, end: int) -> int:
    """The Windows sheet's rule (lowest penalty of the windows holding the local span, else
    the outside penalty) for the rows written, before the weight."""
    p = instance.parameters
    shift = (offset - p.local_offset) * 60
    a, b = start + shift, end + shift
    day_a = a // 1440
    a, b = a - day_a * 1440, b - day_a * 1440
    if b > 1440:
        return p.unsuitable_penalty                       # past midnight: no window holds it
    best = p.unsuitable_penalty
    for w, pen in ((p.suitable, 0), (p.less_suitable, p.less_suitable_penalty)):
        if w.start <= a and b <= w.end:
            best = min(best, pen)
    return best


def convert(instance: cosplib.Instance) -> Converted:
    """The conference workbook's rows for ``instance`` (InputError if a name cannot be kept)."""
    _check_names(instance)
    w = instance.weights
    out = Converted(instance)
    length = out.slot_minutes = slot_minutes(instance)
    days = out.session_days = session_days(instance, length)

    # -- grid
    for r in instance.rooms:
        out.add("Rooms", name=_keep(r.name))
    for s in instance.sessions:
        for i in range(s.max_timeslots):
            out.add("Slots", day=days[s.name], start=format_time(s.start + i * length),
                    end=format_time(s.start + (i + 1) * length), session=_keep(s.name))
    moved = [s.name for s in instance.sessions if days[s.name] != s.day]
    if moved:
        out.notes.append(f"sessions {', '.join(moved)} overlap earlier sessions in time and were moved to "
                         "later days (times of day and the sessions' order kept)")
    short = [s.name for s in instance.sessions if s.start + s.max_timeslots * length != s.end]
    if short:
        out.notes.append(f"slots of {length} minutes: sessions {', '.join(short[:8])}"
                         f"{' ...' if len(short) > 8 else ''} last their slots, not their CoSPLib times")

    # -- time zones: windows when the grid's session times give CoSPLib's penalties, else rows
    tz = w.submissions_timezones
    offsets = sorted({sub.time_zone for sub in instance.submissions})
    if tz:
        out.windows_exact = all(
            _window_penalty(instance, o, s.start, s.start + s.max_timeslots * length)
            == timezone_penalty(instance, o, s.name)
            for o in offsets for s in instance.sessions)
    p = instance.parameters
    out.add("Settings", key="zone", value=offset_zone(p.local_offset))
    if tz and out.windows_exact:
        out.add("Settings", key="windows_over", value="session")
        out.add("Windows", **{"from": format_time(p.suitable.start), "to": format_time(p.suitable.end),
                              "penalty": 0})
        out.add("Windows", **{"from": format_time(p.less_suitable.start), "to": format_time(p.less_suitable.end),
                              "penalty": tz * p.less_suitable_penalty})
        out.add("Windows", penalty=tz * p.unsuitable_penalty)
    elif tz:
        out.notes.append("time zones: the grid's session times would change some CoSPLib penalties, so each "
                         "submission's time-zone penalty is a CellCosts row per session")

    # -- people
    presenters = list(dict.fromkeys(p_ for sub in instance.submissions for p_ in sub.presenters))
    no_presenter = {sub.reference: f"presenter of {sub.reference}" for sub in instance.submissions
                    if not sub.presenters}
    for name in presenters + list(no_presenter.values()):
        out.add("Speakers", name=_keep(name))
    if no_presenter:
        out.notes.append(f"{len(no_presenter)} submissions without presenters have a speaker "
                         "'presenter of <reference>'")
    attends: dict[str, list[str]] = {}
    for sub in instance.submissions:
        for a in dict.fromkeys(sub.attendees):
            attends.setdefault(a, []).append(_keep(sub.reference))
    chairs = [c for t in instance.tracks for c in t.chairs]
    for name in list(attends) + [c for c in dict.fromkeys(chairs) if c not in attends]:
        out.add("People", name=_keep(name), attends=_join(attends.get(name, [])) or None)

    # -- talks
    for sub in instance.submissions:
        out.add("Talks", id=_keep(sub.reference), title=_keep(sub.reference),
                speakers=_join(dict.fromkeys(sub.presenters)) if sub.presenters else no_presenter[sub.reference],
                duration=sub.required_timeslots * length, track=_keep(sub.track),
                order=sub.order or None, zone=offset_zone(sub.time_zone))

    # -- tracks
    pairs = _similar_pairs(instance)
    for t in instance.tracks:
        similar = [[_keep(b), w.similar_tracks * v] for b, v in pairs.get(t.name, []) if w.similar_tracks * v]
        out.add("Tracks", name=_keep(t.name), chairs=_join(dict.fromkeys(t.chairs)) or None,
                similar=similar or None,
                one_room=w.rooms_per_track or None, consecutive=w.consecutive_tracks or None,
                not_parallel=w.parallel_tracks or None, order=w.submissions_order or "no")

    # -- cells
    def cells(weight: int, matrix: cosplib.Matrix, kind: str) -> None:
        for row, values in sorted(matrix.items(), key=lambda kv: _position(instance, kind[0], kv[0])):
            for col, v in sorted(values.items(), key=lambda kv: _position(instance, kind[1], kv[0])):
                if weight * v:
                    place = {"t": "track", "s": "period", "r": "room"}
                    out.add("CellCosts", **{place[kind[0]]: _keep(row), place[kind[1]]: _keep(col),
                                            "penalty": weight * v})

    cells(w.tracks_sessions, instance.tracks_sessions, "ts")
    cells(w.tracks_rooms, instance.tracks_rooms, "tr")
    cells(w.sessions_rooms, instance.sessions_rooms, "sr")
    for sub in instance.submissions:
        for s in instance.sessions:
            pen = w.submissions_sessions * sub.session_penalties.get(s.name, 0)
            if tz and not out.windows_exact:
                pen += tz * timezone_penalty(instance, sub.time_zone, s.name)
            if pen:
                out.add("CellCosts", talk=_keep(sub.reference), period=_keep(s.name), penalty=pen)
        for room, v in sub.room_penalties.items():
            if w.submissions_rooms * v:
                out.add("CellCosts", talk=_keep(sub.reference), room=_keep(room), penalty=w.submissions_rooms * v)

    # -- conflicts
    for who, session_w, slot_w in (("presenters", w.presenters_conflicts, w.presenters_conflicts_timeslot),
                                   ("attendees", w.attendees_conflicts, w.attendees_conflicts_timeslot),
                                   ("chairs", w.chairs_conflicts, 0)):
        if session_w:
            out.add("Conflicts", who=who, level="session", weight=session_w)
        if slot_w:
            out.add("Conflicts", who=who, level="slot", weight=slot_w)
        if not session_w and not slot_w:
            out.add("Conflicts", who=who, level="none")

    # -- weights: the topic terms off, the rest charged as the cells say (weight 1)
    for term in TERMS:
        if term in TOPIC_TERMS_OFF:
            out.add("Weights", term=term, weight=0)
    _scale(out)
    return out


# (term, sheet, column, rows of the sheet it covers) of every number the conversion writes
_TERM_CELLS: tuple[tuple[str, str, str, tuple[str, str] | None], ...] = (
    ("track_cells", "CellCosts", "penalty", None),
    ("track_similar", "Tracks", "similar", None),
    ("track_rooms", "Tracks", "one_room", None),
    ("track_consecutive", "Tracks", "consecutive", None),
    ("track_parallel", "Tracks", "not_parallel", None),
    ("track_order", "Tracks", "order", None),
    ("presenter_conflicts", "Conflicts", "weight", ("who", "presenters")),
    ("attendee_conflicts", "Conflicts", "weight", ("who", "attendees")),
    ("chair_conflicts", "Conflicts", "weight", ("who", "chairs")),
    ("local_hours", "Windows", "penalty", None),
)


def _scale(out: Converted) -> None:
    """Keep every number within the workbook's bound (WEIGHT_MAX): a term whose numbers
    exceed it gets a common divisor of them as its weight (a CoSPLib weight or a power of
    ten, whichever brings them within the bound) and the numbers divided by it (exact); a
    term that cannot is refused. Tracks' similar entries become their text."""
    problems = Problems()
    for term, sheet, column, only in _TERM_CELLS:
        rows = [r for r in out.sheets.get(sheet, []) if only is None or r.get(only[0]) == only[1]]
        values: list[int] = []
        for r in rows:
            v = r.get(column)
            if column == "similar" and isinstance(v, list):
                values += [x for _, x in v]
            elif isinstance(v, int) and not isinstance(v, bool):
                values.append(v)
        if not values or max(values) <= WEIGHT_MAX:
            continue
        common = math.gcd(*values)
        candidates = sorted({common, *(10 ** k for k in range(8)),
                             *(v for v in out.instance.weights.model_dump().values() if v)})
        g = next((d for d in candidates if common % d == 0 and d <= WEIGHT_MAX and max(values) // d <= WEIGHT_MAX),
                 0)
        if not g:
            problems.add(sheet, None, column, f"penalties up to {max(values):,} (CoSPLib weight x penalty) exceed the "
                                              f"workbook's {WEIGHT_MAX:,} and have no common factor that brings them "
                                              "within it")
            continue
        for r in rows:
            v = r.get(column)
            if column == "similar" and isinstance(v, list):
                r[column] = [[b, x // g] for b, x in v]
            elif isinstance(v, int) and not isinstance(v, bool):
                r[column] = v // g
        out.add("Weights", term=term, weight=g)
        out.notes.append(f"{term}: penalties divided by {g:,}, the term's weight")
    for r in out.sheets.get("Tracks", []):
        similar = r.get("similar")
        if isinstance(similar, list):
            r["similar"] = "; ".join(f"{b} = {x}" for b, x in similar)
    problems.raise_if_any(out.instance.name)


def _position(instance: cosplib.Instance, kind: str, name: str) -> int:
    names = {"t": [t.name for t in instance.tracks], "s": [s.name for s in instance.sessions],
             "r": [r.name for r in instance.rooms]}[kind]
    return names.index(name)


def _similar_pairs(instance: cosplib.Instance) -> dict[str, list[tuple[str, int]]]:
    """Per track (the first of the pair in the tracks sheet), the later tracks similar to it
    and the larger entry of the two triangles."""
    order = [t.name for t in instance.tracks]
    out: dict[str, list[tuple[str, int]]] = {}
    for i, a in enumerate(order):
        for b in order[i + 1:]:
            v = max(cosplib.Instance.penalty(instance.similar_tracks, a, b),
                    cosplib.Instance.penalty(instance.similar_tracks, b, a))
            if v:
                out.setdefault(a, []).append((b, v))
    return out


def _keep(name: str) -> str:
    """A name as the workbook keeps it (runs of spaces one space, none around it: the reader
    reads names so)."""
    return " ".join(name.split())


def _join(names: Iterable[str]) -> str:
    return "; ".join(_keep(n) for n in names)


def _check_names(instance: cosplib.Instance) -> None:
    """Names the workbook cannot keep apart or cannot list: located problems, all at once."""
    problems = Problems()
    groups: dict[str, list[tuple[str, str]]] = {
        "tracks": [(t.name, "Tracks") for t in instance.tracks],
        "rooms": [(r.name, "Rooms") for r in instance.rooms],
        "sessions": [(s.name, "Sessions") for s in instance.sessions],
        "submissions": [(s.reference, "Reference") for s in instance.submissions],
        "submissions ": [(p, "Presenters") for p in sorted(instance.people())],
    }
    for sheet, names in groups.items():
        seen: dict[str, str] = {}
        for name, column in names:
            key = _keep(name).casefold()
            if key in seen and seen[key] != name:
                problems.add(sheet.strip(), None, column, f"{name!r} and {seen[key]!r} differ only in case or "
                                                          "spaces; the workbook would take them as one")
            seen.setdefault(key, name)
            bad = ";" if ";" in name else ("=" if "=" in name and column == "Tracks" else None)
            if bad:
                problems.add(sheet.strip(), None, column, f"{name!r} holds {bad!r}, the workbook's list separator")
    problems.raise_if_any(instance.name)


# -- writing ---------------------------------------------------------------------------

def sheet_rows(conv: Converted) -> tuple[dict[str, list[list]], dict[str, list[str]]]:
    """Rows per sheet in the order of its columns, and the columns of each sheet: the
    schema's for the sheets it declares, the rows' own for the others."""
    from .schema import SHEETS

    rows: dict[str, list[list]] = {}
    headers: dict[str, list[str]] = {}
    for name, items in conv.sheets.items():
        used = list(dict.fromkeys(k for item in items for k in item))
        header = list(SHEETS[name].names) if name in SHEETS else used
        header += [c for c in used if c not in header]
        headers[name] = header
        rows[name] = [[item.get(c) for c in header] for item in items]
    return rows, headers


def write_converted(conv: Converted, path: str | Path, source: str = "") -> None:
    """The conference workbook: the input sheets, the rule sheets, and an ``Import`` sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .saving import save_workbook
    from .schema import SHEETS
    from .template import style_header, write_input_sheets

    rows, headers = sheet_rows(conv)
    wb = Workbook()
    wb.remove(wb.active)
    write_input_sheets(wb, {k: v for k, v in rows.items() if k in SHEETS},
                       {k: tuple(h[len(SHEETS[k].names):]) for k, h in headers.items() if k in SHEETS})
    for name, header in headers.items():
        if name in SHEETS:
            continue
        ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
        style_header(ws, header)
        for r in rows[name]:
            ws.append(r)
    inst = conv.instance
    ws = wb.create_sheet("Import", 0)
    ws.column_dimensions["A"].width = 120
    lines = [f"Imported from the CoSPLib instance {Path(source).name or inst.name}",
             f"{len(inst.submissions)} submissions, {len(inst.tracks)} tracks, {len(inst.sessions)} sessions, "
             f"{len(inst.rooms)} rooms; slots of {conv.slot_minutes} minutes",
             "Every penalty is the CoSPLib weight times the CoSPLib amount: the objective is CoSPLib's. "
             "'sessionplan export <solved workbook> --format cosplib --instance <instance>' writes the "
             "solution workbook.", ""] + conv.notes
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    save_workbook(path, wb)


def import_cosplib(path: str | Path, target: str | Path | None = None) -> Converted:
    """Read and convert a CoSPLib instance; the workbook is read back by the workbook reader
    (as ``sessionplan check`` does) and InputError names what it refuses. Written to
    ``target`` when given, and only when it reads back."""
    from ..explanation import findings
    from .workbook import read_workbook

    source = Path(path)
    conv = convert(cosplib.read_instance(source))
    suffix = " (in the workbook this import would write; nothing was written)"
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / (source.stem + ".xlsx")
        write_converted(conv, probe, str(source))
        try:
            inst = read_workbook(probe)
        except InputError as exc:
            raise InputError([type(p)(p.sheet, p.row, p.column, p.message + suffix) for p in exc.problems],
                             str(source)) from None
    found = list(findings(inst))   # the cheap feasibility checks of `sessionplan check`
    if found:
        raise InputError([Problem(None, None, None, f"{f.summary}{suffix}") for f in found], str(source))
    if target is not None:
        write_converted(conv, target, str(source))
    return conv
