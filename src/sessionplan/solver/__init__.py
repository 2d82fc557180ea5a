"""The solver: stages within one budget (pipeline.py) over a CP-SAT model built by the
constraint families (families/, build.py), driven by driver.py; the large mode
(large.py) and re-planning (lexicographic.py) are modes of the same pipeline.
See the README's "Development" section for which file holds what.
"""

from __future__ import annotations

from .build import Build, OutOfTime, build_model, candidate_places, objective_scale, placement_filter
from .construction import construct
from .driver import solve_model
from .families import FAMILIES
from .large import LARGE_OFF, candidate_count, large_instance
from .pipeline import solve
from .result import Options, Progress, Result, relative_gap, to_assignment

__all__ = ["FAMILIES", "LARGE_OFF", "Build", "Options", "OutOfTime", "Progress", "Result", "build_model",
           "candidate_count", "candidate_places", "construct", "large_instance", "objective_scale",
           "placement_filter", "relative_gap", "solve", "solve_model", "to_assignment"]
