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
