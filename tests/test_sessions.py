"""The session model: a valid bound, columns that fit, proofs that agree with exhaustive search."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pytest
from hypothesis import given, settings

import sessionplan as sp
from sessionplan.budget import Budget
from sessionplan.generate import partition
from sessionplan.model import Instance, Room, Slot, Speaker, Talk
from sessionplan.solver import FAMILIES, Options, candidate_places, solve, to_assignment
from sessionplan.solver.sessions import columns_of, improve
from sessionplan.solver.sessions.generation import choose, generate
from sessionplan.solver.sessions.problem import session_problem

from .helpers import exhaustive_best
from .test_property import SETTINGS, instances


@settings(max_examples=60, **SETTINGS)
@given(instances(max_talks=5))
def test_the_session_bound_never_exceeds_the_optimum(inst):
    best = exhaustive_best(inst)
    if best is None:
        return
    prepared = candidate_places(inst, FAMILIES)
    out = improve(prepared, FAMILIES, Options(workers=1, time_limit=10), Budget.of(10), None)
    if out.bound is not None:
        assert out.bound / prepared[0].scale <= best + 1e-6
    if out.placements is not None:
        ev = sp.evaluate(inst, [to_assignment(p) for p in out.placements.values()])
        assert ev.hard_violations == 0 and ev.total == pytest.approx(out.objective)


@pytest.mark.parametrize("seed", [0, 2, 4])
def test_star_duals_price_out_no_column_and_bound_from_the_start(seed):
    """At the star duals no column of any class has a negative reduced cost (exact
    pricing finds none of positive value), so their sum is a Lagrangian bound before
    any pricing: at most the LP's value, and the generation's bound is at least it."""
    from sessionplan.solver.sessions import pricing

    inst = partition(45, seed=seed)
    problem = session_problem(*candidate_places(inst, FAMILIES), FAMILIES)
    star = pricing.star_duals(problem)
    assert star is not None
    for k in range(len(problem.classes)):
        priced = pricing.exact(problem, k, star, Budget.of(10))
        assert priced.upper <= 1e-6
    first = generate(problem, [], Budget.of(0.0))   # no time: the bound is the star's
    assert first.bound == pytest.approx(sum(star)) and problem.constant() + sum(star) > 0
    gen = generate(problem, [], Budget.of(60))
    assert gen.solved and sum(star) <= gen.lp + 1e-6 and gen.bound >= sum(star) - 1e-6


def test_the_workshop_is_proven_optimal_by_its_sessions():
    inst = sp.load(sp.bundled_workshop())
    r = solve(inst, Options(time_limit=30, workers=2))
    assert r.status == "optimal" and r.objective == pytest.approx(113.7)
    assert r.bound == pytest.approx(113.7)
    record = r.stages["sessions"]
    assert record["lp_solved"] and record["partition_proven"]
    assert "build_ms" not in r.model_size   # proven before any talk-level model was built


def test_the_talk_model_alone_on_request():
    inst = sp.load(sp.bundled_workshop())
    r = solve(inst, Options(time_limit=30, workers=2, model="talks"))
    assert "sessions" not in r.stages and r.status == "optimal"


def test_a_fixed_size_partition_matches_the_exhaustive_optimum_of_its_sessions():
    """Three sessions of sizes 3, 3, 2 in one room: the partition optimum is found and proven."""
    inst = partition(8, seed=3, sizes=(3,), rooms=1, conflicts=0.0)
    r = solve(inst, Options(time_limit=30, workers=1))
    # every partition of 8 talks into cells of the instance's sizes, by brute force
    sizes = [len([j for j in idxs]) for idxs in inst.sessions.values()]
    talks = [t.id for t in inst.talks]
    weights = {(row.talk, row.other): row.weight for row in inst.constraints}
    best = None
    for perm in itertools.permutations(talks):
        groups, k = [], 0
        for s in sizes:
            groups.append(set(perm[k:k + s]))
            k += s
        lost = sum(w for (a, b), w in weights.items() if not any(a in g and b in g for g in groups))
        best = lost if best is None else min(best, lost)
    assert r.status == "optimal" and r.objective == pytest.approx(best)


def test_columns_that_count_right_but_cannot_be_sequenced_are_not_chosen():
    """A cell of three slots (30, 60, 30 minutes) holds a 60-minute talk from its first or
    its middle slot, both covering the middle one: two 60-minute talks fit its slots and
    minutes by count, never side by side."""
    day = date(2027, 3, 8)
    slots = [Slot(index=0, day=day, start=540, end=570, session="Mon-1", rooms=("Hall",)),
             Slot(index=1, day=day, start=570, end=630, session="Mon-1", rooms=("Hall",)),
             Slot(index=2, day=day, start=630, end=660, session="Mon-1", rooms=("Hall",)),
             Slot(index=3, day=day, start=720, end=780, session="Mon-2", rooms=("Hall",)),
             Slot(index=4, day=day, start=780, end=840, session="Mon-2", rooms=("Hall",))]
    talks = [Talk(id="A", title="graph kernels", speakers=("a",), duration=60, topics=("graphs",)),
             Talk(id="B", title="graph kernels too", speakers=("b",), duration=60, topics=("graphs",)),
             Talk(id="C", title="short one", speakers=("c",), duration=30),
             Talk(id="D", title="short two", speakers=("d",), duration=30)]
    inst = Instance(name="seq", talks=talks, speakers=[Speaker(name=n) for n in "abcd"], rooms=[Room(name="Hall")],
                    slots=slots)
    prepared = candidate_places(inst, FAMILIES)
    problem = session_problem(*prepared, FAMILIES)
    first = problem.class_of_cell[(day, "Mon-1", "Hall")]
    ab = frozenset(problem.item_of[t] for t in "AB")
    assert not problem.placeable(first, ab)
    gen = generate(problem, [], Budget.of(10))
    chosen = choose(problem, gen.master.columns, Budget.of(10))
    assert chosen is not None and all(problem.placeable(k, m) for k, m in chosen.columns)
    r = solve(inst, Options(time_limit=20, workers=1))
    assert r.status == "optimal" and sp.evaluate(inst, list(r.assignments)).hard_violations == 0


def test_the_schedule_s_sessions_are_columns_of_their_cells():
    inst = sp.load(sp.bundled_workshop())
    r = solve(inst, Options(time_limit=30, workers=1))
    prepared = candidate_places(inst, FAMILIES)
    problem = session_problem(*prepared, FAMILIES)
    cols = columns_of(problem, dict(r.placements))
    assert sum(len(m) for _, m in cols) == len(problem.items)
    assert all(problem.placeable(k, m) for k, m in cols)
    cost = problem.constant() + sum(problem.column_cost(k, m) for k, m in cols)
    assert cost / problem.scale == pytest.approx(r.objective)


def test_a_start_that_splits_no_pair_leaves_the_session_model_nothing_to_do():
    """Two topics of two talks, two sessions of two slots: sessions that keep each topic
    together pay no ``topic_cohesion``, so column generation is skipped; a start that
    splits both topics is improved to one that splits none."""
    day = date(2027, 3, 8)
    slots = [Slot(index=j, day=day, start=540 + 30 * j + (60 if j > 1 else 0), end=570 + 30 * j + (60 if j > 1 else 0),
                  session="Mon-1" if j < 2 else "Mon-2", rooms=("Hall",)) for j in range(4)]
    talks = [Talk(id="A", title="graph kernels", speakers=("a",), duration=30, topics=("graphs",)),
             Talk(id="B", title="graph walks", speakers=("b",), duration=30, topics=("graphs",)),
             Talk(id="C", title="proof search", speakers=("c",), duration=30, topics=("logic",)),
             Talk(id="D", title="proof nets", speakers=("d",), duration=30, topics=("logic",))]
    inst = Instance(name="pairs", talks=talks, speakers=[Speaker(name=n) for n in "abcd"], rooms=[Room(name="Hall")],
                    slots=slots)
    prepared = candidate_places(inst, FAMILIES)

    def start(order: str) -> dict:
        return {t: next(p for p in prepared[1][t] if p.slots == (j,)) for j, t in enumerate(order)}

    together = improve(prepared, FAMILIES, Options(workers=1, time_limit=10), Budget.of(10), start("ABCD"))
    assert together.record.get("hint_partition_optimal") and together.placements is None
    split = improve(prepared, FAMILIES, Options(workers=1, time_limit=10), Budget.of(10), start("ACBD"))
    assert not split.record.get("hint_partition_optimal")
    assert split.placements is not None
    ev = sp.evaluate(inst, [to_assignment(p) for p in split.placements.values()])
    assert ev.terms["topic_cohesion"].penalty == 0 and ev.hard_violations == 0


@pytest.mark.parametrize("kind", ["connected sets", "local and exact"])
def test_column_generation_cut_short_resumes_where_it_stopped(kind, monkeypatch):
    """Resumed, a generation stopped after three rounds goes on with its master, bound and
    smoothing centre, and reaches the LP optimum a whole run reaches (with either set of
    pricers); a session model run cut short is resumable only when its schedule pays
    nothing but its partition, or when its choice gave no schedule."""
    from sessionplan.solver.sessions import Sessions, generation

    if kind == "local and exact":
        monkeypatch.setattr(generation, "component_pricers", lambda *a: None)
    inst = partition(30, seed=1)
    problem = session_problem(*candidate_places(inst, FAMILIES), FAMILIES)
    whole = generate(problem, [], Budget.of(60))
    cut = generate(problem, [], Budget.of(60), max_rounds=3)
    assert whole.solved and not cut.solved and cut.rounds == 3
    columns, pricers = len(cut.master.columns), cut.pricers
    assert cut.pricers_made and (pricers is None) == (kind == "local and exact")
    resumed = generate(problem, [], Budget.of(60), resume=cut)
    assert resumed.pricers is pricers   # the connected sets are not enumerated again
    assert resumed is cut and resumed.solved and resumed.rounds > 3 and len(resumed.master.columns) > columns
    assert resumed.lp == pytest.approx(whole.lp, abs=1e-6 * max(1.0, abs(whole.lp)))
    short = generate(problem, [], Budget.of(60), max_rounds=3)
    assert Sessions(objective=12.0, generated=short, record={"partition": 12.0}).resumable
    assert not Sessions(objective=12.5, generated=short, record={"partition": 12.0}).resumable
    assert not Sessions(objective=12.0, generated=whole, record={"partition": 12.0}).resumable   # LP solved
    assert not Sessions(objective=12.0, generated=short, record={"partition": 12.0,
                                                                 "partition_proven": True}).resumable
    assert not Sessions(objective=12.0, record={"partition": 12.0}).resumable
    # a choice that placed nothing better than the start: more columns may
    assert Sessions(generated=short, record={"partition": 30.0}).resumable
    assert not Sessions(generated=short, record={}).resumable   # no choice made at all
    # the LP solved, its reduced-cost enumeration cut short: the proof may go on
    whole.proof = generation.Proof(generation.Chosen([], 12, "feasible", 0.0), 4.5)
    assert Sessions(objective=12.0, generated=whole, record={"partition": 12.0}).resumable
    assert not Sessions(objective=12.5, generated=whole, record={"partition": 12.0}).resumable


def test_a_solve_resumes_column_generation_cut_short(monkeypatch):
    """The first column generation stopped after twelve rounds (as a time limit would): the
    solve resumes it, and the resumed run's bound proves the schedule."""
    from sessionplan.solver import sessions as session_model

    real = session_model.generate
    calls: list = []

    def first_cut_short(problem, initial, budget, max_rounds=2000, resume=None):
        calls.append(resume)
        return real(problem, initial, budget, max_rounds=12 if len(calls) == 1 else max_rounds, resume=resume)

    monkeypatch.setattr(session_model, "generate", first_cut_short)
    inst = partition(30, seed=1)
    r = solve(inst, Options(time_limit=60, workers=1))
    record = r.stages["sessions"]
    assert record["lp_solved"] is False and record["resumed"]["lp_solved"] is True
    assert len(calls) == 2 and calls[0] is None and calls[1] is not None
    assert r.status == "optimal" and r.bound == pytest.approx(r.objective)
    ev = sp.evaluate(inst, r.assignments)
    assert ev.hard_violations == 0 and ev.total == pytest.approx(r.objective)


