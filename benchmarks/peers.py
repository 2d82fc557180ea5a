"""sessionplan against the PyCon UK conference-scheduler (PuLP + CBC), same run, same problems.

    pip install -e ".[bench]"
    python benchmarks/peers.py [--runs 3] [--limit 600] [--out benchmarks/results]

Problems (see pyconuk.py): the PyCon UK 2016 talks on the documented 3-day, 4-room
grid with its unavailability and clashes; the same with every talk tagged (10 tags) and
same-tag talks never in parallel; and that problem scaled to 2x and 4x the talks and
days. Each tool runs in a fresh process: the time to a proven optimum counts model
building and solving, from after the tool's libraries are loaded (the whole process's
wall time, start-up included, is reported beside it); peak memory of the process and its
solver child; medians over ``--runs``;
conference-scheduler gets ``--limit`` seconds. Writes peers.csv and peers.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBLEMS = [
    ("PyCon UK 2016", dict(copies=1, tags=0)),
    ("PyCon UK 2016, 10 tags", dict(copies=1, tags=10)),
    ("PyCon UK x2, 20 tags", dict(copies=2, tags=20)),
    ("PyCon UK x4, 40 tags", dict(copies=4, tags=40)),
]


def run_one(tool: str, copies: int, tags: int, seed: int, limit: float, workers: int) -> dict:
    """In this (fresh) process: build and solve one problem with one tool."""
    sys.path.insert(0, str(HERE))
    import pyconuk

    p = pyconuk.problem(seed=seed, copies=copies, tags=tags)
    # each tool's libraries are loaded before the clock starts (sessionplan with pandas
    # and OR-Tools takes about 0.4 s, PuLP 0.1 s): the race is model building and solving
    t_import = time.perf_counter()
    if tool == "sessionplan":
        import sessionplan as sp
    else:
        import pulp  # noqa: F401
        from conference_scheduler import scheduler  # noqa: F401
    t0 = time.perf_counter()
    if tool == "sessionplan":
        sol = sp.solve(pyconuk.to_sessionplan(p), workers=workers, time_limit=limit, seed=seed)
        out = {"status": sol.status, "objective": sol.result.objective, "bound": sol.result.bound,
               "hard_violations": sol.evaluation.hard_violations if sol.evaluation else None}
    else:
        status, objective, _ = pyconuk.solve_with_conference_scheduler(p, time_limit=limit, threads=workers)
        out = {"status": status, "objective": objective, "bound": None, "hard_violations": None}
    out["seconds"] = time.perf_counter() - t0
    out["import_seconds"] = t0 - t_import
    out["talks"], out["slots"], out["clashes"] = len(p.talks), len(p.slots), len(p.clashes)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["peak_rss_mb"] = round(max(self_kb, child_kb) / 1024)
    return out


def spawn(tool: str, copies: int, tags: int, seed: int, limit: float, workers: int) -> dict:
    started = time.perf_counter()
    cmd = [sys.executable, __file__, "--one", tool, "--copies", str(copies), "--tags", str(tags),
           "--seed", str(seed), "--limit", str(limit), "--workers", str(workers)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 2 + 120)
    except subprocess.TimeoutExpired:
        return {"status": "killed (time)", "seconds": limit * 2 + 120}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": f"failed: {tail[:80]}", "seconds": None}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - started
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=float, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--only", type=int, nargs="*", help="indices of PROBLEMS to run")
    ap.add_argument("--one", choices=["sessionplan", "conference-scheduler"])
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--tags", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.copies, args.tags, args.seed, args.limit, args.workers)))
        return
    rows = []
    for k, (name, kw) in enumerate(PROBLEMS):
        if args.only and k not in args.only:
            continue
        result = {}
        for tool in ("sessionplan", "conference-scheduler"):
            runs = []
            for r in range(args.runs):
                # the same problem each run (seed 0); the run index seeds only the search
                out = spawn(tool, kw["copies"], kw["tags"], 0, args.limit, args.workers)
                runs.append(out)
                print(f"{name} | {tool} run {r + 1}: {out}", flush=True)
                if out.get("status") != "optimal":
                    break  # a time-out or failure is not worth repeating
            secs = [o["seconds"] for o in runs if o.get("seconds") is not None]
            whole = [o["process_seconds"] for o in runs if o.get("process_seconds") is not None]
            result[tool] = {
                "status": runs[-1].get("status"), "objective": runs[-1].get("objective"),
                "seconds": statistics.median(secs) if secs else None,
                "process": statistics.median(whole) if whole else None,
                "peak_rss_mb": max((o.get("peak_rss_mb") or 0) for o in runs),
                "talks": runs[0].get("talks"), "clashes": runs[0].get("clashes"),
            }
        sp, cs = result["sessionplan"], result["conference-scheduler"]
        ratio = (cs["seconds"] / sp["seconds"]) if cs["seconds"] and sp["seconds"] and cs["status"] == "optimal" else None
        rows.append({
            "problem": name, "talks": sp["talks"], "clash pairs": sp["clashes"],
            "sessionplan status": sp["status"], "sessionplan objective": sp["objective"],
            "sessionplan s (median)": round(sp["seconds"], 3) if sp["seconds"] else None,
            "sessionplan process s": round(sp["process"], 2) if sp["process"] else None,
            "sessionplan peak MB": sp["peak_rss_mb"],
            "conference-scheduler status": cs["status"], "conference-scheduler objective": cs["objective"],
            "conference-scheduler s (median)": round(cs["seconds"], 2) if cs["seconds"] else None,
            "conference-scheduler process s": round(cs["process"], 2) if cs["process"] else None,
            "conference-scheduler peak MB": cs["peak_rss_mb"],
            "time ratio": round(ratio, 1) if ratio else None,
            "process time ratio": round(cs["process"] / sp["process"], 1)
            if ratio and cs["process"] and sp["process"] else None,
        })
    sys.path.insert(0, str(HERE))
    from report import write_tables

    print(write_tables(rows, args.out, "peers"))

if __name__ == "__main__":
    main()
