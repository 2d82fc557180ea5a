"""Solving a hand-edited solved workbook again: the edits are named, and kept on request."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app

from .test_compare import fits, grid_cells, slot_of

runner = CliRunner()


def swap_two_talks(solved, workshop):
    """Swap two talks of different days in the day grids, where each one's speaker can come."""
    path = solved / "edited.xlsx"
    wb = load_workbook(solved / "schedule.xlsx")
    talks, _ = grid_cells(wb)
    ids = sorted(t for t in talks if not workshop.talk_by_id[t].joint)
    a, b = next((a, b) for a in ids for b in ids
                if slot_of(talks[a], workshop)[0] != slot_of(talks[b], workshop)[0]
                and fits(workshop, a, talks[b]) and fits(workshop, b, talks[a]))
    talks[a].value, talks[b].value = talks[b].value, talks[a].value
    wb.save(path)
    return path, a, b, slot_of(talks[b], workshop), slot_of(talks[a], workshop)   # a's and b's new slots


def test_resolving_an_edited_workbook_names_the_edits_and_keeps_them_on_request(workshop, workshop_solution, tmp_path):
    sp.write_outputs(workshop_solution, tmp_path / "solved")
    edited, a, b, a_now, b_now = swap_two_talks(tmp_path / "solved", workshop)
    res = runner.invoke(app, ["solve", str(edited), "--out", str(tmp_path / "afresh"), "--workers", "2",
                              "--time-limit", "30", "-q"])
    assert res.exit_code == 0, res.output
    assert "edited by hand" in res.output and f"{a}:" in res.output and f"{b}:" in res.output
    assert "--keep-edits" in res.output and "--baseline edited.xlsx" in res.output
    res = runner.invoke(app, ["solve", str(edited), "--keep-edits", "--out", str(tmp_path / "kept"),
                              "--workers", "2", "--time-limit", "30", "-q"])
    assert res.exit_code == 0, res.output
    assert "keeping 2 hand edit" in res.output and "edited by hand" not in res.output
    doc = json.loads((tmp_path / "kept" / "schedule.json").read_text())
    placed = {x["talk"]: x for x in doc["assignments"]}
    for talk, (day, start, _end, _session) in ((a, a_now), (b, b_now)):
        assert placed[talk]["day"] == day.isoformat() and placed[talk]["start"] == f"{start // 60:02d}:{start % 60:02d}"
    assert doc["score"]["hard_violations"] == 0
    # the same workbook given as its own baseline is re-planned from the edits: no warning
    res = runner.invoke(app, ["solve", str(edited), "--baseline", str(edited), "--out", str(tmp_path / "base"),
                              "--workers", "2", "--time-limit", "30", "-q"])
    assert res.exit_code == 0 and "edited by hand" not in res.output


def test_an_unedited_or_imported_workbook_has_no_hand_edits(workshop, workshop_solution, tmp_path):
    from sessionplan.edits import hand_edits

    sp.write_outputs(workshop_solution, tmp_path)
    assert hand_edits(tmp_path / "schedule.xlsx", workshop) == []
    assert hand_edits(sp.bundled_workshop(), workshop) == []
