"""Is ``--time-limit`` honoured by the whole command? Wall time of `sessionplan solve` processes.

    python benchmarks/time_limit.py [--sizes 28 150 300] [--limits 5 10 30] [--runs 3] [--workers 2] [--load 4]
                                    [--kind synthetic|partition]

``--load N`` runs N busy processes beside the command for the whole benchmark
(``stress-ng --cpu N`` when installed, else N Python loops): the promise must hold on
a loaded machine too.

For each conference size (28: the bundled workshop; others: generate.synthetic with
the rooms below, or with ``--kind partition`` generate.partition: fixed-size sessions
grouped by soft same_session rows, authors kept apart) and each limit, runs the command as a user would (a new process:
start-up, reading, model building, search, scoring, writing) and reports the median and
maximum wall time against the limit, the status, and how the time was spent inside
(the JSON's solve seconds and model building). The bar: wall <= limit + 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOMS = {150: 6, 300: 8, 1000: 20, 2000: 40}


def workbook(size: int, folder: Path, kind: str = "synthetic") -> Path:
    if size == 28 and kind == "synthetic":
        import sessionplan as sp

        return sp.bundled_workshop()
    from sessionplan.generate import partition, synthetic
    from sessionplan.io.template import write_workbook

    path = folder / f"{kind}-{size}.xlsx"
    inst = partition(size, seed=1) if kind == "partition" else synthetic(size, ROOMS.get(size, max(2, size // 40)), seed=1)
    write_workbook(path, inst)
    return path


@contextlib.contextmanager
def busy(n: int):
    """``n`` CPU-bound processes running until the block ends."""
    if n <= 0:
        yield "no load"
        return
    if shutil.which("stress-ng"):
        procs = [subprocess.Popen(["stress-ng", "--cpu", str(n), "--quiet"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)]
        what = f"stress-ng --cpu {n}"
    else:
        procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
        what = f"{n} busy Python processes"
    try:
        time.sleep(1.0)
        yield what
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[28, 150, 300])
    ap.add_argument("--limits", type=float, nargs="+", default=[5, 10, 30])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--load", type=int, default=0, help="busy processes beside the command")
    ap.add_argument("--kind", choices=["synthetic", "partition"], default="synthetic")
    args = ap.parse_args()
    with busy(args.load) as what:
        print(f"load: {what} on {os.cpu_count()} cores")
        run(args)


def run(args) -> None:
    exe = shutil.which("sessionplan") or sys.exit("sessionplan is not installed")
    folder = Path(tempfile.mkdtemp())
    print(f"{'talks':>5} {'limit':>5}  {'median':>7} {'max':>6}  {'over':>5}  status (per run)   inside: search+build s, build ms")
    worst = 0.0
    for size in args.sizes:
        book = workbook(size, folder, args.kind)
        for limit in args.limits:
            walls, statuses, inside = [], [], []
            for _ in range(args.runs):
                out = folder / "out"
                shutil.rmtree(out, ignore_errors=True)
                t0 = time.monotonic()
                proc = subprocess.run([exe, "solve", str(book), "--out", str(out), "--time-limit", str(limit),
                                       "--workers", str(args.workers), "--quiet"], capture_output=True, text=True)
                walls.append(time.monotonic() - t0)
                if not (out / "schedule.json").exists():   # nothing written: say what the command said
                    statuses.append(f"none(exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1][:80]})")
                    inside.append("-")
                    continue
                doc = json.loads((out / "schedule.json").read_text())
                statuses.append(f"{doc['status']}:{doc.get('objective')}")
                model = doc["solve"].get("model") or {}
                inside.append(f"{doc['solve']['seconds']:.1f}+{model.get('build_ms', 0) + model.get('construction_ms', 0)}ms")
            over = max(walls) - limit
            worst = max(worst, over)
            print(f"{size:>5} {limit:>5g}  {statistics.median(walls):>6.2f}s {max(walls):>5.2f}s  {over:>+5.2f}  "
                  f"{','.join(statuses)}   {' '.join(inside)}", flush=True)
    print(f"largest overshoot of the limit: {worst:+.2f} s (bar: +2 s); workers {args.workers}, {args.runs} runs each")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
