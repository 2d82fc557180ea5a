"""sessionplan: conference and workshop programmes from an Excel workbook, with CP-SAT.

The names below are imported on first use (PEP 562), so that ``sessionplan --help`` and
commands that need neither OR-Tools nor scikit-learn do not pay for loading them.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING

_WHERE = {
    "Solution": "api", "bundled_workshop": "api", "check": "api", "load": "api", "read_schedule": "api",
    "score": "api", "solve": "api", "write_outputs": "api",
    "Explanation": "explanation", "explain": "explanation",
    "InputError": "errors", "OutputError": "errors", "Problem": "errors",
    "Limits": "io.archive",
    "Evaluation": "evaluate", "evaluate": "evaluate",
    "Assignment": "model", "Instance": "model",
    "Alternatives": "committee.alternatives", "alternatives": "committee.alternatives",
    "Comparison": "committee.comparison", "compare": "committee.comparison",
}

__all__ = [
    "Alternatives", "Comparison", "alternatives", "compare",
    "Assignment", "Evaluation", "Explanation", "InputError", "Instance", "OutputError", "Problem", "Solution",
    "Limits", "bundled_workshop", "check", "evaluate", "explain", "load", "read_schedule", "score", "solve", "write_outputs",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        try:  # a submodule (sp.api, sp.export ...), as an eager import would have bound it
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'sessionplan' has no attribute {name!r}") from None
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``sp.evaluate`` is the function, although a submodule has the same name: importing
    a submodule binds it on its package, which would hide the function."""

    @property
    def evaluate(self):
        return import_module(".evaluate", __name__).evaluate

    @evaluate.setter
    def evaluate(self, value) -> None:
        pass  # the submodule stays in sys.modules; ``from .evaluate import ...`` finds it


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .api import Solution, bundled_workshop, check, load, read_schedule, score, solve, write_outputs
    from .committee.alternatives import Alternatives, alternatives
    from .committee.comparison import Comparison, compare
    from .errors import InputError, OutputError, Problem
    from .evaluate import Evaluation, evaluate
    from .explanation import Explanation, explain
    from .io.archive import Limits
    from .model import Assignment, Instance
