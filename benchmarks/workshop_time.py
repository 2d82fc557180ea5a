"""Wall time of the whole `sessionplan solve` command on the bundled workshop.

    python benchmarks/workshop_time.py [--runs 5] [--workers 2]

Runs the command as a user would (a new process each time: imports, reading, model
building, solving, writing), reports every run and the median, and the in-process
solve time for comparison. Also checks that each run proved optimality.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    exe = shutil.which("sessionplan") or sys.exit("sessionplan is not installed")
    walls, solves = [], []
    for i in range(args.runs):
        out = Path(tempfile.mkdtemp())
        t0 = time.perf_counter()
        subprocess.run([exe, "solve", "--out", str(out), "--workers", str(args.workers), "--quiet"],
                       check=True, capture_output=True)
        wall = time.perf_counter() - t0
        doc = json.loads((out / "schedule.json").read_text())
        assert doc["status"] == "optimal" and doc["score"]["hard_violations"] == 0, doc["status"]
        walls.append(wall)
        solves.append(doc["solve"]["seconds"])
        print(f"run {i + 1}: command {wall:.2f}s, solve {doc['solve']['seconds']:.2f}s, status {doc['status']}, "
              f"objective {doc['objective']}")
        shutil.rmtree(out)
    print(f"median of {args.runs}: command {statistics.median(walls):.2f}s "
          f"(min {min(walls):.2f}, max {max(walls):.2f}); solve {statistics.median(solves):.2f}s; "
          f"workers {args.workers}")


if __name__ == "__main__":
    main()
