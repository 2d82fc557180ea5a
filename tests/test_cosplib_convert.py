"""CoSPLib in and out: instances converted to conference workbooks, schedules exported back.

The converted workbook's objective is meant to be CoSPLib's, criterion by criterion: the
published solutions, placed in the converted workbooks, are scored by the conference
evaluator and by the CoSPLib scorer (``sessionplan.io.cosplib_score``), and the two agree.
"""

from __future__ import annotations

import functools
import json
import random
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app
from sessionplan.errors import InputError
from sessionplan.evaluate import evaluate
from sessionplan.io.cosplib import Cell, Instance, Schedule, read_instance, read_solution
from sessionplan.io.cosplib_convert import convert, import_cosplib, session_days, slot_minutes, write_converted
from sessionplan.io.cosplib_score import score, timezone_penalty
from sessionplan.io.export_cosplib import assignments_from_cosplib, cosplib_schedule, write_cosplib
from sessionplan.model import Instance as Conference
from sessionplan.solver.build import objective_scale

from .conftest import SHARED

COSPLIB = SHARED / "data" / "cosplib"
INSTANCES = sorted(p.stem for p in (COSPLIB / "Dataset").glob("*.xlsx"))
SOLUTIONS = sorted((p.parent.name.split()[0], p.name.removesuffix("Solution.xlsx"))
                   for p in (COSPLIB / "Solutions").glob("*/*Solution.xlsx"))
runner = CliRunner()
_TMP = tempfile.TemporaryDirectory(prefix="cosplib-convert-")


@functools.cache
def cosplib_instance(name: str) -> Instance:
    return read_instance(COSPLIB / "Dataset" / f"{name}.xlsx")


@functools.cache
def workbook(name: str) -> Path:
    """The instance imported as `sessionplan import` imports it (once per test run)."""
    target = Path(_TMP.name) / f"{name}.xlsx"
    import_cosplib(COSPLIB / "Dataset" / f"{name}.xlsx", target)
    return target


@functools.cache
def conference(name: str) -> Conference:
    return sp.load(workbook(name))


def published(model: str, name: str):
    return read_solution(COSPLIB / "Solutions" / f"{model} Model" / f"{name}Solution.xlsx", cosplib_instance(name))


# -- import --------------------------------------------------------------------------

@pytest.mark.parametrize("name", INSTANCES)
def test_every_instance_converts_and_passes_check(name):
    res = runner.invoke(app, ["check", str(workbook(name))])
    assert res.exit_code == 0, res.output
    assert "unknown" not in res.output            # every sheet and column is the workbook's own
    cos, conf = cosplib_instance(name), conference(name)
    length = slot_minutes(cos)
    assert [t.id for t in conf.talks] == [" ".join(s.reference.split()) for s in cos.submissions]
    assert [t.duration for t in conf.talks] == [s.required_timeslots * length for s in cos.submissions]
    assert [t.track for t in conf.talks] == [" ".join(s.track.split()) for s in cos.submissions]
    assert [t.name for t in conf.tracks] == [" ".join(t.name.split()) for t in cos.tracks]
    assert [r.name for r in conf.rooms] == [r.name for r in cos.rooms]
    # one block per CoSPLib session, in the sheet's order, with its number of time slots
    blocks = sorted(conf.sessions.items(), key=lambda kv: (kv[0][0], conf.slots[kv[1][0]].start))
    assert [(label, len(idxs)) for (_, label), idxs in blocks] == [(s.name, s.max_timeslots) for s in cos.sessions]


