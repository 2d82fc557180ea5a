"""Infeasible workbooks: the explanation names exactly the rows at fault."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app

from .conftest import edited_copy, set_cell, sheet_row
from .helpers import WALL_MARGIN


def rows_named(sol_or_expl):
    e = getattr(sol_or_expl, "explanation", sol_or_expl)
    return sorted((r.sheet, r.row) for r in e.reasons)


def solve_edited(workshop_path, tmp_path, edit):
    inst = sp.load(edited_copy(workshop_path, tmp_path / "w.xlsx", edit))
    t0 = time.monotonic()
    sol = sp.solve(inst, workers=2, time_limit=30)
    assert time.monotonic() - t0 < 30 * WALL_MARGIN
    assert sol.status == "infeasible" and not sol.assignments
    return sol


def test_two_conflicting_pins(workshop_path, tmp_path):
    def edit(wb):
        wb["Constraints"].append(["pin", "T03", "Tue 09:00"])
        wb["Constraints"].append(["pin", "T05", "Mon AM"])
        wb["Constraints"].append(["pin", "T09", "Tue 09:00"])
    sol = solve_edited(workshop_path, tmp_path, edit)
    assert rows_named(sol) == [("Constraints", 2), ("Constraints", 4)]
    assert "pinned to Tue 09:00" in sol.explanation.reasons[0].text


def test_speaker_available_nowhere(workshop_path, tmp_path):
    def edit(wb):
        set_cell(wb["Speakers"], sheet_row(wb["Speakers"], "name", "Dirk Lorenz"), "unavailable", "Mon-Fri")
    sol = solve_edited(workshop_path, tmp_path, edit)
    (reason,) = sol.explanation.reasons
    assert (reason.sheet, reason.column) == ("Speakers", "unavailable")
    assert reason.text.startswith(f"Speakers row {reason.row}: Dirk Lorenz unavailable Mon-Fri")


def test_one_talk_too_many(workshop_path, tmp_path):
    def edit(wb):
        for i in (29, 30, 31):
            wb["Talks"].append([f"T{i}", f"Late addition {i}", "Jens Behrmann"])
    sol = solve_edited(workshop_path, tmp_path, edit)
    texts = [r.text for r in sol.explanation.reasons]
    assert texts == ["Talks rows 2-32: 31 talks need 31 room-slots", "Slots rows 2-31: 30 slots offer 30 room-slots"]


def test_conflict_found_by_the_core(workshop_path, tmp_path):
    # three talks pinned into one session of two slots: no pair conflicts, the three do
    def edit(wb):
        for t in ("T03", "T05", "T09"):
            wb["Constraints"].append(["pin", t, "Tue-1"])
        wb["Constraints"].append(["pin", "T12", "Wed"])  # harmless
    sol = solve_edited(workshop_path, tmp_path, edit)
    assert sol.explanation.method == "core"
    assert rows_named(sol) == [("Constraints", 2), ("Constraints", 3), ("Constraints", 4)]


def test_joint_group_against_a_before_row(workshop_path, tmp_path):
    def edit(wb):
        wb["Constraints"].append(["before", "T14", "T07"])  # part 2 before part 1
    sol = solve_edited(workshop_path, tmp_path, edit)
    assert sol.explanation.method == "core"
    texts = [r.text for r in sol.explanation.reasons]
    assert any("joint group 'uq-graph'" in t for t in texts) and any("Constraints row 2" in t for t in texts)
    assert len(texts) == 2


def test_explain_command_and_json(workshop_path, tmp_path):
    def edit(wb):
        set_cell(wb["Speakers"], sheet_row(wb["Speakers"], "name", "Dirk Lorenz"), "unavailable", "Mon-Fri")
    path = edited_copy(workshop_path, tmp_path / "w.xlsx", edit)
    res = CliRunner().invoke(app, ["explain", str(path)])
    assert res.exit_code == 1 and "Dirk Lorenz unavailable Mon-Fri" in res.output
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["solve", str(path), "--out", str(out), "-q", "--workers", "2"])
    assert res.exit_code == 1
    doc = json.loads((out / "schedule.json").read_text())
    assert doc["status"] == "infeasible" and doc["assignments"] == []
    assert doc["explanation"][0]["sheet"] == "Speakers" and "Lorenz" in doc["explanation"][0]["text"]


def test_feasible_workbook_has_nothing_to_explain(workshop):
    e = sp.explain(workshop, time_limit=20)
    assert not e.found
