from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app
from sessionplan.terms import TERMS

runner = CliRunner()


def test_init_writes_a_template_that_reads_back(tmp_path):
    path = tmp_path / "new.xlsx"
    res = runner.invoke(app, ["init", str(path)])
    assert res.exit_code == 0, res.output
    inst = sp.load(path)
    assert [t.id for t in inst.talks] == ["T01"] and inst.rooms[0].name == "Main Hall"
    wb = load_workbook(path)
    talks = wb["Talks"]
    assert talks.freeze_panes == "A2"
    assert talks["A1"].comment is not None and "unique" in talks["A1"].comment.text
    kinds = [dv for dv in wb["Constraints"].data_validations.dataValidation]
    assert any("pin" in (dv.formula1 or "") for dv in kinds)
    # never overwrites without --force
    res = runner.invoke(app, ["init", str(path)])
    assert res.exit_code == 2 and "exists" in res.output


def test_weights_lists_every_term():
    res = runner.invoke(app, ["weights"])
    assert res.exit_code == 0
    for name in TERMS:
        assert name in res.output


def test_check_summarises(workshop_path):
    res = runner.invoke(app, ["check", str(workshop_path)])
    assert res.exit_code == 0
    assert "28 talks" in res.output and "15 sessions" in res.output


def test_infeasible_solve_exit_1_with_status(mini, book, tmp_path):
    mini["Speakers"][0][2] = "Mon"
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(book(mini)), "--out", str(out), "--workers", "1", "-q"])
    assert res.exit_code == 1
    import json

    doc = json.loads((out / "schedule.json").read_text())
    assert doc["status"] == "infeasible" and doc["assignments"] == [] and "explanation" in doc
    assert not (out / "schedule.xlsx").exists()


def test_weights_sheet_changes_the_objective(mini, book):
    for r, abstract in zip(mini["Talks"], ["convex gradient", "gradient convex", "manuscript", "manuscript scribe"]):
        r[5] = abstract
    mini["Weights"] = [["topic_cohesion", 2.5]]
    inst = sp.load(book(mini))
    assert inst.weights["topic_cohesion"] == 2.5
    sol = sp.solve(inst, workers=1, time_limit=10)
    assert sol.result.objective == sol.evaluation.total
