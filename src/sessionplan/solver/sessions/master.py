"""The master LP of the session model (GLOP), and its valid lower bound.

    minimise   sum_c cost_c x_c  +  sum_i M_i a_i
    subject to sum_{c contains i} x_c + a_i = 1      every item in exactly one column
               sum_{c of class k} x_c      <= n_k    at most as many columns as cells
               sum_{c with 2+ of S} x_c    <= 1      subset-row cuts (cuts.py), once added
               x, a >= 0

The artificial ``a_i`` keep the master feasible from the first round. With the duals
``pi`` of the item rows, the Lagrangian bound

    L(pi) = sum_i pi_i + sum_i min(0, M_i - pi_i) + sum_k n_k min(0, r_k(pi)) + sum_S sigma_S,
    r_k(pi) = min over columns c of class k of (cost_c - sum_{i in c} pi_i + penalty_c(sigma))

is a lower bound on every integer solution for ANY pi, as long as ``r_k`` is bounded
from below exactly (pricing.py's exact pricer gives such a bound); at the LP optimum
it equals the LP value. With cuts, ``sigma`` (their duals, <= 0) are the LP's own, and
a column's penalty is what cuts.Penalties charges it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from ...budget import now
from .cuts import Penalties, covers
from .problem import SessionProblem


@dataclass
class LpSolution:
    value: float
    pi: list[float]
    mu: list[float]     # duals of the class rows (<= 0)
    iterations: int
    uncovered: float    # how much of the items the artificial columns hold
    sigma: list[float]  # duals of the cut rows (<= 0)
    penalties: Penalties | None   # what the cuts charge a column at those duals


class MasterFailed(RuntimeError):
    """GLOP could not solve the master LP (numerical trouble)."""


class Master:
    def __init__(self, problem: SessionProblem):
        self.problem = problem
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
            raise RuntimeError("the GLOP linear solver is not available")
        self.solver = solver
        # An artificial column per item keeps the master feasible. Its price only has to
        # make covering the item worth more than leaving it out: the item's dearest
        # placement, its benefits and the most another item could gain from its seat.
        # With it the master is still a relaxation (valid bounds for any price), and a
        # modest price keeps the duals modest: on a tight grid (as many slots as talks)
        # the optimal duals can run up to it.
        dearest = [0.0] * len(problem.items)
        for c in problem.classes:
            for i, f in c.fits.items():
                dearest[i] = max(dearest[i], float(f[0]))
        benefit = [float(sum(problem.neighbours.get(i, {}).values())) for i in range(len(problem.items))]
        most = max(benefit, default=0.0)
        self.big = [dearest[i] + benefit[i] + most + 1.0 for i in range(len(problem.items))]
        objective = solver.Objective()
        objective.SetMinimization()
        self.cover = []
        self.artificial = []
        for it in problem.items:
            row = solver.Constraint(1.0, 1.0, f"item[{it.index}]")
            a = solver.NumVar(0.0, solver.infinity(), f"art[{it.index}]")
            row.SetCoefficient(a, 1.0)
            objective.SetCoefficient(a, self.big[it.index])
            self.cover.append(row)
            self.artificial.append(a)
        self.cells = [solver.Constraint(-solver.infinity(), float(c.count), f"class[{c.index}]")
                      for c in problem.classes]
        self.columns: list[tuple[int, frozenset[int], int]] = []   # (class, items, cost units)
        self.vars: list = []
        self.seen: set[tuple[int, frozenset[int]]] = set()
        self.cuts: list[tuple[int, ...]] = []
        self.cut_rows: list = []

    def add_cut(self, cut: tuple[int, ...]) -> None:
        """Add the subset-row cut of the items ``cut`` (with every column it holds)."""
        row = self.solver.Constraint(-self.solver.infinity(), 1.0, f"cut[{len(self.cuts)}]")
        for x, (_, members, _) in zip(self.vars, self.columns, strict=True):
            if covers(cut, members):
                row.SetCoefficient(x, 1.0)
        self.cuts.append(cut)
        self.cut_rows.append(row)

    def relax_cuts(self, first: int = 0) -> None:
        """Make the cut rows from ``first`` on free: the LP is then the one without them."""
        for row in self.cut_rows[first:]:
            row.SetUb(self.solver.infinity())

    def add(self, k: int, members: frozenset[int]) -> bool:
        """Add a column of class ``k`` (False when it is there already or does not fit)."""
        key = (k, members)
        if key in self.seen or not members or not self.problem.fits(k, members):
            return False
        self.seen.add(key)
        cost = self.problem.column_cost(k, members)
        x = self.solver.NumVar(0.0, self.solver.infinity(), f"col[{len(self.columns)}]")
        for i in members:
            self.cover[i].SetCoefficient(x, 1.0)
        self.cells[k].SetCoefficient(x, 1.0)
        for cut, row in zip(self.cuts, self.cut_rows, strict=True):
            if covers(cut, members):
                row.SetCoefficient(x, 1.0)
        self.solver.Objective().SetCoefficient(x, float(cost))
        self.columns.append((k, members, cost))
        self.vars.append(x)
        return True

    def solve(self, seconds: float | None = None) -> LpSolution:
        """The LP's optimum. GLOP re-solves incrementally from the last basis; when that
        ends in numerical trouble (status ABNORMAL, seen once in hundreds of solves), the
        LP is solved again from scratch, then with presolve off, each retry within what is
        left of ``seconds``; MasterFailed if none reaches an optimum (the master is always
        feasible and bounded: it is numerical) or no time is left for a retry."""
        end = None if seconds is None else now() + seconds
        status = self.solver.Solve()
        params = pywraplp.MPSolverParameters()
        for param, off in ((params.INCREMENTALITY, params.INCREMENTALITY_OFF), (params.PRESOLVE, params.PRESOLVE_OFF)):
            if status == pywraplp.Solver.OPTIMAL:
                break
            if end is not None:
                left = end - now()
                if left <= 0:
                    break
                self.solver.SetTimeLimit(max(1, int(left * 1000)))
            params.SetIntegerParam(param, off)
            status = self.solver.Solve(params)
        self.solver.SetTimeLimit(0)   # (no limit: the next solve is an incremental one again)
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterFailed(f"the session master LP ended with status {status}")
        sigma = [min(0.0, r.dual_value()) for r in self.cut_rows]
        return LpSolution(self.solver.Objective().Value(), [r.dual_value() for r in self.cover],
                          [r.dual_value() for r in self.cells], self.solver.iterations(),
                          sum(a.solution_value() for a in self.artificial), sigma, Penalties.of(self.cuts, sigma))

    def values(self) -> list[float]:
        return [x.solution_value() for x in self.vars]

    def lagrangian(self, pi: list[float], lowest: list[float], sigma: list[float] | None = None) -> float:
        """L(pi, sigma) with ``lowest[k]`` a lower bound on class k's least reduced cost
        ``r_k`` (its penalties charged at ``sigma``, the cut duals)."""
        value = sum(pi) + sum(min(0.0, big - p) for big, p in zip(self.big, pi, strict=True)) + sum(sigma or ())
        return value + sum(c.count * min(0.0, r) for c, r in zip(self.problem.classes, lowest, strict=True))
