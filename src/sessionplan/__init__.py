"""sessionplan: conference and workshop programmes from an Excel workbook, with CP-SAT."""

from .api import Solution, bundled_workshop, check, load, read_schedule, score, solve, write_outputs
from .explanation import Explanation, explain
from .errors import InputError, OutputError, Problem
from .io.archive import Limits
from .evaluate import Evaluation, evaluate
from .model import Assignment, Instance
from .committee.alternatives import Alternatives, alternatives
from .committee.comparison import Comparison, compare

__all__ = [
    "Alternatives", "Comparison", "alternatives", "compare",
    "Assignment", "Evaluation", "Explanation", "InputError", "Instance", "OutputError", "Problem", "Solution",
    "Limits", "bundled_workshop", "check", "evaluate", "explain", "load", "read_schedule", "score", "solve", "write_outputs",
]
