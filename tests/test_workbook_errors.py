"""Bad workbooks: every problem at once, named by sheet, Excel row and column."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app

from .conftest import HEADERS


def _headers(override):
    return {**HEADERS, **(override or {})}


def problems_of(path):
    with pytest.raises(sp.InputError) as info:
        sp.check(path)
    return info.value.problems


def assert_problem(problems, sheet, row, column, words):
    hits = [p for p in problems if p.sheet == sheet and p.row == row and p.column == column]
    assert hits, f"no problem at {sheet} row {row} column {column}: {[str(p) for p in problems]}"
    assert any(words.casefold() in p.message.casefold() for p in hits), [p.message for p in hits]


# (name, mutation of the MINI sheets, expected sheet, row, column, words in the message)
def _missing_sheet(s): del s["Rooms"]
def _missing_column(s):
    s["Talks"] = [r[:2] for r in s["Talks"]]
    return {"Talks": ["id", "title"]}
def _duplicate_id(s): s["Talks"][2][0] = "T1"
def _unknown_speaker(s): s["Talks"][1][2] = "Ada; Zed"
def _unknown_talk_room(s): s["Talks"][0][8] = "Attic"
def _unknown_slot_room(s): s["Slots"][1][4] = "Hall; Attic"
def _joint_too_long(s):
    for r in s["Talks"][:3]:
        r[6] = "trio"
def _duration_fits_nowhere(s): s["Talks"][3][3] = 90
def _bad_period(s): s["Speakers"][0][2] = "Mon; Someday"
def _unknown_kind(s): s["Constraints"] = [["clone", "T1", "T2", None, None]]
def _too_many_talks(s):
    s["Talks"].append(["T5", "Extra", "Ada", None, None, None, None, None, None])
def _text_duration(s): s["Talks"][0][3] = "forty"
def _bad_date(s): s["Slots"][2][0] = "2027-02-30"
def _end_before_start(s): s["Slots"][0][2] = "08:30"
def _duplicate_speaker(s): s["Speakers"].append(["Ada", "Elsewhere", None, None])
def _unknown_target_talk(s): s["Constraints"] = [["before", "T1", "T9", None, None]]
def _unknown_term(s): s["Weights"] = [["happiness", 3]]
def _negative_weight(s): s["Weights"] = [["topic_cohesion", -1]]
def _empty_title(s): s["Talks"][1][1] = "   "
def _bad_hard(s): s["Constraints"] = [["pin", "T1", "Mon-1", "maybe", None]]
def _overlapping_slots(s): s["Slots"][1][1] = "09:15"
def _bad_audience(s): s["Talks"][0][7] = -5
def _bad_capacity(s): s["Rooms"][0][1] = "lots"
def _bad_pin_target(s): s["Constraints"] = [["pin", "T1", "Mon 25:00", None, None]]
def _self_reference(s): s["Constraints"] = [["before", "T1", "T1", None, None]]


CASES = [
    ("missing sheet", _missing_sheet, "Rooms", None, None, "missing"),
    ("missing column", _missing_column, "Talks", 1, "speakers", "missing"),
    ("duplicate id", _duplicate_id, "Talks", 4, "id", "duplicate"),
    ("unknown speaker", _unknown_speaker, "Talks", 3, "speakers", "unknown speaker 'Zed'"),
    ("unknown room of a talk", _unknown_talk_room, "Talks", 2, "room", "unknown room 'Attic'"),
    ("unknown room of a slot", _unknown_slot_room, "Slots", 3, "rooms", "unknown room 'Attic'"),
    ("joint group too long", _joint_too_long, "Talks", 2, "joint", "longest session has 2"),
    ("duration fits no run", _duration_fits_nowhere, "Talks", 5, "duration", "longer than every session"),
    ("unparseable period", _bad_period, "Speakers", 2, "unavailable", "Someday"),
    ("unknown constraint kind", _unknown_kind, "Constraints", 2, "kind", "unknown kind"),
    ("more talks than room-slots", _too_many_talks, None, None, None, "offer 4 room-slots"),
    ("text in duration", _text_duration, "Talks", 2, "duration", "whole number"),
    ("impossible date", _bad_date, "Slots", 4, "day", "not a valid date"),
    ("slot ends before it starts", _end_before_start, "Slots", 2, "end", "not after its start"),
    ("duplicate speaker", _duplicate_speaker, "Speakers", 6, "name", "duplicate"),
    ("unknown talk as target", _unknown_target_talk, "Constraints", 2, "target", "unknown talk 'T9'"),
    ("unknown weight term", _unknown_term, "Weights", 2, "term", "unknown term"),
    ("negative weight", _negative_weight, "Weights", 2, "weight", "at least 0"),
    ("empty title", _empty_title, "Talks", 3, "title", "empty"),
    ("hard is not yes/no", _bad_hard, "Constraints", 2, "hard", "yes or no"),
    ("overlapping slots", _overlapping_slots, "Slots", 3, "start", "overlaps"),
    ("negative audience", _bad_audience, "Talks", 2, "audience", "at least 0"),
    ("text capacity", _bad_capacity, "Rooms", 2, "capacity", "whole number"),
    ("bad pin time", _bad_pin_target, "Constraints", 2, "target", "not a time"),
    ("talk before itself", _self_reference, "Constraints", 2, "target", "itself"),
]


@pytest.mark.parametrize("name,mutate,sheet,row,column,words", CASES, ids=[c[0] for c in CASES])
def test_fault_is_named(name, mutate, sheet, row, column, words, mini, book):
    headers = mutate(mini)
    assert_problem(problems_of(book(mini, headers=_headers(headers))), sheet, row, column, words)


def test_all_problems_reported_at_once(mini, book):
    for mutate in (_duplicate_id, _unknown_speaker, _bad_period, _unknown_kind, _text_duration, _bad_date):
        mutate(mini)
    problems = problems_of(book(mini))
    located = {(p.sheet, p.row, p.column) for p in problems}
    assert {("Talks", 4, "id"), ("Talks", 3, "speakers"), ("Speakers", 2, "unavailable"),
            ("Constraints", 2, "kind"), ("Talks", 2, "duration"), ("Slots", 4, "day")} <= located


def test_structure_problems_of_every_sheet_at_once(mini, book):
    _missing_sheet(mini)
    problems = problems_of(book(mini, headers=_headers(_missing_column(mini))))
    assert {(p.sheet, p.column) for p in problems} >= {("Rooms", None), ("Talks", "speakers")}


def test_not_a_workbook(tmp_path):
    fake = tmp_path / "talks.xlsx"
    fake.write_text("id,title\nT1,Hello\n")
    (problem,) = problems_of(fake)
    assert "not an Excel workbook" in problem.message


def test_cli_bad_workbook_exit_2_nothing_written(mini, book, tmp_path):
    for mutate in (_unknown_speaker, _bad_period):
        mutate(mini)
    path = book(mini)
    out = tmp_path / "results"
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 2
    assert "Talks, row 3, column 'speakers'" in result.output
    assert "Speakers, row 2, column 'unavailable'" in result.output
    assert not out.exists()


def test_cli_no_traceback_in_a_real_process(mini, book, tmp_path):
    _bad_date(mini)
    path = book(mini)
    proc = subprocess.run([sys.executable, "-m", "sessionplan.cli", "check", str(path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "Slots, row 4, column 'day'" in proc.stderr


def test_unknown_column_is_a_warning_not_an_error(mini, book, tmp_path):
    headers = {"Rooms": ["name", "capacity", "colour"]}
    mini["Rooms"] = [["Hall", 100, "blue"]]
    path = book(mini, headers=_headers(headers))
    warnings = sp.errors.Problems()
    inst = sp.load(path, warnings=warnings)
    assert inst.rooms[0].capacity == 100
    assert [(w.sheet, w.column) for w in warnings.warnings] == [("Rooms", "colour")]


def _overlaps_pairwise(slots):
    """The overlap report by its definition: each slot against every earlier-starting one
    still running, the first of them (in start order) that shares its session or a room."""
    out = []
    for i, b in enumerate(slots):
        for a in slots[:i]:
            if a.day != b.day or a.end <= b.start:
                continue
            if a.session == b.session:
                out.append((b.row, "start", f"overlaps row {a.row} of the same session {a.session!r}"))
                break
            shared = sorted(set(a.rooms) & set(b.rooms))
            if shared:
                out.append((b.row, "rooms",
                            f"room {shared[0]!r} would be in two overlapping slots (rows {a.row} and {b.row})"))
                break
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 8), st.integers(1, 4), st.sampled_from("AB"),
                          st.sets(st.sampled_from(["R1", "R2", "R3"]), min_size=1)), max_size=14))
def test_the_slot_overlap_sweep_reports_what_the_pairwise_definition_does(rows):
    """The sweep (work linear in rows and rooms) names the same rows, columns and partners
    as comparing every pair, expired slots in the middle of a lane included."""
    from datetime import date

    from sessionplan.errors import Problems
    from sessionplan.io.workbook import _Reader
    from sessionplan.model import Slot

    raw = list((date(2026, 5, 4 + d), 600 + 15 * s, 600 + 15 * (s + n), sess, tuple(sorted(rooms)), 2 + i)
                 for i, (d, s, n, sess, rooms) in enumerate(rows))
    raw.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[5]))
    slots = [Slot(index=i, day=d, start=a, end=b, session=se, rooms=ro, row=rn)
             for i, (d, a, b, se, ro, rn) in enumerate(raw)]
    problems = Problems()
    _Reader({}, problems)._check_slot_overlaps(slots)
    got = [(p.row, p.column, p.message) for p in problems.items]
    assert sorted(got) == sorted(_overlaps_pairwise(slots))
