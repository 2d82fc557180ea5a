"""Large conferences: build a schedule fast, then let CP-SAT improve it in a neighbourhood.

When every talk could go almost anywhere (FOSDEM: 872 talks, 736,000 grid places), the
exact model does not fit in memory or time. Then:

1. **Construction** (construction.py): a greedy schedule that keeps the hard rules.
2. **Candidates** (``select``): each talk keeps its constructed place, the places in the
   sessions of its group and of its related talks, and a few best-fitting places in
   sessions with room to spare; talks the construction could not place keep many more.
3. **CP-SAT** solves the usual model over those candidates, hinted with the
   construction. Its bound is a bound of the restricted model only, so none is reported.

The time-indexed topic terms are off in this mode (``large_instance``).
"""

from __future__ import annotations

from collections import defaultdict

from ..budget import Budget, now
from ..evaluate import evaluate
from ..model import Instance, PairRow, Placement
from ..similarity import related_pairs
from . import swaps
from .build import OutOfTime, build_model, candidate_places
from .construction import Construction, bind, clusters, construct, construction_of
from .driver import solve_model
from .families import Family
from .result import Options, Result, to_assignment

PER_TALK = 60          # candidates kept per talk (fewer in very large conferences)
CANDIDATE_BUDGET = 60_000
FREE_PER_TALK = 12     # of which places left free by the construction
FREE_SCAN = 400
UNPLACED_PER_TALK = 600
LARGE_OFF = ("topic_parallel", "topic_clash")
# selecting candidates and building the restricted model take about 2.5 times as long
# as the construction (1,000 talks: 1.4 s, then 3.6 s); the search needs a second at least
BUILD_PER_CONSTRUCTION = 3.0
MIN_SEARCH = 1.0


def large_instance(instance: Instance) -> Instance:
    """The instance a large solve optimises: the time-indexed topic terms off.

    They test overlaps at candidate (or slot) start times; with many candidates spread
    over a grid whose rooms keep their own times, that is hundreds of thousands of
    literals (FOSDEM: 630,000, 4 GB). Sessions still group related talks."""
    if not any(instance.weights.get(t) for t in LARGE_OFF):
        return instance
    return instance.with_weights({t: 0.0 for t in LARGE_OFF})


def solve_large(instance: Instance, families: list[Family], opts: Options, budget: Budget) -> Result:
    """Construct, restrict the candidates around the construction, then CP-SAT."""
    t0 = now()
    instance = large_instance(instance)
    group_of = clusters(instance, opts.time_limit)
    made = construct(instance, families, group_of, budget=budget.share(0.5))
    construct_seconds = now() - t0
    complete = len(made.placed) == len(instance.talks)
    size = {"restricted": 1, "construction_ms": int(construct_seconds * 1000),
            "constructed": len(made.placed), "grid_places": candidate_count(instance)}
    construction = dict(made.placed) if complete else {}
    stages: dict = {}
    if complete and swaps.worthwhile(instance):
        # the swap search first: within its share of the time, it improves on the
        # construction even when too little is left for a model and a search
        made, stages = _swapped(instance, families, opts, budget, made, group_of)
        construction = dict(made.placed)
    left = budget.left()
    if complete and left is not None and left < BUILD_PER_CONSTRUCTION * construct_seconds + MIN_SEARCH:
        # no time to select, build and search: the (swapped) construction is the answer (the pipeline prices it)
        return Result.without_search("unknown", opts, now() - t0, construction=construction, model_size=size,
                                     stages=stages, notes=("no time was left for a search after the swap search"
                                                           if stages else "no time was left to improve the construction",))
    t = now()
    try:
        b = build_model(instance, families, select(instance, made, group_of),
                        deadline=None if budget.deadline is None else budget.deadline - MIN_SEARCH)
    except OutOfTime:
        return Result.without_search("unknown", opts, now() - t0, construction=construction, model_size=size,
                                     notes=("the model could not be built in the time left",))
    size["build_ms"] = int((now() - t) * 1000)
    result = solve_model(b, opts, budget, hint=made.placed)
    # a bound of the restricted model only, not one of the problem: optimal only when
    # the objective is 0 (every term is non-negative), else the schedule is feasible
    proven = result.has_schedule and result.objective is not None and result.objective <= 1e-9
    status = "optimal" if proven else "feasible" if result.status == "optimal" else result.status
    return result.with_(status=status, bound=0.0 if proven else None, construction=construction,
                        seconds=now() - t0, model_size=size, stages=stages)


SWAP_SHARE = 0.25       # of the time left, at most SWAP_SECONDS, for the swap search
SWAP_SECONDS = 30.0


