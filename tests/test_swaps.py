"""The swap search (solver/swaps.py): its objective is the evaluator's, every move keeps
the hard rules, it groups related talks, and CP-SAT starts from what it found."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings

import sessionplan as sp
from sessionplan.model import Instance, Room, Slot, Speaker, Talk, constraint_row
from sessionplan.periods import parse_period
from sessionplan.solver import FAMILIES, candidate_places, construct, swaps, to_assignment
from sessionplan.terms import TOPIC_TERMS

from .test_property import SETTINGS, instances

DAY = date(2027, 3, 8)


def topic_instance(rows=(), joint=None) -> Instance:
    """One room, two sessions of four 30-minute slots; four talks on 'graphs', four on 'bayes'."""
    slots = [Slot(index=i, day=DAY, start=540 + 30 * i + (60 if i >= 4 else 0), end=570 + 30 * i + (60 if i >= 4 else 0),
                  session="AM" if i < 4 else "Late", rooms=("R",)) for i in range(8)]
    talks = [Talk(id=f"{t}{k}", title=f"talk {t}{k}", speakers=(f"S{t}{k}",), topics=(topic,),
                  joint=joint if (joint and f"{t}{k}" in ("g1", "g2")) else None)
             for t, topic in (("g", "graphs"), ("b", "bayes")) for k in range(1, 5)]
    speakers = [Speaker(name=s) for t in talks for s in t.speakers]
    return Instance(name="topics", talks=talks, speakers=speakers, rooms=[Room(name="R")], slots=slots,
                    constraints=list(rows))


def mixed_start(inst: Instance):
    """A construction with the two topics interleaved (the worst grouping)."""
    b, places = candidate_places(inst, FAMILIES)
    c = construct(inst, FAMILIES)
    order = ["g1", "b1", "g2", "b2", "g3", "b3", "g4", "b4"]
    by_slot = {}
    for t in inst.talks:
        by_slot[t.id] = {p.slots[0]: p for p in places[t.id]}
    talk_of = {t.id: t for t in inst.talks}
    for t in list(c.placed):
        c.undo(talk_of[t])
    for slot, t in enumerate(order):
        c.take(talk_of[t], by_slot[t][slot])
    return b, places, c


def evaluator_units(inst: Instance, placed: dict, scale: int) -> int:
    return round(sp.evaluate(inst, [to_assignment(p) for p in placed.values()]).total * scale)


def test_interleaved_topics_end_in_sessions_of_their_own():
    inst = topic_instance()
    b, places, c = mixed_start(inst)
    start = evaluator_units(inst, c.placed, b.scale)
    out = swaps.improve(b, places, FAMILIES, c, seed=0, seconds=30)
    assert out.start == start > 0
    ev = sp.evaluate(inst, [to_assignment(p) for p in out.placements.values()])
    assert ev.hard_violations == 0
    assert ev.terms["topic_cohesion"].penalty == 0
    sessions = {}
    for p in out.placements.values():
        sessions.setdefault(p.session, set()).add(p.talk[0])
    assert sorted(map(sorted, sessions.values())) == [["b"], ["g"]]
    assert out.best == round(ev.total * b.scale) < start


def test_talks_with_rows_or_in_joint_groups_do_not_move():
    rows = [constraint_row(kind="before", talk="g3", target="b3", other="b3", hard=False, row=2),
            constraint_row(kind="forbid", talk="b4", target="Mon 09:00-09:30", hard=False, row=3,
                          period=parse_period("Mon 09:00-09:30", frozenset({"am", "late"})))]
    inst = topic_instance(rows=rows)
    assert swaps.movable_talks(inst) == ["g1", "g2", "g4", "b1", "b2"]
    assert swaps.movable_talks(topic_instance(rows=rows, joint="J")) == ["g4", "b1", "b2"]
    b, places, c = mixed_start(inst)
    before = dict(c.placed)
    out = swaps.improve(b, places, FAMILIES, c, seed=0, seconds=30)
    for t in ("g3", "b3", "b4"):
        assert out.placements[t] == before[t]
    assert out.best < out.start


def test_the_same_seed_gives_the_same_schedule():
    inst = topic_instance()
    runs = []
    for _ in range(2):
        b, places, c = mixed_start(inst)
        runs.append(swaps.improve(b, places, FAMILIES, c, seed=3, seconds=30))
    assert runs[0].placements == runs[1].placements and runs[0].moves == runs[1].moves
    # a budget a few milliseconds shorter (the checks before the solve) runs as many moves
    assert swaps.move_count(136, 5.997) == swaps.move_count(136, 6.0) == 120_000
    assert swaps.move_count(8, 6.0) == 8 * swaps.MOVES_PER_TALK


@settings(max_examples=60, **SETTINGS)
@given(instances())
def test_tracked_objective_is_the_evaluators_and_moves_keep_the_rules(inst):
    b, places = candidate_places(inst, FAMILIES)
    c = construct(inst, FAMILIES)
    if len(c.placed) < len(inst.talks):
        return
    start = sp.evaluate(inst, [to_assignment(p) for p in c.placed.values()])
    out = swaps.improve(b, places, FAMILIES, c, seed=1, seconds=10, moves_per_talk=200)
    end = sp.evaluate(inst, [to_assignment(p) for p in out.placements.values()])
    # what the search does not track (rows, joint groups) is the same before and after
    assert round(start.total * b.scale) - out.start == round(end.total * b.scale) - out.best
    assert out.best <= out.start
    if not start.violations:
        assert not end.violations, [v.message for v in end.violations]
    else:  # a talk in a broken row does not move: the same rows stay broken
        assert {v.rule for v in end.violations} <= {v.rule for v in start.violations}


@pytest.mark.parametrize("rows", [[], [constraint_row(kind="same_session", talk="g1", target="b1", other="b1",
                                                    hard=False, weight=3, row=2)]], ids=["plain", "soft row"])
def test_cp_sat_starts_from_the_swapped_schedule(rows):
    sol = sp.solve(topic_instance(rows=rows), time_limit=20, workers=1)
    stage = sol.result.stages["swaps"]
    assert stage["objective"] <= stage["construction"] and stage["hard_violations"] == 0
    assert sol.result.model_size["swap_moves"] > 0
    # kept as the fallback should the search end without a schedule
    assert sp.evaluate(topic_instance(rows=rows), [to_assignment(p) for p in sol.result.construction.values()]).total \
        == pytest.approx(stage["objective"])
    assert sol.result.objective <= stage["objective"] + 1e-9
    assert sol.status == "optimal" and sol.evaluation.hard_violations == 0


def test_no_swap_search_without_topic_terms():
    inst = topic_instance().with_weights({t: 0.0 for t in TOPIC_TERMS})
    assert not swaps.worthwhile(inst)
    # one room: nothing runs in parallel, so those terms alone give it nothing to do
    assert not swaps.worthwhile(inst.with_weights({"topic_parallel": 5.0, "topic_clash": 5.0}))
    assert swaps.worthwhile(inst.with_weights({"topic_cohesion": 1.0}))
    assert "swaps" not in sp.solve(inst, time_limit=20, workers=1).result.stages


def test_options_can_turn_it_off():
    from sessionplan.solver import Options, solve

    r = solve(topic_instance(), Options(time_limit=20, workers=1, swaps=False))
    assert "swaps" not in r.stages and r.status == "optimal"


def test_interrupted_during_the_swaps_the_best_schedule_so_far_is_the_result():
    seen = []

    def progress(p):
        seen.append(p)
        raise KeyboardInterrupt  # what Ctrl-C raises in the main thread

    sol = sp.solve(topic_instance(), time_limit=20, workers=1, progress=progress)
    assert sol.result.interrupted and sol.status == "feasible"
    assert sol.evaluation.hard_violations == 0 and len(sol.assignments) == 8
    # the construction, reported at the evaluator's price
    assert seen[0].objective == pytest.approx(sol.evaluation.total) == sol.result.stages["swaps"]["construction"]


def test_progress_hears_of_the_construction_first():
    seen = []
    sol = sp.solve(topic_instance(), time_limit=20, workers=1, progress=seen.append)
    assert seen[0].objective == pytest.approx(sol.result.stages["swaps"]["construction"])
    assert seen[-1].objective == pytest.approx(sol.result.objective)
