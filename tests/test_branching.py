"""Branch and price on pairs (Ryan-Foster): the branches' problems and the search's proofs."""

from __future__ import annotations

import itertools

import pytest

from sessionplan.budget import Budget
from sessionplan.generate import partition
from sessionplan.solver import FAMILIES, candidate_places
from sessionplan.solver.sessions import branching, local, pricing
from sessionplan.solver.sessions.generation import choose, generate
from sessionplan.solver.sessions.problem import session_problem


def problem_of(talks: int, seed: int):
    inst = partition(talks, seed=seed, sizes=(3, 4), rooms=2, conflicts=0.0)
    return session_problem(*candidate_places(inst, FAMILIES), FAMILIES)


def best_partition(problem) -> int:
    """The least partition cost by brute force: the cell of the first item left, every
    way (tiny problems; the generator's sessions seat every item, no placement costs)."""
    sizes = sorted(c.slots for c in problem.classes for _ in c.cells)
    assert sum(sizes) == len(problem.items)

    def best(left: tuple[int, ...], cells: tuple[int, ...]) -> int:
        if not left:
            return 0
        first, rest = left[0], left[1:]
        out = None
        for size in sorted(set(cells)):
            others = list(cells)
            others.remove(size)
            for more in itertools.combinations(rest, size - 1):
                members = {first, *more}
                value = -problem.pair_benefit(members) + best(tuple(i for i in rest if i not in members),
                                                              tuple(others))
                out = value if out is None else min(out, value)
        assert out is not None
        return out

    return best(tuple(range(len(problem.items))), tuple(sizes))


def test_a_branch_merges_pairs_kept_together_and_keeps_its_costs():
    problem = problem_of(24, 1)
    i, j = sorted(problem.benefit)[0]
    a, b = next(p for p in sorted(problem.benefit) if not {i, j} & set(p))
    sub = problem.branched(((i, j),), ((a, b),))
    assert sub is not None and len(sub.items) == len(problem.items) - 1
    k = max(range(len(problem.classes)), key=lambda k: problem.classes[k].slots)
    others = [x for x in range(len(problem.items)) if x not in (i, j, a, b)]
    column = frozenset((i, j, others[0]))
    inside = sub.contract(column)
    assert inside is not None and sub.expand(inside) == column
    assert sub.column_cost(k, inside) == problem.column_cost(k, column)
    assert sub.contract(frozenset((i, others[0]))) is None        # splits a pair kept together
    assert sub.contract(frozenset((a, b))) is None                # holds a pair kept apart
    ga, gb = sub.contract(frozenset((a,))), sub.contract(frozenset((b,)))
    assert ga is not None and gb is not None and not sub.fits(k, ga | gb)
    assert problem.branched(((a, b),), ((a, b),)) is None         # both at once: no partition


def test_pricing_never_puts_a_pair_kept_apart_in_one_column():
    """At zero duals a column is worth its benefit inside: the best column of the root
    holds pairs of benefit; with every pair inside it kept apart, neither the exact
    pricer nor the local search returns a column holding one."""
    problem = problem_of(24, 1)
    pi = [0.0] * len(problem.items)
    for k in range(len(problem.classes)):
        best = pricing.exact(problem, k, pi, Budget.of(10)).members
        heuristic = local.columns(problem, k, pi)[0][1]
        pairs = tuple(sorted(p for p in problem.benefit if set(p) <= best or set(p) <= heuristic))
        assert pairs
        sub = problem.branched((), pairs)
        assert sub is not None
        priced = pricing.exact(sub, k, pi, Budget.of(10))
        met = [priced.members, *(m for _, m in priced.found), *(m for _, m in local.columns(sub, k, pi))]
        assert priced.value > 0 and all(not any(set(p) <= m for p in pairs) for m in met)


@pytest.mark.parametrize("talks,seed", [(9, 1), (9, 9), (11, 0), (11, 1), (12, 3), (12, 10)])
def test_branching_proves_the_brute_force_optimum(talks, seed):
    """Cases whose root LP is below the best choice of its columns: from that choice the
    search ends closed at the least partition cost; cut short, its bound stays below it."""
    problem = problem_of(talks, seed)
    gen = generate(problem, [], Budget.of(20))
    assert gen.solved
    chosen = choose(problem, list(gen.master.columns), Budget.of(10))
    assert chosen is not None
    best = best_partition(problem)
    out = branching.branch(problem, gen.master, chosen, problem.granularity(), Budget.of(60))
    assert out is not None and out.closed
    assert out.chosen.cost == best and out.bound == pytest.approx(best)
    # a search cut short still bounds from below
    short = branching.branch(problem, gen.master, chosen, problem.granularity(), Budget.of(0.0))
    assert short is not None and short.bound <= best + 1e-6


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_branching_closes_gaps_the_root_leaves(seed):
    """Partitions of 24-30 talks whose root LP is below the best choice of its columns:
    the search closes the gap, with a partition no dearer and a bound no lower."""
    problem = problem_of(24 if seed != 2 else 30, seed)
    gen = generate(problem, [], Budget.of(20))
    chosen = choose(problem, list(gen.master.columns), Budget.of(10))
    assert gen.solved and chosen is not None and gen.lp is not None
    assert chosen.cost > gen.lp + 1e-6, "the case must leave the root a gap"
    out = branching.branch(problem, gen.master, chosen, problem.granularity(), Budget.of(60))
    assert out is not None and out.closed and out.nodes >= 1
    assert out.chosen.cost <= chosen.cost and out.bound >= gen.lp - 1e-6
    assert all(problem.placeable(k, m) for k, m in out.chosen.columns)
    assert sorted(i for _, m in out.chosen.columns for i in m) == list(range(len(problem.items)))
