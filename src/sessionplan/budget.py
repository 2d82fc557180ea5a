"""The whole command within its ``--time-limit``: one clock, one budget, passed down.

A :class:`Budget` is a deadline on ``time.monotonic()``. The command creates one where
it starts (for the ``sessionplan`` program: when the process started, interpreter start
and imports included, read from /proc on Linux; in process, as in tests and notebooks:
when the command was called) and passes it down; every stage asks it what is left
(``left()``), takes a part of it (``share(fraction)``) or keeps time back for what
follows (``reserve(seconds)``). A budget of ``None`` seconds never runs out.

The reserve for writing the outputs is sized from what will be written
(:func:`write_reserve`): the cells of the solved workbook and the JSON's entries, at a
rate measured while this command read its input, so that a loaded machine, which reads
slowly, also keeps more time for writing.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Instance

_IMPORTED = time.monotonic()
_process_command: float | None = None


def now() -> float:
    """The one clock of every deadline."""
    return time.monotonic()


@dataclass(frozen=True)
class Budget:
    """Seconds until ``deadline`` (a ``now()`` instant; None: unlimited), since ``started``.

    ``slowdown``: how much slower than a quiet machine this one runs now (measured by
    the command while it read its input; 1 when unknown), for stages that estimate
    their cost before they start."""

    deadline: float | None
    started: float
    slowdown: float = 1.0

    @classmethod
    def of(cls, seconds: float | None, started: float | None = None, slowdown: float = 1.0) -> Budget:
        """A budget of ``seconds`` from ``started`` (default: now)."""
        t0 = now() if started is None else started
        return cls(None if seconds is None else t0 + max(0.0, float(seconds)), t0, slowdown)

    def left(self) -> float | None:
        """Seconds left (never below 0), None when unlimited."""
        return None if self.deadline is None else max(0.0, self.deadline - now())

    def left_or(self, default: float) -> float:
        """Seconds left, or ``default`` when unlimited."""
        left = self.left()
        return default if left is None else left

    def elapsed(self) -> float:
        return now() - self.started

    def expired(self) -> bool:
        return self.deadline is not None and now() >= self.deadline

    def share(self, fraction: float, at_most: float | None = None) -> Budget:
        """A part of what is left now: ``fraction`` of it, at most ``at_most`` seconds
        (for an unlimited budget, ``at_most`` seconds, or unlimited without it)."""
        left = self.left()
        if left is None:
            return Budget(None if at_most is None else now() + at_most, now(), self.slowdown)
        part = fraction * left if at_most is None else min(fraction * left, at_most)
        return Budget(now() + max(0.0, part), now(), self.slowdown)

    def reserve(self, seconds: float) -> Budget:
        """The same budget ending ``seconds`` earlier (kept back for what follows)."""
        if self.deadline is None:
            return self
        return Budget(max(self.started, self.deadline - max(0.0, seconds)), self.started, self.slowdown)

    def seconds(self, floor: float = 0.0) -> float | None:
        """What is left as a solver's time limit: at least ``floor``, None when unlimited."""
        left = self.left()
        return None if left is None else max(floor, left)


def entry_point() -> None:
    """Called by the program's entry point: commands count their time from the process start."""
    global _process_command
    _process_command = process_started()


def command_started() -> float:
    """The ``now()`` instant the running command started."""
    return _process_command if _process_command is not None else now()


def process_started() -> float:
    """The ``now()`` instant this process started (best known estimate)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        age = uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED
    t = now()
    return t - age if 0 <= age < t - _IMPORTED + 120 else _IMPORTED


# Reading and writing workbooks, measured on this project's 2-core machine when quiet
# (benchmarks/time_limit.py; imports aside): openpyxl reads an input cell, checked,
# in about 50 us and writes an output cell (styled, in a grid) in about 60 us.
READ_FIXED = 0.04           # opening the archive, the sheets' headers
READ_PER_CELL = 50e-6
WRITE_PER_CELL = 60e-6
WRITE_FIXED = 0.25          # opening, saving, the JSON, the evaluation
SAFETY = 1.5
# a read far slower than this is a stall (swapping, a paused process), not a rate
# that writing will see: beyond it the reserve would eat the whole search
MAX_SLOWDOWN = 10.0


def input_cells(instance: Instance) -> int:
    """About how many cells the workbook's input sheets hold."""
    return (10 * len(instance.talks) + 4 * len(instance.speakers) + 5 * len(instance.slots)
            + 3 * len(instance.rooms) + 6 * len(instance.constraints) + 40)


def output_cells(instance: Instance) -> int:
    """About how many cells the solved workbook has: the input sheets written back, the
    Schedule and By speaker lists, the Score sheet and a grid per day."""
    times = len({(s.day, s.start) for s in instance.slots})
    talks = len(instance.talks)
    grids = (times + 2 * len(instance.days)) * (len(instance.rooms) + 1) + 2 * talks
    return input_cells(instance) + 5 * talks + 15 * talks + grids + 200


def slowdown(instance: Instance, read_seconds: float | None) -> float:
    """How much slower than the quiet machine the workbook was read (at least 1, at
    most ``MAX_SLOWDOWN``); ``read_seconds`` should time the reading only, not the
    imports it needs (those say nothing of the machine's speed)."""
    if not read_seconds:
        return 1.0
    return min(MAX_SLOWDOWN, max(1.0, read_seconds / (READ_FIXED + READ_PER_CELL * input_cells(instance))))


def write_reserve(instance: Instance, slow: float = 1.0) -> float:
    """Seconds kept back for scoring the schedule and writing the workbook and JSON, on
    a machine ``slow`` times slower than a quiet one (see ``slowdown``): a loaded machine
    reads and writes slower alike, so the reserve grows with it."""
    return slow * (WRITE_FIXED + SAFETY * WRITE_PER_CELL * output_cells(instance))
