"""What a constraint family is: four hooks the solver calls, each optional.

* ``allowed(build, talk)``: the talk's check of a candidate placement, or None (every
  placement passes). A placement that fails never gets a variable.
* ``prune(build, places)``: remove candidates across talks (``places[talk id]``).
* ``costs(build, talk)``: the talk's pricer of single placements,
  ``placement -> ((term, weight, amount), ...)``, or None (nothing costs anything). The
  assignment relaxation, the swap search and the column model price placements by
  these.
* ``add(build)``: constraints and named penalties (``build.penalize``).

Every penalty is a non-negative weight times a non-negative amount, and the family's
evaluator twin (``evaluate/``) charges exactly the same amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ...model import Placement, Talk

if TYPE_CHECKING:
    from ..build import Build

Check = Callable[[Placement], bool]
Pricer = Callable[[Placement], tuple]


class Family(Protocol):
    def allowed(self, b: Build, talk: Talk) -> Check | None: ...

    def prune(self, b: Build, places: dict[str, list[Placement]]) -> None: ...

    def costs(self, b: Build, talk: Talk) -> Pricer | None: ...

    def add(self, b: Build) -> None: ...


class Base:
    """A family with no checks, no pruning, no costs and nothing to add: override what applies."""

    def allowed(self, b: Build, talk: Talk) -> Check | None:
        return None

    def prune(self, b: Build, places: dict[str, list[Placement]]) -> None:
        return None

    def costs(self, b: Build, talk: Talk) -> Pricer | None:
        return None

    def add(self, b: Build) -> None:
        return None
