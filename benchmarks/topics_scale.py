"""A 150-talk, 4-room conference: does it solve to a good schedule within 60 s?

    python benchmarks/topics_scale.py [--runs 3] [--time-limit 60] [--workers 2]

The instance is made from real talks: the 15 FOSDEM 2020 devrooms (tracks) with the
most talks that have an abstract, 10 talks each (their real titles, abstracts and
speakers, several of whom give two talks), every talk one 30-minute slot. The frame is
4 rooms x 3 days x 4 sessions of 4 slots (192 room-slots for 150 talks). Tracks are
hidden while solving; the schedule's sessions are then compared with them (purity,
AMI, parallel clash, as in topics_quality.py) and with random placements.

Reports per run: wall time of model building + solving (sessionplan's time limit
covers both), status, objective, bound, gap, the model's size, and the quality
figures; then the medians.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta

from topics_quality import DATA, metrics, positions

import sessionplan as sp
from sessionplan.io.frab import read_published
from sessionplan.model import Instance, Room, Slot, Speaker, Talk

TRACKS, PER_TRACK, ROOMS, DAYS, SESSIONS, SLOTS = 15, 10, 4, 3, 4, 4


def make_instance() -> tuple[Instance, dict[str, str]]:
    imported = read_published(DATA / "fosdem-2020_schedule.xml")
    talks = [t for t in imported.instance.talks if t.topics and len(t.abstract) > 200
             and t.topics[0] not in ("Lightning Talks", "Keynotes", "Main Track")]
    counts = Counter(t.topics[0] for t in talks)
    tracks = sorted(counts, key=lambda k: (-counts[k], k))[:TRACKS]
    chosen = [t for k in tracks for t in [x for x in talks if x.topics[0] == k][:PER_TRACK]]
    track_of = {t.id: t.topics[0] for t in chosen}
    chosen = [t.model_copy(update={"topics": (), "duration": None}) for t in chosen]
    names = sorted({s for t in chosen for s in t.speakers})
    rooms = [Room(name=f"Room {chr(65 + i)}") for i in range(ROOMS)]
    slots = []
    for d in range(DAYS):
        for s in range(SESSIONS):
            for k in range(SLOTS):
                start = 9 * 60 + s * 150 + k * 30
                slots.append(Slot(index=len(slots), day=date(2027, 3, 8) + timedelta(days=d), start=start,
                                  end=start + 30, session=f"S{s + 1}", rooms=tuple(r.name for r in rooms)))
    inst = Instance(name="fosdem-150", talks=chosen, speakers=[Speaker(name=n) for n in names], rooms=rooms,
                    slots=slots)
    return inst, track_of


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found")
    inst, track_of = make_instance()
    ids = [t.id for t in inst.talks]
    tracks = [track_of[i] for i in ids]
    print(f"{len(inst.talks)} talks ({len(set(tracks))} hidden tracks), {len(inst.speakers)} speakers, "
          f"{len(inst.rooms)} rooms, {len(inst.sessions)} sessions, {len(inst.slots) * len(inst.rooms)} room-slots")
    rng = random.Random(0)
    cells = [(p, r.name) for p in inst.slots for r in inst.rooms]
    rand = []
    for _ in range(200):
        picked = rng.sample(cells, len(ids))
        rand.append(metrics(tracks, [((s.day, s.session, room), s.day, s.start, s.end) for s, room in picked]))
    print("random placements (200): " + ", ".join(
        f"{k} {statistics.mean(r[k] for r in rand):.3f} ± {statistics.stdev(r[k] for r in rand):.3f}" for k in rand[0]))
    rows = []
    for run in range(args.runs):
        t0 = time.perf_counter()
        sol = sp.solve(inst, time_limit=args.time_limit, workers=args.workers, seed=run)
        wall = time.perf_counter() - t0
        r = sol.result
        assert sol.evaluation.hard_violations == 0
        by = {a.talk: a for a in sol.assignments}
        m = metrics(tracks, positions([by[i] for i in ids]))
        rows.append((wall, r.objective, r.bound, r.gap, m))
        print(f"run {run + 1} (seed {run}): {wall:.1f} s build+solve, {r.status}, objective {r.objective:g}, "
              f"bound {r.bound:g}, gap {100 * r.gap:.1f}%, first solution {r.first_solution_seconds:.1f} s, "
              f"{r.model_size['booleans']} placement booleans, {r.model_size['variables']} variables; "
              f"purity {m['purity']:.3f}, AMI {m['ami']:.3f}, parallel clash {m['clash']:.3f}")
    med = lambda i: statistics.median(x[i] for x in rows)  # noqa: E731
    print(f"median of {args.runs}: {med(0):.1f} s, objective {med(1):g}, gap {100 * med(3):.1f}%, "
          f"purity {statistics.median(x[4]['purity'] for x in rows):.3f}, "
          f"AMI {statistics.median(x[4]['ami'] for x in rows):.3f}, "
          f"parallel clash {statistics.median(x[4]['clash'] for x in rows):.3f}")


if __name__ == "__main__":
    main()
