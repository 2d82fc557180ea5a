"""Write the input sheets of a conference workbook: for ``init`` and for solved workbooks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..kinds import KINDS
from ..model import Instance
from ..periods import format_time
from ..terms import TERMS
from .saving import save_workbook
from .schema import SCHEDULE_COLUMNS, SHEETS

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
OPTIONAL_FILL = PatternFill("solid", fgColor="6F8FC7")
WIDTHS = {"title": 50, "abstract": 60, "speakers": 30, "unavailable": 30, "prefers": 24, "target": 24,
          "affiliation": 30, "name": 26, "topics": 24, "rooms": 24, "session": 12, "day": 12}


def input_rows(instance: Instance) -> dict[str, list[list]]:
    """The rows (without header) of each input sheet, as the reader will read them back."""
    w = instance.weights
    return {
        "Talks": [
            [t.id, t.title, "; ".join(t.speakers), t.duration, "; ".join(t.topics), t.abstract or None,
             t.joint, t.audience, t.room, "yes" if t.pinned else None, t.track, t.order, t.zone]
            for t in instance.talks
        ],
        "Speakers": [
            [s.name, s.affiliation or None, "; ".join(p.text for p in s.unavailable) or None,
             "; ".join(p.text for p in s.prefers) or None, s.zone]
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
        **structure_rows(instance),
    }


def _flag(flag, blank: str = "no") -> str | float | None:
    text = flag.text
    if text == blank:
        return None
    return flag.weight if not flag.hard and flag.weight else text


def structure_rows(instance: Instance) -> dict[str, list[list]]:
    """The rows of Tracks, CellCosts, People, Conflicts, Windows and Settings."""
    settings = instance.settings
    return {
        "Tracks": [
            [t.name, "; ".join(t.chairs) or None,
             "; ".join(o if f.hard else f"{o} = {f.weight:g}" for o, f in t.similar) or None,
             _flag(t.one_room), _flag(t.consecutive), _flag(t.not_parallel), _flag(t.order, blank="yes")]
            for t in instance.tracks
        ],
        "CellCosts": [
            [c.track, c.talk, c.period.text if c.period else None, c.room, "forbid" if c.hard else c.penalty]
            for c in instance.cell_costs
        ],
        "People": [
            [p.name, "; ".join([*p.attends, *p.attends_tracks]) or None, "; ".join(p.chairs) or None]
            for p in instance.people
        ],
        "Conflicts": [[r.who, r.level, None if r.hard else r.weight] for r in instance.conflicts],
        "Windows": [
            [None if w.start is None else format_time(w.start), None if w.end is None else format_time(w.end), w.penalty]
            for w in instance.windows
        ],
        "Settings": [[k, v] for k, v in (("zone", settings.zone), ("windows_over", settings.windows_over))
                     if k in settings.rows or v != type(settings)().__getattribute__(k)],
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
    save_workbook(path, wb)


def style_header(ws, columns: list[str], notes: dict[str, str] | None = None, optional: frozenset[str] = frozenset()) -> None:
    """Bold header row, frozen; ``notes`` become cell comments; ``optional`` columns get a lighter fill."""
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=name)
        cell.font = HEADER_FONT
        cell.fill = OPTIONAL_FILL if name in optional else HEADER_FILL
        cell.alignment = Alignment(vertical="top")
        if notes and name in notes:
            cell.comment = Comment(notes[name], "sessionplan", width=320, height=110)
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, max(10, len(name) + 4))
    ws.freeze_panes = "A2"


def write_input_sheets(wb: Workbook, rows: dict[str, list[list]], extra_columns: dict[str, tuple[str, ...]] | None = None) -> None:
    """Add the six input sheets with headers, help notes, typing guides and the given rows."""
    for name, spec in SHEETS.items():
        ws = wb.create_sheet(name)
        header = spec.names + list((extra_columns or {}).get(name, ()))
        optional = frozenset(c.name for c in spec.columns if not c.required)
        style_header(ws, header, {c.name: c.help for c in spec.columns}, optional)
        for r in rows.get(name, []):
            ws.append(r)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                if header[cell.column - 1] in ("abstract", "title"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    add_validations(wb)


YES_NO = '"yes,no"'
# A list validation's formula holds at most 255 characters: when the terms' names are
# longer, the dropdown lists the sheet's own term column (which a new workbook fills with every term).
TERM_LIST = ('"' + ",".join(TERMS) + '"') if len(",".join(TERMS)) <= 253 else f"$A$2:$A${len(TERMS) + 1}"

ROOM_LIST = "Rooms!$A$2:$A${max_row}"
TALK_LIST = "Talks!$A$2:$A${max_row}"
# (sheet, column) -> how Excel checks what is typed; every other column gets its help as a prompt.
# Lists only warn (the reader accepts any case); numbers are refused when they are not numbers.
CHECKS: dict[tuple[str, str], dict] = {
    ("Talks", "duration"): {"type": "whole", "operator": "greaterThan", "formula1": "0"},
    ("Talks", "audience"): {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"},
    ("Talks", "room"): {"type": "list", "formula1": ROOM_LIST},
    ("Talks", "pinned"): {"type": "list", "formula1": YES_NO},
    ("Rooms", "capacity"): {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"},
    ("Constraints", "kind"): {"type": "list", "formula1": '"' + ",".join(KINDS) + '"'},
    ("Constraints", "talk"): {"type": "list", "formula1": TALK_LIST},
    ("Constraints", "hard"): {"type": "list", "formula1": YES_NO},
    ("Constraints", "weight"): {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
    ("Constraints", "room"): {"type": "list", "formula1": ROOM_LIST},
    ("Weights", "term"): {"type": "list", "formula1": TERM_LIST},
    ("Talks", "track"): {"type": "list", "formula1": "Tracks!$A$2:$A${max_row}"},
    ("Talks", "order"): {"type": "whole", "operator": "greaterThan", "formula1": "0"},
    ("Conflicts", "who"): {"type": "list", "formula1": '"presenters,attendees,chairs"'},
    ("Conflicts", "level"): {"type": "list", "formula1": '"time,slot,session,none"'},
    ("Conflicts", "weight"): {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
    ("Windows", "penalty"): {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
    ("CellCosts", "track"): {"type": "list", "formula1": "Tracks!$A$2:$A${max_row}"},
    ("CellCosts", "room"): {"type": "list", "formula1": ROOM_LIST},
    ("Settings", "key"): {"type": "list", "formula1": '"zone,windows_over"'},
    ("Weights", "weight"): {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
}


def add_validations(wb: Workbook, max_row: int = 2000) -> None:
    """Typing guides on every input column: dropdowns (rooms, talks, constraint kinds,
    yes/no, terms), number checks, and the column's help as the prompt of its cells
    (the speakers list is ';'-separated, so it gets a prompt rather than a dropdown)."""
    for sheet, spec in SHEETS.items():
        ws = wb[sheet]
        for col, column in enumerate(spec.columns, start=1):
            check = dict(CHECKS.get((sheet, column.name), {}))
            if "formula1" in check:
                check["formula1"] = check["formula1"].format(max_row=max_row)
            strict = check.get("type") in ("whole", "decimal")
            dv = DataValidation(allow_blank=True, showErrorMessage=bool(check), showInputMessage=True,
                                errorStyle="stop" if strict else "warning", **check)
            dv.promptTitle = column.name[:32]
            dv.prompt = column.help[:255]
            if check:
                dv.errorTitle = column.name[:32]
                dv.error = ("a whole number" if check["type"] == "whole" else
                            "a number" if check["type"] == "decimal" else "not in the list") + f": {column.help}"[:200]
            letter = get_column_letter(col)
            dv.add(f"{letter}2:{letter}{max_row}")
            ws.add_data_validation(dv)


EXAMPLE_ROWS: dict[str, list[list]] = {
    "Talks": [["T01", "An example talk (replace me)", "Ada Example", 45, "optimisation; scheduling",
               "What the talk is about.", None, 40, None, None, "Main track", 1, None]],
    "Speakers": [["Ada Example", "Example University", "Tue", "Mon AM", "Europe/Berlin"]],
    "Rooms": [["Main Hall", 120, None]],
    "Slots": [[date(2027, 3, 8), "09:00", "09:45", "Mon-1", None],
              [date(2027, 3, 8), "09:45", "10:30", "Mon-1", None]],
    "Constraints": [["pin", "T01", "Mon-1", "no", None, None]],
    "Weights": [[name, TERMS[name].default] for name in TERMS],
    "Tracks": [["Main track", "Bo Example", None, "yes", None, None, None]],
    "CellCosts": [["Main track", None, "Mon PM", None, 5]],
    "People": [["Bo Example", "T01", "Main track"]],
    "Conflicts": [["attendees", "session", None]],
    "Windows": [["08:00", "19:00", 0], [None, None, 10]],
    "Settings": [["zone", "Europe/Berlin"]],
}

CONSTRAINT_HELP = [(k.name, "T01", k.example, k.help) for k in KINDS.values()]

PERIOD_EXAMPLES = [
    ("2027-03-08", "a date"), ("Mon", "a weekday (or Monday)"), ("Mon-Wed", "a range of weekdays or dates"),
    ("Mon AM", "a half day (AM is before 12:00)"), ("Tue 14:00-18:00", "a time range on a day"),
    ("Mon 09:00", "a start time (pin/prefers: starts then)"), ("Mon-1", "a session label from Slots"),
    ("PM", "that part of every day"),
]


def command_name(path: str | Path) -> str:
    """A file name as it is typed in a command line (quoted when it holds spaces)."""
    name = Path(path).name
    return f'"{name}"' if any(c.isspace() or c in "'\"&;|<>()$`" for c in name) else name


def write_readme(wb: Workbook, name: str = "conference.xlsx") -> None:
    """The first sheet: how to fill in the workbook (its commands naming the file
    ``name``), every sheet and column explained."""
    ws = wb.create_sheet("README", 0)
    for letter, width in zip("ABCD", (16, 18, 10, 100), strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)

    def heading(text: str) -> None:
        ws.append([])
        ws.append([text])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)

    def table(header: list[str], rows: list[list]) -> None:
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for r in rows:
            ws.append(r)
            for cell in ws[ws.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    ws.append(["sessionplan conference workbook"])
    ws["A1"].font = Font(bold=True, size=14)
    for line in [
        "1. Fill in Talks, Speakers, Rooms and Slots (Constraints and Weights are optional). Replace the example rows.",
        f"2. Check it:  sessionplan check {name}      3. Plan it:  sessionplan solve {name} --out results/",
        f"4. Publish it:  sessionplan export {name} results/schedule.json --out programme.html  (or .ics, frab .json/.xml)",
        "Selecting a cell shows what its column expects; header notes say the same. Dark blue headers are required "
        "columns, light blue ones optional. Lists (several speakers, topics, rooms, periods) are separated by ';'.",
    ]:
        ws.append([line])
    heading("Sheets")
    table(["sheet", "required", "", "what"],
          [[name, "yes" if spec.required else "no", "", spec.help] for name, spec in SHEETS.items()])
    heading("Columns")
    table(["sheet", "column", "required", "meaning"],
          [[name, c.name, "yes" if c.required else "no", c.help] for name, spec in SHEETS.items() for c in spec.columns])
    heading("Periods (unavailable, prefers, pin and forbid targets)")
    table(["example", "means", "", ""], [[text, means] for text, means in PERIOD_EXAMPLES])
    heading("Constraint kinds")
    table(["kind", "talk", "target", "meaning"], [list(r[:3]) + [r[3]] for r in CONSTRAINT_HELP])
    ws.append(["", "", "", "hard: yes (default) must hold; no: a penalty of 'weight' when broken."])
    heading("Weights (soft terms; a higher weight matters more)")
    table(["term", "default", "", "meaning"], [[t.name, t.default, "", t.description] for t in TERMS.values()])
    ws.freeze_panes = "A2"


def write_template(path: str | Path) -> None:
    """``sessionplan init``: every sheet with help notes, typing guides, an example row and a README."""
    wb = Workbook()
    wb.remove(wb.active)
    write_input_sheets(wb, EXAMPLE_ROWS)
    write_readme(wb, command_name(path))
    save_workbook(path, wb)
