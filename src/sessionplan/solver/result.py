"""What a solve returns, and what the progress callback hears.

A :class:`Result` is built once by the stage that produced its schedule and never
changed afterwards; a later stage that adds to it makes a new one (``with_``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..model import Assignment, Placement
from ..periods import format_time

if TYPE_CHECKING:
    from ..budget import Budget
    from ..evaluate import Evaluation


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


@dataclass(frozen=True)
class Progress:
    """What the solve has reached so far; passed to the progress callback.

    ``stage`` names the step running (``relaxation``, ``construction``, ``swaps``,
    ``model``, ``search``, ...); ``seconds`` counts from the start of the solve's budget
    (for the command line: the start of the command)."""

    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    solutions: int = 0
    stage: str = "search"

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


@dataclass
class Options:
    time_limit: float | None = 60.0
    workers: int | None = None          # None: the machine's cores
    seed: int = 0
    progress: Callable[[Progress], None] | None = None   # hears of every better schedule
    stage: Callable[[str], None] | None = None          # hears of every stage as it starts
    hint: dict[str, Placement] | None = None
    extra_families: list = field(default_factory=list)
    # above this many grid places, solve in a neighbourhood of a constructed schedule
    max_candidates: int | None = 150_000
    parameters: dict = field(default_factory=dict)
    # try the assignment relaxation first (relaxation.py): a bound, and often the optimum
    relaxation: bool = True
    # with a topic term weighted, hint CP-SAT with a swap-searched construction (swaps.py)
    swaps: bool = True
    # "auto": the session model (sessions/) when pair benefits make grouping the question,
    # then the talk-level model; "talks": the talk-level model alone
    model: str = "auto"
    # the deadline of the whole solve (default: ``time_limit`` from when the solve starts)
    budget: Budget | None = None

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


def _frozen(d: Mapping | None) -> Mapping:
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True)
class Result:
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    assignments: tuple[Assignment, ...]
    terms: Mapping[str, float]
    workers: int
    seed: int
    time_limit: float | None
    model_size: Mapping[str, int] = field(default_factory=dict)
    interrupted: bool = False
    placements: Mapping[str, Placement] = field(default_factory=dict)
    first_solution_seconds: float | None = None
    stages: Mapping[str, Any] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)   # CP-SAT parameters of the (last) search
    # False when no exact solver price exists: the search stopped early and the pricing ran
    # out of time (a loaded machine), or the schedule is the construction; the evaluator prices it
    priced: bool = True
    # a complete schedule built before the search (the construction, or the swap search's),
    # for when the search finds none in time
    construction: Mapping[str, Placement] = field(default_factory=dict)
    # the stage whose schedule this is: relaxation, construction, swaps, search
    found_by: str = "search"
    # what the user should know about how this schedule came about (sentences)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "assignments", tuple(self.assignments))
        object.__setattr__(self, "notes", tuple(self.notes))
        for name in ("terms", "model_size", "placements", "stages", "parameters", "construction"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)

    @property
    def has_schedule(self) -> bool:
        return bool(self.assignments)

    def with_(self, **changes) -> Result:
        """A copy with some fields changed; ``model_size`` and ``stages`` are merged."""
        for name in ("model_size", "stages"):
            if name in changes:
                changes[name] = {**getattr(self, name), **changes[name]}
        return replace(self, **changes)

    @classmethod
    def without_search(cls, status: str, opts: Options, seconds: float = 0.0, **fields) -> Result:
        """A result decided before CP-SAT ran (e.g. a counting check proved infeasibility)."""
        given = {"objective": None, "bound": None, "assignments": (), "terms": {}, **fields}  # fields may set a bound
        return cls(status=status, seconds=seconds, workers=opts.worker_count, seed=opts.seed,
                   time_limit=opts.time_limit, **given)

    @classmethod
    def evaluated(cls, status: str, ev: Evaluation, placements: Mapping[str, Placement], opts: Options,
                  seconds: float, **fields) -> Result:
        """A result whose schedule the evaluator priced (no search ran, or none finished)."""
        values: dict[str, Any] = {
            "bound": None, "model_size": {}, "priced": True,
            "terms": {name: t.penalty for name, t in ev.terms.items() if t.penalty}, **fields}
        return cls(status=status, objective=ev.total, seconds=seconds,
                   assignments=tuple(to_assignment(p) for p in placements.values()),
                   workers=opts.worker_count, seed=opts.seed, time_limit=opts.time_limit,
                   placements=dict(placements), **values)


def to_assignment(p: Placement) -> Assignment:
    return Assignment(talk=p.talk, room=p.room, day=p.day, start=format_time(p.start),
                      end=format_time(p.end), session=p.session)
