"""Build the CP-SAT model from the constraint families and solve it.

Each family module may define ``allowed(build, talk)`` (the talk's check of a candidate
before it gets a variable, or None), ``prune(build, places)`` (prune across talks), ``costs(build,
talk)`` (the talk's pricer of single placements, which the relaxation also sees) and
``add(build)`` (constraints and named penalties). Before building, the assignment
relaxation (relaxation.py) gives a bound and often the proven optimum; when a topic term
is weighted, a swap search (swaps.py) improves a constructed schedule into CP-SAT's hint.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from math import lcm

from ortools.sat.python import cp_model

from ..baseline import Baseline
from ..evaluate import Evaluation, evaluate
from ..model import Assignment, Instance, Placement, Talk
from ..periods import format_time
from ..signals import search_begins
from . import capacity, joint, large, placement, relaxation, rows, speakers, swaps, topics
from .large import candidate_count
from .build import Build
from .changes import TERMS as CHANGE_TERMS
from .changes import Changes

FAMILIES = [placement, speakers, rows, joint, topics, capacity]

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}


@dataclass
class Progress:
    """What the search has reached so far; passed to the progress callback."""

    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    solutions: int = 0

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)


@dataclass
class Options:
    time_limit: float | None = 60.0
    workers: int | None = None          # None: the machine's cores
    seed: int = 0
    progress: Callable[[Progress], None] | None = None
    hint: dict[str, Placement] | None = None
    extra_families: list = field(default_factory=list)
    # above this many grid places, solve in a neighbourhood of a constructed schedule
    max_candidates: int | None = 150_000
    parameters: dict = field(default_factory=dict)
    # try the assignment relaxation first (relaxation.py): a bound, and often the optimum
    relaxation: bool = True
    # with a topic term weighted, hint CP-SAT with a swap-searched construction (swaps.py)
    swaps: bool = True


@dataclass
class Result:
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    assignments: list[Assignment]
    terms: dict[str, float]
    workers: int
    seed: int
    time_limit: float | None
    model_size: dict[str, int]
    interrupted: bool = False
    placements: dict[str, Placement] = field(default_factory=dict)
    first_solution_seconds: float | None = None
    stages: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)   # CP-SAT parameters of the (last) search
    # False when no exact solver price exists: the search stopped early and the pricing ran
    # out of time (a loaded machine), or the schedule is the construction; the evaluator prices it
    priced: bool = True
    # a complete constructed schedule (large mode), for when the search finds none in time
    construction: dict[str, Placement] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        return relative_gap(self.objective, self.bound)

    @classmethod
    def without_search(cls, status: str, opts: Options, seconds: float = 0.0) -> Result:
        """A result decided before CP-SAT ran (e.g. a counting check proved infeasibility)."""
        return cls(status=status, objective=None, bound=None, seconds=seconds, assignments=[], terms={},
                   workers=opts.workers or os.cpu_count() or 1, seed=opts.seed, time_limit=opts.time_limit,
                   model_size={})

    @property
    def has_schedule(self) -> bool:
        return bool(self.assignments)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def objective_scale(instance: Instance) -> int:
    """Smallest scale at which every weight times every amount is a whole number."""
    dens = [Fraction(str(w)).limit_denominator(1000).denominator for w in instance.weights.values()]
    dens += [Fraction(str(r.weight)).limit_denominator(1000).denominator for r in instance.constraints if r.weight]
    return 100 * lcm(1, *dens)


def candidate_places(instance: Instance, families: list,
                     candidates: dict[str, list[Placement]] | None = None) -> tuple[Build, dict[str, list[Placement]]]:
    """An empty build and every talk's places that the families allow (before variables)."""
    b = Build(instance, scale=objective_scale(instance))
    places: dict[str, list[Placement]] = {}
    for talk in instance.talks:
        pool = instance.placements(talk) if candidates is None else candidates[talk.id]
        for ok in talk_checks(b, talk, families):
            pool = [p for p in pool if ok(p)]
        places[talk.id] = pool
    for f in families:
        if hasattr(f, "prune"):
            f.prune(b, places)
    return b, places


