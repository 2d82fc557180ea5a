"""Re-planning: the fewest moves first, then everything else with the moves held there."""

from __future__ import annotations

from ..budget import Budget
from .build import Build
from .driver import solve_model
from .result import Options, Result


def solve_lexicographic(b: Build, opts: Options, budget: Budget, first: tuple[str, ...],
                        hint: dict | None = None) -> Result:
    """Minimise the ``first`` terms alone, then everything with those held at their best.

    The final objective is the full weighted sum (so it equals the evaluator's score);
    the bound is the second stage's. Half the time left goes to the first stage at most.
    """
    head = sum(p.coeff * p.expr for p in b.penalties if p.term in first)
    full = sum(p.coeff * p.expr for p in b.penalties)
    b.model.clear_objective()
    b.model.minimize(head)
    r1 = solve_model(b, opts, budget.share(0.5), hint=hint)
    if not r1.has_schedule or r1.interrupted:
        return r1
    assert r1.objective is not None
    best_head = round(r1.objective * b.scale)
    b.model.add(head <= best_head)
    b.model.clear_objective()
    b.model.minimize(full)
    r2 = solve_model(b, opts, budget, hint=dict(r1.placements), solutions=1)
    if not r2.has_schedule:  # cannot happen with the hint, unless interrupted before it
        return r1
    status = "feasible" if r1.status != "optimal" and r2.status == "optimal" else r2.status
    return r2.with_(status=status, seconds=r1.seconds + r2.seconds,
                    first_solution_seconds=r1.first_solution_seconds,
                    stages={"moves": {"status": r1.status, "objective": r1.objective, "bound": r1.bound,
                                      "seconds": round(r1.seconds, 3)}})
