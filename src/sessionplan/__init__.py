"""sessionplan: conference and workshop programmes from an Excel workbook, with CP-SAT."""

from .api import Solution, bundled_workshop, check, load, read_schedule, score, solve, write_outputs
from .committee.alternatives import Alternatives, alternatives
from .committee.comparison import Comparison, compare
from .errors import InputError, Problem
from .evaluate import Evaluation, evaluate
from .explanation import Explanation, explain
from .io.archive import Limits
from .model import Assignment, Instance

__all__ = [
    "Alternatives", "Comparison", "alternatives", "compare",
    "Assignment", "Evaluation", "Explanation", "InputError", "Instance", "Problem", "Solution",
    "Limits", "bundled_workshop", "check", "evaluate", "explain", "load", "read_schedule", "score", "solve", "write_outputs",
]
