"""CoSPLib workbooks: reading instances and solutions, writing solutions, and the published scores.

The scorer (``sessionplan.io.cosplib_score``) is written from the benchmark's definition; here it is held
to the violations sheets of the published solutions, column by column and entry by entry.
Where a published sheet was made with an older definition or instance version, the
difference is spelled out (``PUBLISHED_RULES``) and checked, so that it cannot drift.
"""

from __future__ import annotations

import functools
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import sessionplan as sp
from sessionplan.io.cosplib import (
    WEIGHT_LABELS,
    Cell,
    Instance,
    Parameters,
    Room,
    Schedule,
    Session,
    Submission,
    Track,
    Weights,
    Window,
    is_cosplib,
    read_instance,
    read_solution,
    write_solution,
)
from sessionplan.io.cosplib_score import CRITERIA, PUBLISHED_COLUMNS, score, timezone_penalty

from .conftest import SHARED

COSPLIB = SHARED / "data" / "cosplib"
INSTANCES = sorted(p.stem for p in (COSPLIB / "Dataset").glob("*.xlsx"))
SOLUTIONS = sorted((p.parent.name.split()[0], p.name.removesuffix("Solution.xlsx"))
                   for p in (COSPLIB / "Solutions").glob("*/*Solution.xlsx"))
NAMES = dict(CRITERIA)


@functools.cache
def instance(name: str) -> Instance:
    return read_instance(COSPLIB / "Dataset" / f"{name}.xlsx")


def solution_path(model: str, name: str) -> Path:
    return COSPLIB / "Solutions" / f"{model} Model" / f"{name}Solution.xlsx"


def raw_rows(path: Path, sheet: str) -> list[tuple]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


# -- instances -----------------------------------------------------------------------

def test_sixteen_instances():
    assert len(INSTANCES) == 16 and len(SOLUTIONS) == 12


@pytest.mark.parametrize("name", INSTANCES)
def test_instance_keeps_every_weight_and_matrix_entry(name):
    """Weights and every penalty, counted straight from the cells, are all in the model."""
    inst = instance(name)
    path = COSPLIB / "Dataset" / f"{name}.xlsx"
    weights = {str(r[3]).rstrip(":"): r[4] for r in raw_rows(path, "parameters")[1:] if r[3] is not None}
    assert {label: getattr(inst.weights, field) for field, label in WEIGHT_LABELS} == weights
    for field, sheet in (("tracks_sessions", "tracks_sessions|penalty"), ("tracks_rooms", "tracks_rooms|penalty"),
                         ("similar_tracks", "similar tracks"), ("sessions_rooms", "sessions_rooms|penalty")):
        raw = [v for r in raw_rows(path, sheet)[1:] for v in r[1:] if v is not None]
        model = [v for row in getattr(inst, field).values() for v in row.values()]
        assert sorted(raw) == sorted(model), sheet
    rows = [r for r in raw_rows(path, "submissions")[1:] if r[0] is not None]
    assert [s.reference for s in inst.submissions] == [r[0] for r in rows]
    raw = sorted(v for r in rows for v in r[7:] if v is not None)
    assert raw == sorted(v for s in inst.submissions
                         for v in [*s.session_penalties.values(), *s.room_penalties.values()])
    assert all(isinstance(v, int) for s in inst.submissions for v in s.session_penalties.values())
    assert is_cosplib(path)


def test_matrices_are_read_by_label_not_by_position():
    """OR60F lists its tracks in another order in the penalty sheets than in the tracks sheet."""
    inst = instance("OR60F")
    path = COSPLIB / "Dataset" / "OR60F.xlsx"
    rows = raw_rows(path, "tracks_sessions|penalty")
    order = [r[0] for r in rows[1:] if r[0] is not None]
    assert order != [t.name for t in inst.tracks]
    header = rows[0]
    for r in rows[1:]:
        for i, v in enumerate(r[1:], start=1):
            if v is not None and header[i] is not None:
                assert inst.tracks_sessions[r[0]][header[i]] == v


def test_names_are_kept_exactly():
    """CoSPLib names are exact: OR60F's tracks keep their trailing space."""
    names = {t.name for t in instance("OR60F").tracks}
    assert "ORS COMMITTEE SESSIONS For ORS use only " in names