@pytest.mark.parametrize("name", INSTANCES)
def test_every_penalty_is_kept_exactly(name):
    """The CellCosts penalties add up to the weighted matrices and submission penalties, and the
    Tracks and Conflicts rows carry the criteria's weights."""
    cos, conf = cosplib_instance(name), conference(name)
    w = cos.weights
    expected = (w.tracks_sessions * _total(cos.tracks_sessions) + w.tracks_rooms * _total(cos.tracks_rooms)
                + w.sessions_rooms * _total(cos.sessions_rooms)
                + w.submissions_sessions * sum(sum(s.session_penalties.values()) for s in cos.submissions)
                + w.submissions_rooms * sum(sum(s.room_penalties.values()) for s in cos.submissions))
    if w.submissions_timezones and not conf.windows:
        expected += w.submissions_timezones * sum(timezone_penalty(cos, s.time_zone, x.name)
                                                  for s in cos.submissions for x in cos.sessions)
    assert sum(c.penalty for c in conf.cell_costs) == expected
    assert all(float(c.penalty).is_integer() for c in conf.cell_costs)
    similar = sum(f.weight for t in conf.tracks for _, f in t.similar)
    pairs = {frozenset((a, b)): max(v, cos.similar_tracks.get(b, {}).get(a, 0))
             for a, row in cos.similar_tracks.items() for b, v in row.items() if a != b}
    assert similar == w.similar_tracks * sum(pairs.values())
    assert all(not f.hard for t in conf.tracks for _, f in t.similar)
    for t in conf.tracks:
        assert (t.one_room.weight, t.consecutive.weight, t.not_parallel.weight, t.order.weight) == (
            w.rooms_per_track, w.consecutive_tracks, w.parallel_tracks, w.submissions_order)
        assert not (t.one_room.hard or t.consecutive.hard or t.not_parallel.hard or t.order.hard)
    rules = {(r.who, r.level): (r.hard, r.weight) for r in conf.conflicts}
    for who, level, weight in (("presenters", "session", w.presenters_conflicts),
                               ("presenters", "slot", w.presenters_conflicts_timeslot),
                               ("attendees", "session", w.attendees_conflicts),
                               ("attendees", "slot", w.attendees_conflicts_timeslot),
                               ("chairs", "session", w.chairs_conflicts)):
        assert rules.get((who, level)) == ((False, weight) if weight else None), (who, level)
    assert all(level != "time" for _, level in rules)     # no hard rule CoSPLib does not have
    assert conf.weights["topic_cohesion"] == 0 and conf.weights["topic_clash"] == 0


def _total(matrix: dict[str, dict[str, int]]) -> int:
    return sum(v for row in matrix.values() for v in row.values())


def test_weights_up_to_ten_million_stay_exact(tmp_path):
    """A weight of 10^7 times a penalty of 10^7 - 1 is charged exactly, and the solver's
    objective scale keeps it a whole number."""
    cos = cosplib_instance("N2OR")
    big = cos.model_copy(update={
        "weights": cos.weights.model_copy(update={"tracks_sessions": 10 ** 7, "presenters_conflicts": 10 ** 7,
                                                  "submissions_sessions": 0}),
        "tracks_sessions": {cos.tracks[0].name: {cos.sessions[0].name: 10 ** 7 - 1}}})
    conv = convert(big)
    assert {"track": cos.tracks[0].name, "period": cos.sessions[0].name, "penalty": 10 ** 7 - 1} \
        in conv.sheets["CellCosts"]
    write_converted(conv, tmp_path / "big.xlsx")
    conf = sp.load(tmp_path / "big.xlsx")
    cost = next(c for c in conf.cell_costs if c.track == cos.tracks[0].name)
    assert cost.penalty == 10 ** 7 - 1 and conf.weights["track_cells"] == 10 ** 7
    assert {(r.who, r.level, r.weight) for r in conf.conflicts if r.who == "presenters"} == {
        ("presenters", "session", 10 ** 7)}
    assert objective_scale(conf) == 100
    assert int(conf.weights["track_cells"] * cost.penalty) == 10 ** 7 * (10 ** 7 - 1)


def test_a_penalty_beyond_the_bound_without_common_factor_is_refused():
    cos = cosplib_instance("N2OR")
    big = cos.model_copy(update={
        "weights": cos.weights.model_copy(update={"tracks_sessions": 3 * 10 ** 6}),
        "tracks_sessions": {cos.tracks[0].name: {cos.sessions[0].name: 7}}})   # 2.1 x 10^7, and N2OR's 1s
    with pytest.raises(InputError, match="exceed the workbook's 10,000,000"):
        convert(big)


def test_overlapping_sessions_move_to_later_days():
    cos = cosplib_instance("OR60F2")
    days = session_days(cos, slot_minutes(cos))
    spans = [(days[s.name], s.start, s.start + s.max_timeslots * slot_minutes(cos)) for s in cos.sessions]
    assert spans == sorted(spans)
    assert all(a[0] < b[0] or a[2] <= b[1] for a, b in zip(spans, spans[1:], strict=False))
    assert {s.name for s in cos.sessions if days[s.name] != s.day} == {f"s{i}" for i in range(1, 9)}


def test_time_zones_as_windows_or_as_cell_costs():
    """GECCO21's sessions keep their CoSPLib times, so its time zones are Windows; where the
    grid's times would change a penalty, each submission's penalty is a CellCosts row instead."""
    conf = conference("GECCO21")
    assert [(w.start, w.end, w.penalty) for w in conf.windows] == [(570, 1290, 0), (420, 1380, 100), (None, None, 1000)]
    assert conf.settings.windows_over == "session" and conf.settings.zone == "UTC+2"
    cos = cosplib_instance("GECCO21")
    # a session ending 10 minutes later than its slots: 21:30 -> 21:40 is less suitable at GMT+2
    sessions = list(cos.sessions)
    sessions[0] = sessions[0].model_copy(update={"start": 1210, "end": 1300})
    odd = cos.model_copy(update={"sessions": tuple(sessions)})
    assert timezone_penalty(odd, 2, sessions[0].name) == 1
    conv = convert(odd)
    assert not conv.windows_exact and "Windows" not in conv.sheets
    assert any(r.get("talk") and r.get("period") == sessions[0].name for r in conv.sheets["CellCosts"])


