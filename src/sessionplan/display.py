"""One progress display for a whole solve command.

The solver reports two things: a stage starting (``Options.stage``) and a better schedule
(``Options.progress``). The display keeps the best objective, bound and gap across
stages and shows them with the stage running and the time since the command started
(not since the stage or the search started), with a spinner that keeps turning while a
stage reports nothing (model building, say). On a terminal it is one live line; in a log
(not a terminal) it prints a line per stage and per better schedule, at most one a second.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from .solver import Progress

# what each stage is called on screen
STAGE_NAMES = {
    "reading": "reading the workbook",
    "relaxation": "assignment relaxation",
    "construction": "construction",
    "swaps": "swap search",
    "sessions": "session model",
    "model": "building the model",
    "search": "CP-SAT search",
}
LOG_EVERY = 1.0   # seconds between two progress lines of a log


def stage_name(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage)


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.2f}%" if pct else f"{x:g}"


class SolveDisplay:
    """The command's progress: ``stage(name)`` and ``progress(p)`` are the solver's callbacks."""

    def __init__(self, console: Console, started: float, *, quiet: bool = False, label: str = "") -> None:
        self.console, self.started, self.label = console, started, label
        self.live = not quiet and console.is_terminal
        self.log = not quiet and not console.is_terminal
        self.current = "reading"
        self.best: Progress | None = None
        self.solutions = 0
        self.logged = -LOG_EVERY
        self.spinner = Spinner("dots")
        self._live: Live | None = None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def part(self, label: str) -> None:
        """A new part of the command (one alternative of several): its own best schedule."""
        if label != self.label:
            self.label, self.best, self.solutions = label, None, 0

    # -- the solver's callbacks ------------------------------------------------------

    def stage(self, name: str) -> None:
        self.current = name
        if self.log:
            self.console.print(f"stage: {self.label}{stage_name(name)} ({self.elapsed():.1f}s)", soft_wrap=True)

    def progress(self, p: Progress) -> None:
        self.solutions += 1
        if p.stage:
            self.current = p.stage
        bound = p.bound if p.bound is not None else (self.best.bound if self.best is not None else None)
        if self.best is None or p.objective is None or self.best.objective is None or \
                p.objective <= self.best.objective:
            self.best = Progress(p.objective, bound, p.seconds, self.solutions, p.stage)
        elif p.bound is not None:
            self.best = Progress(self.best.objective, p.bound, p.seconds, self.solutions, self.best.stage)
        if self.log and (self.solutions == 1 or self.elapsed() - self.logged >= LOG_EVERY):
            self.logged = self.elapsed()
            self.console.print(self.line(), soft_wrap=True)

    # -- what is shown ---------------------------------------------------------------

    def line(self) -> str:
        """``solving: objective ...  bound ...  gap ...  <stage>  <elapsed>s  (n solutions)``."""
        b = self.best
        if b is None:
            return f"{self.label}{stage_name(self.current)}  {self.elapsed():.1f}s"
        return (f"solving: {self.label}objective {_fmt(b.objective)}  bound {_fmt(b.bound)}  "
                f"gap {_fmt(b.gap, True)}  {stage_name(self.current)}  {self.elapsed():.1f}s  "
                f"({self.solutions} solutions)")

    def __rich__(self) -> RenderableType:
        self.spinner.text = Text(self.line())
        return Group(self.spinner)

    def __enter__(self) -> SolveDisplay:
        if self.live:
            self._live = Live(self, console=self.console, refresh_per_second=8, transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(kind, exc, tb)
            self._live = None


__all__ = ["STAGE_NAMES", "SolveDisplay", "stage_name"]
