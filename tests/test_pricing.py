"""Pricing and enumeration of the session model against brute force over every column."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from sessionplan.budget import Budget
from sessionplan.generate import partition
from sessionplan.solver import FAMILIES, Options, candidate_places, solve
from sessionplan.solver.sessions import ENUMERATE_FIRST, Sessions, _enumerate, components, local, pricing
from sessionplan.solver.sessions.generation import Chosen, enumerate_columns, generate
from sessionplan.solver.sessions.problem import SessionProblem, session_problem

from .helpers import compact_partition


def problem_of(talks: int, seed: int, sizes=(3, 4)) -> SessionProblem:
    inst = partition(talks, seed=seed, sizes=sizes, rooms=2)
    prepared = candidate_places(inst, FAMILIES)
    return session_problem(*prepared, FAMILIES)


def every_column(problem: SessionProblem, k: int):
    c = problem.classes[k]
    items = sorted(c.fits)
    for size in range(1, c.slots + 1):
        for members in itertools.combinations(items, size):
            if problem.fits(k, members):
                yield frozenset(members)


def value(problem: SessionProblem, k: int, pi: list[float], members: frozenset[int]) -> float:
    return sum(pi[i] for i in members) - problem.column_cost(k, members)


def duals(problem: SessionProblem, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(-12.0, 4.0) * problem.scale for _ in problem.items]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_pricing_finds_the_best_column_and_bounds_it(seed):
    problem = problem_of(12, seed)
    pi = duals(problem, seed)
    for c in problem.classes:
        best = max((value(problem, c.index, pi, m) for m in every_column(problem, c.index)), default=0.0)
        best = max(best, 0.0)
        p = pricing.profits(problem, c.index, pi)
        if not p:
            assert best <= 1e-6
            continue
        bb = pricing.branch_and_bound(problem, c.index, p, Budget.of(10))
        assert bb.value == pytest.approx(best) and bb.upper == pytest.approx(best)
        if bb.members:
            assert value(problem, c.index, pi, bb.members) == pytest.approx(bb.value)
        sat = pricing._cp_sat(problem, c.index, pi, p, Budget.of(10))
        assert sat.upper >= best - 1e-6
        assert sat.value == pytest.approx(best)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_local_pricer_s_columns_fit_and_are_valued_right(seed):
    problem = problem_of(14, seed)
    pi = duals(problem, seed + 7)
    for c in problem.classes:
        found = local.columns(problem, c.index, pi)
        assert len({m for _, m in found}) == len(found)
        for v, members in found:
            assert problem.fits(c.index, members)
            assert v == pytest.approx(value(problem, c.index, pi, members))
        best = max((value(problem, c.index, pi, m) for m in every_column(problem, c.index)), default=0.0)
        assert all(v <= best + 1e-6 for v, _ in found)


@pytest.mark.parametrize("limit", [10_000, 25])
def test_enumeration_holds_every_column_below_its_threshold(limit):
    problem = problem_of(11, 4)
    pi = duals(problem, 3)
    mu = [-2.0 * problem.scale for _ in problem.classes]
    gap = 6.0 * problem.scale
    out = enumerate_columns(problem, pi, mu, gap, Budget.of(30), limit=limit)
    assert out is not None
    columns, theta = out
    assert theta <= gap and len(columns) <= limit
    listed = set(columns)
    for c in problem.classes:
        for members in every_column(problem, c.index):
            reduced = -value(problem, c.index, pi, members) - mu[c.index]
            if reduced < theta - 1e-6:
                assert (c.index, members) in listed
            if (c.index, members) in listed:
                assert reduced < theta
    if limit == 25:
        assert theta < gap   # too many below the gap: the threshold fell


@pytest.mark.parametrize("seed", [0, 1])
def test_a_partition_is_proven_optimal_by_the_session_model(seed):
    """Whole-unit weights: the bound rounds up to the next whole unit, and reduced-cost
    enumeration closes what is left; the optimum is within a compact model's best and bound."""
    inst = partition(24, seed=seed, sizes=(4,), rooms=2, conflicts=0.0)
    r = solve(inst, Options(time_limit=60, workers=2))
    assert r.status == "optimal" and r.bound == pytest.approx(r.objective)
    assert r.stages["sessions"]["partition_proven"]
    other = compact_partition(inst, limit=10, workers=2)
    assert other["bound"] - 1e-6 <= r.objective <= other["objective"] + 1e-6