def talk_checks(b: Build, talk: Talk, families: list) -> list[Callable[[Placement], bool]]:
    """The families' checks of one talk's placements (``allowed(build, talk)``; None: no check)."""
    return [ok for f in families if hasattr(f, "allowed") and (ok := f.allowed(b, talk)) is not None]


def placement_filter(instance: Instance, families: list | None = None) -> Callable[[Talk, Placement], bool]:
    """'May this talk be at this placement?' by every family, each talk's checks made once."""
    families = families or FAMILIES
    probe = Build(instance, scale=objective_scale(instance))
    checks: dict[str, list] = {}

    def allowed(talk: Talk, p: Placement) -> bool:
        mine = checks.get(talk.id)
        if mine is None:
            mine = checks[talk.id] = talk_checks(probe, talk, families)
        return all(ok(p) for ok in mine)
    return allowed


def build_model(instance: Instance, families: list | None = None,
                candidates: dict[str, list[Placement]] | None = None,
                prepared: tuple[Build, dict[str, list[Placement]]] | None = None) -> Build:
    """The model over every grid place of every talk, or over the given ``candidates``
    (``prepared``: the result of ``candidate_places``, when it was computed already)."""
    families = families or FAMILIES
    b, places = prepared or candidate_places(instance, families, candidates)
    for talk in instance.talks:
        b.candidates[talk.id] = [
            (p, b.model.new_bool_var(f"x[{talk.id},{p.room},{p.day},{format_time(p.start)}]"))
            for p in places[talk.id]
        ]
    for f in families:
        f.add(b)
    if b.penalties:
        b.model.minimize(b.objective())
    return b


def configure(solver: cp_model.CpSolver, opts: Options) -> int:
    workers = opts.workers or os.cpu_count() or 1
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = opts.seed
    if opts.time_limit is not None:
        p.max_time_in_seconds = max(0.01, float(opts.time_limit))
    p.catch_sigint_signal = False
    # probing costs seconds on these assignment-shaped models and fixes next to
    # nothing (PyCon UK x2: 7.2 s -> 3.2 s; EMF 3.4 s -> 1.35 s; workshop 3.0 -> 2.2)
    p.cp_model_probing_level = 0
    # symmetry detection found orbits but paid for them in every presolve round and
    # helped no search: EMF unscheduled_hard 9.3 s -> 4.3 s, PyCon UK x4 11.7 -> 6.3,
    # the workshop 1.8 -> 1.6 (benchmarks, same run)
    p.symmetry_level = 0
    # With two workers the default portfolio carries no strong LP, so the bound can
    # stay trivial (EMF re-planning: bound 480 after 60 s; with max_lp: 1140, proven
    # optimal in 2 s). max_lp with default_lp proved PyCon UK fastest (0.30 s against
    # 0.52 s with quick_restart); LNS runs interleaved either way. One worker: the full
    # LP in the only search.
    if workers == 1:
        p.linearization_level = 2
    elif workers == 2:
        p.subsolvers.extend(["max_lp", "default_lp"])
    for key, value in opts.parameters.items():
        if isinstance(value, (list, tuple)):
            field_ = getattr(p, key)
            field_.clear()
            field_.extend(value)
        else:
            setattr(p, key, value)
    return workers


def reported_bound(cp_sat_bound: float, known: int | None, scale: int) -> float:
    """The best lower bound in the evaluator's units: CP-SAT's, or a ``known`` one.

    Every penalty is a non-negative weight times a non-negative amount: before the LP has
    run, CP-SAT's bound can be below 0, which says less than 0 does."""
    return max(0.0, cp_sat_bound / scale, (known or 0) / scale)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, scale: int, progress: Callable[[Progress], None] | None, t0: float,
                 known_bound: int | None = None):
        super().__init__()
        self.scale, self.progress_fn, self.t0 = scale, progress, t0
        self.known = known_bound
        self.reached = False
        self.state = Progress()
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        s = self.state
        s.solutions += 1
        s.objective = self.objective_value / self.scale
        s.bound = reported_bound(self.best_objective_bound, self.known, self.scale)
        if self.known is not None and round(self.objective_value) <= self.known:
            self.reached = True
            self.stop_search()
        s.seconds = time.perf_counter() - self.t0
        if self.first is None:
            self.first = s.seconds
        if self.progress_fn:
            self.progress_fn(s)


