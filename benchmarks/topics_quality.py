"""Do related talks end up together? Measured against the real tracks of real conferences.

    python benchmarks/topics_quality.py [--time-limit 60] [--workers 2] [--seed 0] [--random 200]

For cccamp 2019 and 31C3 (imported with ``sessionplan import``), the tracks are hidden
(topics cleared) and the programme is solved again on the same rooms and slots. The
sessions (one room's run of talks) of three programmes are compared with the real
tracks:

* purity: talk-weighted share of each session's majority track;
* AMI: adjusted mutual information (scikit-learn) between session and track;
* parallel clash: share of pairs of talks at overlapping times (other rooms) that have
  the same track (lower is better: same-track talks should not compete).

Programmes: the published one, ``--random`` random permutations of the talks over the
published positions (mean and sd), and sessionplan's. Bars: sessionplan's purity above
the published programme's and at least 2 sd above random; AMI at least 0.10; parallel
clash no worse than the random mean.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from sklearn.metrics import adjusted_mutual_info_score

import sessionplan as sp
from sessionplan.io.frab import read_published
from sessionplan.model import Instance
from sessionplan.periods import parse_time

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "frab"
CONFERENCES = {"cccamp2019": "cccamp2019_schedule.json", "31c3": "31c3_schedule.xml"}


def positions(assignments) -> list[tuple]:
    """(session key, day, start, end) of each assignment: where a talk sits."""
    return [((a.day, a.session, a.room), a.day, parse_time(a.start), parse_time(a.end)) for a in assignments]


def metrics(tracks: list[str], places: list[tuple]) -> dict[str, float]:
    """Purity, AMI and parallel clash of talks (``tracks[i]``) at ``places[i]``."""
    sessions: dict = {}
    for track, place in zip(tracks, places):
        sessions.setdefault(place[0], []).append(track)
    purity = sum(Counter(ts).most_common(1)[0][1] for ts in sessions.values()) / len(tracks)
    labels = {key: i for i, key in enumerate(sessions)}
    ami = adjusted_mutual_info_score(tracks, [labels[p[0]] for p in places])
    same = pairs = 0
    for i in range(len(places)):
        for j in range(i + 1, len(places)):
            a, b = places[i], places[j]
            if a[1] == b[1] and a[0][2] != b[0][2] and a[2] < b[3] and b[2] < a[3]:
                pairs += 1
                same += tracks[i] == tracks[j]
    return {"purity": purity, "ami": ami, "clash": same / pairs if pairs else 0.0}


def hide_tracks(instance: Instance) -> Instance:
    talks = [t.model_copy(update={"topics": ()}) for t in instance.talks]
    return Instance(name=instance.name + " (tracks hidden)", talks=talks, speakers=instance.speakers,
                    rooms=instance.rooms, slots=instance.slots, weights_given=instance.weights_given)


def run(name: str, args) -> dict:
    imported = read_published(DATA / CONFERENCES[name])
    inst = imported.instance
    track_of = {t.id: t.topics[0] if t.topics else "" for t in inst.talks}
    published = imported.assignments
    ids = [a.talk for a in published]
    tracks = [track_of[i] for i in ids]
    pub_places = positions(published)
    out = {"published": metrics(tracks, pub_places)}

    rng = random.Random(args.seed)
    rand = []
    for _ in range(args.random):
        perm = pub_places[:]
        rng.shuffle(perm)
        rand.append(metrics(tracks, perm))
    out["random"] = {k: (statistics.mean(r[k] for r in rand), statistics.stdev(r[k] for r in rand)) for k in rand[0]}

    hidden = hide_tracks(inst)
    t0 = time.perf_counter()
    sol = sp.solve(hidden, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    wall = time.perf_counter() - t0
    if not sol.result.has_schedule:
        sys.exit(f"{name}: no schedule ({sol.status})")
    assert sol.evaluation.hard_violations == 0
    by_talk = {a.talk: a for a in sol.assignments}
    out["sessionplan"] = metrics([track_of[i] for i in ids], positions([by_talk[i] for i in ids]))
    r = sol.result
    out["solve"] = {"status": r.status, "objective": r.objective, "bound": r.bound, "gap": r.gap,
                    "seconds": wall, "booleans": r.model_size["booleans"]}
    out["size"] = (len(inst.talks), len(inst.rooms), len(inst.sessions), len(set(tracks)))
    return out


def report(name: str, res: dict) -> bool:
    n, rooms, sessions, tracks = res["size"]
    s = res["solve"]
    print(f"\n{name}: {n} talks, {rooms} rooms, {sessions} sessions, {tracks} tracks (hidden while solving)")
    print(f"  solve: {s['status']}, objective {s['objective']:g}, bound {s['bound']:g}, gap {100 * s['gap']:.1f}%, "
          f"{s['seconds']:.1f} s, {s['booleans']} placement booleans")
    pub, (rnd, sp_) = res["published"], (res["random"], res["sessionplan"])
    print(f"  {'':12} {'purity':>16} {'AMI':>16} {'parallel clash':>16}")
    print(f"  {'published':12} {pub['purity']:16.3f} {pub['ami']:16.3f} {pub['clash']:16.3f}")
    print("  {:12} {:>16} {:>16} {:>16}".format(
        "random", *(f"{rnd[k][0]:.3f} ± {rnd[k][1]:.3f}" for k in ("purity", "ami", "clash"))))
    print(f"  {'sessionplan':12} {sp_['purity']:16.3f} {sp_['ami']:16.3f} {sp_['clash']:16.3f}")
    bars = {
        "purity above published": sp_["purity"] > pub["purity"],
        "purity >= random mean + 2 sd": sp_["purity"] >= rnd["purity"][0] + 2 * rnd["purity"][1],
        "AMI >= 0.10": sp_["ami"] >= 0.10,
        "parallel clash <= random mean": sp_["clash"] <= rnd["clash"][0],
    }
    for bar, ok in bars.items():
        print(f"  [{'x' if ok else ' '}] {bar}")
    return all(bars.values())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--random", type=int, default=200)
    ap.add_argument("--only", choices=sorted(CONFERENCES))
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found")
    ok = True
    for name in CONFERENCES:
        if args.only and name != args.only:
            continue
        ok &= report(name, run(name, args))
    print("\nall bars met" if ok else "\nsome bars NOT met")


if __name__ == "__main__":
    main()
