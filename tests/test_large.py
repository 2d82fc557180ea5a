"""Large conferences: construction, augmenting repair, and CP-SAT over restricted candidates."""

from __future__ import annotations

from datetime import date

import pytest

import sessionplan as sp
from sessionplan.generate import synthetic
from sessionplan.model import Instance, Room, Slot, Speaker, Talk, constraint_row
from sessionplan.solver import construct, construction, large, placement_filter

MON = date(2027, 3, 8)


def test_generator_is_seeded_and_feasible_sized():
    a, b = synthetic(120, 4, seed=3), synthetic(120, 4, seed=3)
    assert a.model_dump() == b.model_dump()
    assert synthetic(120, 4, seed=4).model_dump() != a.model_dump()
    assert len(a.talks) == 120 and len(a.rooms) == 4
    need = sum(a.min_slots(t) for t in a.talks)
    assert need <= sum(len(s.rooms) for s in a.slots)


def _tight() -> Instance:
    # one room: a 10-minute slot and a 20-minute slot, for a 10- and a 20-minute talk
    slots = [Slot(index=0, day=MON, start=540, end=550, session="A", rooms=("R",)),
             Slot(index=1, day=MON, start=600, end=620, session="B", rooms=("R",))]
    talks = [Talk(id="short", title="s", speakers=("x",), duration=10),
             Talk(id="long", title="l", speakers=("y",), duration=20)]
    return Instance(name="tight", talks=talks, speakers=[Speaker(name="x"), Speaker(name="y")],
                    rooms=[Room(name="R")], slots=slots)


def test_augmenting_chain_moves_a_talk_to_make_room():
    inst = _tight()
    c = construction.Construction(inst, placement_filter(inst), [])
    short, long_ = inst.talk_by_id["short"], inst.talk_by_id["long"]
    wrong = next(p for p in inst.templates(10, "R") if p.start == 600)
    c.take(short, wrong)  # the short talk sits in the only slot the long one fits
    construction._repair(c, inst, [long_])
    assert c.placed["long"].start == 600 and c.placed["short"].start == 540


def test_restricted_solve_keeps_every_hard_rule():
    inst = synthetic(150, 5, seed=2)
    assert large.candidate_count(inst) > 1000
    sol = sp.solve(inst, workers=2, time_limit=20, max_candidates=1000)
    r = sol.result
    assert r.model_size["restricted"] == 1 and r.model_size["constructed"] == 150
    assert r.bound is None and r.has_schedule
    assert sol.evaluation.hard_violations == 0
    assert r.objective == pytest.approx(sol.evaluation.total, abs=1e-6)
    assert r.model_size["booleans"] < large.candidate_count(inst)


def test_construction_groups_topics():
    inst = synthetic(120, 4, seed=5)
    groups = construction.clusters(inst)
    c = construction.greedy(inst, placement_filter(inst), [], groups)
    assert len(c.placed) == 120
    # most sessions hold talks of one topic only
    pure = sum(len({groups[t] for t in talks}) == 1 for talks in c.session_talks.values() if talks)
    assert pure / len([v for v in c.session_talks.values() if v]) > 0.6


NOTHING_FOUND = {"stop_after_presolve": True}  # CP-SAT ends without a schedule, as when time runs out


@pytest.mark.parametrize("max_candidates", [150_000, 100], ids=["exact", "restricted"])
def test_search_without_schedule_falls_back_on_the_construction(max_candidates):
    inst = sp.load(sp.bundled_workshop())
    sol = sp.solve(inst, workers=1, time_limit=20, parameters=NOTHING_FOUND, max_candidates=max_candidates)
    assert sol.status == "feasible"
    assert len(sol.assignments) == len(inst.talks)
    assert sol.evaluation.hard_violations == 0
    assert sol.result.objective == pytest.approx(sol.evaluation.total)
    assert any("greedy construction" in n for n in sol.notes)
    # the joint talk's parts back to back in one room, as the search would have them
    parts = sorted((a for a in sol.assignments if a.talk in inst.joint_groups["uq-graph"]), key=lambda a: a.start)
    assert parts[0].end == parts[1].start and parts[0].room == parts[1].room