def _swapped(instance: Instance, families: list[Family], opts: Options, budget: Budget, made: Construction,
             group_of: dict[str, str]) -> tuple[Construction, dict]:
    """The construction improved by the swap search over the places around it (sessions
    trade places, talks move towards related talks)."""
    prepared = candidate_places(instance, families, select(instance, made, group_of))
    nominal = SWAP_SECONDS if opts.time_limit is None else min(SWAP_SECONDS, SWAP_SHARE * opts.time_limit)
    start = evaluate(instance, [to_assignment(p) for p in made.placed.values()]).total
    out = swaps.improve(*prepared, families, made, seed=opts.seed, seconds=nominal,
                        cap=budget.share(2 * SWAP_SHARE, 2 * SWAP_SECONDS), exchange_share=0.2)
    if out.interrupted:
        raise KeyboardInterrupt
    found = evaluate(instance, [to_assignment(p) for p in out.placements.values()])
    stage = {"swaps": {"construction": start, "objective": found.total, "hard_violations": found.hard_violations,
                       "seconds": round(out.seconds, 3)}}
    if found.hard_violations or found.total >= start:
        return made, stage
    return construction_of(instance, families, out.placements), stage


def candidate_count(instance: Instance) -> int:
    """How many (talk, room, start) places the exact model would have."""
    return sum(
        len(instance.templates(t.duration, room))
        for t in instance.talks
        for room in ([t.room] if t.room else [r.name for r in instance.rooms])
    )




def select(instance: Instance, c: Construction, group_of: dict[str, str],
           per_talk: int | None = None) -> dict[str, list[Placement]]:
    """The candidate places of every talk around the construction.

    Its constructed place; every place in the sessions of its group and of its related
    talks; then the best-fitting places of the least used sessions, up to the limit
    (``PER_TALK``, fewer when that would pass ``CANDIDATE_BUDGET`` in all).
    """
    if per_talk is None:
        per_talk = max(20, min(PER_TALK, CANDIDATE_BUDGET // max(1, len(instance.talks))))
    partners: dict[str, set[str]] = defaultdict(set)
    for pair in related_pairs(instance):
        partners[pair.a].add(pair.b)
        partners[pair.b].add(pair.a)
    group_keys: dict[str, set[tuple]] = defaultdict(set)
    for tid, p in c.placed.items():
        group_keys[group_of[tid]].add(p.session_key)
    pair_rows = [r for r in instance.constraints if r.hard and isinstance(r, PairRow) and not r.spec.overlap_only]
    paired = {r.talk for r in pair_rows} | {r.other for r in pair_rows}
    rooms_all = [r.name for r in instance.rooms]
    all_keys = sorted({(day, label, room) for (day, label), idxs in instance.sessions.items()
                       for room in instance.session_rooms[(day, label)]},
                      key=lambda k: (c.session_used.get(k, 0), k[0], k[1], k[2]))
    out: dict[str, list[Placement]] = {}
    free_places: dict[tuple, list[Placement]] = {}
    for talk in instance.talks:
        rooms = [talk.room] if talk.room else rooms_all
        mine = c.placed.get(talk.id)
        limit = UNPLACED_PER_TALK if mine is None or talk.id in paired else per_talk
        near = group_keys[group_of[talk.id]] | {c.placed[o].session_key for o in partners[talk.id] if o in c.placed}
        chosen: list[Placement] = [mine] if mine else []
        seen = {(mine.room, mine.slots)} if mine else set()

        def add(places: list[Placement], n: int, seen=seen, chosen=chosen, talk=talk) -> None:
            for p in sorted(places, key=lambda p: (p.span_end - p.end, p.start))[:n]:
                if (p.room, p.slots) not in seen:
                    seen.add((p.room, p.slots))
                    chosen.append(bind(p, talk.id))

        for key in sorted(near):
            if key[2] in rooms:
                add(c.by_session(talk, key[2]).get(key, []), limit)
        shape = (talk.duration, talk.room)  # the free places depend on these only
        if shape not in free_places:
            free_places[shape] = [q for room in rooms for q in c.sorted_places(talk, room)[:FREE_SCAN]
                                  if c.rooms.free((q.room, q.day), q.start, q.span_end)]
        add(free_places[shape], FREE_PER_TALK)
        for key in all_keys:
            if len(chosen) >= limit:
                break
            if key[2] in rooms and key not in near:
                add(c.by_session(talk, key[2]).get(key, []), 2)
        out[talk.id] = chosen[:max(limit, 1 + len(near) * 8)]
    return out
