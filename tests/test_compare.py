"""Compare: schedules and solved workbooks edited by hand (the way people do it in Excel)."""

from __future__ import annotations

import json
from copy import copy

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app
from sessionplan.errors import Problems
from sessionplan.committee.workbook import MOVED, RESEATED
from sessionplan.io.output_workbook import GRID_PREFIX
from sessionplan.periods import parse_time
from sessionplan.rules import unavailable

runner = CliRunner()


@pytest.fixture
def solved(tmp_path, workshop_solution):
    sp.write_outputs(workshop_solution, tmp_path / "solved")
    return tmp_path / "solved"


def grid_cells(wb):
    """talk id -> grid cell, and the empty talk cells, over every day grid."""
    talks, empty = {}, []
    for ws in wb.worksheets:
        if not ws.title.startswith(GRID_PREFIX):
            continue
        for row in ws.iter_rows(min_row=2, min_col=3):
            for cell in row:
                if cell.value:
                    talks[cell.value.split(" · ")[0]] = cell
                elif ":" in str(ws.cell(row=cell.row, column=1).value or ""):   # a time row, not the legend
                    empty.append(cell)
    return talks, empty


def slot_of(cell, instance):
    """(day, start, end, session) of a grid cell, read as a person reads the grid."""
    day = next(d for d in instance.days if cell.parent.title.endswith(d.isoformat()))
    start = parse_time(cell.parent.cell(row=cell.row, column=1).value.split("-")[0])
    s = next(s for s in instance.slots if s.day == day and s.start == start)
    return day, s.start, s.end, s.session


def fits(instance, talk_id, cell):
    return not unavailable(instance, instance.talk_by_id[talk_id], *slot_of(cell, instance))


def edit_like_a_person(path, instance):
    """Swap two talks in the day grids, and cut-and-paste a third into an empty slot where its
    speaker is unavailable. Returns (swapped pair, the moved talk)."""
    wb = load_workbook(path)
    talks, empty = grid_cells(wb)
    singles = sorted(t for t in talks if not instance.talk_by_id[t].joint)
    a, b = next((x, y) for x in singles for y in singles
                if x < y and talks[x].parent != talks[y].parent and fits(instance, x, talks[y]) and fits(instance, y, talks[x]))
    talks[a].value, talks[b].value = talks[b].value, talks[a].value
    moved, target = next((t, cell) for t in singles if t not in (a, b) for cell in empty if not fits(instance, t, cell))
    src = talks[moved]
    target.value, target.fill = src.value, copy(src.fill)    # cut ...
    src.value = None                                          # ... and paste
    wb.save(path)
    return (a, b), moved


def test_hand_edited_workbook_is_compared_and_the_new_violation_named(solved, workshop):
    edited = solved / "edited.xlsx"
    edited.write_bytes((solved / "schedule.xlsx").read_bytes())
    (a, b), moved = edit_like_a_person(edited, workshop)
    c = sp.compare(workshop, [solved / "schedule.json", edited])
    assert c.names == ["schedule.json", "edited.xlsx"]
    assert c.summary.loc["schedule.json", "hard_violations"] == 0
    assert c.summary.loc["edited.xlsx", "hard_violations"] >= 1
    named = c.violations[c.violations["schedule"] == "edited.xlsx"]
    assert any(moved in m and "unavailable" in m for m in named["message"]), list(named["message"])
    assert set(c.moves["talk"]) == {a, b, moved} == c.moved("edited.xlsx")
    first = {x.talk: x for x in c.schedules["schedule.json"]}
    row = c.moves.set_index("talk").loc[a]
    assert row["from"] == f"{first[a].day:%a %Y-%m-%d} {first[a].start} {first[a].room}"
    assert (row["to_day"], row["to_start"]) == (first[b].day, first[b].start)
    speakers = set(c.speakers["speaker"])
    for t in (a, b, moved):
        assert set(workshop.talk_by_id[t].speakers) <= speakers
    problems = c.speakers.set_index("speaker").loc[workshop.talk_by_id[moved].speakers[0], "new_problems"]
    assert "unavailable" in problems
    # the Talks columns still show the solved programme: every disagreement is a warning, the grid wins
    warned = " ".join(str(w) for w in c.warnings)
    for t in (a, b, moved):
        assert f"{t}: the day grid has it" in warned
    assert "using the day grid" in warned
    # the terms are the evaluator's on the edited schedule
    ev = sp.score(workshop, edited)
    assert c.summary.loc["edited.xlsx", "total"] == pytest.approx(ev.total)


def test_an_edit_of_the_talks_columns_wins_over_an_untouched_grid(solved, workshop):
    edited = solved / "columns.xlsx"
    wb = load_workbook(solved / "schedule.xlsx")
    ws = wb["Talks"]
    header = [c.value for c in ws[1]]
    _, empty = grid_cells(wb)
    day, start, _end, _session = slot_of(empty[0], workshop)
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "T03":
            row[header.index("scheduled_day")].value = day
            row[header.index("scheduled_start")].value = f"{start // 60:02d}:{start % 60:02d}"
            row[header.index("scheduled_end")].value = None
    wb.save(edited)
    warnings = Problems()
    assignments = sp.read_schedule(edited, workshop, warnings)
    t03 = next(x for x in assignments if x.talk == "T03")
    assert (t03.day, parse_time(t03.start)) == (day, start)
    assert any("T03" in str(w) and "using the Talks columns" in str(w) for w in warnings.warnings)


