"""The stages of a solve, within one budget.

1. **relaxation** (relaxation.py): the assignment relaxation's bound, and often the
   proven optimum without any model;
2. **construction** and **swaps** (construction.py, swaps.py): with a topic term
   weighted, a greedy schedule improved by exchanging talks, CP-SAT's hint;
3. **model**: the CP-SAT model over every allowed place (build.py, families/), built
   against a deadline;
4. **search** (driver.py; lexicographic.py when re-planning): CP-SAT from the hint,
   stopped at the relaxation's bound if it reaches it.

When the search ends without a schedule (or there was no time to build the model),
the construction is the answer if it keeps every hard rule. Conferences with too many
places for the exact model go to the large mode (large.py) instead.
"""

from __future__ import annotations

from ..baseline import Baseline
from ..budget import Budget, now
from ..evaluate import Evaluation, evaluate
from ..model import Instance, Placement
from . import relaxation, sessions, swaps, track_cells
from .build import Build, OutOfTime, build_model, candidate_places, objective_scale
from .clash_floor import clash_floor
from .construction import Construction, construct, construction_of, finish
from .driver import PRICING_SECONDS, parameters_of, solve_model
from .families import FAMILIES, Changes, Family
from .families.changes import TERMS as CHANGE_TERMS
from .lexicographic import solve_lexicographic
from .result import Options, Progress, Result, to_assignment

RELAXATION_SHARE = 0.05   # of the time left, at most RELAXATION_SECONDS
RELAXATION_SECONDS = 1.0
SWAP_SHARE = 0.1          # of the time left, for the swap search, at most SWAP_SECONDS
# of the time left, at most, for the construction's repair (it stops once every talk has a
# place): a complete schedule is every later stage's start and the fallback
CONSTRUCTION_SHARE = 0.5
SWAP_SECONDS = 10.0
TRACK_CELLS_SHARE = 0.35  # of the time left, for giving tracks their cells first (see track_cells), at most
TRACK_CELLS_SECONDS = 150.0
TRACK_CELLS_POLISH = 0.35  # of what is left then, for the talk-level model within the chosen cells
SESSION_SHARE = 0.6       # of the time left, for the session model
# of the time left then, for resuming its column generation when that was cut short and
# its schedule pays only what the session model counts (the talk-level search could only
# regroup, which column generation does better)
SESSION_RESUME = 0.8
SESSION_SWAP_SHARE = 0.03  # the swap search's share and seconds when the session model follows
SESSION_SWAP_SECONDS = 3.0
# the swap search's moves are counted (one schedule per seed on any machine); its clock
# cap, this many times its nominal seconds, only stops a machine far slower than usual
CAP_FACTOR = 4
POLISH_EXCHANGE = 0.5     # the session model's sessions are good: trade their places first
MIN_SEARCH = 0.5          # seconds a search needs to be worth starting
# building the exact model takes about this many times as long as finding the
# candidate places did (workshop 1.6, 31C3 2.1, synthetic 200 x 8 2.4; measured on a
# 2-core machine): a model that would not be built in time is not started
BUILD_PER_PREPARE = 3.0


def solve(instance: Instance, opts: Options | None = None, baseline: Baseline | None = None) -> Result:
    """Solve; with a ``baseline``, lexicographically: fewest moves first, then the rest.

    A conference with more places than ``opts.max_candidates`` is solved in the large
    mode, on ``large.large_instance(instance)`` (the caller evaluates it there too)."""
    from .large import candidate_count, large_instance, solve_large

    opts = opts or Options()
    budget = opts.budget or Budget.of(opts.time_limit)
    families: list[Family] = FAMILIES + list(opts.extra_families)
    if baseline is not None:
        families.append(Changes(baseline))
    plain = baseline is None and not opts.extra_families   # the evaluator knows every rule
    if opts.max_candidates and candidate_count(instance) > opts.max_candidates:
        instance = large_instance(instance)
        result = solve_large(instance, families, opts, budget)
    else:
        result = Stages(instance, families, opts, budget, baseline).run()
    if plain:
        result = with_fallback(instance, families, opts, budget, result)
    return result


