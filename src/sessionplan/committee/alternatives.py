"""Several genuinely different good programmes, for a committee to choose from.

The first is the best the solver finds (proven optimal when the time allows). Each
next one is the best programme whose objective stays within ``within`` of the first's
and in which at least ``min_diff`` talks sit differently (another day, or other
session-mates: see ``view``) from EVERY earlier alternative.

The difference is asked for as an exact penalty (see ``solver.families.diversity``): the
previous alternative, given as the hint, is then a valid start, and the search moves
away from it; an answer that still falls short means there is no such programme (when
proven optimal) or none was found in the time limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .. import api
from ..model import Instance
from ..seats import distance, seats
from ..solver import Progress, objective_scale
from ..solver.families.diversity import SHORTFALL, Diversity
from ..terms import TERMS

DEFAULT_WITHIN = 0.05
STOP_GAP = 0.01             # an alternative's search stops within 1% of the best bound
MIN_DIFF_SHARE = 0.15       # default min_diff: this share of the talks ...
MIN_DIFF_AT_LEAST = 4       # ... but at least this many


def default_min_diff(n_talks: int) -> int:
    """15% of the talks (rounded up), at least 4, at most all of them."""
    return min(n_talks, max(MIN_DIFF_AT_LEAST, math.ceil(MIN_DIFF_SHARE * n_talks - 1e-9)))


def parse_share(text: str | float) -> float:
    """'5%', '5 %', '0.05' -> 0.05 (ValueError for anything else or a negative share)."""
    s = str(text).strip()
    value = float(s[:-1].strip()) / 100 if s.endswith("%") else float(s)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"expected a share such as 5% or 0.05, found {text!r}")
    return value


@dataclass
class Alternatives:
    """The alternatives found, in order (the first is the best), and why there are no more."""

    instance: Instance
    solutions: list[api.Solution]
    requested: int
    within: float
    min_diff: int
    cap: float | None = None           # the objective every alternative stays within
    stopped: str = ""                  # why fewer than requested (empty when all were found)
    failed: api.Solution | None = None  # the solve that found none

    @property
    def complete(self) -> bool:
        return len(self.solutions) == self.requested

    @property
    def best(self) -> float | None:
        return self.solutions[0].result.objective if self.solutions else None

    def distances(self) -> pd.DataFrame:
        """Talks seated differently, for every pair of alternatives (numbered from 1)."""
        s = [seats(sol.assignments) for sol in self.solutions]
        names = list(range(1, len(s) + 1))
        return pd.DataFrame([[distance(a, b) for b in s] for a in s], index=names, columns=names)

    def table(self) -> pd.DataFrame:
        """One row per alternative: solver figures, the evaluator's score per term, distances."""
        dist = self.distances().to_numpy()
        rows = []
        for k, sol in enumerate(self.solutions, start=1):
            r, ev = sol.result, sol.evaluation
            assert ev is not None and r.objective is not None and self.best is not None
            row: dict = {
                "alternative": k, "status": r.status, "objective": r.objective, "bound": r.bound, "gap": r.gap,
                "above_best": (r.objective - self.best) / self.best if self.best else 0.0,
                "seconds": round(r.seconds, 3), "hard_violations": ev.hard_violations,
            }
            row.update({name: round(ev.terms[name].penalty, 6) for name in TERMS})
            row["total"] = ev.total
            others = [int(d) for j, d in enumerate(dist[k - 1], start=1) if j != k]
            row["min_distance"] = min(others) if others else None
            rows.append(row)
        return pd.DataFrame(rows).set_index("alternative")

    def summary_document(self, files: dict[int, str] | None = None) -> dict:
        """What ``alternatives.json`` holds: the settings, and each alternative's figures."""
        table, dist = self.table(), self.distances()
        return {
            "requested": self.requested, "found": len(self.solutions), "within": self.within,
            "min_diff": self.min_diff, "best_objective": self.best, "objective_cap": self.cap,
            "stopped": self.stopped or None,
            "alternatives": [
                {"alternative": k, "file": (files or {}).get(k),
                 **{c: _plain(table.loc[k, c]) for c in table.columns},
                 "distance": {str(j): int(dist.loc[k, j]) for j in dist.columns if j != k}}
                for k in table.index
            ],
        }


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def alternatives(
    instance: Instance,
    k: int = 3,
    *,
    within: float = DEFAULT_WITHIN,
    min_diff: int | None = None,
    time_limit: float | None = 60.0,
    workers: int | None = None,
    seed: int = 0,
    progress: Callable[[int, Progress], None] | None = None,
    stop_gap: float = STOP_GAP,
) -> Alternatives:
    """Up to ``k`` programmes: the best, then the best of those that differ enough.

    ``time_limit`` applies to each solve; ``progress(alternative number, Progress)``.
    The search for alternative 2, 3, ... stops once it is within ``stop_gap`` of the
    best bound (the first solve's, a lower bound for every alternative): 0 asks for
    the best alternative proven.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    min_diff = default_min_diff(len(instance.talks)) if min_diff is None else min_diff
    out = Alternatives(instance, [], k, within, min_diff)

    def solve(n: int, **kw) -> api.Solution:
        cb = (lambda p: progress(n, p)) if progress else None
        # never so loose that a programme short of min_diff (which costs more than the
        # whole room up to the cap) could count as close enough
        gap = min(stop_gap, within / (2 * (1 + within)))
        parameters = {"relative_gap_limit": gap} if n > 1 and gap > 0 else None
        return api.solve(instance, time_limit=time_limit, workers=workers, seed=seed, progress=cb,
                         parameters=parameters, **kw)

    first = solve(1)
    if not first.result.has_schedule:
        out.failed = first
        out.stopped = f"no schedule: the solve ended {first.status}"
        return out
    out.solutions.append(first)
    scale = objective_scale(instance)
    assert first.result.objective is not None
    best = round(first.result.objective * scale)
    cap = math.floor(best * (1 + within) + 1e-9)
    floor = math.ceil(first.result.bound * scale - 1e-6) if first.result.bound is not None else None
    out.cap = cap / scale
    for n in range(2, k + 1):
        diversity = Diversity([seats(s.assignments) for s in out.solutions], min_diff, cap, floor, soft=True)
        sol = solve(n, extra_families=[diversity], hint=out.solutions[-1].result.placements)
        short = sol.result.terms.get(SHORTFALL, 0.0)
        terms = {name: v for name, v in sol.result.terms.items() if name != SHORTFALL}
        stopped = sol.status == "optimal" and sol.result.gap   # stopped by stop_gap, not proven
        sol.result = sol.result.with_(terms=terms, status="feasible" if stopped else sol.status)
        if sol.result.has_schedule and not short:
            out.solutions.append(sol)
            continue
        out.failed = sol
        proven = sol.status == "infeasible" or (sol.result.bound is not None and sol.result.bound * scale > cap + 1e-6)
        if proven:
            out.stopped = (f"alternative {n}: no programme within {within:.1%} of the best objective "
                           f"sits at least {min_diff} talks differently from every earlier one")
        else:
            out.stopped = f"alternative {n}: none found in the time limit (status {sol.status})"
        break
    return out
