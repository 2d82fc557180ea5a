"""The assignment relaxation: a valid lower bound, and a proof of optimality when its
matching (repaired) is a valid schedule at that bound."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sessionplan as sp
from sessionplan.model import Instance, Room, Slot, Speaker, Talk, constraint_row
from sessionplan.solver import FAMILIES, Options, build_model, candidate_places, relaxation, solve, solve_model

from .test_property import SETTINGS, instances

MON = date(2027, 3, 8)
NO_TOPICS = {"topic_cohesion": 0, "topic_parallel": 0, "topic_clash": 0}


def grid(rooms: dict[str, int], times: int) -> tuple[list[Room], list[Slot]]:
    names = tuple(rooms)
    slots = [Slot(index=i, day=MON, start=540 + 30 * i, end=570 + 30 * i, session=f"S{i}", rooms=names)
             for i in range(times)]
    return [Room(name=n, capacity=c) for n, c in rooms.items()], slots


def audience_instance(rows=()) -> Instance:
    """Six talks with audiences for a hall (100 seats) and a side room (20), three times."""
    rooms, slots = grid({"Hall": 100, "Side": 20}, 3)
    audiences = [90, 80, 70, 30, 10, 5]
    talks = [Talk(id=f"T{i}", title=f"talk {i}", speakers=(f"S{i % 4}",), audience=a)
             for i, a in enumerate(audiences)]
    speakers = [Speaker(name=f"S{i}") for i in range(4)]
    return Instance(name="audiences", talks=talks, speakers=speakers, rooms=rooms, slots=slots,
                    constraints=list(rows), weights_given=NO_TOPICS)


def relax(inst: Instance) -> relaxation.Relaxed:
    return relaxation.relax(*candidate_places(inst, FAMILIES), FAMILIES, seconds=5)


def test_per_placement_costs_are_proven_optimal_without_a_model():
    inst = audience_instance()
    seen = []
    fast = solve(inst, Options(workers=1, time_limit=30, progress=seen.append))
    assert [(p.objective, p.bound, p.solutions) for p in seen] == [(10.0, 10.0, 1)]
    slow = solve(inst, Options(workers=1, time_limit=30, relaxation=False))
    assert fast.status == slow.status == "optimal"
    assert fast.model_size["variables"] == 0 and slow.model_size["variables"] > 0
    # the three big talks share the hall at three times; the side room's three are 10 short
    assert fast.objective == slow.objective == pytest.approx(10.0)
    assert fast.bound == pytest.approx(10.0)
    sol = sp.solve(inst, workers=1, time_limit=30)
    assert sol.evaluation.hard_violations == 0 and sol.evaluation.total == pytest.approx(10.0)
    assert any("assignment relaxation" in note for note in sol.notes)


def test_a_broken_rule_is_repaired_by_taking_the_placement_away():
    # T0 and T1 may not run at the same time; whatever the first matching does, the
    # answer is still proven at the bound (the hall holds one of them at each time)
    rows = [constraint_row(kind="not_parallel", talk="T0", target="T3", other="T3", row=2),
            constraint_row(kind="not_parallel", talk="T1", target="T4", other="T4", row=3),
            constraint_row(kind="not_parallel", talk="T2", target="T5", other="T5", row=4)]
    inst = audience_instance(rows)
    r = relax(inst)
    assert r.proven and r.rounds >= 2  # the first matching pairs at least one of them
    assert r.evaluation.hard_violations == 0
    assert r.bound == 1000  # 10 seats short, at scale 100
    slow = solve(inst, Options(workers=1, time_limit=30, relaxation=False))
    assert slow.objective == pytest.approx(r.evaluation.total)


def test_matching_keeps_talks_in_place_when_one_placement_is_taken_away():
    inst = audience_instance()
    b, places = candidate_places(inst, FAMILIES)
    m = relaxation.Matching(places, relaxation.unary_costs(b, places, FAMILIES))
    cost, first = m.solve()
    assert m.forbid("T5", first["T5"]) and not m.forbid("T5", first["T5"])
    again, second = m.solve(keep=first)
    assert again == cost
    moved = {t for t in first if first[t] != second[t]}
    assert "T5" in moved and len(moved) <= 2  # T5 moves, at most into another's cell


def test_more_talks_than_places_has_no_matching_and_is_infeasible():
    rooms, slots = grid({"Hall": 100}, 2)
    talks = [Talk(id=f"T{i}", title="t", speakers=(f"S{i}",)) for i in range(3)]
    inst = Instance(name="full", talks=talks, speakers=[Speaker(name=f"S{i}") for i in range(3)],
                    rooms=rooms, slots=slots, constraints=[], weights_given=NO_TOPICS)
    assert relax(inst).bound is None
    assert solve(inst, Options(workers=1, time_limit=10)).status == "infeasible"


def test_the_search_ends_proven_when_it_reaches_a_known_bound():
    inst = audience_instance()
    b = build_model(inst)
    result = solve_model(b, Options(workers=1, time_limit=30), known_bound=1000)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(10.0) and result.bound == pytest.approx(10.0)


@settings(max_examples=50, **SETTINGS)
@given(instances(max_talks=6))
def test_the_bound_never_exceeds_the_optimum(inst):
    # as generated (topic terms on: the bound only), and without topic terms (proofs too)
    for case in (inst, inst.with_weights(dict.fromkeys(relaxation.PAIRWISE, 0.0))):
        r = relax(case)
        exact = solve(case, Options(workers=1, time_limit=10, relaxation=False))
        if r.bound is None:
            assert exact.status == "infeasible"
            continue
        if exact.status == "optimal":
            assert r.bound <= round(exact.objective * candidate_places(case, FAMILIES)[0].scale)
            if r.proven:
                assert r.evaluation.total == pytest.approx(exact.objective, abs=1e-6)


def test_with_topic_terms_only_the_bound_is_computed():
    inst = audience_instance().with_weights({"topic_cohesion": 10})
    r = relax(inst)
    assert r.bound == 1000 and r.rounds == 0 and not r.proven
    assert solve(inst, Options(workers=1, time_limit=30)).bound >= 10.0


@given(st.integers(0, 5), st.integers(0, 5), st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_the_least_cost_assignment_is_that_of_every_assignment(rows, cols, rnd):
    """Rectangular matrices too: min(rows, cols) pairs, one per row and column, of the
    least total cost, as brute force over every assignment finds it."""
    import itertools

    import numpy as np

    from sessionplan.solver.matching import least_cost_assignment

    cost = np.array([[rnd.randint(-40, 40) for _ in range(cols)] for _ in range(rows)], dtype=float).reshape(rows, cols)
    pairs = least_cost_assignment(cost)
    k = min(rows, cols)
    assert len(pairs) == k
    assert len({r for r, _ in pairs}) == k and len({c for _, c in pairs}) == k
    if rows <= cols:
        best = min((sum(cost[r, c] for r, c in zip(range(rows), perm, strict=True))
                    for perm in itertools.permutations(range(cols), rows)), default=0.0)
    else:
        best = min((sum(cost[r, c] for r, c in zip(perm, range(cols), strict=True))
                    for perm in itertools.permutations(range(rows), cols)), default=0.0)
    assert sum(cost[r, c] for r, c in pairs) == best
