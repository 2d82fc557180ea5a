"""The schedule of a solved workbook that people edited in Excel.

A solved workbook holds its schedule twice: in the day grids ("Day Mon 2027-03-08":
rows are times, columns rooms, each cell "T05 · Title / speakers"), where people move
and swap talks, and in the Talks sheet's ``scheduled_*`` columns. When both agree,
that is the schedule. When they disagree about a talk, the one that was edited wins:
the ``Schedule`` sheet records the programme as it was solved, so the place that
differs from that record is the edit; if both differ from it (or there is no record),
the day grid wins. Every disagreement is reported as a warning naming the talk and
both places.

In a grid a talk is recognised by the id before " · " (or the first word of a cell
holding only an id); other text (a note such as "coffee") is ignored with a warning.
A talk copied instead of moved is read twice, and the evaluator says so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import Problems
from ..model import Assignment, Instance
from ..periods import PeriodError, format_time, parse_date, parse_time
from . import cells
from .archive import Limits
from .output_workbook import GRID_PREFIX
from .workbook import Unreadable, open_workbook, read_schedule_from_workbook, read_table, sheet_rows

Place = tuple[date, str, str]   # day, start "HH:MM", room


def read_edited_workbook(path: str | Path, instance: Instance, warnings: Problems | None = None) -> list[Assignment]:
    """The schedule of a solved workbook, grids and ``scheduled_*`` columns reconciled."""
    path = Path(path)
    by_columns = read_schedule_from_workbook(path, instance)
    problems = Problems()
    wb = open_workbook(path, problems)
    problems.raise_if_any(str(path))
    try:
        grids = read_day_grids(wb, instance, problems)
        record = _solved_record(wb)
    finally:
        wb.close()
    problems.raise_if_any(str(path))
    if warnings is not None:
        warnings.warnings.extend(problems.warnings)
    if grids is None:
        return by_columns
    columns = {a.talk: a for a in by_columns}
    in_grid: dict[str, list[Assignment]] = {}
    for a in grids:
        in_grid.setdefault(a.talk, []).append(a)
    out = [a for a in by_columns if a.talk not in instance.talk_by_id]   # the evaluator names these
    for talk in (t.id for t in instance.talks):
        g, c = in_grid.get(talk, []), columns.get(talk)
        g_places, c_places = sorted(_place(a) for a in g), [_place(c)] if c else []
        if g_places == c_places:
            out.extend(g)
            continue
        solved = record.get(talk)
        use_columns = solved is not None and g_places == [solved] and c_places != [solved]
        out.extend(([c] if c else []) if use_columns else g)
        if use_columns:
            why = "the Talks columns (the day grid still shows the programme as solved)"
        elif solved is not None and c_places == [solved]:
            why = "the day grid (the Talks columns still show the programme as solved)"
        else:
            why = "the day grid (it takes precedence)"
        if warnings is not None:
            warnings.warn(path.name, None, None,
                          f"{talk}: the day grid has it {_describe(g_places)}, the Talks sheet's scheduled_* "
                          f"columns {_describe(c_places)}; using {why}")
    return out


def _place(a: Assignment) -> Place:
    return (a.day, a.start, a.room)


def _describe(places: list[Place]) -> str:
    return " and ".join(f"at {d:%a %Y-%m-%d} {start} in {room}" for d, start, room in places) or "nowhere"


def _solved_record(wb) -> dict[str, Place]:
    """talk -> place, from the ``Schedule`` sheet written with the solved workbook."""
    table = read_table(wb, "Schedule", Problems())
    out: dict[str, Place] = {}
    if not table.present or not {"day", "start", "room", "talk"} <= set(table.columns):
        return out
    for row in table.rows:
        try:
            place = (cells.day(row.get("day")), format_time(cells.clock(row.get("start"))), cells.text(row.get("room")))
        except cells.CellError:
            continue
        out.setdefault(cells.text(row.get("talk")), place)
    return out


def grid_date(title: str) -> date | None:
    """The day of a grid sheet ("Day Mon 2027-03-08"), None for any other sheet."""
    if not title.startswith(GRID_PREFIX):
        return None
    try:
        return parse_date(title.rsplit(" ", 1)[-1])
    except PeriodError:
        return None


def talk_id_of(text: str, ids: dict[str, str]) -> str | None:
    """The talk id a grid cell shows ("T05 · Title\nSpeaker", or just "T05").

    The id is what precedes the first " · " (or "·") of the cell's first line; ids may
    hold spaces ("Keynote 1").
    """
    first = text.strip().splitlines()[0] if text.strip() else ""
    for head in (first.split(" · ", 1)[0], first.split("·", 1)[0]):
        found = ids.get(" ".join(head.split()).casefold())
        if found is not None:
            return found
    return None


def read_day_grids(wb, instance: Instance, problems: Problems) -> list[Assignment] | None:
    """Every talk placed in the day grids (None when the workbook has no grid sheet)."""
    ids = {t.id.casefold(): t.id for t in instance.talks}
    rooms = {r.name.casefold(): r.name for r in instance.rooms}
    limits = Limits.from_env()
    found = False
    out: list[Assignment] = []
    for title in wb.sheetnames:
        day = grid_date(title)
        if day is None:
            continue
        found = True
        header: list[str] = []
        for n, values in sheet_rows(wb, wb[title], title, problems, limits):
            if n == 1:
                header = [cells.text(v) for v in values]
                continue
            for col, value in enumerate(values):
                if col < 2 or cells.is_blank(value) or isinstance(value, Unreadable):
                    continue
                where = (title, n, header[col] if col < len(header) and header[col] else f"column {col + 1}")
                text = cells.text(value)
                talk = talk_id_of(text, ids)
                if talk is None:
                    problems.warn(*where, f"{text.splitlines()[0]!r} is not a talk id; ignored")
                    continue
                room = rooms.get(header[col].casefold()) if col < len(header) else None
                if room is None:
                    problems.add(*where, f"{talk} is in a column whose header is not a room of the Rooms sheet")
                    continue
                try:
                    start = parse_time(cells.text(values[0]).split("-")[0].strip())
                except PeriodError:
                    problems.add(title, n, "time", f"{talk} is in a row without a start time (expected e.g. 09:00-09:45)")
                    continue
                out.append(_assignment(instance, talk, room, day, start, cells.text(values[1])))
    return out if found else None


def _assignment(instance: Instance, talk: str, room: str, day: date, start: int, session: str) -> Assignment:
    t = instance.talk_by_id[talk]
    p = instance.placement_at(t, room, day, start)
    end = p.end if p else start + (t.duration or 0)
    return Assignment(talk=talk, room=room, day=day, start=format_time(start), end=format_time(end),
                      session=p.session if p else session)
