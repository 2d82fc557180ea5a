"""The solved workbook: day grids to read and print, lists, the score, and the input.

The input sheets are written back (with the schedule in ``scheduled_*`` columns of
Talks), so an organizer can edit the output and solve or compare it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..evaluate import Evaluation
from ..model import Assignment, Instance
from ..periods import format_time, parse_time
from .saving import save_workbook
from .colours import NO_TOPIC, colouring
from .schema import SCHEDULE_COLUMNS
from .template import rows_with_schedule, style_header, write_input_sheets

THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
GRID_PREFIX = "Day "


def day_sheet_name(day) -> str:
    return f"{GRID_PREFIX}{day:%a %Y-%m-%d}"


def talk_cell_text(instance: Instance, talk_id: str) -> str:
    t = instance.talk_by_id[talk_id]
    text = f"{t.id} · {t.title}\n{', '.join(t.speakers)}"
    return text + (f"\n[{'; '.join(t.topics)}]" if t.topics else "")


def write_day_grids(wb: Workbook, instance: Instance, assignments: list[Assignment]) -> None:
    by_day: dict = {}
    for a in assignments:
        by_day.setdefault(a.day, []).append(a)
    colours = colouring(instance, assignments)
    rooms = [r.name for r in instance.rooms]
    for day in instance.days:
        ws = wb.create_sheet(day_sheet_name(day))
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = "1:1"
        ws.oddHeader.center.text = f"{instance.name} · {day:%A} {day.day} {day:%B %Y}"
        ws.oddFooter.center.text = "page &P of &N"
        header = ["time", "session", *rooms]
        style_header(ws, header)
        ws.column_dimensions["A"].width = 13
        ws.column_dimensions["B"].width = 10
        for i in range(len(rooms)):
            ws.column_dimensions[get_column_letter(3 + i)].width = 38
        slots = [s for s in instance.slots if s.day == day]
        starts = sorted({s.start for s in slots})
        row_of = {start: 2 + i for i, start in enumerate(starts)}
        for start, r in row_of.items():
            here = [s for s in slots if s.start == start]
            ws.cell(row=r, column=1, value=f"{format_time(start)}-{format_time(max(s.end for s in here))}")
            ws.cell(row=r, column=2, value=", ".join(sorted({s.session for s in here})))
            ws.row_dimensions[r].height = 48
        for a in by_day.get(day, []):
            if a.room not in rooms:
                continue
            col = 3 + rooms.index(a.room)
            start = parse_time(a.start)
            first = row_of.get(start)
            if first is None:
                continue
            fill = colours.talk_colour.get(a.talk, NO_TOPIC)
            last = first
            end = parse_time(a.end)
            for s, r in row_of.items():
                if start < s < end:
                    last = max(last, r)
            cell = ws.cell(row=first, column=col, value=talk_cell_text(instance, a.talk))
            cell.alignment, cell.border = WRAP, BOX
            cell.fill = PatternFill("solid", fgColor=fill)
            if last > first:
                ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
        write_legend(ws, len(starts) + 3, colours.note, colours.legend.get(day, []))


def write_legend(ws, row: int, note: str, entries: list[tuple[str, str]]) -> None:
    """Below a day grid: what the colours mean, one swatch and label per line."""
    ws.cell(row=row, column=1, value="legend").font = Font(bold=True)
    ws.cell(row=row, column=2, value=note)
    for k, (label, colour) in enumerate(entries, start=1):
        swatch = ws.cell(row=row + k, column=1)
        swatch.fill, swatch.border = PatternFill("solid", fgColor=colour), BOX
        ws.cell(row=row + k, column=2, value=label)


def _table(wb: Workbook, name: str, header: list[str], rows: Iterable[list]) -> None:
    ws = wb.create_sheet(name)
    style_header(ws, header)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP


def write_solved_workbook(path: str | Path, instance: Instance, assignments: list[Assignment],
                          evaluation: Evaluation | None, summary: dict,
                          extra_sheets: dict[str, tuple[list[str], list[list]]] | None = None) -> None:
    save_workbook(path, solved_workbook(instance, assignments, evaluation, summary, extra_sheets))


def solved_workbook(
    instance: Instance,
    assignments: list[Assignment],
    evaluation: Evaluation | None,
    summary: dict,
    extra_sheets: dict[str, tuple[list[str], list[list]]] | None = None,
) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    write_day_grids(wb, instance, assignments)
    placed = {a.talk: a for a in assignments}
    _table(
        wb, "Schedule",
        ["day", "start", "end", "room", "session", "talk", "title", "speakers"],
        [[a.day, a.start, a.end, a.room, a.session, a.talk, instance.talk_by_id[a.talk].title,
          ", ".join(instance.talk_by_id[a.talk].speakers)] for a in assignments if a.talk in instance.talk_by_id],
    )
    _table(
        wb, "By speaker",
        ["speaker", "affiliation", "talk", "title", "day", "start", "end", "room", "unavailable", "prefers"],
        [[s.name, s.affiliation, t, instance.talk_by_id[t].title,
          *( [placed[t].day, placed[t].start, placed[t].end, placed[t].room] if t in placed else ["", "", "", ""]),
          "; ".join(p.text for p in s.unavailable), "; ".join(p.text for p in s.prefers)]
         for s in instance.speakers for t in instance.talks_of_speaker.get(s.name, [])],
    )
    score_rows = [[k, v] for k, v in summary.items()] + [[]]
    if evaluation is not None:
        score_rows.append(["term", "weight", "count", "penalty", "involved"])
        for term in evaluation.terms.values():
            score_rows.append([term.name, term.weight, round(term.amount, 6), round(term.penalty, 6),
                               "; ".join(term.items)])
        score_rows += [[], ["hard violations", evaluation.hard_violations]]
        score_rows += [["", v.message] for v in evaluation.violations]
    ws = wb.create_sheet("Score")
    for r in score_rows:
        ws.append(r)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["E"].width = 100
    for name, (header, rows) in (extra_sheets or {}).items():
        _table(wb, name, header, rows)
    write_input_sheets(wb, rows_with_schedule(instance, assignments), {"Talks": SCHEDULE_COLUMNS})
    if summary.get("run"):
        wb.properties.identifier = str(summary["run"])  # the schedule JSON of the same run names it too
    return wb


def run_of_workbook(data: bytes) -> str | None:
    """The run id a solved workbook records (its document identifier), None if none."""
    import io
    import zipfile

    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

    from .archive import DAMAGED

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return None
            root = fromstring(zf.read(info))
    except (*DAMAGED, DefusedXmlException):  # any damage: no run id can be read
        return None
    found = root.find("{http://purl.org/dc/elements/1.1/}identifier")
    return (found.text or "").strip() or None if found is not None else None
