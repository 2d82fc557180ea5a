"""The whole command within its ``--time-limit``: what has been spent, what to keep back.

When the ``sessionplan`` program runs, the limit counts from the start of the process
(interpreter start and imports included, read from /proc on Linux; elsewhere from the
first import of this module); when a command is invoked in process (tests, notebooks),
from the command's start.
The search gets what is left after reading and model building, minus a reserve for
scoring and writing the outputs, estimated from the conference's size.
"""

from __future__ import annotations

import os
import time

_IMPORTED = time.monotonic()
_process_command: float | None = None


def entry_point() -> None:
    """Called by the program's entry point: commands count their time from the process start."""
    global _process_command
    _process_command = process_started()


def command_started() -> float:
    """The ``time.monotonic()`` instant the running command started."""
    return _process_command if _process_command is not None else time.monotonic()


def process_started() -> float:
    """The ``time.monotonic()`` instant this process started (best known estimate)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        age = uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED
    now = time.monotonic()
    return now - age if 0 <= age < now - _IMPORTED + 120 else _IMPORTED


def write_reserve(talks: int) -> float:
    """Seconds kept back for scoring the schedule and writing the workbook and the JSON.

    Measured (benchmarks/time_limit.py): about 0.1 s for the workshop and 0.6 s for
    1,000 talks on a 2-core machine; the reserve doubles that, for a loaded machine.
    """
    return 0.3 + 0.001 * talks
