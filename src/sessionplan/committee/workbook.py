"""The comparison workbook: a summary, the moves, per-speaker changes, a grid per schedule.

Grids show every day of one schedule stacked (rows: day and time, columns: rooms).
Talks placed differently from the first schedule are highlighted: amber when they are
on another day or with other session-mates (what a committee notices), pale yellow
when only their time or room changed. Talks named in a hard violation are in red.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from ..io.output_workbook import BOX, ROOM_WIDTH, WRAP, _table, grid_row_heights, landscape_page, talk_cell_text
from ..io.print_layout import column_points, fit_scale
from ..io.saving import save_workbook
from ..io.template import style_header
from ..periods import format_time, parse_time
from .comparison import Comparison

MOVED = PatternFill("solid", fgColor="FFF2CC")      # same day and session-mates, other time or room
RESEATED = PatternFill("solid", fgColor="FFC000")   # another day or other session-mates
HARD = Font(bold=True, color="C00000")
DAY_ROW = PatternFill("solid", fgColor="D9D9D9")


def sheet_title(text: str, taken: list[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:31]
    out, n = base, 2
    while out.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    return out


def _plain(v):
    return v.item() if hasattr(v, "item") else v


def write_comparison_workbook(path: str | Path, c: Comparison) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    side = c.side_by_side()
    _table(wb, "Summary", ["figure", *side.columns],
           [[str(idx), *(_plain(v) for v in row)] for idx, row in side.iterrows()])
    ws = wb["Summary"]
    ws.column_dimensions["A"].width = 22
    ws.append([])
    ws.append(["hard violations"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for v in c.violations.to_dict("records"):
        ws.append([v["schedule"], v["message"]])
    if c.violations.empty:
        ws.append(["", "none"])
    names = list(c.schedules)
    moves = c.moves[["schedule", "talk", "title", "speakers", "from", "to", "change", "seated_differently"]]
    _table(wb, "Moves", list(moves.columns), [[_plain(v) for v in r] for r in moves.itertuples(index=False)])
    _table(wb, "Speakers", list(c.speakers.columns), [[_plain(v) for v in r] for r in c.speakers.itertuples(index=False)])
    for i, name in enumerate(names, start=1):
        _grid(wb, c, name, sheet_title(f"Grid {i} {name}", wb.sheetnames), reference=names[0] if i > 1 else None)
    save_workbook(path, wb)


def _grid(wb: Workbook, c: Comparison, name: str, title: str, reference: str | None) -> None:
    inst = c.instance
    ws = wb.create_sheet(title)
    rooms = [r.name for r in inst.rooms]
    style_header(ws, ["day", "time", "session", *rooms])
    ws.column_dimensions["A"].width = 16
    for col in range(4, 4 + len(rooms)):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = ROOM_WIDTH
    moved = c.moved(name) if reference else set()
    reseated = c.reseated(name) if reference else set()
    hard = {t for v in c.evaluations[name].violations for t in v.talks}
    row_of: dict[tuple, int] = {}
    day_rows: list[int] = []
    r = 2
    for day in inst.days:
        day_rows.append(r)
        ws.cell(row=r, column=1, value=f"{day:%a %Y-%m-%d}").font = Font(bold=True)
        for col in range(1, 4 + len(rooms)):
            ws.cell(row=r, column=col).fill = DAY_ROW
        r += 1
        slots = [s for s in inst.slots if s.day == day]
        for start in sorted({s.start for s in slots}):
            here = [s for s in slots if s.start == start]
            ws.cell(row=r, column=2, value=f"{format_time(start)}-{format_time(max(s.end for s in here))}").alignment = WRAP
            ws.cell(row=r, column=3, value=", ".join(sorted({s.session for s in here}))).alignment = WRAP
            row_of[(day, start)] = r
            r += 1
    for a in c.schedules[name]:
        if a.room not in rooms or a.talk not in inst.talk_by_id:
            continue
        start, end = parse_time(a.start), parse_time(a.end)
        covered = [row for (d, s), row in row_of.items() if d == a.day and (s == start or start < s < end)]
        for k, row in enumerate(sorted(covered)):
            cell = ws.cell(row=row, column=4 + rooms.index(a.room))
            text = talk_cell_text(inst, a.talk) if k == 0 else f"({a.talk} continued)"
            cell.value = f"{cell.value}\n---\n{text}" if cell.value else text   # two talks in one cell: a clash
            cell.alignment, cell.border = WRAP, BOX
            if a.talk in moved:
                cell.fill = RESEATED if a.talk in reseated else MOVED
            if a.talk in hard:
                cell.font = HARD
    note = ws.max_row + 2
    ws.cell(row=note, column=1, value=(
        f"moved compared with {reference}: amber = another day or other session-mates, pale yellow = same "
        f"day and session-mates, other time or room. " if reference else "") + "Red text: named in a hard violation.")
    ws.cell(row=note, column=1).alignment = WRAP
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=3 + len(rooms))
    ws.row_dimensions[note].height = 32
    _print_one_day_per_page(ws, list(row_of.values()), day_rows, 3 + len(rooms))
    ws.print_area = f"A1:{get_column_letter(3 + len(rooms))}{note}"


def _print_one_day_per_page(ws, rows: list[int], day_rows: list[int], columns: int) -> None:
    """Rows as tall as their text; a page break before each day; one scale for every page
    so that the longest day fits a landscape page (Excel ignores manual breaks when it
    fits to pages itself, so the scale is computed here)."""
    texts = {(cell.row, cell.column): (str(cell.value), 1) for r in rows for cell in ws[r][3:columns]
             if cell.value}
    heights = grid_row_heights(texts, rows, ROOM_WIDTH - 2)
    for r, h in heights.items():
        ws.row_dimensions[r].height = round(h, 1)
    landscape_page(ws, ws.title, fit=False)
    for r in day_rows[1:]:
        ws.row_breaks.append(Break(id=r - 1))
    header = 20.0
    blocks = [header + 20.0 + sum(heights[r] for r in rows if start < r < end)
              for start, end in zip(day_rows, day_rows[1:] + [max(rows, default=0) + 1], strict=True)]
    if blocks:
        blocks[-1] += 2 * 20.0   # the note below the last day
    width = sum(column_points(ws.column_dimensions[get_column_letter(c)].width or 10) for c in range(1, columns + 1))
    ws.page_setup.scale = fit_scale(width, max(blocks, default=header))