PROOF_TALKS, PROOF_SEED = 36, 1   # a partition whose first enumeration stage proves it


def test_a_solve_resumes_a_proof_cut_short(monkeypatch):
    """The first reduced-cost enumeration runs out of time (as a time limit would make it):
    the session model keeps the partition it had and the threshold of that stage, the
    solve resumes the proof there (no column generation again, no first choice again)
    and proves the schedule optimal, where the first run had left a gap."""
    from sessionplan.solver import sessions as session_model

    real = session_model.enumerate_columns
    thresholds: list = []

    def first_out_of_time(problem, pi, mu, gap, budget, limit=20_000, penalties=None):
        thresholds.append(gap)
        return None if len(thresholds) == 1 else real(problem, pi, mu, gap, budget, limit, penalties)

    monkeypatch.setattr(session_model, "enumerate_columns", first_out_of_time)
    monkeypatch.setattr(session_model, "BRANCH_ROOTS", math.inf)   # no time to branch, as then
    monkeypatch.setattr(session_model, "CUT_ROUNDS", 0)   # (the cuts would prove it on their own)
    inst = partition(PROOF_TALKS, seed=PROOF_SEED)
    r = solve(inst, Options(time_limit=60, workers=1))
    record = r.stages["sessions"]
    assert record["lp_solved"] and record["enumerate_stages"] == 0 and not record.get("partition_proven")
    assert record["bound"] < record["partition"]
    resumed = record["resumed"]
    assert resumed["proof_resumed"] and resumed["enumerate_stages"] >= 1 and resumed["partition_proven"]
    assert resumed["rounds"] == record["rounds"]   # the LP was not priced again
    assert thresholds[1] == thresholds[0]   # the stage that ran out of time, again
    assert r.status == "optimal" and r.bound == pytest.approx(r.objective)
    ev = sp.evaluate(inst, r.assignments)
    assert ev.hard_violations == 0 and ev.total == pytest.approx(r.objective)


