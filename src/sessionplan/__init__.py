"""sessionplan: conference and workshop programmes from an Excel workbook, with CP-SAT."""

from .api import Solution, bundled_workshop, load, read_schedule, score, solve, write_outputs
from .errors import InputError, Problem
from .evaluate import Evaluation, evaluate
from .model import Assignment, Instance

__all__ = [
    "Assignment", "Evaluation", "InputError", "Instance", "Problem", "Solution", "bundled_workshop",
    "evaluate", "load", "read_schedule", "score", "solve", "write_outputs",
]
