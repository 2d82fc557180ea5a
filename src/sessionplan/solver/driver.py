"""Running CP-SAT on a built model: parameters, progress, hints, stopping, exact pricing.

``solve_model`` runs the search in a worker thread, so that the main thread can turn
Ctrl-C into a clean stop and the best schedule so far is kept; it returns a
:class:`~.result.Result` priced exactly (see ``fixed_solve``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from ortools.sat.python import cp_model

from ..budget import Budget, now
from ..model import Placement
from ..signals import search_begins
from .build import Build
from .result import Options, Progress, Result, to_assignment

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}
MIN_SEARCH = 0.05       # seconds: CP-SAT is never asked to search for less
PRICING_SHARE = 0.03    # of the time left, kept for pricing an unproven schedule exactly
PRICING_SECONDS = 10.0
HINT_SHARE = 0.2        # of the time left, at most, for completing a hint


def configure(solver: cp_model.CpSolver, opts: Options, seconds: float | None) -> int:
    workers = opts.worker_count
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = opts.seed
    if seconds is not None:
        p.max_time_in_seconds = max(MIN_SEARCH, float(seconds))
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
    def __init__(self, scale: int, progress: Callable[[Progress], None] | None, budget: Budget,
                 known_bound: int | None = None, solutions: int = 0):
        super().__init__()
        self.scale, self.progress_fn, self.budget = scale, progress, budget
        self.known = known_bound
        self.reached = False
        self.solutions = solutions   # schedules reported before this search (earlier stages)
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        objective = self.objective_value / self.scale
        bound = reported_bound(self.best_objective_bound, self.known, self.scale)
        if self.known is not None and round(self.objective_value) <= self.known:
            self.reached = True
            self.stop_search()
        seconds = self.budget.elapsed()
        if self.first is None:
            self.first = seconds
        if self.progress_fn:
            self.progress_fn(Progress(objective, bound, seconds, self.solutions, "search"))


def solve_model(b: Build, opts: Options, budget: Budget | None = None, known_bound: int | None = None,
                hint: dict[str, Placement] | None = None, solutions: int = 0) -> Result:
    """Search within ``budget``; the schedule found is priced exactly.

    ``known_bound`` (objective units, e.g. the relaxation's) is a lower bound proven
    elsewhere: a schedule that reaches it ends the search, proven optimal. ``hint``: a
    complete schedule to start from (completed into a full hint). ``solutions``: how many
    schedules earlier stages reported (the progress count goes on from there)."""
    search_begins()  # the command's time-limit alarm stands down: CP-SAT's own limit governs
    t0 = now()
    budget = budget or opts.budget or Budget.of(opts.time_limit)
    # time kept for pricing the schedule exactly if the search stops before optimality
    left = budget.left()
    pricing = 0.0 if left is None else min(PRICING_SECONDS, PRICING_SHARE * left)
    if hint:
        t = now()
        add_hint(b, hint, budget.reserve(pricing).share(HINT_SHARE, PRICING_SECONDS))
        # completing the hint was one fixed solve, as pricing is: keep as long for it
        # (on a large model cloning it alone takes seconds)
        took = now() - t
        if left is not None:
            pricing = max(pricing, min(PRICING_SECONDS, 1.25 * took, 0.25 * max(0.0, left - took)))
    search = budget.reserve(pricing)
    solver = cp_model.CpSolver()
    workers = configure(solver, opts, search.left())
    cb = _Callback(b.scale, opts.progress, opts.budget or budget, known_bound, solutions)
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
                exact = fixed_solve(b, chosen, budget.share(1.0, PRICING_SECONDS))
                if exact is not None:
                    objective = min(objective, exact.objective_value / b.scale)
                    value = exact.value
                else:
                    priced = False
        else:
            objective = bound = 0.0
        terms = b.term_values(value)
    elif status == "unknown" and known_bound is not None and b.penalties:
        bound = known_bound / b.scale   # no schedule here, but a bound on every schedule
    proto = b.model.proto
    return Result(
        status=status, objective=objective, bound=bound, seconds=now() - t0,
        assignments=tuple(to_assignment(p) for p in chosen.values()), terms=terms, workers=workers,
        seed=opts.seed, time_limit=opts.time_limit,
        model_size={"booleans": sum(len(c) for c in b.candidates.values()),
                    "variables": len(proto.variables), "constraints": len(proto.constraints)},
        interrupted=interrupted, priced=priced, placements=chosen,
        first_solution_seconds=cb.first, parameters=parameters_used(solver),
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


def parameters_of(opts: Options) -> dict:
    """The CP-SAT parameters every solve of a run with ``opts`` sets (without its time
    limit): what a result reports when its schedule came from a stage whose CP-SAT
    solves (the session model's) were configured by ``configure``."""
    solver = cp_model.CpSolver()
    configure(solver, opts, None)
    return parameters_used(solver)


def parameters_used(solver: cp_model.CpSolver) -> dict:
    """The CP-SAT parameters set for a solve (those differing from CP-SAT's defaults).

    Read from the parameters' text form (``key: value`` lines; a repeated key is a list).
    """
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


def fixed_solve(b: Build, placements: dict[str, Placement], budget: Budget) -> cp_model.CpSolver | None:
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
    s.parameters.max_time_in_seconds = budget.seconds(MIN_SEARCH) or PRICING_SECONDS
    s.parameters.catch_sigint_signal = False  # CP-SAT's handler would leave SIGINT at its default
    return s if s.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def add_hint(b: Build, hint: dict[str, Placement], budget: Budget) -> None:
    """A full hint: the given placements, and every other variable completed from them."""
    b.model.clear_hints()
    s = fixed_solve(b, hint, budget)
    if s is not None:
        for i in range(len(b.model.proto.variables)):
            var = b.model.get_int_var_from_proto_index(i)
            b.model.add_hint(var, s.value(var))
    else:  # the hint breaks a hard rule: hint the placements only, CP-SAT repairs
        for talk, cands in b.candidates.items():
            want = hint.get(talk)
            for p, x in cands:
                b.model.add_hint(x, want is not None and (p.room, p.day, p.start) == (want.room, want.day, want.start))


__all__ = ["STATUS", "add_hint", "configure", "fixed_solve", "parameters_of", "parameters_used", "reported_bound", "solve_model"]
