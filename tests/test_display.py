"""The solve command's one progress display: stages, time since the command started, the best so far."""

from __future__ import annotations

import io
import time

from rich.console import Console
from typer.testing import CliRunner

from sessionplan.cli import app
from sessionplan.display import SolveDisplay
from sessionplan.solver import Progress


def log_display(started: float) -> tuple[SolveDisplay, io.StringIO]:
    buffer = io.StringIO()
    return SolveDisplay(Console(file=buffer, force_terminal=False, width=200), started), buffer


def test_best_objective_and_bound_survive_the_stages():
    display, buffer = log_display(time.monotonic() - 30.0)   # the command started 30 s ago
    display.stage("swaps")
    display.progress(Progress(120.0, None, 30.1, 1, "swaps"))
    display.stage("sessions")
    display.progress(Progress(125.0, 100.0, 30.2, 1, "sessions"))  # worse schedule, but a bound
    display.stage("search")
    line = display.line()
    assert "objective 120" in line and "bound 100" in line and "gap 16.67%" in line
    assert "CP-SAT search" in line
    assert display.solutions == 2            # counted across stages, not reset
    seconds = float(line.split("CP-SAT search")[1].split("s")[0])
    assert seconds >= 30.0                   # since the command started, not since the stage
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("stage: swap search (30.")
    assert any(x.startswith("solving: objective 120") for x in lines)
    assert "stage: CP-SAT search" in lines[-1]


def test_a_new_alternative_has_its_own_best():
    display, _ = log_display(time.monotonic())
    display.part("alternative 1/2: ")
    display.progress(Progress(10.0, 9.0, 1.0, 1, "search"))
    display.part("alternative 2/2: ")
    assert display.best is None and display.solutions == 0
    display.progress(Progress(12.0, 9.0, 2.0, 1, "search"))
    assert "alternative 2/2: objective 12" in display.line()


def test_the_live_line_turns_while_nothing_is_reported():
    buffer = io.StringIO()
    display = SolveDisplay(Console(file=buffer, force_terminal=True, width=120), time.monotonic())
    with display:
        display.stage("model")
        time.sleep(0.4)   # model building: no callback, the spinner and the clock still move
    assert "building the model" in buffer.getvalue()


def test_the_closing_lines_name_the_stage_and_the_whole_time(workshop_path, tmp_path):
    result = CliRunner().invoke(app, ["solve", str(workshop_path), "--out", str(tmp_path / "o"), "--workers", "1",
                                      "--time-limit", "30", "--quiet"])
    assert result.exit_code == 0, result.output
    closing = [x for x in result.output.splitlines() if x.startswith("schedule found by the ")]
    assert len(closing) == 1 and "since the command started" in closing[0]
    assert closing[0].split("schedule found by the ")[1].split(";")[0] in {
        "assignment relaxation", "construction", "swap search", "session model", "CP-SAT search"}