def with_fallback(instance: Instance, families: list[Family], opts: Options, budget: Budget,
                  result: Result) -> Result:
    """When no search produced a schedule (none in time, or no time for one): the
    construction (the swap search's, the large mode's, or one made now), if it places
    every talk and the evaluator finds no hard violation in it."""
    if result.has_schedule or result.interrupted or result.status != "unknown":
        return result
    if not result.construction and "constructed" in result.model_size:
        return result   # the construction was made and is incomplete or breaks a rule: again would not help
    placed = dict(result.construction) or construct(instance, families, budget=budget.share(1.0),
                                                    time_limit=opts.time_limit).placed
    if len(placed) != len(instance.talks):
        return result
    ev = evaluate(instance, [to_assignment(p) for p in placed.values()])
    if ev.hard_violations:
        return result
    stage = result.found_by if result.found_by != "search" else "swaps" if "swaps" in result.stages else "construction"
    return Result.evaluated("feasible", ev, placed, opts, result.seconds, found_by=stage, bound=result.bound,
                            model_size=result.model_size, stages={**result.stages, "construction": {"used": True}},
                            construction=placed, notes=result.notes,
                            first_solution_seconds=result.first_solution_seconds)


class Stages:
    """One exact-mode solve: the stages in order, each within what the budget has left."""

    def __init__(self, instance: Instance, families: list[Family], opts: Options, budget: Budget,
                 baseline: Baseline | None):
        self.inst, self.families, self.opts, self.budget, self.baseline = instance, families, opts, budget, baseline
        self.t0 = now()
        self.plain = baseline is None and not opts.extra_families
        self.size: dict[str, int] = {}
        self.stages: dict = {}
        self.reported = 0   # schedules reported to the progress callback so far
        # the best complete schedule before the search: (placements, evaluator price, stage)
        self.best: tuple[dict[str, Placement], float, str] | None = None
        self.first: float | None = None   # when the first complete schedule existed
        self.made: Construction | None = None   # the construction, once built (it is built once)
        self.sessions_apply = (opts.model != "talks" and self.plain and opts.hint is None
                               and sessions.applicable(instance))

    def enter(self, stage: str) -> None:
        if self.opts.stage is not None:
            self.opts.stage(stage)

    def report(self, stage: str, objective: float, bound: float | None = None) -> None:
        """A (better) schedule found by ``stage``."""
        if self.opts.progress is not None:
            self.reported += 1
            base = self.opts.budget or self.budget
            self.opts.progress(Progress(objective, bound, base.elapsed(), self.reported, stage))

    def run(self) -> Result:
        inst, opts = self.inst, self.opts
        t = now()
        prepared = candidate_places(inst, self.families)
        prepare_seconds = now() - t
        booleans = sum(map(len, prepared[1].values()))
        relaxed = self.relaxation(prepared, booleans)
        if isinstance(relaxed, Result):
            return relaxed
        known = relaxed.bound if isinstance(relaxed, relaxation.Relaxed) else None
        floor = self.clash_floor(prepared)   # a term neither the relaxation nor the session model counts
        if floor:
            known = floor + (known or 0)
        swapped = self.swap_search(prepared)
        if swapped is not None:
            self.size.update(swap_ms=int(swapped.seconds * 1000), swap_moves=swapped.moves)
            self.stages["swaps"], found = self.swap_stage(swapped)
            self.first = swapped.first_seconds
            if not found.hard_violations:
                self.best = (dict(swapped.placements), found.total, "swaps")
            if swapped.interrupted:
                return self.from_best(interrupted=True)
        elif self.plain and opts.hint is None and (self.sessions_apply or any(t.track for t in inst.talks)):
            self.construction_hint(prepared)
        try:
            sess = self.session_stage(prepared)
        except KeyboardInterrupt:
            if self.best is None:
                raise
            return self.from_best(interrupted=True)
        if sess is not None and sess.bound is not None:
            known = sess.bound + floor if known is None else max(known, sess.bound + floor)
            if self.best is not None and round(self.best[1] * prepared[0].scale) <= known:
                # the best schedule so far reaches a lower bound of every schedule
                return self.from_best(interrupted=False, status="optimal", bound=known / prepared[0].scale)
        hint = opts.hint or (self.best[0] if self.best else None)
        search = self.budget.reserve(min(PRICING_SECONDS, 0.03 * self.budget.left_or(0)))
        left = search.left()
        if left is not None and left < BUILD_PER_PREPARE * prepare_seconds + MIN_SEARCH:
            return self.fallback("no time was left to build the model", known)
        self.enter("model")
        t = now()
        try:
            b = build_model(inst, self.families, prepared=prepared,
                            deadline=None if search.deadline is None else search.deadline - MIN_SEARCH)
        except OutOfTime:
            return self.fallback("the model could not be built in the time left", known)
        except KeyboardInterrupt:  # while building: the best schedule so far stands
            if self.best is None:
                raise
            return self.from_best(interrupted=True)
        self.size["build_ms"] = int((now() - t) * 1000)
        self.enter("search")
        try:
            result = self.search(b, known, hint)
        except KeyboardInterrupt:  # while completing the hint
            if self.best is None:
                raise
            return self.from_best(interrupted=True)
        extra: dict = {}
        if self.best is not None:  # the fallback should the search end with nothing
            # the first complete schedule came before the model existed
            extra = {"construction": self.best[0], "first_solution_seconds": self.first}
            if result.status == "unknown" and not result.has_schedule:
                extra["found_by"] = self.best[2]   # the stage whose schedule the fallback would be
        result = result.with_(model_size=self.size, stages=self.stages, seconds=now() - self.t0, **extra)
        if not result.has_schedule and result.status == "unknown":
            return result.with_(notes=("the search found no schedule in the time left",))
        return result

    # -- stages ----------------------------------------------------------------------

    def construction_hint(self, prepared: tuple[Build, dict]) -> None:
        """The construction as the search's start when the swap search did not run: with
        tracks, a first schedule that keeps one track per cell is hard for CP-SAT to find;
        for the session model, its sessions are columns of a partition that keeps every
        hard rule, so that the integer choice always has one (without them it can find
        none in its time: a tight partition with authors kept apart).
        When every talk has a track, tracks are first given cells (``track_cells``)."""
        self.enter("construction")
        # for the session model all the time left if need be: without it there may be no
        # schedule at all (the repair and mending stop at the budget; a complete
        # construction takes a fraction of a second); with CP-SAT next, a share
        part = self.budget if self.sessions_apply else self.budget.share(CONSTRUCTION_SHARE)
        made = self.made
        if made is None:
            made = construct(self.inst, self.families, budget=part, time_limit=self.opts.time_limit)
        elif len(made.placed) < len(self.inst.talks):
            finish(made, part)   # the swap search's, cut short: its repair goes on, not again
        self.made = made
        self.size["constructed"] = len(made.placed)
        candidates = [("construction", dict(made.placed))] if len(made.placed) == len(self.inst.talks) else []
        if track_cells.applicable(self.inst):
            t = now()
            started = track_cells.start(self.inst, self.families, prepared[1],
                                        self.budget.share(TRACK_CELLS_SHARE, TRACK_CELLS_SECONDS),
                                        workers=self.opts.worker_count, seed=self.opts.seed,
                                        time_limit=self.opts.time_limit)
            if started is not None:
                placed, keep = started
                polished = track_cells.polish(self.inst, self.families, keep, placed, self.opts,
                                              self.budget.share(TRACK_CELLS_POLISH, TRACK_CELLS_SECONDS))
                candidates += [("track_cells", placed)] + ([("track_cells_polished", polished)] if polished else [])
            self.size["track_cells_ms"] = int((now() - t) * 1000)
        record: dict = {}
        for name, placed in candidates:
            found = evaluate(self.inst, [to_assignment(p) for p in placed.values()])
            record[name] = {"objective": found.total, "hard_violations": found.hard_violations}
            if not found.hard_violations and (self.best is None or found.total < self.best[1]):
                self.best = (placed, found.total, "construction")
                self.first = now() - self.t0
                self.report("construction", found.total)
        self.stages.update(record)

    def clash_floor(self, prepared: tuple[Build, dict]) -> int:
        """The lower bound on ``topic_clash`` (clash_floor.py), when the evaluator knows every rule."""
        if not self.plain:
            return 0
        t = now()
        floor = clash_floor(*prepared)
        self.size["clash_floor_ms"] = int((now() - t) * 1000)
        if floor:
            self.stages["clash_floor"] = floor / prepared[0].scale
        return floor

    def relaxation(self, prepared: tuple[Build, dict], booleans: int) -> Result | relaxation.Relaxed | None:
        """The relaxation's bound; a Result when its matching is proven optimal."""
        if not (self.opts.relaxation and self.plain):
            return None
        self.enter("relaxation")
        part = self.budget.share(RELAXATION_SHARE, RELAXATION_SECONDS)
        relaxed = relaxation.relax(*prepared, self.families, seconds=part.left_or(RELAXATION_SECONDS))
        self.size["relaxation_ms"] = int(relaxed.seconds * 1000)
        if not relaxed.proven:
            return relaxed
        assert relaxed.evaluation is not None and relaxed.bound is not None
        scale = prepared[0].scale
        result = Result.evaluated(
            "optimal", relaxed.evaluation, relaxed.placements, self.opts, now() - self.t0,
            bound=relaxed.bound / scale, found_by="relaxation",
            model_size={"booleans": booleans, "variables": 0, "constraints": 0,
                        "relaxation_rounds": relaxed.rounds, "relaxation_ms": int(relaxed.seconds * 1000)},
            first_solution_seconds=now() - self.t0)
        assert result.objective is not None
        self.report("relaxation", result.objective, result.bound)
        return result

    def swap_search(self, prepared: tuple[Build, dict]) -> swaps.Swapped | None:
        """The construction improved by the swap search, or None (not worthwhile, or incomplete)."""
        opts = self.opts
        if not (opts.swaps and opts.hint is None and self.plain and swaps.worthwhile(self.inst)):
            return None
        self.enter("construction")
        made = construct(self.inst, self.families, budget=self.budget.share(CONSTRUCTION_SHARE),
                         time_limit=opts.time_limit)
        self.made = made   # built once: neither the hint nor the fallback builds it again
        self.size["constructed"] = len(made.placed)
        if len(made.placed) < len(self.inst.talks):
            return None
        first = now() - self.t0
        report = None
        if opts.progress is not None:
            built = evaluate(self.inst, [to_assignment(p) for p in made.placed.values()])
            if not built.hard_violations:
                scale = prepared[0].scale
                offset: dict[str, float] = {}

                def report(units: int) -> None:
                    stage = "swaps" if offset else "construction"   # the first report is the construction
                    offset.setdefault("value", built.total - units / scale)
                    self.report(stage, round(units / scale + offset["value"], 6))
        # the moves are counted from the time limit (a seed gives one schedule on any
        # machine); the cap only stops a machine too slow for them
        self.enter("swaps")
        # with the session model to follow, the swap search only gives it a start
        share, most = (SESSION_SWAP_SHARE, SESSION_SWAP_SECONDS) if self.sessions_apply else (SWAP_SHARE, SWAP_SECONDS)
        nominal = most if opts.time_limit is None else min(most, share * opts.time_limit)
        out = swaps.improve(*prepared, self.families, made, seed=opts.seed, seconds=nominal, report=report,
                            cap=self.budget.share(CAP_FACTOR * share, CAP_FACTOR * most))
        out.first_seconds = first
        return out

    def session_stage(self, prepared: tuple[Build, dict]) -> sessions.Sessions | None:
        """The session model (column generation): a bound, and a better schedule when it finds one."""
        left = self.budget.left()
        if not self.sessions_apply or (left is not None and left < MIN_SEARCH * self.budget.slowdown):
            return None   # (building its problem alone takes longer than what is left)
        opts = self.opts
        self.enter("sessions")
        part = self.budget.share(SESSION_SHARE)
        out = sessions.improve(prepared, self.families, opts, part, self.best[0] if self.best else None)
        if not out.record.get("items"):
            return out
        self.stages["sessions"] = out.record
        self.take(prepared, out, out.bound)
        if out.resumable and not self.budget.expired():
            self.enter("sessions")
            more = sessions.improve(prepared, self.families, opts, self.budget.share(SESSION_RESUME),
                                    self.best[0] if self.best else None, resume=out.generated)
            self.stages["sessions"] = {**out.record, "resumed": more.record}
            if more.bound is not None and (out.bound is None or more.bound > out.bound):
                out.bound = more.bound   # the caller reads the bound; the schedule is self.best
            self.take(prepared, more, out.bound)
        return out

    def take(self, prepared: tuple[Build, dict], out: sessions.Sessions, units: int | None) -> None:
        """The session model's schedule as the best when it is (reported with the bound
        ``units``), then polished."""
        if out.placements is None or out.objective is None:
            return
        bound = None if units is None else units / prepared[0].scale
        if self.best is None or out.objective < self.best[1] - 1e-9:
            self.best = (out.placements, out.objective, "sessions")
            if self.first is None:
                self.first = now() - self.t0
            self.report("sessions", out.objective, bound)
        self.polish(prepared, out, bound)

    def polish(self, prepared: tuple[Build, dict], out: sessions.Sessions, bound: float | None) -> None:
        """The swap search from the session model's schedule: whole sessions trade places
        (who runs in parallel), talks move between sessions."""
        assert out.placements is not None and out.objective is not None
        if not swaps.worthwhile(self.inst) or (out.bound is not None and
                                               round(out.objective * prepared[0].scale) <= out.bound):
            return
        opts = self.opts
        self.enter("swaps")
        nominal = SWAP_SECONDS if opts.time_limit is None else min(SWAP_SECONDS, SWAP_SHARE * opts.time_limit)
        start = construction_of(self.inst, self.families, out.placements)
        polished = swaps.improve(*prepared, self.families, start, seed=opts.seed, seconds=nominal,
                                 cap=self.budget.share(CAP_FACTOR * SWAP_SHARE, CAP_FACTOR * SWAP_SECONDS),
                                 exchange_share=POLISH_EXCHANGE)
        found = evaluate(self.inst, [to_assignment(p) for p in polished.placements.values()])
        self.stages["sessions"]["polished"] = found.total
        if not found.hard_violations and (self.best is None or found.total < self.best[1] - 1e-9):
            self.best = (dict(polished.placements), found.total, "sessions")
            self.report("swaps", found.total, bound)
        if polished.interrupted:
            raise KeyboardInterrupt

    def search(self, b: Build, known: int | None, hint: dict[str, Placement] | None) -> Result:
        if self.baseline is not None and any(p.term in CHANGE_TERMS for p in b.penalties):
            return solve_lexicographic(b, self.opts, self.budget, CHANGE_TERMS, hint=hint)
        return solve_model(b, self.opts, self.budget, known_bound=known, hint=hint, solutions=self.reported)

    # -- results without a search ----------------------------------------------------

    def swap_stage(self, swapped: swaps.Swapped) -> tuple[dict, Evaluation]:
        """The swap stage's record (evaluator prices), and the evaluation of its schedule."""
        found = evaluate(self.inst, [to_assignment(p) for p in swapped.placements.values()])
        scale = objective_scale(self.inst)
        return {"construction": round(found.total + (swapped.start - swapped.best) / scale, 6),
                "objective": found.total, "hard_violations": found.hard_violations,
                "seconds": round(swapped.seconds, 3)}, found

    def from_best(self, interrupted: bool, status: str = "feasible", bound: float | None = None) -> Result:
        """The best schedule found before the search (swap search or session model)."""
        assert self.best is not None
        placements, _, stage = self.best
        found = evaluate(self.inst, [to_assignment(p) for p in placements.values()])
        return Result.evaluated(status, found, placements, self.opts, now() - self.t0, bound=bound,
                                interrupted=interrupted, first_solution_seconds=self.first,
                                stages=self.stages, found_by=stage, model_size=self.size,
                                construction=dict(placements),
                                parameters=parameters_of(self.opts) if "sessions" in self.stages else {})

    def fallback(self, why: str, known: int | None = None) -> Result:
        """No schedule from a search (see ``with_fallback``, which prices a construction)."""
        return Result.without_search("unknown", self.opts, now() - self.t0, model_size=self.size,
                                     stages=self.stages, construction=self.best[0] if self.best else {},
                                     notes=(why,), first_solution_seconds=self.first,
                                     found_by=self.best[2] if self.best else "search",
                                     bound=None if known is None else known / objective_scale(self.inst))
