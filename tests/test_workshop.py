"""The research workshop this project was started for, solved end to end."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app

from .helpers import where


def test_workshop_instance(workshop):
    assert len(workshop.talks) == 28
    assert workshop.joint_groups == {"uq-graph": ["T07", "T14"]}
    assert [d.strftime("%a") for d in workshop.days] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert len(workshop.sessions) == 15 and len(workshop.slots) == 30 and len(workshop.rooms) == 1
    limited = [s for s in workshop.speakers if s.unavailable]
    assert len(limited) >= 6
    assert all(t.abstract for t in workshop.talks if t.id in ("T01", "T03", "T26"))


def test_workshop_solves_to_optimal(workshop_solution):
    r = workshop_solution.result
    assert r.status == "optimal"
    assert r.objective == pytest.approx(r.bound)
    assert workshop_solution.evaluation.hard_violations == 0


def test_objective_equals_evaluator(workshop_solution):
    r, ev = workshop_solution.result, workshop_solution.evaluation
    assert r.objective == pytest.approx(ev.total, abs=1e-6)
    for term, value in r.terms.items():
        assert ev.terms[term].penalty == pytest.approx(value, abs=1e-6)


def test_joint_talk_back_to_back(workshop_solution):
    w = where(workshop_solution)
    assert w["T07"][3] == w["T14"][3]
    a7 = next(a for a in workshop_solution.assignments if a.talk == "T07")
    a14 = next(a for a in workshop_solution.assignments if a.talk == "T14")
    assert a7.end == a14.start


def test_nobody_scheduled_while_unavailable(workshop, workshop_solution):
    from sessionplan.periods import parse_time

    for a in workshop_solution.assignments:
        talk = workshop.talk_by_id[a.talk]
        for name in talk.speakers:
            for period in workshop.speaker_by_name[name].unavailable:
                assert not period.touches(a.day, parse_time(a.start), parse_time(a.end), a.session), (a, name)


def test_related_talks_grouped(workshop_solution):
    # the three PDE talks (T10, T11, T19) are the workshop's most related triangle;
    # sessions hold two talks, and availability rules out some pairings: two of them share one
    w = where(workshop_solution)
    assert any(w[a][:4:3] == w[b][:4:3] for a, b in [("T10", "T11"), ("T10", "T19"), ("T11", "T19")])


def test_cli_solve_writes_outputs_that_read_back(tmp_path, workshop):
    out = tmp_path / "results"
    res = CliRunner().invoke(app, ["solve", "--out", str(out), "--workers", "2", "--quiet"])
    assert res.exit_code == 0, res.output
    assert "status optimal" in res.output
    doc = json.loads((out / "schedule.json").read_text())
    assert doc["format"] == "sessionplan.schedule/1" and doc["status"] == "optimal"
    assert len(doc["assignments"]) == 28 and doc["score"]["hard_violations"] == 0
    assert doc["objective"] == pytest.approx(doc["score"]["total"])
    assert doc["solve"]["workers"] == 2 and "ortools" in doc["solve"]["versions"]
    # the solved workbook is a valid input again, and carries the same schedule
    again = sp.load(out / "schedule.xlsx")
    assert [t.id for t in again.talks] == [t.id for t in workshop.talks]
    assert [s.unavailable for s in again.speakers] == [s.unavailable for s in workshop.speakers]
    from_xlsx = sp.read_schedule(out / "schedule.xlsx", again)
    from_json = sp.read_schedule(out / "schedule.json", again)
    key = lambda a: (a.talk, a.room, a.day, a.start, a.end, a.session)  # noqa: E731
    assert sorted(map(key, from_xlsx)) == sorted(map(key, from_json))
    res = CliRunner().invoke(app, ["score", str(out / "schedule.xlsx"), str(out / "schedule.json")])
    assert res.exit_code == 0 and "hard violations: 0" in res.output


def test_solved_workbook_sheets(tmp_path, workshop_solution):
    from openpyxl import load_workbook

    sp.write_outputs(workshop_solution, tmp_path)
    wb = load_workbook(tmp_path / "schedule.xlsx")
    names = wb.sheetnames
    assert [n for n in names if n.startswith("Day ")] == [
        "Day Mon 2027-03-08", "Day Tue 2027-03-09", "Day Wed 2027-03-10", "Day Thu 2027-03-11", "Day Fri 2027-03-12"]
    for n in ("Schedule", "By speaker", "Score", "Talks", "Speakers", "Rooms", "Slots", "Constraints", "Weights"):
        assert n in names
    grid = wb["Day Thu 2027-03-11"]
    texts = [c.value for row in grid.iter_rows() for c in row if isinstance(c.value, str)]
    first = next(a for a in workshop_solution.assignments if a.talk == "T07")
    if first.day.isoformat() == "2027-03-11":
        assert any(t.startswith("T07 ·") for t in texts)
    score = {r[0].value: r for r in wb["Score"].iter_rows() if r[0].value}
    assert score["topic_cohesion"][3].value == pytest.approx(workshop_solution.evaluation.terms["topic_cohesion"].penalty)