@pytest.mark.parametrize("seed", [0, 1])
def test_staged_enumeration_proves_the_optimum_from_a_poor_start(seed):
    """From a partition far above the LP value, the enumeration threshold doubles from a
    few steps until the choice over the columns meets the bound: the optimum, proven."""
    inst = partition(24, seed=seed, sizes=(4,), rooms=2, conflicts=0.0)
    prepared = candidate_places(inst, FAMILIES)
    problem = session_problem(*prepared, FAMILIES)
    gen = generate(problem, [], Budget.of(30))
    assert gen.solved and gen.priced_duals and gen.lp is not None and gen.bound is not None
    step = problem.granularity()
    out = Sessions(bound=step * math.ceil((problem.constant() + gen.bound - 1e-6) / step))
    poor = Chosen([], round(gen.lp) + 60 * step, "feasible", 0.0)
    best, timed_out = _enumerate(problem, gen, poor, list(gen.master.columns), step, Budget.of(30),
                                 Options(workers=1), out, ENUMERATE_FIRST * step + 0.5)
    assert not timed_out and gen.proof is None
    assert out.record["partition_proven"] and out.record["enumerate_stages"] >= 1
    assert problem.constant() + best.cost == out.bound
    assert sorted(i for _, m in best.columns for i in m) == list(range(len(problem.items)))
    other = compact_partition(inst, limit=10, workers=2)
    assert other["bound"] - 1e-6 <= out.bound / problem.scale <= other["objective"] + 1e-6


def test_placement_questions_that_backtracking_cannot_settle_go_to_cp_sat():
    """Twelve talks that can each take any of eleven slots: backtracking would try every
    order before failing; the answer comes from CP-SAT, and agrees with the count."""
    from sessionplan.solver.sessions.problem import _disjoint_choice

    def slots(n):
        return [frozenset({j}) for j in range(n)]

    assert not _disjoint_choice([slots(11) for _ in range(12)])
    assert _disjoint_choice([slots(11) for _ in range(11)])
    # a two-slot talk needs neighbours: four of them in seven slots never fit, three do
    pairs = [frozenset({j, j + 1}) for j in range(6)]
    assert not _disjoint_choice([pairs] * 4)
    assert _disjoint_choice([pairs] * 3)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_connected_sets_are_estimated_before_they_are_enumerated(seed, monkeypatch):
    """Knuth's estimate of the enumeration's size is near the true count (one seed, one
    answer), and an estimate far beyond the limit skips the enumeration altogether."""
    problem = problem_of(24, seed, sizes=(4, 5))
    sets = components.connected_sets(problem, 5, 10 ** 7, Budget.of(60))
    assert sets is not None and sets.count > len(problem.items)
    estimate = components.estimated_sets(problem, 5)
    assert 0.5 * sets.count <= estimate <= 2.0 * sets.count
    assert estimate == components.estimated_sets(problem, 5)
    assert components.estimated_sets(problem, 1) == len(problem.items)   # single items only: exact
    monkeypatch.setattr(components, "estimated_sets", lambda *a, **k: 3.0 * sets.count)
    assert components.connected_sets(problem, 5, sets.count, Budget.of(60)) is None
    assert components.connected_sets(problem, 5, 2 * sets.count, Budget.of(60)) is not None


@pytest.mark.parametrize("seed,suffix", [(0, True), (1, True), (3, False)])
def test_exact_pricing_of_large_sessions_with_a_floor(seed, suffix, monkeypatch):
    """Sessions of up to six talks (the followers' benefits bound the branches), in both
    of the bound's modes; a floor above the best column is proven, one below finds it."""
    if not suffix:
        monkeypatch.setattr(pricing.Tree, "SUFFIX_LIMIT", 0)
    problem = problem_of(16, seed, sizes=(5, 6))
    pi = duals(problem, seed + 11)
    assert max(c.slots for c in problem.classes) >= 6
    for c in problem.classes:
        p = pricing.profits(problem, c.index, pi)
        if not p:
            continue
        assert (pricing.Tree(problem, c.index, p).by_start is not None) == suffix
        best = max(0.0, max(value(problem, c.index, pi, m) for m in every_column(problem, c.index)))
        bb = pricing.branch_and_bound(problem, c.index, p, Budget.of(10))
        assert bb.value == pytest.approx(best) and bb.upper == pytest.approx(best)
        above = pricing.exact(problem, c.index, pi, Budget.of(10), floor=best + 5.0)
        assert above.upper == pytest.approx(best + 5.0) and not above.members
        if best > 1.0:
            below = pricing.exact(problem, c.index, pi, Budget.of(10), floor=best - 1.0)
            assert below.value == pytest.approx(best) and below.upper == pytest.approx(best)