def _copy(tmp_path: Path, src: Path = COSPLIB / "Dataset" / "N2OR.xlsx") -> Path:
    """A writable copy of a shared workbook (those are read-only)."""
    dst = tmp_path / src.name
    shutil.copy(src, dst)
    dst.chmod(0o644)
    return dst


def test_large_weights_and_penalties_stay_exact(tmp_path):
    path = _copy(tmp_path)
    wb = load_workbook(path)
    wb["parameters"]["E13"] = 10 ** 7                      # Presenters Conflicts
    wb["parameters"]["E2"] = 12_345_678_901_234            # Tracks_Sessions|Penalty
    wb["tracks_sessions|penalty"]["C3"] = 9_999_999_999
    wb.save(path)
    inst = read_instance(path)
    assert inst.weights.presenters_conflicts == 10 ** 7
    assert inst.weights.tracks_sessions == 12_345_678_901_234
    track = wb["tracks_sessions|penalty"]["A3"].value
    assert inst.tracks_sessions[track]["Wed2"] == 9_999_999_999
    assert isinstance(inst.tracks_sessions[track]["Wed2"], int)


def test_bad_cells_are_located_all_at_once(tmp_path):
    path = _copy(tmp_path)
    wb = load_workbook(path)
    sub, par = wb["submissions"], wb["parameters"]
    sub["B3"] = "Analytix"                      # unknown track
    sub["C4"] = 1.5                             # required time slots not whole
    sub["E5"] = "GMT+14"                        # time zone out of range
    sub["H6"] = "high"                          # penalty not a number
    sub["A8"] = sub["A7"].value                 # duplicate reference
    sub["P2"] = 3                               # a value under an empty header
    par["E9"] = -1                              # negative weight (Submissions_Timezones)
    par["D12"] = "Submission Rooms:"            # misspelt weight label
    par["B4"] = "half past nine"                # suitable from
    wb["similar tracks"]["C4"] = "x"
    wb["sessions"]["E3"] = "13:00"              # ends before it starts (14:00)
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(sp.InputError) as exc:
        read_instance(path)
    found = {(p.sheet, p.row, p.column) for p in exc.value.problems}
    assert {("submissions", 3, "Track"), ("submissions", 4, "Required Timeslots"), ("submissions", 5, "Time Zone"),
            ("submissions", 6, "Wed1"), ("submissions", 8, "Reference"), ("submissions", 2, "P"),
            ("parameters", 9, "E"), ("parameters", 12, "D"), ("parameters", None, "D"), ("parameters", 4, "B"),
            ("similar tracks", 4, "Supply Chain & Transportation Management"),
            ("sessions", 3, "End Time")} <= found
    text = str(exc.value)
    assert "unknown track 'Analytix'" in text and "GMT+14" in text and "'Submissions_Rooms|Penalty' missing" in text
    assert path.read_bytes() == before


def test_missing_sheet_and_missing_row(tmp_path):
    path = _copy(tmp_path)
    wb = load_workbook(path)
    del wb["rooms"]
    wb.save(path)
    with pytest.raises(sp.InputError) as exc:
        read_instance(path)
    assert [(p.sheet, p.row, p.column) for p in exc.value.problems] == [("rooms", None, None)]
    path = _copy(tmp_path)
    wb = load_workbook(path)
    wb["tracks_rooms|penalty"].delete_rows(3)
    wb.save(path)
    with pytest.raises(sp.InputError, match="no row for track 'Supply Chain & Transportation Management'"):
        read_instance(path)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("Reference,Track\n", encoding="utf-8")
    with pytest.raises(sp.InputError, match="not an Excel workbook"):
        read_instance(path)
    assert not is_cosplib(path)


# -- the published solutions ---------------------------------------------------------

def _weighted(crit) -> Counter:
    return Counter((label, crit.weight * a) for label, a in crit.entries if crit.weight * a)


# How the violations sheets published with the solutions differ from today's definition
# and instances. ``consecutive``: the sheets charge 10 per non-consecutive track whatever the
# weight (today: the weight, 1 in GECCO19 and N2OR); ``similar``: they charge the weight per
# similar pair whatever the matrix entry (today: weight x entry; GECCO19's entries are 10,
# GECCO20's and GECCO21's 20); ``sessions_rooms``: OR60F, OR60F2 and OR60F3 today charge
# 1000 for Wed3 in LicaA27, LicaA28 and LicaA29, which the published exact schedules use
# (Wed3 in LicaA27) and their sheets charge 0.
OR60F_ROOMS_NOT_PUBLISHED = {"Wed3 - LicaA27", "Wed3 - LicaA28", "Wed3 - LicaA29"}