@pytest.mark.parametrize("kind", ["connected sets", "local and exact"])
def test_a_master_lp_that_fails_ends_the_generation_not_the_solve(kind, monkeypatch):
    """GLOP in numerical trouble (from the fourth solve on, even from scratch): the
    generation ends with the columns and bound it has, and the solve still gives a
    schedule that keeps every hard rule, scored by the evaluator."""
    from ortools.linear_solver import pywraplp

    from sessionplan.solver.sessions import generation, master

    if kind == "local and exact":
        monkeypatch.setattr(generation, "component_pricers", lambda *a: None)
    calls = []
    real = pywraplp.Solver.Solve

    def troubled(self, *args):
        calls.append(len(args))
        return pywraplp.Solver.ABNORMAL if len(calls) > 3 else real(self, *args)

    monkeypatch.setattr(master.pywraplp.Solver, "Solve", troubled)
    inst = partition(30, seed=1)
    problem = session_problem(*candidate_places(inst, FAMILIES), FAMILIES)
    gen = generate(problem, [], Budget.of(60))
    assert gen.rounds == 4 and not gen.solved and gen.lp is not None
    assert calls[3:] == [0, 1, 1]   # incremental, from scratch, from scratch with presolve off
    assert gen.failed   # a session stage with this generation does not resume it
    n = len(calls)
    with pytest.raises(master.MasterFailed):
        gen.master.solve(0.0)   # no time left: no retry
    assert calls[n:] == [0]
    calls.clear()
    r = solve(inst, Options(time_limit=6, workers=1))
    assert r.has_schedule
    ev = sp.evaluate(inst, r.assignments)
    assert ev.hard_violations == 0 and ev.total == pytest.approx(r.objective)
