"""Alternatives: the committee-visible distance, the diversity family, the workshop bar."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sessionplan as sp
from sessionplan.committee.alternatives import default_min_diff, parse_share
from sessionplan.seats import distance, seats
from sessionplan.model import Assignment
from sessionplan.solver import to_assignment

from .test_property import SETTINGS, instances

MON, TUE = date(2027, 3, 8), date(2027, 3, 9)


def a(talk, day, start, session, room="Hall"):
    return Assignment(talk=talk, room=room, day=day, start=start, end="23:59", session=session)


BASE = [a("T1", MON, "09:00", "M1"), a("T2", MON, "09:30", "M1"), a("T3", MON, "11:00", "M2"), a("T4", TUE, "09:00", "T1")]


def test_distance_ignores_rooms_order_and_blocks_of_the_same_day():
    relabelled = [a(x.talk, x.day, x.start, x.session, room="Annex") for x in BASE]
    reordered = [a("T1", MON, "09:30", "M1"), a("T2", MON, "09:00", "M1"), *BASE[2:]]
    other_block = [a("T1", MON, "11:00", "M2"), a("T2", MON, "11:30", "M2"), a("T3", MON, "09:00", "M1"), BASE[3]]
    for same in (relabelled, reordered, other_block):
        assert distance(BASE, same) == 0


def test_distance_counts_new_mates_and_new_days():
    swapped = [a("T1", MON, "09:00", "M1"), a("T3", MON, "09:30", "M1"), a("T2", MON, "11:00", "M2"), BASE[3]]
    assert distance(BASE, swapped) == 3          # T1 and T3 have new mates, T2 is alone now
    session_to_tuesday = [a("T1", TUE, "11:00", "T2"), a("T2", TUE, "11:30", "T2"), *BASE[2:]]
    assert distance(BASE, session_to_tuesday) == 2   # same mates, another day
    assert distance(BASE, BASE[:3]) == 1          # T4 missing
    assert seats(BASE)["T1"] == (MON, frozenset({"T2"}))


def test_default_min_diff_and_shares():
    assert default_min_diff(28) == 5 and default_min_diff(10) == 4 and default_min_diff(3) == 3
    assert default_min_diff(100) == 15
    assert parse_share("5%") == pytest.approx(0.05) and parse_share("0.1") == pytest.approx(0.1)
    for bad in ("five", "-1%", "nan"):
        with pytest.raises(ValueError):
            parse_share(bad)


def _feasible_schedules(inst):
    options = [inst.placements(t) for t in inst.talks]
    for combo in itertools.product(*options):
        cells = [(p.room, j) for p in combo for j in p.slots]
        if len(cells) != len(set(cells)):
            continue
        assignments = [to_assignment(p) for p in combo]
        ev = sp.evaluate(inst, assignments)
        if ev.hard_violations == 0:
            yield assignments, ev.total


@settings(max_examples=40, **SETTINGS)
@given(instances(max_talks=4), st.integers(1, 4), st.sampled_from([0.0, 0.5, 10.0]))
def test_second_alternative_agrees_with_exhaustive_search(inst, min_diff, within):
    """The diversity model forbids nothing that differs enough and allows nothing that does not."""
    options = [inst.placements(t) for t in inst.talks]
    n = 1
    for o in options:
        n *= len(o)
    if n == 0 or n > 3000:
        return
    alts = sp.alternatives(inst, 2, within=within, min_diff=min_diff, time_limit=10, workers=1, stop_gap=0)
    if not alts.solutions:
        assert alts.failed.status == "infeasible"
        return
    first = alts.solutions[0].assignments
    eligible = [total for s, total in _feasible_schedules(inst)
                if total <= alts.cap + 1e-9 and distance(first, s) >= min_diff]
    if not eligible:
        assert len(alts.solutions) == 1 and "no programme within" in alts.stopped, alts.stopped
        assert alts.failed.status in ("optimal", "infeasible")   # proven: no such programme
    else:
        second = alts.solutions[1]
        assert second.evaluation.hard_violations == 0
        assert distance(first, second.assignments) >= min_diff
        assert second.result.objective == pytest.approx(min(eligible), abs=1e-6)
        assert second.result.objective == pytest.approx(second.evaluation.total, abs=1e-6)


def test_a_talk_differs_by_gaining_a_session_mate(mini, book):
    """T1 and T2 are pinned together; T3 can only make them differ by joining their session."""
    mini["Slots"] = [["2027-03-08", "09:00", "09:30", "Mon-1", None], ["2027-03-08", "09:30", "10:00", "Mon-1", None],
                     ["2027-03-08", "10:00", "10:30", "Mon-1", None], ["2027-03-08", "11:00", "11:30", "Mon-2", None]]
    mini["Talks"] = mini["Talks"][:3]
    mini["Speakers"] = mini["Speakers"][:3]
    mini["Constraints"] = [["pin", "T1", "Mon-1", None, None], ["pin", "T2", "Mon-1", None, None],
                           ["forbid", "T3", "Mon-1", "no", 1],
                           ["pin", "T1", "Mon-2", "no", 5]]   # broken in every programme: the best costs 5
    inst = sp.load(book(mini))
    alts = sp.alternatives(inst, 3, within=10, min_diff=3, workers=1, time_limit=10)
    first, second = (s.assignments for s in alts.solutions)
    assert seats(first)["T3"][1] == frozenset() and seats(second)["T3"][1] == {"T1", "T2"}
    assert distance(first, second) == 3
    assert not alts.complete and "alternative 3" in alts.stopped


def test_mini_has_exactly_three_pairings(mini, book):
    mini["Constraints"] = [["pin", "T1", "Mon-2", "no", 5], ["pin", "T1", "Mon-1", "no", 5]]   # the best costs 5
    inst = sp.load(book(mini))
    alts = sp.alternatives(inst, 4, within=100, min_diff=4, workers=1, time_limit=10)
    assert len(alts.solutions) == 3 and not alts.complete
    pairings = {frozenset(frozenset({t, *m}) for t, (_, m) in seats(s.assignments).items()) for s in alts.solutions}
    assert len(pairings) == 3
    d = alts.distances()
    assert all(d.loc[i, j] == 4 for i in d.index for j in d.columns if i != j)
    assert list(alts.table().index) == [1, 2, 3]


def test_workshop_three_alternatives_meet_the_bar(workshop):
    alts = sp.alternatives(workshop, 3, within=0.05, workers=2, seed=0, time_limit=60)
    assert alts.complete, alts.stopped
    assert alts.min_diff == 5
    first = alts.solutions[0]
    assert first.status == "optimal"
    table = alts.table()
    for sol in alts.solutions:
        assert sol.evaluation.hard_violations == 0
        assert sol.result.objective == pytest.approx(sol.evaluation.total, abs=1e-6)
        assert sol.evaluation.total <= 1.05 * first.evaluation.total + 1e-9
    assert (table["hard_violations"] == 0).all()
    d = alts.distances()
    for i, j in itertools.combinations(d.index, 2):
        assert d.loc[i, j] == distance(alts.solutions[i - 1].assignments, alts.solutions[j - 1].assignments) >= 5
    doc = alts.summary_document({1: "schedule-1.json"})
    assert doc["found"] == 3 and doc["alternatives"][0]["file"] == "schedule-1.json"
    assert set(doc["alternatives"][1]["distance"]) == {"1", "3"}


def test_cli_writes_alternatives_and_a_summary(mini, book, tmp_path):
    from typer.testing import CliRunner

    from sessionplan.cli import app

    runner = CliRunner()
    mini["Constraints"] = [["pin", "T1", "Mon-2", "no", 5], ["pin", "T1", "Mon-1", "no", 5]]
    path = book(mini)
    out = tmp_path / "alts"
    res = runner.invoke(app, ["solve", str(path), "--alternatives", "3", "--within", "1000%", "--min-diff", "4",
                              "--workers", "1", "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["alternatives.json", *(f"schedule-{k}.{e}" for k in (1, 2, 3) for e in ("json", "xlsx"))]
    summary = json.loads((out / "alternatives.json").read_text())
    assert summary["found"] == 3 and summary["min_diff"] == 4 and summary["within"] == pytest.approx(10)
    assert all(v >= 4 for alt in summary["alternatives"] for v in alt["distance"].values())
    docs = [json.loads((out / f"schedule-{k}.json").read_text()) for k in (1, 2, 3)]
    assert all(d["score"]["hard_violations"] == 0 for d in docs)
    assert "vs 1" in res.output
    # a fourth pairing does not exist: the three are written, the exit says not all were found
    res = runner.invoke(app, ["solve", str(path), "--alternatives", "4", "--within", "1000%", "--min-diff", "4",
                              "--workers", "1", "--out", str(tmp_path / "four"), "-q"])
    assert res.exit_code == 1 and "alternative 4" in res.output
    assert (tmp_path / "four" / "schedule-3.json").exists() and not (tmp_path / "four" / "schedule-4.json").exists()
    # bad options: exit 2, nothing written
    for args in (["--within", "five"], ["--min-diff", "0"], ["--alternatives", "0"],
                 ["--baseline", str(out / "schedule-1.json")]):
        res = runner.invoke(app, ["solve", str(path), "--alternatives", "2", *args, "--out", str(tmp_path / "bad"), "-q"])
        assert res.exit_code == 2, (args, res.output)
        assert not (tmp_path / "bad").exists()


def test_cli_infeasible_alternatives_exit_1(mini, book, tmp_path):
    from typer.testing import CliRunner

    from sessionplan.cli import app

    mini["Speakers"][0][2] = "Mon"
    res = CliRunner().invoke(app, ["solve", str(book(mini)), "--alternatives", "2", "--workers", "1",
                                   "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 1
    doc = json.loads((tmp_path / "o" / "schedule-1.json").read_text())
    assert doc["status"] == "infeasible" and doc["assignments"] == []


def test_a_complete_hint_is_accepted(mini, book):
    inst = sp.load(book(mini))
    first = sp.solve(inst, workers=1, time_limit=10)
    again = sp.solve(inst, workers=1, time_limit=10, hint=first.result.placements)
    assert again.status == "optimal" and again.result.objective == first.result.objective