def test_names_the_workbook_cannot_tell_apart_are_refused():
    cos = cosplib_instance("N2OR")
    tracks = list(cos.tracks)
    tracks[1] = tracks[1].model_copy(update={"name": tracks[0].name.upper() + " "})
    with pytest.raises(InputError, match="differ only in case or spaces"):
        convert(cos.model_copy(update={"tracks": tuple(tracks)}))


def test_import_refuses_a_bad_instance_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes((COSPLIB / "Dataset" / "N2OR.xlsx").read_bytes()[:2000])
    res = runner.invoke(app, ["import", str(bad), "--out", str(tmp_path / "out.xlsx")])
    assert res.exit_code == 2 and not (tmp_path / "out.xlsx").exists()


# -- export --------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "name"), SOLUTIONS)
def test_published_solutions_round_trip(tmp_path, model, name):
    """A published schedule placed in the converted workbook exports to the same cells, and
    the written sheet reads back to it."""
    cos, conf = cosplib_instance(name), conference(name)
    sol = published(model, name)
    assignments = assignments_from_cosplib(conf, sol.schedule)
    exported = cosplib_schedule(conf, assignments, cos)
    assert exported.schedule == sol.schedule
    assert exported.score is not None and exported.score.objective == score(cos, sol.schedule).objective
    write_cosplib(tmp_path / "sol.xlsx", exported)
    assert read_solution(tmp_path / "sol.xlsx", cos).schedule == sol.schedule


@pytest.mark.parametrize(("model", "name"), SOLUTIONS)
def test_evaluator_equals_the_cosplib_scorer_on_published_solutions(model, name):
    """The conference evaluator's terms on a published schedule add up to its CoSPLib score."""
    cos, conf = cosplib_instance(name), conference(name)
    sol = published(model, name)
    ev = evaluate(conf, assignments_from_cosplib(conf, sol.schedule))
    expected = score(cos, sol.schedule)
    assert expected.hard == []
    assert ev.total == expected.objective, {k: t.penalty for k, t in ev.terms.items() if t.penalty}


def scattered_schedule(cos: Instance, seed: int) -> Schedule | None:
    """A CoSPLib-valid schedule that breaks many soft criteria: tracks fill cells taken in a
    random order (None when the cells run out)."""
    rng = random.Random(seed)
    free = [(s, r.name) for s in cos.sessions for r in cos.rooms]
    rng.shuffle(free)
    cells: list[Cell] = []
    tracks = list(cos.tracks)
    rng.shuffle(tracks)
    for t in tracks:
        subs = [s for s in cos.submissions if s.track == t.name]
        rng.shuffle(subs)
        slots: list[str | None] = []
        session = room = None
        for sub in subs:
            if session is None or len(slots) + sub.required_timeslots > session.max_timeslots:
                if session is not None:
                    cells.append(Cell(session=session.name, room=room, track=t.name,
                                      slots=tuple(slots + [None] * (session.max_timeslots - len(slots)))))
                fitting = [c for c in free if c[0].max_timeslots >= sub.required_timeslots]
                if not fitting:
                    return None
                session, room = fitting[0]
                free.remove(fitting[0])
                slots = []
            slots += [sub.reference] * sub.required_timeslots
        if session is not None:
            cells.append(Cell(session=session.name, room=room, track=t.name,
                              slots=tuple(slots + [None] * (session.max_timeslots - len(slots)))))
    return Schedule(cells=tuple(cells))


@pytest.mark.parametrize("name", INSTANCES)
def test_evaluator_equals_the_cosplib_scorer_on_scattered_schedules(name):
    """On schedules that break every kind of criterion the instance weighs (tracks split over
    rooms and sessions, conflicts, order, time zones), the two scores agree term for term."""
    cos, conf = cosplib_instance(name), conference(name)
    tried = 0
    for seed in range(3):
        schedule = scattered_schedule(cos, seed)
        if schedule is None:
            continue
        tried += 1
        expected = score(cos, schedule)
        assert expected.hard == []
        ev = evaluate(conf, assignments_from_cosplib(conf, schedule))
        assert ev.hard_violations == 0
        assert ev.total == expected.objective, (
            {k: t.penalty for k, t in ev.terms.items() if t.penalty},
            {k: c.penalty for k, c in expected.criteria.items() if c.penalty})
    if name not in ("N2OR", "ISF22"):        # (nearly full grids: the random cells run out)
        assert tried


