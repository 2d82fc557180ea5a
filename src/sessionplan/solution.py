"""A solve's outcome as the user sees it: the solver's result and the evaluator's verdict.

Below the readers and writers (``io``), which turn it into files, and the library API
(``api``), which makes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .baseline import Baseline, moves
from .chairs import ChairAssignment, assign_chairs
from .evaluate import Evaluation
from .explanation import Explanation
from .model import Assignment, Instance
from .solver import Result


@dataclass
class Solution:
    """A solve's result with the evaluator's verdict on its schedule."""

    instance: Instance
    result: Result
    evaluation: Evaluation | None
    source: str = ""
    explanation: Explanation | None = None
    baseline: Baseline | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def moves(self) -> list[dict]:
        if self.baseline is None or not self.result.has_schedule:
            return []
        return moves(self.instance, self.baseline, list(self.result.assignments))

    @cached_property
    def chairs(self) -> list[ChairAssignment]:
        """A chair for each cell holding a track (``chairs.assign_chairs``; empty without chairs)."""
        if not self.result.has_schedule:
            return []
        return assign_chairs(self.instance, self.result.assignments)

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        return self.result.assignments