def test_no_fallback_when_the_construction_breaks_a_hard_rule(monkeypatch):
    # "before" rows are not kept by the construction as it goes; with its mending off, one
    # it breaks is caught by the evaluator
    monkeypatch.setattr(construction, "mend_rows", lambda made, budget=None: 1)
    inst = sp.load(sp.bundled_workshop())
    # the construction's first and last talks (the swap search keeps talks of a row in place)
    made = construct(inst, time_limit=20).placed
    placed = sorted(made.values(), key=lambda p: (p.day, p.start, p.room))
    first, last = placed[0].talk, placed[-1].talk
    rows = list(inst.constraints) + [constraint_row(kind="before", talk=last, target=first, other=first, row=99)]
    strict = inst.model_copy(update={"constraints": rows})
    sol = sp.solve(strict, workers=1, time_limit=20, parameters=NOTHING_FOUND)
    assert sol.status == "unknown" and not sol.assignments
    assert sol.explanation is not None


def test_no_time_to_build_gives_the_construction_at_once():
    inst = synthetic(150, 5, seed=2)
    sol = sp.solve(inst, workers=1, time_limit=0.5, max_candidates=1000)
    assert sol.status == "feasible" and sol.evaluation.hard_violations == 0
    assert sol.result.model_size["constructed"] == 150 and "booleans" not in sol.result.model_size
    assert sol.result.objective == pytest.approx(sol.evaluation.total)
    assert any("greedy construction" in n for n in sol.notes)


@pytest.mark.parametrize("size", [(160, 8, 2, 16, 0), (160, 8, 2, 16, 1), (160, 8, 2, 16, 2),
                                  (250, 15, 2, 8, 0), (250, 15, 2, 8, 2), (400, 15, 1, 15, 2)])
def test_tight_grids_are_constructed_complete_and_valid(size):
    """Generated FOSDEM-like grids (as many slots as talks, rooms on their own times,
    double-slot talks, speakers in two rooms): the construction seats every talk and
    keeps every hard rule, whatever the seed. With the slot lengths matching the
    durations one for one (250 x 15, seeds 0 and 2), a chain of moves could not seat the
    last talk of a speaker clash; the matching solved again with the clashing places
    taken away does. A room-day too long for its room gets shorter slots, not slots
    past midnight (400 talks in 15 rooms on one day)."""
    from sessionplan.evaluate import evaluate
    from sessionplan.generate import tight_grid
    from sessionplan.solver import to_assignment

    talks, rooms, days, tracks, seed = size
    inst = tight_grid(talks, rooms, days=days, tracks=tracks, seed=seed)
    assert inst.model_dump() == tight_grid(talks, rooms, days=days, tracks=tracks, seed=seed).model_dump()
    assert construction.tight(inst) and max(s.end for s in inst.slots) <= 24 * 60
    made = construct(inst)
    assert len(made.placed) == len(inst.talks)
    ev = evaluate(inst, [to_assignment(p) for p in made.placed.values()])
    assert ev.hard_violations == 0, [v.message for v in ev.violations][:5]


def _hard_violations(inst, placed) -> int:
    from sessionplan.evaluate import evaluate
    from sessionplan.solver import to_assignment

    return evaluate(inst, [to_assignment(p) for p in placed.values()]).hard_violations


def test_broken_pair_rows_are_mended_whatever_the_seed(monkeypatch):
    """Fixed-size partitions with authors kept apart (hard not_parallel_session rows,
    which the construction does not keep as it goes): after the mending every seed's
    construction keeps every hard rule; without it some seed's breaks one."""
    from sessionplan.generate import partition

    seeds = range(2, 6)
    for seed in seeds:
        inst = partition(90, seed=seed)
        made = construct(inst)
        assert len(made.placed) == 90 and _hard_violations(inst, made.placed) == 0, seed
    monkeypatch.setattr(construction, "mend_rows", lambda made, budget=None: 0)
    assert any(_hard_violations(inst, construct(inst).placed)
               for inst in (partition(90, seed=seed) for seed in seeds))


