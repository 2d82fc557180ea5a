"""Wall time of `sessionplan import` (and of `sessionplan check` on the result) per real schedule.

    python benchmarks/import_time.py [--runs 3]

Runs the commands as a user would (a new process each time) on the five published
schedules of the shared data, and reports the median of the runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "frab"
FILES = ["cccamp2019_schedule.json", "pretalx-democon_SYNTHETIC_schedule.json", "31c3_schedule.xml",
         "fosdem-2020_schedule.xml", "pyconfr-2024_pretalx-widget.json"]


def timed(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, res.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    exe = shutil.which("sessionplan") or sys.exit("sessionplan is not installed")
    out = Path(tempfile.mkdtemp())
    for name in FILES:
        book = out / (Path(name).stem + ".xlsx")
        imports, checks = [], []
        for _ in range(args.runs):
            seconds, said = timed([exe, "import", str(DATA / name), "--out", str(book), "--force"])
            imports.append(seconds)
            seconds, checked = timed([exe, "check", str(book)])
            checks.append(seconds)
        print(f"{name}: import median {statistics.median(imports):.2f} s, check median "
              f"{statistics.median(checks):.2f} s ({args.runs} runs) -- {said}")
    shutil.rmtree(out)


if __name__ == "__main__":
    main()