def solve_model(b: Build, opts: Options, known_bound: int | None = None) -> Result:
    """Solve in a worker thread so the main thread can turn Ctrl-C into a clean stop.

    ``known_bound`` (objective units, e.g. the relaxation's) is a lower bound proven
    elsewhere: a schedule that reaches it ends the search, proven optimal."""
    search_begins()  # the command's time-limit alarm stands down: CP-SAT's own limit governs
    solver = cp_model.CpSolver()
    t0 = time.perf_counter()
    # time kept for pricing the schedule exactly if the search stops before optimality
    pricing = 0.0 if opts.time_limit is None else min(10.0, 0.03 * opts.time_limit)
    if opts.time_limit is not None:
        opts = replace(opts, time_limit=max(0.5, opts.time_limit - pricing))
    if opts.hint:
        add_hint(b, opts.hint, None if opts.time_limit is None else 0.2 * opts.time_limit)
        if opts.time_limit is not None:
            opts = replace(opts, time_limit=max(0.5, opts.time_limit - (time.perf_counter() - t0)))
    workers = configure(solver, opts)
    cb = _Callback(b.scale, opts.progress, t0, known_bound)
    out: dict = {}
    interrupted = False
    done = threading.Event()

    def run() -> None:
        try:
            out["status"] = solver.solve(b.model, cb)
        except BaseException as exc:  # re-raised in the main thread
            out["error"] = exc
        finally:
            done.set()

    # The main thread waits on an Event, not on Thread.join: in Python 3.11 a
    # KeyboardInterrupt raised inside join() can mark the running thread as stopped
    # (bpo-45274's handling), so that its result would be read before it exists.
    threading.Thread(target=run, name="cp-sat", daemon=True).start()
    try:
        while not done.wait(0.1):
            pass
    except KeyboardInterrupt:
        interrupted = True
        _stop(solver, done)
    if "error" in out:
        raise out["error"]
    seconds = time.perf_counter() - t0
    status = STATUS[out["status"]]
    if status == "model_invalid":
        raise RuntimeError(f"internal error: invalid CP-SAT model: {b.model.validate()}")
    has_solution = status in ("optimal", "feasible")
    chosen = b.chosen(solver) if has_solution else {}
    objective = bound = None
    terms: dict[str, float] = {}
    priced = True
    if has_solution:
        value = solver.value
        if b.penalties:
            objective = solver.objective_value / b.scale
            bound = reported_bound(solver.best_objective_bound, known_bound, b.scale)
            if status == "feasible" and cb.reached and not interrupted:
                status = "optimal"  # the search reached the known bound (exact: priced >= bound)
            if status != "optimal":
                # a search stopped early may leave auxiliary literals slack (a pair
                # together but not counted so): price the schedule exactly
                exact = fixed_solve(b, chosen, pricing or 10.0)
                if exact is not None:
                    objective = min(objective, exact.objective_value / b.scale)
                    value = exact.value
                else:
                    priced = False
        else:
            objective = bound = 0.0
        terms = b.term_values(value)
    proto = b.model.proto
    return Result(
        status=status,
        objective=objective,
        bound=bound,
        seconds=seconds,
        assignments=[to_assignment(p) for p in chosen.values()],
        terms=terms,
        workers=workers,
        seed=opts.seed,
        time_limit=opts.time_limit,
        model_size={
            "booleans": sum(len(c) for c in b.candidates.values()),
            "variables": len(proto.variables),
            "constraints": len(proto.constraints),
        },
        interrupted=interrupted,
        priced=priced,
        placements=chosen,
        first_solution_seconds=cb.first,
        parameters=parameters_used(solver),
    )


def _stop(solver: cp_model.CpSolver, done: threading.Event) -> None:
    """Stop the search and wait for its best solution; a further interrupt only repeats the request.

    The request is repeated while waiting: one made while CP-SAT is still setting up its
    search (a hinted first solution is reported that early) can be lost."""
    while True:
        try:
            solver.stop_search()
            while not done.wait(0.1):
                solver.stop_search()
            return
        except KeyboardInterrupt:
            continue


