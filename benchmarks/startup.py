"""Start-up cost of the light commands: `sessionplan --help` and `sessionplan export`.

    python benchmarks/startup.py [--runs 5]

Each command runs as a user would (a new process each time); reported are the median
wall time and the median CPU time (user + system of the child process), and which
heavy libraries the command loaded (scikit-learn, OR-Tools, pandas, SciPy: checked in a
separate run that prints ``sys.modules``). The export is the bundled workshop's solved
workbook to an HTML page, and to frab XML. The bars: `--help` under 0.5 s of CPU, and
`export` loads neither scikit-learn nor OR-Tools.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("sklearn", "ortools", "pandas", "scipy")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one process."""
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=cwd)
    wall = time.perf_counter() - t0
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def loaded(args: list[str], cwd: Path) -> list[str]:
    code = ("import sys\nfrom sessionplan.cli import app\ntry:\n    app(%r)\nexcept SystemExit:\n    pass\n"
            "print('loaded:', *(m for m in %r if m in sys.modules))" % (args, HEAVY))
    res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=cwd)
    line = next(x for x in reversed(res.stdout.splitlines()) if x.startswith("loaded:"))
    return line.split()[1:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = shutil.which("sessionplan") or sys.exit("sessionplan is not installed")
    folder = Path(tempfile.mkdtemp())
    subprocess.run([exe, "solve", "--out", str(folder), "--quiet", "--time-limit", "30"], check=True,
                   capture_output=True)
    cases = {
        "sessionplan --help": ["--help"],
        "sessionplan export schedule.xlsx --out p.html": ["export", "schedule.xlsx", "--out", "p.html"],
        "sessionplan export schedule.xlsx --out s.xml": ["export", "schedule.xlsx", "--out", "s.xml"],
    }
    print(f"{'command':<48} {'wall s':>7} {'cpu s':>6}  heavy modules loaded")
    for name, cmd in cases.items():
        runs = [timed([exe, *cmd], folder) for _ in range(args.runs)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:<48} {wall:>7.2f} {cpu:>6.2f}  {', '.join(loaded(cmd, folder)) or 'none'}", flush=True)
    print(f"medians of {args.runs} runs")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
