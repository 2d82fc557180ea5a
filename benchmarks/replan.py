"""Re-planning after publication, measured.

    python benchmarks/replan.py [--runs 3] [--workers 2]

1. The workshop: solve it, then make the speaker of the first Wednesday talk
   (not a part of the joint talk) unavailable on Wednesday, and re-plan against the published schedule: hard
   violations, moved talks (which, from where to where).
2. EMF 2020 `scheduled_hard` (../shared/data/emf): the published schedule against the
   changed windows (how many rows it breaks), then the re-plan: status, hard violations,
   moved talks (in time / room only), time; median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sessionplan as sp
from sessionplan.io.emf import read_emf

ROOT = Path(__file__).resolve().parents[1]
EMF = ROOT.parent / "shared" / "data" / "emf" / "emf2020-slotmachine_scheduled_hard.json"


def workshop(workers: int) -> None:
    from openpyxl import load_workbook

    inst = sp.load(sp.bundled_workshop())
    published = sp.solve(inst, workers=workers, time_limit=60)
    victim = next(a for a in published.assignments
                  if a.day.strftime("%a") == "Wed" and not inst.talk_by_id[a.talk].joint)
    speaker = inst.talk_by_id[victim.talk].speakers[0]
    with tempfile.TemporaryDirectory() as tmp:
        sp.write_outputs(published, tmp)
        wb = load_workbook(sp.bundled_workshop())
        ws = wb["Speakers"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == speaker:
                row[2].value = "; ".join(x for x in [row[2].value, "Wed"] if x)
        changed = Path(tmp) / "changed.xlsx"
        wb.save(changed)
        t0 = time.perf_counter()
        sol = sp.solve(sp.load(changed), workers=workers, time_limit=60, baseline=Path(tmp) / "schedule.json")
        wall = time.perf_counter() - t0
    moved = [m for m in sol.moves if m["change"] in ("time", "room")]
    print(f"workshop: {speaker} ({victim.talk}, {victim.day} {victim.start}) now unavailable on Wednesday")
    print(f"  re-plan {sol.status} in {wall:.1f}s, hard violations {sol.evaluation.hard_violations}, "
          f"moved talks {len(moved)}")
    for m in moved:
        print(f"    {m['talk']} ({m['change']}): {m['from']['day']} {m['from']['start']} -> "
              f"{m['to']['day']} {m['to']['start']}  [{', '.join(m['speakers'])}]")


def emf(runs: int, workers: int) -> None:
    if not EMF.exists():
        print(f"EMF data not found at {EMF}")
        return
    inst, published = read_emf(EMF)
    ev = sp.evaluate(inst, published)
    print(f"EMF scheduled_hard: {len(inst.talks)} talks, {len(inst.rooms)} venues, {len(inst.slots)} slots; "
          f"the published schedule breaks {ev.hard_violations} hard rules")
    rows = []
    for run in range(runs):
        t0 = time.perf_counter()
        sol = sp.solve(inst, workers=workers, time_limit=120, seed=run, baseline=published)
        wall = time.perf_counter() - t0
        moved = [m for m in sol.moves if m["change"] in ("time", "room")]
        rows.append((wall, sol, moved))
        print(f"  run {run + 1}: {sol.status}, {wall:.1f}s, hard violations {sol.evaluation.hard_violations}, "
              f"moved {len(moved)} ({sum(m['change'] == 'time' for m in moved)} in time, "
              f"{sum(m['change'] == 'room' for m in moved)} room only), move cost "
              f"{sol.evaluation.terms['moved_time'].penalty + sol.evaluation.terms['moved_room'].penalty:g}, "
              f"moves stage {sol.result.stages.get('moves', {}).get('seconds')}s")
    print(f"  median of {runs}: {statistics.median(r[0] for r in rows):.1f}s, "
          f"moved talks {statistics.median(len(r[2]) for r in rows):g}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    workshop(args.workers)
    emf(args.runs, args.workers)


if __name__ == "__main__":
    main()