def parameters_used(solver: cp_model.CpSolver) -> dict:
    """The CP-SAT parameters set for a solve (those differing from CP-SAT's defaults).

    Read from the parameters' text form (``key: value`` lines; a repeated key is a list).
    """
    import json

    out: dict = {}
    for line in str(solver.parameters).splitlines():
        key, _, text = line.partition(":")
        text = text.strip()
        try:
            value = json.loads(text)
        except ValueError:
            value = text  # an enum name
        if key in out:
            out[key] = (out[key] if isinstance(out[key], list) else [out[key]]) + [value]
        else:
            out[key] = [value] if key == "subsolvers" else value
    return out


def to_assignment(p: Placement) -> Assignment:
    return Assignment(talk=p.talk, room=p.room, day=p.day, start=format_time(p.start),
                      end=format_time(p.end), session=p.session)


def fixed_solve(b: Build, placements: dict[str, Placement], seconds: float) -> cp_model.CpSolver | None:
    """Solve the model with the given talks fixed at their placements (the others free).

    With every talk fixed this only sets the auxiliary variables, each at its cheapest,
    which is what they mean: it completes hints and prices a schedule exactly.
    """
    fixed = b.model.clone()
    for talk, cands in b.candidates.items():
        want = placements.get(talk)
        if want is None:
            continue
        for p, x in cands:
            is_it = (p.room, p.day, p.start) == (want.room, want.day, want.start)
            fixed.add(fixed.get_bool_var_from_proto_index(x.index) == int(is_it))
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    s.parameters.max_time_in_seconds = max(0.1, seconds)
    s.parameters.catch_sigint_signal = False  # CP-SAT's handler would leave SIGINT at its default
    return s if s.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def add_hint(b: Build, hint: dict[str, Placement], seconds: float | None = None) -> None:
    """A full hint: the given placements, and every other variable completed from them."""
    b.model.clear_hints()
    s = fixed_solve(b, hint, min(10.0, seconds or 10.0))
    if s is not None:
        for i in range(len(b.model.proto.variables)):
            var = b.model.get_int_var_from_proto_index(i)
            b.model.add_hint(var, s.value(var))
    else:  # the hint breaks a hard rule: hint the placements only, CP-SAT repairs
        for talk, cands in b.candidates.items():
            want = hint.get(talk)
            for p, x in cands:
                b.model.add_hint(x, want is not None and (p.room, p.day, p.start) == (want.room, want.day, want.start))


def solve(instance: Instance, opts: Options | None = None, baseline: Baseline | None = None) -> Result:
    """Solve; with a ``baseline``, lexicographically: fewest moves first, then the rest."""
    opts = opts or Options()
    families = FAMILIES + list(opts.extra_families)
    if baseline is not None:
        families.append(Changes(baseline))
    if opts.max_candidates and candidate_count(instance) > opts.max_candidates:
        return solve_large(large_instance(instance), families, opts)
    t0 = time.perf_counter()
    prepared = candidate_places(instance, families)
    relaxed = None
    if opts.relaxation and baseline is None and not opts.extra_families:
        # the evaluator knows every rule of FAMILIES, so it can vouch for the matching
        budget = 1.0 if opts.time_limit is None else min(1.0, 0.05 * opts.time_limit)
        relaxed = relaxation.relax(*prepared, families, seconds=budget)
        if relaxed.proven:
            result = relaxed_result(relaxed, prepared[0].scale, opts, time.perf_counter() - t0,
                                    sum(map(len, prepared[1].values())))
            if opts.progress:
                opts.progress(Progress(result.objective, result.bound, result.seconds, solutions=1))
            return result
    swapped = None
    if opts.swaps and opts.hint is None and baseline is None and not opts.extra_families \
            and swaps.worthwhile(instance):
        swapped = swap_search(instance, families, prepared, opts, t0)
        if swapped is not None and swapped.interrupted:
            return swapped_result(instance, swapped, opts, time.perf_counter() - t0)
        if swapped is not None:
            opts = replace(opts, hint=swapped.placements)
    try:
        b = build_model(instance, families, prepared=prepared)
        build_seconds = time.perf_counter() - t0
        if opts.time_limit is not None:  # the limit covers building too
            opts = replace(opts, time_limit=max(0.5, opts.time_limit - build_seconds))
        if baseline is not None and any(p.term in CHANGE_TERMS for p in b.penalties):
            result = solve_lexicographic(b, opts, CHANGE_TERMS)
        else:
            result = solve_model(b, opts, known_bound=relaxed and relaxed.bound)
    except KeyboardInterrupt:  # while building or hinting: the swap search's schedule stands
        if swapped is None:
            raise
        return swapped_result(instance, swapped, opts, time.perf_counter() - t0)
    result.model_size["build_ms"] = int(build_seconds * 1000)
    if relaxed is not None:
        result.model_size["relaxation_ms"] = int(relaxed.seconds * 1000)
    if swapped is not None:
        result.model_size.update(swap_ms=int(swapped.seconds * 1000), swap_moves=swapped.moves)
        result.stages["swaps"], found = _swap_stage(instance, swapped, b.scale)
        if not found.hard_violations:  # what api falls back on if the search ends with nothing
            result.construction = dict(swapped.placements)
            # the first complete schedule was the construction, before the model existed
            result.first_solution_seconds = swapped.first_seconds
    return result


