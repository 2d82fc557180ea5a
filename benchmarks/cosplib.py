"""CoSPLib: every instance imported, solved, and scored by the CoSPLib scorer.

For each instance of ../shared/data/cosplib/Dataset (all 16 unless named), the instance is
converted as ``sessionplan import`` converts it, solved with each time limit, exported as
``sessionplan export --format cosplib`` exports it, and scored by the CoSPLib scorer
(``sessionplan.io.cosplib_score``). Printed per instance and limit: the CoSPLib objective
(``-`` when there is no schedule; ``!`` marks a schedule breaking a CoSPLib hard rule; a
note follows when the conference evaluator's score differs from it),
the solver's objective and bound (the workbook's objective is CoSPLib's, see
``io.cosplib_convert``), the solve's wall time, and the best published value among
../shared/data/cosplib/Solutions scored the same way (``-`` when none is published).

    python benchmarks/cosplib.py                      # 60 and 300 s, all 16
    python benchmarks/cosplib.py N2OR OR60F --limits 60
    python benchmarks/cosplib.py --limits 60 --json out.json
    python benchmarks/cosplib.py GECCO21 --limits 60 --hint-published --param linearization_level=2

Each solve runs in this process with ``--workers`` CP-SAT workers (default 2).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import sessionplan as sp
from sessionplan.errors import InputError
from sessionplan.io.cosplib import Schedule, read_instance, read_solution
from sessionplan.io.cosplib_convert import import_cosplib
from sessionplan.io.cosplib_score import score
from sessionplan.io.export_cosplib import assignments_from_cosplib, cosplib_schedule

COSPLIB = Path(__file__).resolve().parents[2] / "shared" / "data" / "cosplib"


def published_best(name: str) -> tuple[int | None, Schedule | None]:
    """The lowest CoSPLib objective, by the scorer, of the instance's published solutions,
    and that solution's schedule."""
    inst = None
    best: tuple[int | None, Schedule | None] = (None, None)
    for path in sorted((COSPLIB / "Solutions").glob(f"*/{name}Solution.xlsx")):
        inst = inst or read_instance(COSPLIB / "Dataset" / f"{name}.xlsx")
        schedule = read_solution(path, inst).schedule
        value = score(inst, schedule).objective
        if best[0] is None or value < best[0]:
            best = (value, schedule)
    return best


def run(name: str, limit: float, workers: int, seed: int = 0, parameters: dict | None = None,
        start: Schedule | None = None) -> dict:
    path = COSPLIB / "Dataset" / f"{name}.xlsx"
    cos = read_instance(path)
    row: dict = {"instance": name, "limit": limit}
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"{name}.xlsx"
        t0 = time.monotonic()
        import_cosplib(path, target)
        conf = sp.load(target)
        row["import_s"] = round(time.monotonic() - t0, 1)
        t0 = time.monotonic()
        hint = None
        if start is not None:                # the published schedule, as CP-SAT's hint
            hint = {}
            for a in assignments_from_cosplib(conf, start):
                place = conf.placement_at(conf.talk_by_id[a.talk], a.room, a.day, _minutes(a.start))
                if place is not None:
                    hint[a.talk] = place
        sol = sp.solve(conf, time_limit=limit, workers=workers, seed=seed, parameters=parameters, hint=hint)
        row["seconds"] = round(time.monotonic() - t0, 1)
    res = sol.result
    row["status"] = res.status
    row["objective"] = res.objective
    row["bound"] = res.bound
    row["cosplib"] = None
    row["hard"] = None
    if res.assignments:
        try:
            exported = cosplib_schedule(conf, list(res.assignments), cos)
        except InputError as exc:
            row["hard"] = [str(p) for p in exc.problems][:5]
        else:
            assert exported.score is not None
            row["cosplib"] = exported.score.objective
            row["hard"] = exported.score.hard[:5]
            row["criteria"] = {k: c.penalty for k, c in exported.score.criteria.items() if c.penalty}
        row["evaluator"] = sol.evaluation.total if sol.evaluation is not None else None
    return row


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _parameter(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    for kind in (int, float):
        try:
            return key, kind(value)
        except ValueError:
            pass
    return key, {"true": True, "false": False}.get(value.lower(), value)


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.0f}" if v == int(v) else f"{v:.1f}"
    return str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("instances", nargs="*", help="instance names (default: all of the Dataset folder)")
    ap.add_argument("--limits", type=float, nargs="+", default=[60.0, 300.0], help="time limits in seconds")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                    help="a CP-SAT parameter for every solve (repeatable), e.g. linearization_level=2")
    ap.add_argument("--hint-published", action="store_true",
                    help="start CP-SAT from the best published solution, where there is one")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = ap.parse_args(argv)
    names = args.instances or sorted(p.stem for p in (COSPLIB / "Dataset").glob("*.xlsx"))
    rows = []
    print(f"{'instance':16} {'limit':>5} {'CoSPLib':>10} {'objective':>10} {'bound':>10} {'time s':>7} "
          f"{'published':>10}  status", flush=True)
    for name in names:
        best, start = published_best(name)
        for limit in args.limits:
            try:
                row = run(name, limit, args.workers, args.seed, dict(map(_parameter, args.param)) or None,
                          start if args.hint_published else None)
            except InputError as exc:
                row = {"instance": name, "limit": limit, "error": exc.render()}
                print(f"{name:16} {limit:5.0f} error: {exc.render().splitlines()[0]}", flush=True)
                rows.append(row)
                continue
            row["published"] = best
            rows.append(row)
            mark = "!" if row["hard"] else ""
            print(f"{name:16} {limit:5.0f} {_fmt(row['cosplib']) + mark:>10} {_fmt(row['objective']):>10} "
                  f"{_fmt(row['bound']):>10} {_fmt(row['seconds']):>7} {_fmt(best):>10}  {row['status']}"
                  + (f"  hard: {row['hard'][0]}" if row["hard"] else "")
                  + (f"  (evaluator {_fmt(row['evaluator'])} differs)"
                     if row["cosplib"] is not None and row.get("evaluator") != row["cosplib"] else ""), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
