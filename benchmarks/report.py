"""Writing benchmark tables: the same rows as CSV and as a Markdown table."""

from __future__ import annotations

import csv
from pathlib import Path


def write_tables(rows: list[dict], out: Path, stem: str) -> str:
    """Write ``out/stem.csv`` and ``out/stem.md``; return the Markdown."""
    out.mkdir(parents=True, exist_ok=True)
    head = list(rows[0])
    with open(out / f"{stem}.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=head)
        w.writeheader()
        w.writerows(rows)
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join("" if r[h] is None else str(r[h]) for h in head) + " |" for r in rows]
    text = "\n".join(md) + "\n"
    (out / f"{stem}.md").write_text(text)
    return text


def sized_arguments(sizes: list[str], seeds: list[int], limit: float):
    """The command line of a benchmark over generated sizes (``talks:rooms``) and seeds,
    each run in a fresh child process (``--child talks rooms seed``)."""
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=sizes)
    ap.add_argument("--seeds", type=int, nargs="+", default=seeds)
    ap.add_argument("--limit", type=float, default=limit)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    return ap.parse_args()


def sized_runs(script: str, args, size: str):
    """Each seed of one size in a fresh process running ``script --child``: yields
    (seed, the child's last JSON line as a dict), after printing a failure's stderr."""
    import json
    import subprocess
    import sys

    talks, rooms = map(int, size.split(":"))
    for seed in args.seeds:
        proc = subprocess.run([sys.executable, script, "--limit", str(args.limit), "--workers", str(args.workers),
                               "--child", str(talks), str(rooms), str(seed)], capture_output=True, text=True)
        if proc.returncode:
            print(f"{talks}x{rooms} seed {seed}: failed\n{proc.stderr[-1500:]}", flush=True)
            continue
        yield seed, json.loads(proc.stdout.strip().splitlines()[-1])