def published_rule(key: str, name: str, crit) -> Counter:
    if key == "consecutive_tracks":
        return Counter((label, 10) for label, a in crit.entries if a and crit.weight)
    if key == "similar_tracks":
        return Counter((label, crit.weight) for label, a in crit.entries if a and crit.weight)
    if key == "sessions_rooms" and name.startswith("OR60F"):
        return Counter({e: k for e, k in _weighted(crit).items() if e[0] not in OR60F_ROOMS_NOT_PUBLISHED})
    return _weighted(crit)


@pytest.mark.parametrize(("model", "name"), SOLUTIONS)
def test_published_violations_reproduced(model, name):
    inst = instance(name)
    sol = read_solution(solution_path(model, name), inst)
    assert sol.report is not None and not sol.warnings
    result = score(inst, sol.schedule)
    assert result.hard == []
    published = [c.name for c in sol.report.criteria]
    assert published == [n for _, n in CRITERIA[:PUBLISHED_COLUMNS]]
    for key, column in CRITERIA[:PUBLISHED_COLUMNS]:
        crit, pub = result.criteria[key], sol.report.criterion(column)
        theirs = Counter((e.label, e.penalty) for e in pub.entries)
        assert sum(v for _, v in theirs.elements()) == pub.total, column
        assert published_rule(key, name, crit) == theirs, column


# Today's score minus the published objective, criterion by criterion, and what is behind it.
DIFFERENCES = {
    ("Exact", "GECCO19"): {"consecutive_tracks": 16 - 160, "similar_tracks": 90 - 9},
    ("Extended", "GECCO19"): {"consecutive_tracks": 7 - 70},
    ("Exact", "GECCO20"): {"similar_tracks": 60 - 3, "submissions_order": 18},
    ("Extended", "GECCO20"): {"submissions_order": 18},
    ("Exact", "GECCO21"): {"similar_tracks": 80 - 4},
    ("Exact", "N2OR"): {"consecutive_tracks": 2 - 20},
    ("Extended", "N2OR"): {"submissions_order": 1},
    ("Exact", "OR60F"): {"sessions_rooms": 1000, "unlisted": -21},
    ("Exact", "OR60F2"): {"sessions_rooms": 1000},
    ("Exact", "OR60F3"): {"sessions_rooms": 1000},
}


@pytest.mark.parametrize(("model", "name"), SOLUTIONS)
def test_published_objective_and_todays_score(model, name):
    """The published objective is the sum of its columns (OR60F's exact one 21 more, unexplained);
    today's score differs from it by the version differences listed, and by nothing else."""
    inst = instance(name)
    sol = read_solution(solution_path(model, name), inst)
    result = score(inst, sol.schedule)
    columns = sum(c.total for c in sol.report.criteria)
    diff = DIFFERENCES.get((model, name), {})
    assert sol.report.objective == columns - diff.get("unlisted", 0)
    published = {key: sol.report.criterion(col).total for key, col in CRITERIA[:PUBLISHED_COLUMNS]}
    for key, crit in result.criteria.items():
        assert crit.penalty - published.get(key, 0) == diff.get(key, 0), key
    assert result.objective - sol.report.objective == sum(diff.values())


def test_best_published_values():
    """The best published objectives, as their sheets state them, and as scored today."""
    best: dict[str, tuple[int, int]] = {}
    for model, name in SOLUTIONS:
        sol = read_solution(solution_path(model, name), instance(name))
        today = score(instance(name), sol.schedule).objective
        old = best.get(name, (10 ** 30, 10 ** 30))
        best[name] = (min(old[0], sol.report.objective), min(old[1], today))
    assert {k: v[0] for k, v in best.items()} == {
        "N2OR": 1, "GECCO19": 1000179, "GECCO20": 6223, "GECCO21": 11130, "OR60F": 433, "OR60F2": 660, "OR60F3": 720}
    assert {k: v[1] for k, v in best.items()} == {
        "N2OR": 2, "GECCO19": 1000116, "GECCO20": 6298, "GECCO21": 11130, "OR60F": 433, "OR60F2": 1660,
        "OR60F3": 1720}


