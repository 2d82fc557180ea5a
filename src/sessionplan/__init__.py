"""sessionplan: conference and workshop programmes from an Excel workbook, with CP-SAT."""

from .api import Solution, bundled_workshop, load, read_schedule, score, solve, write_outputs
from .errors import InputError, Problem
from .evaluate import Evaluation, evaluate
from .model import Assignment, Instance
from .committee.alternatives import Alternatives, alternatives
from .committee.comparison import Comparison, compare

__all__ = [
    "Alternatives", "Comparison", "alternatives", "compare",
    "Assignment", "Evaluation", "InputError", "Instance", "Problem", "Solution", "bundled_workshop",
    "evaluate", "load", "read_schedule", "score", "solve", "write_outputs",
]
