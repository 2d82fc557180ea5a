"""The PyCon UK 2016 scheduling problem, as one neutral description for two tools.

The talks are the 69 accepted talks of PyCon UK 2016 (../shared/data/pyconuk-2016-talks.yml).
The frame follows the conference-scheduler documentation's PyCon UK example: four
rooms suitable for talks (Assembly Room 500 seats, Ferrier Hall 200, Room D 100,
Room C 80), Friday to Sunday, nine talk slots a day (one 45-minute slot each morning),
Alex Chan unavailable on Friday and on Sunday morning, and Owen Campbell's talk not
opposite Thomas Campbell's or David R. MacIver's. Expected audiences (and further
"must not clash" pairs between talks that share a keyword) are generated from a seed,
since the real numbers are not public.

The objective of both tools is the audience above the room's seats, summed over talks
(sessionplan's `room_capacity` term; handed to conference-scheduler as an objective
function over its own variables). A talk takes exactly one slot, which must be at least
as long as the talk: in sessionplan every slot is its own session, so no talk can span
two slots.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from sessionplan.model import ConstraintRow, Instance, Room, Slot, Speaker, Talk
from sessionplan.periods import parse_period

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pyconuk-2016-talks.yml"
VENUES = {"Assembly Room": 500, "Ferrier Hall": 200, "Room D": 100, "Room C": 80}
DAYS = [date(2016, 9, 16), date(2016, 9, 17), date(2016, 9, 18)]
SLOT_TIMES = [("morning", "10:15", 30), ("morning", "11:15", 45), ("morning", "12:00", 30),
              ("afternoon", "12:30", 30), ("afternoon", "14:30", 30), ("afternoon", "15:00", 30),
              ("afternoon", "15:30", 30), ("evening", "16:30", 30), ("evening", "17:00", 30)]
KEYWORDS = ["django", "data", "test", "async", "web", "learn", "python 3", "security"]


@dataclass
class Problem:
    talks: list[dict]                 # title, duration, speaker, demand
    slots: list[dict]                 # venue, starts_at (datetime), duration, session, capacity
    unavailable: dict[int, list[tuple[datetime, datetime]]]   # talk index -> periods
    clashes: list[tuple[int, int]]    # talk index pairs that must not be concurrent


def problem(seed: int = 0, path: Path = DATA, copies: int = 1, days: list[date] | None = None,
            tags: int = 0) -> Problem:
    """The PyCon UK 2016 problem; ``copies`` > 1 repeats the talks (and days) to scale it.

    ``tags`` > 0 gives every talk one of that many tags (seeded) and forbids two talks
    with the same tag at the same time, so that a tag's followers can see all of them.
    """
    rng = random.Random(seed)
    base = yaml.safe_load(path.read_text(encoding="utf-8"))
    talks = []
    for c in range(copies):
        for i, t in enumerate(base):
            speaker = t.get("speaker") or f"Speaker of talk {i + 1}"
            talks.append({"title": t["title"] + (f" ({c + 1})" if copies > 1 else ""),
                          "duration": int(t["duration"]),
                          "speaker": speaker + (f" ({c + 1})" if copies > 1 else ""),
                          "demand": rng.choice([40, 60, 90, 120, 150, 220, 300, 450])})
    days = days or [DAYS[0] + timedelta(days=d) for d in range(3 * copies)]
    slots = []
    for day in days:
        for session, start, duration in SLOT_TIMES:
            h, m = map(int, start.split(":"))
            for venue, capacity in VENUES.items():
                slots.append({"venue": venue, "starts_at": datetime.combine(day, datetime.min.time())
                              + timedelta(hours=h, minutes=m), "duration": duration,
                              "session": f"{day} {session}", "capacity": capacity})
    unavailable: dict[int, list] = {}
    for i, t in enumerate(talks):
        if t["speaker"].startswith("Alex Chan"):
            unavailable[i] = [(datetime.combine(days[0], datetime.min.time()),
                               datetime.combine(days[0], datetime.max.time())),
                              (datetime.combine(days[2], datetime.min.time()),
                               datetime.combine(days[2], datetime.min.time()) + timedelta(hours=12))]
    by_speaker = {t["speaker"]: i for i, t in enumerate(talks)}
    clashes = []
    for c in range(copies):
        suffix = f" ({c + 1})" if copies > 1 else ""
        owen = by_speaker.get("Owen Campbell" + suffix)
        for other in ("Thomas Campbell", "David R. MacIver"):
            j = by_speaker.get(other + suffix)
            if owen is not None and j is not None:
                clashes.append((owen, j))
    if tags:
        tag_of = [rng.randrange(tags) for _ in talks]
        for a in range(len(talks)):
            for b in range(a + 1, len(talks)):
                if tag_of[a] == tag_of[b]:
                    clashes.append((a, b))
    else:
        for word in KEYWORDS:
            group = [i for i, t in enumerate(talks) if word in t["title"].casefold()]
            rng.shuffle(group)
            for a, b in zip(group[::2], group[1::2]):
                clashes.append((min(a, b), max(a, b)))
    return Problem(talks, slots, unavailable, sorted(set(clashes)))


def to_sessionplan(p: Problem) -> Instance:
    days = sorted({s["starts_at"].date() for s in p.slots})
    slots = []
    for s in sorted(p.slots, key=lambda s: (s["starts_at"], s["venue"])):
        start = s["starts_at"].hour * 60 + s["starts_at"].minute
        label = f"{s['starts_at']:%a-%H%M}"
        slots.append((s["starts_at"].date(), start, start + s["duration"], label, s["venue"]))
    merged: dict[tuple, list[str]] = {}
    for d, a, b, label, venue in slots:
        merged.setdefault((d, a, b, label), []).append(venue)
    slot_objs = [Slot(index=i, day=d, start=a, end=b, session=label, rooms=tuple(v))
                 for i, ((d, a, b, label), v) in enumerate(sorted(merged.items()))]
    labels = frozenset(s.session.casefold() for s in slot_objs)
    speakers, talks = {}, []
    for i, t in enumerate(p.talks):
        periods = tuple(parse_period(f"{a:%Y-%m-%d} {a:%H:%M}-{min(b, datetime.combine(a.date(), datetime.min.time()) + timedelta(hours=23, minutes=59)):%H:%M}", labels)
                        for a, b in p.unavailable.get(i, []))
        speakers.setdefault(t["speaker"], Speaker(name=t["speaker"], unavailable=periods))
        talks.append(Talk(id=f"P{i + 1:03d}", title=t["title"], speakers=(t["speaker"],), duration=t["duration"],
                          audience=t["demand"]))
    rows = [ConstraintRow(kind="not_parallel", talk=f"P{a + 1:03d}", target=f"P{b + 1:03d}", other=f"P{b + 1:03d}",
                          row=k + 2) for k, (a, b) in enumerate(p.clashes)]
    return Instance(
        name="pyconuk-2016", talks=talks, speakers=list(speakers.values()),
        rooms=[Room(name=v, capacity=c) for v, c in VENUES.items()], slots=slot_objs, constraints=rows,
        weights_given={"topic_cohesion": 0, "topic_parallel": 0, "topic_clash": 0, "room_capacity": 1},
    )


def solve_with_conference_scheduler(p: Problem, time_limit: float, threads: int = 2):
    """Build and solve the problem with conference-scheduler (PuLP + CBC).

    Returns (status, objective, seconds); the conference-scheduler objects are built the
    way its documentation shows.
    """
    import time

    import pulp
    from conference_scheduler import scheduler
    from conference_scheduler.resources import Event
    from conference_scheduler.resources import Slot as CSlot

    t0 = time.perf_counter()
    cslots = [CSlot(venue=s["venue"], starts_at=s["starts_at"], duration=s["duration"],
                    session=s["session"], capacity=s["capacity"]) for s in p.slots]
    events = [Event(name=t["title"], duration=t["duration"], demand=t["demand"]) for t in p.talks]
    for i, periods in p.unavailable.items():
        events[i].add_unavailability(*[
            cs for cs, s in zip(cslots, p.slots)
            if any(a <= s["starts_at"] and s["starts_at"] + timedelta(minutes=s["duration"]) <= b for a, b in periods)])
    # conference-scheduler posts a clash only from an event that lists some
    # unavailability; a placeholder slot (on no day of the conference) makes the other
    # event of the pair post the reverse direction too, without a recursive equality.
    nowhere = CSlot(venue="-", starts_at=datetime(1900, 1, 1), duration=0, session="-", capacity=0)
    for a, b in p.clashes:
        events[a].add_unavailability(events[b])
        if not events[b].unavailability:
            events[b].add_unavailability(nowhere)

    def seats_short(slots, events, X, **kwargs):
        return pulp.lpSum(max(0, e.demand - s.capacity) * X[i, j]
                          for i, e in enumerate(events) for j, s in enumerate(slots) if e.demand > s.capacity)

    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=threads)
    try:
        solution = scheduler.solution(events, cslots, objective_function=seats_short, solver=solver)
    except ValueError:
        return "no solution", None, time.perf_counter() - t0
    seconds = time.perf_counter() - t0
    objective = sum(max(0, events[i].demand - cslots[j].capacity) for i, j in solution)
    status = "optimal" if seconds < time_limit else "time limit"
    return status, objective, seconds
