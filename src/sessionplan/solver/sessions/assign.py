"""From sessions to a schedule: the talk-level model, with each chosen column kept whole.

Every talk may only go to the cells its column fits, and the talks of one column share
a cell; within that, the usual model (every family, every exact term) places the
sessions in times and rooms and the talks in their slots. Speakers, availability, joint groups, rows, the
time-indexed topic terms and room costs are decided here.
"""

from __future__ import annotations

from ...budget import Budget
from ...model import Placement, Talk
from ..build import Build, OutOfTime, build_model, candidate_places
from ..driver import solve_model
from ..families import Base, Family
from ..result import Options, Result
from .problem import SessionProblem


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
            fitting = [c for c in problem.classes
                       if c.index == k or (problem.fits(c.index, members) and problem.placeable(c.index, members))]
            self.least += min(problem.column_cost(c.index, members) for c in fitting)
            cells = [cell for c in fitting for cell in c.cells]
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
           opts: Options, budget: Budget) -> tuple[Result, dict[str, Placement]] | None:
    """The best schedule keeping ``columns`` (its Result, priced exactly), or None when
    they cannot be placed (or none is found within ``budget``)."""
    keep = KeepColumns(problem, columns)
    fams = list(families) + [keep]
    try:
        prepared = candidate_places(problem.instance, fams)
        if any(not places for places in prepared[1].values()):
            return None
        b = build_model(problem.instance, fams, prepared=prepared, deadline=budget.deadline)
    except OutOfTime:
        return None
    result = solve_model(b, opts, budget, known_bound=keep.least)
    if not result.has_schedule:
        return None
    return result, dict(result.placements)
