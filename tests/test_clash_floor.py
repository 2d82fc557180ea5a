"""The topic_clash floor: a lower bound on the term that adds to every other bound."""

from __future__ import annotations

import pytest

import sessionplan as sp
from sessionplan.generate import synthetic, tight_grid
from sessionplan.solver import FAMILIES, Options, candidate_places, solve
from sessionplan.solver.clash_floor import clash_floor
from sessionplan.terms import TERMS


def _clash_only(inst):
    return inst.with_weights({**dict.fromkeys(TERMS, 0.0), "topic_clash": 1.0})


@pytest.mark.parametrize("seed", range(4))
def test_the_floor_is_positive_on_a_tight_grid_and_never_above_the_optimum(seed):
    """Five rooms busy at every start and three subject areas: some area always runs two
    talks at once. The floor sees it, and stays at most the proven least clash."""
    inst = _clash_only(tight_grid(40, 5, days=1, tracks=6, seed=seed))
    b, places = candidate_places(inst, FAMILIES)
    floor = clash_floor(b, places) / b.scale
    best = solve(inst, Options(time_limit=60, workers=2, model="talks", relaxation=False))
    assert best.status == "optimal"
    assert 0 < floor <= best.objective + 1e-9


def test_no_floor_without_the_term_or_with_one_room():
    inst = tight_grid(40, 5, days=1, tracks=6, seed=0)
    off = inst.with_weights({"topic_clash": 0.0})
    assert clash_floor(*candidate_places(off, FAMILIES)) == 0
    one_room = synthetic(12, 1, seed=0)
    assert clash_floor(*candidate_places(one_room, FAMILIES)) == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_the_solve_reports_the_floor_within_its_bound(seed):
    """With every default term weighted, the result's bound holds the floor on top of
    the relaxation's; it stays at most the objective of the schedule, which the
    evaluator scores the same."""
    inst = tight_grid(60, 6, days=1, tracks=8, seed=seed)
    b, places = candidate_places(inst, FAMILIES)
    floor = clash_floor(b, places) / b.scale
    sol = sp.solve(inst, time_limit=8, workers=2)
    assert floor > 0 and sol.result.stages["clash_floor"] == pytest.approx(floor)
    assert floor <= sol.result.bound <= sol.result.objective + 1e-9
    assert sol.evaluation.hard_violations == 0 and sol.evaluation.total == pytest.approx(sol.result.objective)