SWAP_SHARE = 0.1   # of the time limit, at most, for the swap search
SWAP_SECONDS = 10.0


def swap_search(instance: Instance, families: list, prepared: tuple[Build, dict], opts: Options,
                t0: float) -> swaps.Swapped | None:
    """The construction of large.py improved by swaps.py, or None when it is incomplete.

    The progress callback hears of the construction and of better schedules, priced as
    the evaluator prices them (the terms the swaps do not track are a constant, added)."""
    made = construct(instance, families)
    if len(made.placed) < len(instance.talks):
        return None
    first = time.perf_counter() - t0
    report = None
    if opts.progress is not None:
        built = evaluate(instance, [to_assignment(p) for p in made.placed.values()])
        if not built.hard_violations:
            scale, state = prepared[0].scale, {"n": 0}

            def report(units: int) -> None:
                state.setdefault("offset", built.total - units / scale)
                state["n"] += 1
                opts.progress(Progress(round(units / scale + state["offset"], 6), None,
                                       time.perf_counter() - t0, state["n"]))
    budget = SWAP_SECONDS if opts.time_limit is None else min(SWAP_SECONDS, SWAP_SHARE * opts.time_limit)
    out = swaps.improve(*prepared, families, made, seed=opts.seed, seconds=budget, report=report)
    out.first_seconds = first
    return out


def _swap_stage(instance: Instance, swapped: swaps.Swapped, scale: int) -> tuple[dict, Evaluation]:
    """The stage's record (evaluator prices), and the evaluation of its schedule."""
    found = evaluate(instance, [to_assignment(p) for p in swapped.placements.values()])
    return {"construction": round(found.total + (swapped.start - swapped.best) / scale, 6),
            "objective": found.total, "hard_violations": found.hard_violations,
            "seconds": round(swapped.seconds, 3)}, found


def swapped_result(instance: Instance, swapped: swaps.Swapped, opts: Options, seconds: float) -> Result:
    """Interrupted during the swap search: its best schedule, if it keeps every hard rule."""
    stage, found = _swap_stage(instance, swapped, objective_scale(instance))
    if found.hard_violations:
        result = Result.without_search("unknown", opts, seconds)
        result.interrupted = True
    else:
        result = evaluated_result("feasible", found, swapped.placements, opts, seconds, interrupted=True,
                                  first_solution_seconds=swapped.first_seconds)
    result.stages["swaps"] = stage
    return result


def relaxed_result(relaxed: relaxation.Relaxed, scale: int, opts: Options, seconds: float,
                   booleans: int) -> Result:
    """The relaxation's matching, proven optimal: no model was built, no search ran."""
    return evaluated_result(
        "optimal", relaxed.evaluation, relaxed.placements, opts, seconds, bound=relaxed.bound / scale,
        model_size={"booleans": booleans, "variables": 0, "constraints": 0,
                    "relaxation_rounds": relaxed.rounds, "relaxation_ms": int(relaxed.seconds * 1000)},
        first_solution_seconds=seconds)


