"""Seeded synthetic conferences, for benchmarks and tests.

``synthetic(talks=2000, rooms=40, seed=1)`` makes a conference of the given size that
has a schedule: talks of one or two slots, speakers with several talks and co-speakers,
illustrative availability limits, joint two-part talks, topics with abstracts drawn
from each topic's vocabulary (so text similarity agrees with the topics), audiences
and room capacities. The same arguments always give the same instance.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from .model import Instance, Room, Slot, Speaker, Talk
from .periods import WEEKDAYS, Period, parse_period

VOCABULARY = ["graph", "kernel", "sparse", "gradient", "manifold", "neural", "bayes", "convex", "markov", "spectral", "tensor", "compiler", "database", "network", "protocol", "cache", "scheduler", "kernel-space", "filesystem", "container", "cluster", "storage", "crypto", "privacy", "audio", "video", "rendering", "shader", "physics", "robotics", "sensor", "embedded", "firmware", "radio", "satellite", "genome", "protein", "climate", "ocean", "energy", "battery", "solar", "grid", "market", "auction", "language", "parser", "grammar", "type", "proof", "verification", "testing", "fuzzing", "security", "malware", "forensics", "browser", "javascript", "python", "rust", "haskell", "ocaml", "fortran", "julia", "quantum", "optics", "laser", "microscopy", "imaging", "education", "community", "licensing", "governance", "accessibility", "design", "typography", "mapping", "routing"]


def synthetic(
    talks: int = 200,
    rooms: int = 8,
    *,
    days: int | None = None,
    seed: int = 0,
    slot_minutes: int = 30,
    slots_per_session: int = 4,
    slack: float = 1.15,
    first_day: date = date(2027, 3, 8),
) -> Instance:
    """A conference of ``talks`` talks in ``rooms`` rooms, with about ``slack`` times the
    room-slots the talks need."""
    rng = random.Random(seed)
    n_topics = max(2, talks // 12)
    topic_words = [rng.sample(VOCABULARY, 6) for _ in range(n_topics)]
    topic_names = [f"{w[0]}-{w[1]}" for w in topic_words]
    long_share = 0.1
    need = talks * (1 + long_share)
    sessions_total = math.ceil(need * slack / (rooms * slots_per_session))
    per_day = 4
    days = days or max(1, math.ceil(sessions_total / per_day))
    per_day = max(1, math.ceil(sessions_total / days))

    room_objs = [Room(name=f"Room {i + 1:02d}", capacity=rng.choice([40, 60, 80, 120, 200, 400]))
                 for i in range(rooms)]
    slots, labels = [], []
    for d in range(days):
        day = first_day + timedelta(days=d)
        for s in range(per_day):
            label = f"{WEEKDAYS[day.weekday()].title()}-{s + 1}"
            labels.append(label.casefold())
            start = 9 * 60 + s * (slots_per_session * slot_minutes + 30)
            # a few rooms are closed for a whole session
            open_rooms = tuple(r.name for r in room_objs if rng.random() > 0.05) or (room_objs[0].name,)
            for k in range(slots_per_session):
                t = start + k * slot_minutes
                slots.append((day, t, t + slot_minutes, label, open_rooms))
    slot_objs = [Slot(index=i, day=d, start=s, end=e, session=lab, rooms=r)
                 for i, (d, s, e, lab, r) in enumerate(slots)]
    day_names = [WEEKDAYS[(first_day + timedelta(days=d)).weekday()].title() for d in range(days)]

    n_speakers = max(1, int(talks * 0.8))
    speakers = []
    for i in range(n_speakers):
        unavailable: tuple[Period, ...] = ()
        if rng.random() < 0.15 and days > 1:
            text = rng.choice([rng.choice(day_names), f"{rng.choice(day_names)} {rng.choice(['AM', 'PM'])}"])
            unavailable = (parse_period(text, frozenset(labels)),)
        speakers.append(Speaker(name=f"Speaker {i + 1:04d}", unavailable=unavailable))

    talk_objs = []
    i = 0
    while i < talks:
        topic = rng.randrange(n_topics)
        words = topic_words[topic]
        title = " ".join(rng.sample(words, 3)).title()
        abstract = " ".join(rng.choice(words) if rng.random() < 0.6 else rng.choice(VOCABULARY) for _ in range(40))
        names = [speakers[rng.randrange(n_speakers)].name if i >= n_speakers else speakers[i].name]
        if rng.random() < 0.1:
            names.append(speakers[rng.randrange(n_speakers)].name)
        joint = None
        if rng.random() < 0.01 and i + 1 < talks:
            joint = f"joint-{i}"
        duration = slot_minutes * 2 if rng.random() < long_share and joint is None else None
        common = dict(topics=(topic_names[topic],), abstract=abstract, audience=rng.choice([20, 50, 90, 150, 300]))
        talk_objs.append(Talk(id=f"T{i + 1:04d}", title=title, speakers=tuple(dict.fromkeys(names)),
                              duration=duration, joint=joint, **common))
        if joint:
            talk_objs.append(Talk(id=f"T{i + 2:04d}", title=title + " (part 2)", speakers=(names[0],),
                                  joint=joint, **common))
            i += 1
        i += 1
    return Instance(name=f"synthetic-{talks}x{rooms}-s{seed}", talks=talk_objs, speakers=speakers,
                    rooms=room_objs, slots=slot_objs)


def partition(
    talks: int = 90,
    *,
    seed: int = 0,
    sizes: tuple[int, ...] = (4, 5, 6),
    rooms: int = 3,
    clusters: int | None = None,
    conflicts: float = 0.1,
    first_day: date = date(2027, 3, 8),
) -> Instance:
    """A fixed-size session partition (the academic benchmark's kind): sessions of the
    given sizes that together seat every talk exactly (one slot each, as many slots as
    talks), a benefit for each pair of talks in one session (planted clusters: strong
    inside a cluster, weak and rare across), and talks sharing an author never in
    parallel sessions (hard ``not_parallel_session`` rows, a ``conflicts`` share of the
    talks). The benefits are soft ``same_session`` rows with their weights, and the topic
    terms are off: the objective is the benefit lost between sessions."""
    from .model import constraint_row

    rng = random.Random(seed)
    cells: list[int] = []
    while sum(cells) < talks:
        cells.append(rng.choice(sizes))
    # shrink sessions, last first, until they seat every talk exactly (below the
    # smallest size only when nothing else can give)
    floor = min(sizes)
    while sum(cells) > talks:
        k = next((k for k in range(len(cells) - 1, -1, -1) if cells[k] > floor), len(cells) - 1)
        cells[k] -= 1
        if cells[k] == 0:
            cells.pop(k)
    blocks = math.ceil(len(cells) / rooms)
    room_objs = [Room(name=f"Room {chr(65 + r)}") for r in range(rooms)]
    slots = []
    per_day = 4
    for b in range(blocks):
        day = first_day + timedelta(days=b // per_day)
        label = f"{WEEKDAYS[day.weekday()].title()}-{b % per_day + 1}"
        mine = cells[b * rooms:(b + 1) * rooms]
        start = 9 * 60 + (b % per_day) * 120
        for j in range(max(mine)):
            open_rooms = tuple(room_objs[r].name for r, size in enumerate(mine) if size > j)
            slots.append((day, start + 15 * j, start + 15 * (j + 1), label, open_rooms))
    slot_objs = [Slot(index=i, day=d, start=s, end=e, session=lab, rooms=r) for i, (d, s, e, lab, r) in enumerate(slots)]
    n_clusters = clusters or max(2, round(talks / statistics_mean(sizes)))
    cluster = [rng.randrange(n_clusters) for _ in range(talks)]
    speakers = [Speaker(name=f"Author {i + 1:03d}") for i in range(talks)]
    talk_objs = [Talk(id=f"P{i + 1:03d}", title=f"Paper {i + 1}", speakers=(speakers[i].name,), row=i + 2)
                 for i in range(talks)]
    rows: list = []
    for a in range(talks):
        for b in range(a + 1, talks):
            same = cluster[a] == cluster[b]
            if rng.random() < (0.7 if same else 0.04):
                weight = rng.randint(4, 10) if same else rng.randint(1, 3)
                rows.append(constraint_row("same_session", talk_objs[a].id, target=talk_objs[b].id, hard=False,
                                           weight=weight, row=len(rows) + 2))
    shared = rng.sample(range(talks), k=min(talks, 2 * round(conflicts * talks / 2)))
    for a, b in zip(shared[::2], shared[1::2], strict=False):
        rows.append(constraint_row("not_parallel_session", talk_objs[a].id, target=talk_objs[b].id,
                                   row=len(rows) + 2))
    off = {"topic_cohesion": 0.0, "topic_parallel": 0.0, "topic_clash": 0.0, "topic_day": 0.0}
    return Instance(name=f"partition-{talks}-s{seed}", talks=talk_objs, speakers=speakers, rooms=room_objs,
                    slots=slot_objs, constraints=rows, weights_given=off)


def statistics_mean(values: tuple[int, ...]) -> float:
    return sum(values) / len(values)


def tight_grid(
    talks: int = 883,
    rooms: int = 30,
    *,
    days: int = 2,
    tracks: int = 62,
    seed: int = 0,
    first_day: date = date(2027, 2, 6),
) -> Instance:
    """A FOSDEM-like programme: many rooms, each with its own slot length and times, as
    many slots as talks (the grid is tight: every slot is used), a few long talks that
    take a double slot, tracks (devrooms) that fill whole room-days, each track's talks
    carrying its name as topic, and speakers with talks in two rooms. The planted
    programme (each track in its room-day) keeps every rule, so a schedule exists."""
    rng = random.Random(seed)
    lengths = [15, 20, 25, 25, 30, 30, 40, 50]
    room_objs = [Room(name=f"Devroom {r + 1:02d}") for r in range(rooms)]
    room_len = {r.name: rng.choice(lengths) for r in room_objs}
    # talks per room-day, about even, summing to ``talks``
    cells = [(d, r.name) for d in range(days) for r in room_objs]
    base, extra = divmod(talks, len(cells))
    counts = [base + (1 if k < extra else 0) for k in range(len(cells))]
    # tracks: each a run of one or more room-days; more tracks than cells split cells in two
    track_names = [f"track {t + 1:02d}" for t in range(tracks)]
    owner: list[list[str]] = [[] for _ in cells]
    for k in range(len(cells)):
        owner[k].append(track_names[k % tracks])
    for t in range(len(cells), tracks):
        k = rng.randrange(len(cells))
        owner[k].append(track_names[t])
    slots_rows = []
    talk_objs: list[Talk] = []
    speakers: list[Speaker] = []
    n = 0
    by_track: dict[str, list[int]] = {}
    for k, (d, room) in enumerate(cells):
        day = first_day + timedelta(days=d)
        label = f"{WEEKDAYS[day.weekday()].title()}-{room[-2:]}"
        t = 9 * 60 + rng.choice([0, 0, 30, 60])
        # the room-day's talks end by midnight: a room too slow for them gets shorter slots
        length = min(room_len[room], 5 * ((24 * 60 - t) // (5 * counts[k])))
        if length < 10:
            raise ValueError(f"{counts[k]} talks do not fit in one room-day: more rooms or days")
        for j in range(counts[k]):
            long = rng.random() < 0.04
            minutes = 2 * length if long else length
            if t + minutes > 23 * 60 or t + minutes + (counts[k] - j - 1) * length > 24 * 60:
                minutes = length
            slots_rows.append((day, t, t + minutes, label, (room,)))
            track = owner[k][0] if len(owner[k]) == 1 or j < counts[k] // 2 else owner[k][1]
            n += 1
            name = f"Speaker {n:04d}"
            speakers.append(Speaker(name=name))
            talk_objs.append(Talk(id=f"E{n:04d}", title=f"{track.title()} talk {n}", speakers=(name,),
                                  duration=minutes, topics=(track,), row=n + 1))
            by_track.setdefault(track, []).append(n - 1)
            t += minutes
    # a speaker with a second talk in another room (in the planted programme, at another time)
    slot_of = {}
    ordered = sorted(range(len(slots_rows)), key=lambda i: (slots_rows[i][0], slots_rows[i][1]))
    for i in ordered:
        slot_of[i] = slots_rows[i]
    taken: dict[str, list[tuple]] = {}
    for i in range(len(talk_objs)):
        taken.setdefault(talk_objs[i].speakers[0], []).append(slot_of[i])
    for _ in range(max(1, talks // 20)):
        a, b = rng.sample(range(len(talk_objs)), 2)
        sa, sb = slot_of[a], slot_of[b]
        if sa[4] == sb[4] or (sa[0] == sb[0] and sa[1] < sb[2] and sb[1] < sa[2]):
            continue
        first = talk_objs[a].speakers[0]
        talk_objs[b] = talk_objs[b].model_copy(update={"speakers": (first,)})
    used = {s for t in talk_objs for s in t.speakers}
    speakers = [s for s in speakers if s.name in used]
    order = sorted(range(len(slots_rows)), key=lambda i: (slots_rows[i][0], slots_rows[i][1], slots_rows[i][4]))
    slot_objs = [Slot(index=k, day=slots_rows[i][0], start=slots_rows[i][1], end=slots_rows[i][2],
                      session=slots_rows[i][3], rooms=slots_rows[i][4]) for k, i in enumerate(order)]
    return Instance(name=f"tight-{talks}x{rooms}-s{seed}", talks=talk_objs, speakers=speakers, rooms=room_objs,
                    slots=slot_objs)
