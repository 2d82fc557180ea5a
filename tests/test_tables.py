"""Every table the commands print fits an 80-column terminal: no figure cut to ``12…``."""

from __future__ import annotations

import pytest
from rich.console import Console
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan import cli
from sessionplan.cli import app

runner = CliRunner()
WIDTH = 80


@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setattr(cli, "out", Console(width=WIDTH, highlight=False, markup=False, emoji=False))


def assert_fits(output: str, *figures: str) -> None:
    assert "…" not in output, output
    for line in output.splitlines():
        if any(c in line for c in "│┃━"):   # a table's line
            assert len(line) <= WIDTH, line
    for figure in figures:
        assert figure in output, (figure, output)


def test_alternatives_table_at_80_columns(narrow, workshop_path, tmp_path):
    res = runner.invoke(app, ["solve", str(workshop_path), "--alternatives", "3", "--out", str(tmp_path),
                              "--workers", "2", "--time-limit", "10", "-q"])
    assert res.exit_code == 0, res.output
    import json

    doc = json.loads((tmp_path / "alternatives.json").read_text())
    objectives = [f"{a['objective']:g}" for a in doc["alternatives"]]
    assert_fits(res.output, *objectives, "topic_cohesion", "optimal")
    # and the comparison of the three with a hand-edited copy of the first
    schedules = [str(tmp_path / f"schedule-{k}.json") for k in (1, 2, 3)] + [str(tmp_path / "schedule-1.xlsx")]
    res = runner.invoke(app, ["compare", str(workshop_path), *schedules])
    assert res.exit_code == 0, res.output
    assert_fits(res.output, "seated_differently", "hard_violations", *objectives, "schedule-3.json")


def test_score_weights_and_topics_at_80_columns(narrow, workshop_path, workshop, workshop_solution, tmp_path):
    sp.write_outputs(workshop_solution, tmp_path)
    res = runner.invoke(app, ["score", str(workshop_path), str(tmp_path / "schedule.json")])
    assert res.exit_code == 0
    assert_fits(res.output, "soft_constraints", f"{workshop_solution.evaluation.total:g}")
    res = runner.invoke(app, ["weights"])
    assert_fits(res.output, "speaker_prefers", "soft_constraints")
    res = runner.invoke(app, ["topics", str(workshop_path)])
    assert res.exit_code == 0, res.output
    assert_fits(res.output, *(t.id for t in workshop.talks))
