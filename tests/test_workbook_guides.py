"""The workbook guides its users: the init template, and printable coloured day grids."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app
from sessionplan.io.schema import SHEETS
from sessionplan.kinds import KINDS as CONSTRAINT_KINDS

from .conftest import write_book
from .export_cases import multi_room
from .helpers import solve_checked

runner = CliRunner()


def validations(ws) -> dict[str, object]:
    """Column header -> its data validation (each input column has one)."""
    header = {c.column_letter: c.value for c in ws[1]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        first = str(dv.sqref).split(":")[0]
        out[header[first.rstrip("0123456789")]] = dv
    return out


def test_init_template_guides_every_column(tmp_path):
    path = tmp_path / "conference.xlsx"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "README" and set(SHEETS) <= set(wb.sheetnames)
    readme = [str(c.value) for row in wb["README"].iter_rows() for c in row if c.value is not None]
    for name, spec in SHEETS.items():
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == spec.names
        dvs = validations(ws)
        for col in spec.columns:
            assert ws.cell(row=1, column=spec.names.index(col.name) + 1).comment.text == col.help
            dv = dvs[col.name]
            assert dv.showInputMessage and dv.prompt == col.help[:255]  # the prompt shown while typing
            assert col.help in readme
        # required and optional columns look different
        fills = {c.value: c.fill.fgColor.rgb for c in ws[1]}
        assert len({fills[c.name] for c in spec.columns if c.required}) == 1
        if any(not c.required for c in spec.columns):
            assert {fills[c.name] for c in spec.columns if c.required}.isdisjoint(
                {fills[c.name] for c in spec.columns if not c.required})
    talks, cons = validations(wb["Talks"]), validations(wb["Constraints"])
    assert talks["speakers"].type is None and "separated by ';'" in talks["speakers"].prompt
    assert talks["room"].type == "list" and talks["room"].formula1.startswith("Rooms!$A$2")
    assert talks["pinned"].formula1 == cons["hard"].formula1 == '"yes,no"'
    assert talks["duration"].type == "whole" and talks["duration"].errorStyle == "stop"
    assert cons["kind"].formula1 == '"' + ",".join(CONSTRAINT_KINDS) + '"'
    assert cons["talk"].formula1.startswith("Talks!$A$2") and cons["room"].formula1.startswith("Rooms!$A$2")
    assert validations(wb["Weights"])["term"].type == "list"
    for kind in CONSTRAINT_KINDS:
        assert kind in readme
    # one example row per sheet, and the example solves
    for name in SHEETS:
        assert wb[name].max_row >= 2, name
    inst = sp.load(path)
    assert len(inst.talks) == len(inst.constraints) == 1 and len(inst.slots) == 2
    assert solve_checked(inst, time_limit=5).status == "optimal"


def day_sheets(wb):
    return [wb[n] for n in wb.sheetnames if n.startswith("Day ")]


def legend(ws) -> tuple[str, dict[str, str]]:
    """The note and {label: fill colour} written under a day grid."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "legend")
    entries = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=1).fill.fgColor.rgb[-6:]
               for r in range(start + 1, ws.max_row + 1)}
    return ws.cell(row=start, column=2).value, entries


def test_day_grids_print_landscape_and_are_coloured_by_topic(tmp_path):
    inst = sp.load(write_book(tmp_path / "multi.xlsx", multi_room()))
    sol = solve_checked(inst, time_limit=10)
    sp.write_outputs(sol, tmp_path / "out")
    wb = load_workbook(tmp_path / "out" / "schedule.xlsx")
    (ws,) = day_sheets(wb)
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 1   # one page per day
    assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
    assert "Monday 8 March 2027" in ws.oddHeader.center.text
    note, entries = legend(ws)
    assert "topic" in note and set(entries) == {"history", "optimisation", "no topic"}
    assert entries["history"] != entries["optimisation"]
    cells = {str(c.value).split(" · ")[0]: c for row in ws.iter_rows(min_row=2) for c in row[2:] if c.value}
    topic_of = {t.id: (t.topics[0].casefold() if t.topics else "no topic") for t in inst.talks}
    for talk, cell in cells.items():
        assert cell.fill.fgColor.rgb[-6:] == entries[topic_of[talk]], talk
    # the two-slot talk is one merged cell over two rows
    t5 = cells["T5"]
    assert any(t5.coordinate in m and m.max_row - m.min_row == 1 for m in ws.merged_cells.ranges)


def test_day_grids_colour_sessions_when_untagged(workshop, workshop_solution, tmp_path):
    sp.write_outputs(workshop_solution, tmp_path)
    wb = load_workbook(tmp_path / "schedule.xlsx")
    sheets = day_sheets(wb)
    assert len(sheets) == 5
    for ws in sheets:
        note, entries = legend(ws)
        assert "sessions" in note and "no topics" in note
        day = ws.title.split()[1]
        assert set(entries) == {a.session for a in workshop_solution.assignments if a.day.strftime("%a") == day}
        assert len(set(entries.values())) == len(entries)


def test_readme_lists_every_constraint_kind_as_the_table_says():
    from sessionplan.kinds import markdown_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