# -- writing solutions ---------------------------------------------------------------

@pytest.mark.parametrize(("model", "name"), SOLUTIONS)
def test_written_solution_matches_published_layout(tmp_path, model, name):
    inst = instance(name)
    src = solution_path(model, name)
    sol = read_solution(src, inst)
    result = score(inst, sol.schedule)
    out = tmp_path / "sol.xlsx"
    write_solution(out, inst, sol.schedule, result.report())
    assert raw_rows(out, "sol") == [r for r in raw_rows(src, "sol")]
    back = read_solution(out, inst)
    assert back.schedule == sol.schedule
    assert back.report == result.report()
    assert back.report.objective == result.objective


def test_writer_refuses_a_schedule_that_does_not_fit(tmp_path):
    inst = instance("N2OR")
    bad = Schedule(cells=(Cell(session="Wed1", room="Nowhere", track="Analytics", slots=("NEW19A3729",)),
                          Cell(session="Wed1", room="Stafford 1", track="Analytics", slots=("x", None, None))))
    with pytest.raises(ValueError, match="unknown session or room") as exc:
        write_solution(tmp_path / "s.xlsx", inst, bad)
    assert "3 time slots, the session has 2" in str(exc.value) and "unknown submission 'x'" in str(exc.value)
    assert not (tmp_path / "s.xlsx").exists()


def test_solution_problems_are_located(tmp_path):
    inst = instance("N2OR")
    path = _copy(tmp_path, solution_path("Extended", "N2OR"))
    wb = load_workbook(path)
    ws = wb["sol"]
    ws["B2"] = "Analytix"                       # unknown track
    ws["C7"] = "NEW19A9999"                     # unknown submission
    ws.insert_rows(8)                           # a third time slot row for Wed1 (it has two)
    ws["A8"] = "Wed1"
    ws["G3"] = "stray"                          # a value under no room
    ws["C3"] = "Big  Data and AI"               # only spaces differ: a warning
    wb.save(path)
    with pytest.raises(sp.InputError) as exc:
        read_solution(path, inst)
    found = {(p.sheet, p.row, p.column) for p in exc.value.problems}
    assert {("sol", 2, "Steelhouse LT"), ("sol", 7, "Stafford 1"), ("sol", 9, "A"), ("sol", 3, "G")} <= found
    ws["B2"], ws["C7"], ws["G3"] = "Optimisation", None, None
    ws.delete_rows(8)
    wb.save(path)
    sol = read_solution(path, inst)
    assert any("taken as 'Big Data and AI'" in w for w in sol.warnings)


def test_solution_without_the_empty_row(tmp_path):
    """The time-slot rows may follow the track rows directly: a repeated session starts them."""
    inst = instance("N2OR")
    path = _copy(tmp_path, solution_path("Extended", "N2OR"))
    wb = load_workbook(path)
    wb["sol"].delete_rows(6)
    wb.save(path)
    assert read_solution(path, inst).schedule == read_solution(solution_path("Extended", "N2OR"), inst).schedule


# -- the scorer on small cases -------------------------------------------------------

def _tiny(**weights) -> Instance:
    day = date(2021, 7, 1)
    return Instance(
        name="tiny",
        parameters=Parameters(local_offset=0, suitable=Window(start=570, end=1290),
                              less_suitable=Window(start=420, end=1380),
                              less_suitable_penalty=1, unsuitable_penalty=10),
        weights=Weights(**({f: 0 for f, _ in WEIGHT_LABELS} | weights)),
        submissions=(
            Submission(reference="a", track="T", required_timeslots=1, order=2, time_zone=0, presenters=("P",)),
            Submission(reference="b", track="T", required_timeslots=1, order=0, time_zone=-5, attendees=("P",)),
            Submission(reference="c", track="U", required_timeslots=2, order=0, time_zone=9, presenters=("P",)),
            Submission(reference="d", track="V", required_timeslots=1, order=0, time_zone=0, presenters=("Q",)),
        ),
        tracks=(Track(name="T", chairs=("C",)), Track(name="U", chairs=("C",)), Track(name="V", chairs=("P",))),
        sessions=tuple(Session(name=f"S{i}", max_timeslots=2, day=day, start=start, end=start + 60)
                       for i, start in enumerate((600, 840, 1080, 570))),
        rooms=(Room(name="R1"), Room(name="R2")),
        similar_tracks={"V": {"T": 7}},                     # entered below the diagonal only
    )