@pytest.mark.parametrize("kind", ["not_parallel_session", "same_session", "before", "different_day"])
def test_a_broken_hard_row_is_mended_by_a_move_or_a_swap(kind):
    from sessionplan.generate import partition
    from sessionplan.solver import FAMILIES

    inst = partition(60, seed=1, rooms=2, conflicts=0.0)   # two rooms, two days
    placed = dict(construct(inst).placed)
    by_time = sorted(placed.values(), key=lambda p: (p.day, p.start, p.room))
    a = by_time[-1]
    if kind == "not_parallel_session":     # two talks of one block in different rooms
        a, b = next((p, q) for p in by_time for q in by_time
                    if (p.day, p.session) == (q.day, q.session) and p.room != q.room)
    elif kind == "same_session":
        b = next(p for p in by_time if p.session_key != a.session_key)
    elif kind == "before":                 # the last talk before the first
        b = by_time[0]
    else:                                  # two talks of one day on different days
        b = next(p for p in by_time if p.day == a.day and p.talk != a.talk)
    row = constraint_row(kind, a.talk, target=b.talk, row=len(inst.constraints) + 2)
    strict = inst.model_copy(update={"constraints": [*inst.constraints, row]})
    assert row.breaks(a, b, strict) and _hard_violations(strict, placed) == 1
    made = construction.construction_of(strict, FAMILIES, placed)
    assert construction.mend_rows(made) == 0
    assert len(made.placed) == 60 and _hard_violations(strict, made.placed) == 0
    moved = {t for t in placed if made.placed[t] != placed[t]}
    assert moved & {a.talk, b.talk} and len(moved) <= 2


def test_a_partition_workbook_gets_a_schedule_within_a_short_limit():
    """Soft same_session rows only (no topic term, so no swap search): the construction
    runs first, so the session model's integer choice always has a partition that keeps
    every hard rule, and the solve a schedule, however little time the columns get."""
    from sessionplan.generate import partition

    inst = partition(90, seed=5)
    sol = sp.solve(inst, workers=1, time_limit=2)
    assert sol.result.has_schedule and sol.evaluation.hard_violations == 0
    assert sol.result.model_size["constructed"] == 90


def _row_across_rooms(inst):
    """A construction of ``inst`` and a hard same_session row it breaks between talks of
    two rooms."""
    from sessionplan.solver import FAMILIES

    placed = dict(construct(inst).placed)
    a, b = next((p, q) for p in sorted(placed.values(), key=lambda p: p.talk)
                for q in sorted(placed.values(), key=lambda p: p.talk) if p.room != q.room)
    row = constraint_row("same_session", a.talk, target=b.talk, row=len(inst.constraints) + 2)
    return placed, a, b, row, FAMILIES


@pytest.mark.parametrize("rule", ["required rooms", "tracks"])
def test_mending_never_takes_a_talk_out_of_rules_it_cannot_see(rule):
    """A broken row between two rooms is mended by taking one talk into the other's
    session; not when every talk must stay in its room (a required room), nor when the
    two are of a track (its rules are about cells, which the mending does not check)."""
    from sessionplan.generate import partition

    inst = partition(60, seed=1, rooms=2, conflicts=0.0)
    placed, a, b, row, families = _row_across_rooms(inst)
    free = inst.model_copy(update={"constraints": [*inst.constraints, row]})
    made = construction.construction_of(free, families, placed)
    assert construction.mend_rows(made) == 0 and _hard_violations(free, made.placed) == 0
    if rule == "required rooms":
        talks = [t.model_copy(update={"room": placed[t.id].room}) for t in inst.talks]
    else:
        talks = [t.model_copy(update={"track": "T"}) if t.id in (a.talk, b.talk) else t for t in inst.talks]
    from sessionplan.structure import Track

    fields = {name: getattr(free, name) for name in type(free).model_fields}
    strict = type(free)(**{**fields, "talks": talks, "tracks": [Track(name="T")] if rule == "tracks" else []})
    made = construction.construction_of(strict, families, placed)
    assert construction.mend_rows(made) == 1
    if rule == "required rooms":
        assert all(made.placed[t.id].room == t.room for t in talks)
    else:
        assert made.placed[a.talk] == placed[a.talk] and made.placed[b.talk] == placed[b.talk]


def test_a_construction_cut_short_is_finished_not_built_again(monkeypatch):
    """The swap search's construction, cut short (a talk without a place), is what the
    session model starts from: its repair goes on, and nothing builds it a second time."""
    from sessionplan.generate import partition
    from sessionplan.solver import pipeline

    inst = partition(40, seed=3)
    inst = inst.with_weights({"topic_cohesion": 1.0})
    real, built = pipeline.construct, []

    def cut_short(*args, **kwargs):
        made = real(*args, **kwargs)
        made.undo(inst.talk_by_id[sorted(made.placed)[0]])
        built.append(len(made.placed))
        return made

    monkeypatch.setattr(pipeline, "construct", cut_short)
    sol = sp.solve(inst, workers=1, time_limit=6)
    assert built == [39]
    assert sol.result.model_size["constructed"] == 40
    assert sol.result.has_schedule and sol.evaluation.hard_violations == 0