def _variant(name: str) -> Instance:
    cos = cosplib_instance(name)
    if name == "ISF22":                       # three submissions in four: room for scattered tracks
        return cos.model_copy(update={"submissions": tuple(s for i, s in enumerate(cos.submissions) if i % 4)})
    weights = {k: v or 7 for k, v in cos.weights.model_dump().items()}     # every criterion on
    return cos.model_copy(update={"weights": cos.weights.model_copy(update=weights)})


@pytest.mark.parametrize("name", ["ISF22", "GECCO21", "GECCO20"])
def test_evaluator_equals_the_scorer_with_every_criterion_on(tmp_path, name):
    """ISF22 (attendees, chairs, the time-slot level) with room to scatter its tracks, and
    GECCO21 and GECCO20 (time zones, chairs, an attendee) with every weight switched on."""
    cos = _variant(name)
    write_converted(convert(cos), tmp_path / "v.xlsx")
    conf = sp.load(tmp_path / "v.xlsx")
    checked = 0
    for seed in range(4):
        schedule = scattered_schedule(cos, seed)
        if schedule is None:
            continue
        expected = score(cos, schedule)
        ev = evaluate(conf, assignments_from_cosplib(conf, schedule))
        assert expected.hard == [] and ev.hard_violations == 0
        assert ev.total == expected.objective, (
            {k: t.penalty for k, t in ev.terms.items() if t.penalty},
            {k: c.penalty for k, c in expected.criteria.items() if c.penalty})
        checked += 1
        charged = {k for k, c in expected.criteria.items() if c.penalty}
    assert checked and len(charged) >= 8, charged


def test_export_refuses_a_cell_of_two_tracks():
    cos, conf = cosplib_instance("N2OR"), conference("N2OR")
    sol = published("Exact", "N2OR")
    assignments = assignments_from_cosplib(conf, sol.schedule)
    a, b = assignments[0], next(x for x in assignments if conf.talk_by_id[x.talk].track
                                != conf.talk_by_id[assignments[0].talk].track)
    moved = [x.model_copy(update={"room": a.room, "day": a.day, "session": a.session, "start": a.start, "end": a.end})
             if x is b else x for x in assignments if x is not a]
    moved.append(a.model_copy(update={"start": a.start}))
    with pytest.raises(InputError, match="holds tracks"):
        cosplib_schedule(conf, moved, cos)


@pytest.mark.parametrize(("name", "limit"), [("N2OR", 20), ("OR60F", 40)])
def test_solve_and_export_on_the_command_line(tmp_path, name, limit):
    """import, solve, export --format cosplib: a valid CoSPLib schedule whose CoSPLib score
    is the solver's objective and the evaluator's score."""
    book = tmp_path / f"{name}.xlsx"
    res = runner.invoke(app, ["import", str(COSPLIB / "Dataset" / f"{name}.xlsx"), "--out", str(book)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["solve", str(book), "--out", str(tmp_path / "out"), "--time-limit", str(limit),
                              "--workers", "2"])
    assert res.exit_code == 0, res.output
    solved = json.loads((tmp_path / "out" / "schedule.json").read_text())
    sol_path = tmp_path / "sol.xlsx"
    res = runner.invoke(app, ["export", str(book), str(tmp_path / "out" / "schedule.json"), "--format", "cosplib",
                              "--instance", str(COSPLIB / "Dataset" / f"{name}.xlsx"), "--out", str(sol_path)])
    assert res.exit_code == 0, res.output
    cos = cosplib_instance(name)
    back = read_solution(sol_path, cos)
    result = score(cos, back.schedule)
    assert result.hard == []
    assert back.report is not None and back.report.objective == result.objective
    assert f"CoSPLib objective {result.objective}" in res.output
    assert result.objective == solved["score"]["total"] == solved["objective"]
    # the solved workbook exports alike, and without the instance the cells are the same
    plain = tmp_path / "plain.xlsx"
    res = runner.invoke(app, ["export", str(tmp_path / "out" / "schedule.xlsx"), "--format", "cosplib",
                              "--out", str(plain)])
    assert res.exit_code == 0, res.output
    if name == "N2OR":                          # (OR60F's track names have spaces the workbook drops)
        assert read_solution(plain, cos).schedule == back.schedule


def test_instance_option_is_for_the_cosplib_format(tmp_path):
    res = runner.invoke(app, ["export", str(workbook("N2OR")), "--format", "html", "--out", str(tmp_path / "p.html"),
                              "--instance", str(COSPLIB / "Dataset" / "N2OR.xlsx")])
    assert res.exit_code == 2 and "--instance is for --format cosplib" in res.output
    assert not (tmp_path / "p.html").exists()