def test_scorer_criteria_on_a_small_case():
    inst = _tiny(**{f: 1 for f, _ in WEIGHT_LABELS})
    cells = [
        Cell(session="S0", room="R1", track="T", slots=("b", "a")),
        Cell(session="S0", room="R2", track="V", slots=("d", None)),
        Cell(session="S2", room="R2", track="T", slots=(None, None)),
        Cell(session="S2", room="R1", track="U", slots=("c", "c")),
    ]
    r = score(inst, Schedule(cells=tuple(cells)))
    assert {k: sorted(c.entries) for k, c in r.criteria.items() if c.entries} == {
        "similar_tracks": [("T - V - S0", 7)],       # the pair's entry lies below the diagonal
        "rooms_per_track": [("T", 1)],               # T in R1 and R2
        "consecutive_tracks": [("T", 1)],            # T in S0 and S2, not in S1
        # b at GMT-5: 05:00-06:00, unsuitable; c at GMT+9: 03:00-04:00, unsuitable, in each of its two slots
        "submissions_timezones": [("b - S0", 10), ("c - S2", 10), ("c - S2", 10)],
        "presenters_conflicts": [("a - d", 1)],      # a's presenter chairs d's track V, in parallel
        "attendees_conflicts": [("b - d", 1)],       # b's attendee chairs V (presents a: same room, no conflict)
        "attendees_conflicts_timeslot": [("b - d", 1)],
        "chairs_conflicts": [("U - T", 1)],          # T and U share a chair; T holds S2/R2 without submissions
    }
    assert r.hard == [] and r.objective == 43
    cells[0] = Cell(session="S0", room="R1", track="T", slots=("a", "b"))
    r = score(inst, Schedule(cells=tuple(cells)))
    assert r.criteria["submissions_order"].entries == [("a", 1)]   # a, of order 2, now comes first in T
    assert r.criteria["attendees_conflicts_timeslot"].entries == []
    assert r.criteria["presenters_conflicts_timeslot"].entries == [("a - d", 1)]


def test_weights_switch_criteria_off():
    inst = _tiny(similar_tracks=3)
    sched = Schedule(cells=(Cell(session="S0", room="R1", track="T", slots=("b", "a")),
                            Cell(session="S0", room="R2", track="V", slots=("d", None)),
                            Cell(session="S1", room="R1", track="U", slots=("c", "c"))))
    r = score(inst, sched)
    assert r.objective == 3 * 7 and r.report().objective == 21
    assert [c.total for c in r.report().criteria if c.total] == [21]


def test_timezone_windows():
    inst = _tiny()
    # S1 is 14:00-15:00 at GMT+0; suitable 09:30-21:30, less suitable 07:00-23:00
    cases = {0: 0, -4: 0, -5: 1, -7: 1, -8: 10, 7: 1, 8: 1, 9: 10, 12: 10}
    assert {off: timezone_penalty(inst, off, "S1") for off in cases} == cases
    # S3 is 09:30-10:30: the windows' bounds themselves
    cases = {0: 0, 11: 0, 12: 1, -2: 1, -3: 10, 13: 10, 14: 10}
    assert {off: timezone_penalty(inst, off, "S3") for off in cases} == cases


def test_scorer_finds_broken_hard_rules():
    inst = _tiny()
    sched = Schedule(cells=(
        Cell(session="S0", room="R1", track="U", slots=("a", "c")),
        Cell(session="S1", room="R1", track=None, slots=("c", None)),
        Cell(session="S1", room="R2", track="V", slots=("d", None)),
    ))
    hard = score(inst, sched).hard
    assert "a (track T) in a cell of track U" in hard
    assert "cell S1/R1 has submissions but no track" in hard
    assert "b not scheduled" in hard
    assert "c is not in consecutive slots of one cell" in hard


def test_a_changed_copy_looks_up_its_own_items():
    inst = instance("N2OR")
    first = inst.session(inst.sessions[0].name)
    sessions = (inst.sessions[0].model_copy(update={"start": first.start + 60}), *inst.sessions[1:])
    copy = inst.model_copy(update={"sessions": sessions})
    assert copy.session(first.name).start == first.start + 60
    assert inst.session(first.name) == first
