"""Write the input sheets of a conference workbook: for ``init`` and for solved workbooks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..model import CONSTRAINT_KINDS, Instance
from ..periods import format_time
from ..terms import TERMS
from .atomic import write_with
from .schema import SCHEDULE_COLUMNS, SHEETS

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
WIDTHS = {"title": 50, "abstract": 60, "speakers": 30, "unavailable": 30, "prefers": 24, "target": 24,
          "affiliation": 30, "name": 26, "topics": 24, "rooms": 24, "session": 12, "day": 12}


def input_rows(instance: Instance) -> dict[str, list[list]]:
    """The rows (without header) of each input sheet, as the reader will read them back."""
    w = instance.weights
    return {
        "Talks": [
            [t.id, t.title, "; ".join(t.speakers), t.duration, "; ".join(t.topics), t.abstract or None,
             t.joint, t.audience, t.room, "yes" if t.pinned else None]
            for t in instance.talks
        ],
        "Speakers": [
            [s.name, s.affiliation or None, "; ".join(p.text for p in s.unavailable) or None,
             "; ".join(p.text for p in s.prefers) or None]
            for s in instance.speakers
        ],
        "Rooms": [[r.name, r.capacity, r.changeover or None] for r in instance.rooms],
        "Slots": [
            [s.day, format_time(s.start), format_time(s.end), s.session,
             None if set(s.rooms) == {r.name for r in instance.rooms} else "; ".join(s.rooms)]
            for s in instance.slots
        ],
        "Constraints": [
            [c.kind, c.talk, c.target or None, "yes" if c.hard else "no", c.weight, None]
            for c in instance.constraints
        ],
        "Weights": [[name, w[name]] for name in TERMS],
    }


def rows_with_schedule(instance: Instance, assignments: list) -> dict[str, list[list]]:
    """Input rows with each talk's place in Talks' ``scheduled_*`` columns."""
    rows = input_rows(instance)
    placed = {a.talk: a for a in assignments}
    rows["Talks"] = [
        r + ([placed[r[0]].day, placed[r[0]].start, placed[r[0]].end, placed[r[0]].room, placed[r[0]].session]
             if r[0] in placed else [None] * len(SCHEDULE_COLUMNS))
        for r in rows["Talks"]
    ]
    return rows


def write_workbook(path: str | Path, instance: Instance, assignments: list | None = None) -> None:
    """A conference workbook for ``instance`` (an import, say), with a schedule if given."""
    wb = Workbook()
    wb.remove(wb.active)
    if assignments is None:
        write_input_sheets(wb, input_rows(instance))
    else:
        write_input_sheets(wb, rows_with_schedule(instance, assignments), {"Talks": SCHEDULE_COLUMNS})
    write_with(path, wb.save)


def style_header(ws, columns: list[str], notes: dict[str, str] | None = None) -> None:
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top")
        if notes and name in notes:
            cell.comment = Comment(notes[name], "sessionplan", width=320, height=110)
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, max(10, len(name) + 4))
    ws.freeze_panes = "A2"


def write_input_sheets(wb: Workbook, rows: dict[str, list[list]], extra_columns: dict[str, tuple[str, ...]] | None = None) -> None:
    """Add the six input sheets with headers, help notes and the given rows."""
    for name, spec in SHEETS.items():
        ws = wb.create_sheet(name)
        header = spec.names + list((extra_columns or {}).get(name, ()))
        style_header(ws, header, {c.name: c.help for c in spec.columns})
        for r in rows.get(name, []):
            ws.append(r)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                if header[cell.column - 1] in ("abstract", "title"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    add_validations(wb)


def add_validations(wb: Workbook, max_row: int = 2000) -> None:
    """Dropdowns that guide typing: constraint kinds, yes/no, known speakers and rooms."""
    def validate(sheet: str, column: str, formula: str, prompt: str) -> None:
        ws = wb[sheet]
        col = SHEETS[sheet].names.index(column) + 1
        letter = get_column_letter(col)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        dv.prompt, dv.promptTitle, dv.showInputMessage = prompt, column, True
        dv.add(f"{letter}2:{letter}{max_row}")
        ws.add_data_validation(dv)

    validate("Constraints", "kind", '"' + ",".join(CONSTRAINT_KINDS) + '"', "the kind of rule")
    validate("Constraints", "hard", '"yes,no"', "yes: must hold; no: a penalty")
    validate("Talks", "pinned", '"yes,no"', "yes: never moved when re-planning")
    validate("Talks", "room", f"Rooms!$A$2:$A${max_row}", "a room from sheet Rooms")
    validate("Weights", "term", '"' + ",".join(TERMS) + '"', "a soft term")


EXAMPLE_ROWS: dict[str, list[list]] = {
    "Talks": [["T01", "An example talk (replace me)", "Ada Example", 45, "optimisation; scheduling",
               "What the talk is about.", None, 40, None, None]],
    "Speakers": [["Ada Example", "Example University", "Mon AM", "Tue"]],
    "Rooms": [["Main Hall", 120, None]],
    "Slots": [[date(2027, 3, 8), "09:00", "09:45", "Mon-1", None],
              [date(2027, 3, 8), "09:45", "10:30", "Mon-1", None]],
    "Constraints": [],
    "Weights": [[name, TERMS[name].default] for name in TERMS],
}


def write_template(path: str | Path) -> None:
    """``sessionplan init``: a workbook with every sheet, help notes and one example row."""
    wb = Workbook()
    wb.remove(wb.active)
    write_input_sheets(wb, EXAMPLE_ROWS)
    readme = wb.create_sheet("README", 0)
    readme.column_dimensions["A"].width = 110
    lines = [
        "sessionplan conference workbook",
        "",
        "Fill in the sheets Talks, Speakers, Rooms and Slots (Constraints and Weights are optional),",
        "then run:  sessionplan check this.xlsx   and   sessionplan solve this.xlsx",
        "Hover over a column header for what it means. Replace the example rows.",
        "",
    ] + [f"{name}: {spec.help}" for name, spec in SHEETS.items()]
    for line in lines:
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=14)
    write_with(path, wb.save)