def test_a_copied_cell_and_an_overwritten_talk_are_named(solved, workshop):
    edited = solved / "copied.xlsx"
    wb = load_workbook(solved / "schedule.xlsx")
    talks, empty = grid_cells(wb)
    ids = sorted(talks)
    empty[0].value = talks[ids[0]].value                  # copied, not moved
    talks[ids[2]].value = talks[ids[1]].value             # pasted over another talk
    talks[ids[1]].value = None
    wb.save(edited)
    ev = sp.score(workshop, edited)
    messages = " ".join(v.message for v in ev.violations)
    assert f"{ids[0]} is scheduled more than once" in messages
    assert f"{ids[2]} ({workshop.talk_by_id[ids[2]].title}) is not scheduled" in messages


def test_comparison_workbook_and_cli(solved, workshop, workshop_path, tmp_path):
    edited = solved / "edited.xlsx"
    edited.write_bytes((solved / "schedule.xlsx").read_bytes())
    (a, b), moved = edit_like_a_person(edited, workshop)
    out = tmp_path / "comparison.xlsx"
    res = runner.invoke(app, ["compare", str(workshop_path), str(solved / "schedule.json"), str(edited), "--out", str(out)])
    assert res.exit_code == 1, res.output   # the edited schedule breaks a hard rule, as with `score`
    assert "unavailable" in res.output and moved in res.output and "side by side" in res.output
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Summary", "Moves", "Speakers"]
    assert [n for n in wb.sheetnames if n.startswith("Grid")] == ["Grid 1 schedule.json", "Grid 2 edited.xlsx"]
    marks = (MOVED.fgColor.rgb, RESEATED.fgColor.rgb)
    highlighted = {c.value.split(" · ")[0] for row in wb["Grid 2 edited.xlsx"].iter_rows() for c in row
                   if c.value and c.fill.fgColor.rgb in marks}
    assert highlighted == {a, b, moved}
    assert not any(c.fill.fgColor.rgb in marks for row in wb["Grid 1 schedule.json"].iter_rows() for c in row)
    moved_cell = next(c for row in wb["Grid 2 edited.xlsx"].iter_rows() for c in row if c.value and c.value.startswith(moved))
    assert moved_cell.font.color.rgb.endswith("C00000")   # named in a hard violation
    summary = {r[0].value: [c.value for c in r[1:]] for r in wb["Summary"].iter_rows(min_row=2) if r[0].value}
    assert summary["hard_violations"][0] == 0 and summary["hard_violations"][1] >= 1
    assert {r[1].value for r in wb["Moves"].iter_rows(min_row=2)} == {a, b, moved}


def test_compare_bad_inputs_exit_2_and_write_nothing(solved, workshop_path, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"assignments": [{"talk": "T01"}]}')
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    out = tmp_path / "cmp.xlsx"
    res = runner.invoke(app, ["compare", str(workshop_path), str(solved / "schedule.json"), str(bad), str(broken),
                              "--out", str(out)])
    assert res.exit_code == 2
    assert "bad.json" in res.output and "broken.json" in res.output and "not valid JSON" in res.output
    assert "Traceback" not in res.output and not out.exists()
    res = runner.invoke(app, ["compare", str(workshop_path), str(tmp_path / "missing.json")])
    assert res.exit_code == 2 and "missing.json: file not found" in res.output


def test_compare_json_schedules_in_python(workshop, workshop_solution, tmp_path):
    moved = [x.model_copy() for x in workshop_solution.assignments]
    moved[0], moved[1] = (moved[0].model_copy(update={"day": moved[1].day, "start": moved[1].start, "end": moved[1].end,
                                                      "session": moved[1].session}),
                          moved[1].model_copy(update={"day": moved[0].day, "start": moved[0].start, "end": moved[0].end,
                                                      "session": moved[0].session}))
    c = sp.compare(workshop, {"solved": workshop_solution, "swapped": moved})
    assert c.summary.loc["swapped", "moved"] == 2
    assert list(c.side_by_side().columns) == ["solved", "swapped"]
    assert set(c.terms["schedule"]) == {"solved", "swapped"}
    assert c.summary.loc["solved", "total"] == pytest.approx(workshop_solution.evaluation.total)
    json.dumps(c.summary.reset_index().to_dict("records"), default=str)


def test_two_rooms_a_room_change_and_a_whole_session_moved(mini, book, tmp_path):
    mini["Rooms"] = [["Hall", 100], ["Annex", 20]]
    mini["Talks"] += [["T5", "Convex duality", "Ada", None, None, None, None, None, None]]
    path = book(mini)
    inst = sp.load(path)
    sol = sp.solve(inst, workers=1, time_limit=10)
    sp.write_outputs(sol, tmp_path / "out")
    wb = load_workbook(tmp_path / "out" / "schedule.xlsx")
    ws = next(w for w in wb.worksheets if w.title.startswith(GRID_PREFIX))
    header = [c.value for c in ws[1]]
    hall, annex = header.index("Hall") + 1, header.index("Annex") + 1
    # move every talk of the Hall to the Annex and back: whole sessions change room
    for r in range(2, ws.max_row + 1):
        h, a = ws.cell(row=r, column=hall), ws.cell(row=r, column=annex)
        h.value, a.value = a.value, h.value
    wb.save(tmp_path / "rooms.xlsx")
    c = sp.compare(inst, [sol, tmp_path / "rooms.xlsx"])
    assert set(c.moves["change"]) == {"room"} and len(c.moves) == len(inst.talks)
    assert c.summary.loc["rooms.xlsx", "seated_differently"] == 0   # the committee sees the same sessions
    assert c.reseated("rooms.xlsx") == set()
    assert c.timetable("rooms.xlsx").columns.nlevels == 2
