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
from .colours import NO_TOPIC, colouring
from .print_layout import row_height
from .saving import save_workbook
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


ROOM_WIDTH = 38          # characters, a room's column in the day grids
SESSION_WIDTH = 12


def landscape_page(ws, header: str, *, fit: bool) -> None:
    """A4 landscape, narrow margins, a header line and page numbers; ``fit``: the whole
    sheet scaled onto one page (else the scale is set by the caller)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.sheet_properties.pageSetUpPr.fitToPage = fit
    if fit:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = header
    ws.oddFooter.center.text = "page &P of &N"


def grid_row_heights(texts: dict[tuple[int, int], tuple[str, int]], rows: list[int], chars: int) -> dict[int, float]:
    """Row heights (points) that show every cell's text whole: ``texts`` maps (first row,
    column) to (text, rows spanned); a cell spanning rows shares its height among them."""
    height = {r: row_height([""], chars) for r in rows}
    for (first, _col), (text, span) in sorted(texts.items()):
        need = row_height([text], chars)
        spanned = [r for r in rows if first <= r < first + span]
        have = sum(height[r] for r in spanned)
        if need > have:
            for r in spanned:
                height[r] += (need - have) / len(spanned)
    return height


def write_day_grids(wb: Workbook, instance: Instance, assignments: list[Assignment]) -> None:
    """One sheet per day (rows: start times, columns: rooms), each printed on one landscape
    page, with rows as tall as their text and the colour legend below."""
    by_day: dict = {}
    for a in assignments:
        by_day.setdefault(a.day, []).append(a)
    colours = colouring(instance, assignments)
    rooms = [r.name for r in instance.rooms]
    for day in instance.days:
        ws = wb.create_sheet(day_sheet_name(day))
        landscape_page(ws, f"{instance.name} · {day:%A} {day.day} {day:%B %Y}", fit=True)
        header = ["time", "session", *rooms]
        style_header(ws, header)
        ws.column_dimensions["A"].width = 13
        ws.column_dimensions["B"].width = SESSION_WIDTH
        for i in range(len(rooms)):
            ws.column_dimensions[get_column_letter(3 + i)].width = ROOM_WIDTH
        slots = [s for s in instance.slots if s.day == day]
        starts = sorted({s.start for s in slots})
        row_of = {start: 2 + i for i, start in enumerate(starts)}
        texts: dict[tuple[int, int], tuple[str, int]] = {}
        for start, r in row_of.items():
            here = [s for s in slots if s.start == start]
            ws.cell(row=r, column=1, value=f"{format_time(start)}-{format_time(max(s.end for s in here))}").alignment = WRAP
            session = ws.cell(row=r, column=2, value=", ".join(sorted({s.session for s in here})))
            session.alignment = WRAP
            texts[(r, 2)] = (str(session.value), 1)
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
            texts[(first, col)] = (str(cell.value), last - first + 1)
            if last > first:
                ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
        # the session column is narrower: its labels wrap sooner
        session_texts = {k: v for k, v in texts.items() if k[1] == 2}
        talk_texts = {k: v for k, v in texts.items() if k[1] != 2}
        heights = grid_row_heights(talk_texts, list(row_of.values()), ROOM_WIDTH - 2)
        for r, h in grid_row_heights(session_texts, list(row_of.values()), SESSION_WIDTH - 1).items():
            ws.row_dimensions[r].height = round(max(h, heights[r]), 1)
        last_row = write_legend(ws, len(starts) + 3, colours.note, colours.legend.get(day, []))
        ws.print_area = f"A1:{get_column_letter(max(2 + len(rooms), 4))}{last_row}"


def write_legend(ws, row: int, note: str, entries: list[tuple[str, str]]) -> int:
    """Below a day grid: what the colours mean, one swatch and label per line; returns
    the legend's last row."""
    ws.cell(row=row, column=1, value="legend").font = Font(bold=True)
    ws.cell(row=row, column=2, value=note)
    for k, (label, colour) in enumerate(entries, start=1):
        swatch = ws.cell(row=row + k, column=1)
        swatch.fill, swatch.border = PatternFill("solid", fgColor=colour), BOX
        ws.cell(row=row + k, column=2, value=label)
    return row + len(entries)


def _table(wb: Workbook, name: str, header: list[str], rows: Iterable[list]) -> None:
    ws = wb.create_sheet(name)
    landscape_page(ws, name, fit=False)
    ws.sheet_properties.pageSetUpPr.fitToPage = True      # as wide as one page, as long as it takes
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    style_header(ws, header)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP


PERCENT_KEYS = ("gap",)   # summary figures that are shares, shown as percentages


def write_score_sheet(wb: Workbook, summary: dict, evaluation: Evaluation | None) -> None:
    """The run's figures (the gap as a percentage), then each term and the total."""
    ws = wb.create_sheet("Score")
    for key, value in summary.items():
        ws.append([key, value])
        if key in PERCENT_KEYS and isinstance(value, (int, float)):
            ws.cell(row=ws.max_row, column=2).number_format = "0.00%"
    ws.append([])
    if evaluation is not None:
        ws.append(["term", "weight", "count", "penalty", "involved"])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for term in evaluation.terms.values():
            ws.append([term.name, term.weight, round(term.amount, 6), round(term.penalty, 6), "; ".join(term.items)])
        ws.append(["total", None, None, round(evaluation.total, 6)])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        ws.append([])
        ws.append(["hard violations", evaluation.hard_violations])
        for v in evaluation.violations:
            ws.append(["", v.message])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["E"].width = 100


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
    write_score_sheet(wb, summary, evaluation)
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

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

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