def evaluated_result(status: str, ev: Evaluation, placements: dict[str, Placement], opts: Options,
                     seconds: float, **fields) -> Result:
    """A result whose schedule the evaluator priced (no search ran, or none finished)."""
    return Result(**{
        "status": status, "objective": ev.total, "bound": None, "seconds": seconds,
        "assignments": [to_assignment(p) for p in placements.values()],
        "terms": {name: t.penalty for name, t in ev.terms.items() if t.penalty},
        "workers": opts.workers or os.cpu_count() or 1, "seed": opts.seed, "time_limit": opts.time_limit,
        "model_size": {}, "placements": dict(placements), **fields})


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


def solve_large(instance: Instance, families: list, opts: Options) -> Result:
    """Construct, restrict the candidates around the construction, then CP-SAT (see large.py)."""
    t0 = time.perf_counter()
    group_of = large.clusters(instance)
    made = construct(instance, families, group_of)
    construct_seconds = time.perf_counter() - t0
    complete = len(made.placed) == len(instance.talks)
    size = {"restricted": 1, "construction_ms": int(construct_seconds * 1000),
            "constructed": len(made.placed), "grid_places": candidate_count(instance)}
    if opts.time_limit is not None and complete and \
            opts.time_limit - construct_seconds < BUILD_PER_CONSTRUCTION * construct_seconds + MIN_SEARCH:
        # no time to select, build and search: the construction is the answer (api prices it)
        skipped = Result.without_search("unknown", opts, construct_seconds)
        skipped.construction = dict(made.placed)
        skipped.model_size = size
        return skipped
    b = build_model(instance, families, large.select(instance, made, group_of))
    build_seconds = time.perf_counter() - t0 - construct_seconds
    left = None if opts.time_limit is None else max(1.0, opts.time_limit - (time.perf_counter() - t0))
    result = solve_model(b, replace(opts, time_limit=left, hint=made.placed))
    result.bound = None  # a bound of the restricted model only: not one of the problem
    if complete:
        result.construction = dict(made.placed)
    result.seconds += construct_seconds + build_seconds
    result.model_size.update(size, build_ms=int(build_seconds * 1000))
    return result


def construct(instance: Instance, families: list | None = None,
              group_of: dict[str, str] | None = None) -> large.Construction:
    """The greedy construction of large.py: every placement it makes keeps the rules on
    rooms, speakers, availability, pins, forbids, required rooms, joint groups and hard
    ``not_parallel`` rows (other hard pair rows are left to the search or a check)."""
    cliques = rows.clique_cover([(r.talk, r.other) for r in instance.constraints
                                 if r.hard and r.kind == "not_parallel"])
    return large.construct(instance, placement_filter(instance, families), cliques,
                           group_of or large.clusters(instance))


def solve_lexicographic(b: Build, opts: Options, first: tuple[str, ...]) -> Result:
    """Minimise the ``first`` terms alone, then everything with those held at their best.

    The final objective is the full weighted sum (so it equals the evaluator's score);
    the bound is the second stage's. Half the time limit goes to each stage at most.
    """
    head = sum(p.coeff * p.expr for p in b.penalties if p.term in first)
    full = sum(p.coeff * p.expr for p in b.penalties)
    half = None if opts.time_limit is None else opts.time_limit / 2
    b.model.clear_objective()
    b.model.minimize(head)
    r1 = solve_model(b, replace(opts, time_limit=half))
    if not r1.has_schedule or r1.interrupted:
        return r1
    best_head = round(r1.objective * b.scale)
    b.model.add(head <= best_head)
    b.model.clear_objective()
    b.model.minimize(full)
    b.model.clear_hints()
    rest = None if opts.time_limit is None else max(0.5, opts.time_limit - r1.seconds)
    r2 = solve_model(b, replace(opts, time_limit=rest, hint=r1.placements))
    if not r2.has_schedule:  # cannot happen with the hint, unless interrupted before it
        return r1
    r2.seconds += r1.seconds
    r2.first_solution_seconds = r1.first_solution_seconds
    if r1.status != "optimal" and r2.status == "optimal":
        r2.status = "feasible"
    r2.stages = {"moves": {"status": r1.status, "objective": r1.objective, "bound": r1.bound,
                           "seconds": round(r1.seconds, 3)}}
    return r2
