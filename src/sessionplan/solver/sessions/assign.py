"""From sessions to a schedule: the talk-level model, with each chosen column kept whole.

Every talk may only go to the cells its column fits, and the talks of one column share
a cell; the sessions placed as units (place.py) are its hint; within that, the usual
model (every family, every exact term) places the sessions in times and rooms and the
talks in their slots. Speakers, availability, joint groups, rows, the time-indexed topic
terms and room costs are decided here.
"""

from __future__ import annotations

from ...budget import Budget
from ...model import Placement, Talk
from ..build import Build, OutOfTime, build_model, candidate_places
from ..driver import solve_model
from ..families import Base, Family
from ..result import Options
from .place import cell_costs, fitting_cells, place_sessions
from .problem import SessionProblem

PLACE_SHARE = 0.3       # of the placement's time, at most, for the session-level start


class KeepColumns(Base):
    """Talks only in the cells their column fits (those of its class, and of every other
    class it fits exactly: sessions may trade places); the talks of a column together."""

    def __init__(self, problem: SessionProblem, columns: list[tuple[int, frozenset[int]]]):
        self.problem = problem
        self.columns: list[tuple[list, frozenset[int]]] = []
        self.cells: dict[str, frozenset] = {}
        # the least the columns can cost wherever they go: a bound on every schedule here
        self.least = problem.constant()
        for k, members in columns:
            cells = fitting_cells(problem, k, members)
            self.least += min(cell_costs(problem, members, cells).values())
            self.columns.append((cells, members))
            for i in members:
                for t in problem.items[i].talks:
                    self.cells[t] = frozenset(cells)

    def allowed(self, b: Build, talk: Talk):
        cells = self.cells.get(talk.id)
        if cells is None:
            return None
        return lambda p: p.session_key in cells

    def add(self, b: Build) -> None:
        for cells, members in self.columns:
            talks = [t for i in sorted(members) for t in self.problem.items[i].talks]
            first = talks[0]
            for cell in cells:
                lits = b.grouped(first, "session").get(cell, [])
                for t in talks[1:]:
                    b.model.add(sum(b.grouped(t, "session").get(cell, [])) == sum(lits))


def assign(problem: SessionProblem, columns: list[tuple[int, frozenset[int]]], families: list[Family],
           opts: Options, budget: Budget) -> dict[str, Placement] | None:
    """The best schedule found keeping ``columns``: the talk-level search's, or the
    session-level start (its speakers apart) when the search finds none in its time or
    its model cannot be built in time; None when the columns cannot be placed or nothing
    is found within ``budget``. The caller's evaluator judges it, as every schedule of
    this stage (rows and people the start does not see)."""
    keep = KeepColumns(problem, columns)
    fams = list(families) + [keep]
    prepared = candidate_places(problem.instance, fams)
    if any(not places for places in prepared[1].values()):
        return None
    # the sessions placed as units first (before the talk-level model is built, so that
    # a large programme has a start even when building that model takes the time left)
    start = place_sessions(problem, prepared[0], prepared[1], fams, columns, budget.share(PLACE_SHARE),
                           workers=opts.worker_count, seed=opts.seed)
    hint = start.placements if start else None
    kept = hint if start and start.apart else None
    try:
        b = build_model(problem.instance, fams, prepared=prepared, deadline=budget.deadline)
    except OutOfTime:
        return kept
    result = solve_model(b, opts, budget, known_bound=keep.least, hint=hint)
    if result.has_schedule:
        return dict(result.placements)
    return kept if result.status == "unknown" else None   # infeasible: the start breaks a rule
