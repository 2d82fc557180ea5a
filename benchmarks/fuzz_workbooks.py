"""Fuzz the whole pipeline with mutated workbooks; count the outcomes.

    python benchmarks/fuzz_workbooks.py [--cases 1000] [--seed 1] [--time-limit 1] [--show 5]

Each case is a valid workbook (tests/fuzz_cases.py: the four-talk mini workbook, a
two-room one, a 24-talk synthetic one, the bundled workshop, a solved workbook) with
one to four mutations of its content or of the file itself; ``sessionplan solve`` runs
on it in process (load, solve with a short time limit, one worker, write). Outcomes:

- valid schedule: exit 0, the evaluator finds every talk placed and no hard violation
  in both written files, and the solved workbook reads back as input;
- contract error: exit 2, every problem names its sheet/row/column (or the file), nothing written;
- no schedule: exit 1, status infeasible or unknown, with an explanation;
- traceback, hard violations, broken promise (input modified, output despite exit 2, ...):
  failures, listed with the case that reproduces them (``--case 'BASE + m#seed, ...'``).

Exit status 1 when any failure occurred.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz_cases import OUTCOMES, Case, build, random_case, verdict  # noqa: E402

FAILURES = ("traceback", "hard violations", "broken promise")


def parse_case(text: str) -> Case:
    base, _, rest = text.partition(" + ")
    steps = []
    for part in rest.split(", "):
        name, _, seed = part.partition("#")
        steps.append((name, int(seed)))
    return Case(base.strip(), steps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument("--show", type=int, default=5, help="failures shown in full")
    ap.add_argument("--case", help="run one case, e.g. 'mini + wrong_value#123'")
    ap.add_argument("--keep", type=Path, help="copy failing workbooks into this folder")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cases = [parse_case(args.case)] if args.case else [random_case(rng) for _ in range(args.cases)]
    counts: collections.Counter = collections.Counter()
    by_mutation: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures, t_start, slowest = [], time.perf_counter(), []
    examples: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for i, case in enumerate(cases, 1):
        tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
        try:
            data, notes = build(case)
            path = tmp / "conference.xlsx"
            path.write_bytes(data)
            v = verdict(path, tmp / "out", args.time_limit)
        except Exception as exc:  # a failure of the harness itself is reported, not hidden
            import traceback
            v = type("V", (), {"outcome": "traceback", "detail": traceback.format_exc(), "seconds": 0.0})()
            notes = [f"harness: {exc}"]
        counts[v.outcome] += 1
        examples[v.outcome][re.sub(r"'[^']*'|\d+", "_", v.detail.splitlines()[0] if v.detail else "")[:110]] += 1
        for m, _ in case.steps:
            by_mutation[m][v.outcome] += 1
        slowest.append((v.seconds, case.describe()))
        if v.outcome in FAILURES:
            failures.append((case, notes, v))
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(tmp / "conference.xlsx", args.keep / f"case-{i}.xlsx")
        shutil.rmtree(tmp, ignore_errors=True)
        if i % 50 == 0 or args.case:
            print(f"{i}/{len(cases)} cases, {time.perf_counter() - t_start:.0f}s: "
                  + ", ".join(f"{k} {counts[k]}" for k in OUTCOMES if counts[k]), flush=True)
    wall = time.perf_counter() - t_start
    print(f"\n{len(cases)} cases in {wall:.0f}s (seed {args.seed}, time limit {args.time_limit}s, one worker)")
    for k in OUTCOMES:
        print(f"  {k:<16} {counts[k]}")
    print("\nper mutation (cases it took part in):")
    for m in sorted(by_mutation):
        c = by_mutation[m]
        print(f"  {m:<20} " + ", ".join(f"{k} {c[k]}" for k in OUTCOMES if c[k]))
    for k in ("contract error", "no schedule", "valid schedule"):
        print(f"\nmost frequent {k} messages (quoted text and numbers as _):")
        for msg, n in examples[k].most_common(8):
            print(f"  {n:>4}  {msg}")
    slowest.sort(reverse=True)
    print("\nslowest: " + "; ".join(f"{s:.1f}s {d}" for s, d in slowest[:3]))
    for case, notes, v in failures[: args.show]:
        print(f"\n--- {v.outcome}: --case '{case.describe()}'\n    {notes}\n{v.detail[-3000:]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
