"""The session model: related talks grouped by column generation over whole sessions.

Grouping related talks is a partition of the talks into sessions, and the talk-level
model's LP cannot see that (its bound stays near 0 when ``topic_cohesion`` dominates).
Here (problem.py) a column is a session cell with the talks that fill it; the master
LP (master.py, GLOP) covers every talk once within the cells there are; pricing finds
the columns of negative reduced cost, by local search (local.py, many per round) and
exactly (pricing.py, components.py); the LP value, or the Lagrangian bound of exact
pricing, is a lower bound on every schedule, since every term it leaves out
(``topic_parallel``, ``topic_clash``, ``topic_day``, other rows) is non-negative. Every
partition costs a multiple of the gcd of the costs and benefits, so the bound rounds up
to one. CP-SAT then picks integer columns (generation.py), and the talk-level model
places them in times and rooms with every term exact (assign.py). At the LP optimum,
reduced-cost enumeration adds every column that could be in a better partition (or, when
there are too many, those of least reduced cost, with a threshold below which the list
is complete), so the integer choice is optimal for the session objective, or the bound
rises to the least of the choice and the LP value plus the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...budget import Budget, now
from ...evaluate import evaluate
from ...model import Placement
from ..build import Build
from ..families import Family
from ..result import Options, to_assignment
from . import branching, cuts
from .assign import assign
from .generation import Chosen, Generated, Proof, choose, enumerate_columns, generate
from .master import MasterFailed
from .problem import SessionProblem, session_problem

LP_SHARE = 0.6          # of the session model's time, for column generation
CHOOSE_SHARE = 0.3      # of what is left then, for the integer choice
BRANCH_SHARE = 0.7      # of what is left after the enumeration, for branch and price
BRANCH_ROOTS = 4.0      # when that is at least this many times the root's column generation
# and for placing the chosen sessions: the model's last step (at 0.5, 2 of 5 20 s solves
# of partition(150, seed=1, rooms=3) placed neither of their partitions in the time,
# and ended at 1469-1542 where the others reached 1203-1224; at 0.8, none of 3)
ASSIGN_SHARE = 0.8
ENUMERATE_SHARE = 0.8       # of what is left after the first choice, for reduced-cost enumeration
ENUMERATE_LIMIT = 80_000    # columns added by reduced-cost enumeration, at most
ENUMERATE_FIRST = 4         # the first enumeration's threshold, in steps of the objective (then doubled)
CUT_SHARE = 0.6             # of what is left after the first choice, for subset-row cuts
CUT_ROUNDS = 20             # rounds of cuts at most
CUTS_PER_ROUND = 50         # cuts added per round at most
CUT_GAIN = 0.01             # a round raising the LP by less than this share of the gap left ends them
# a round of cuts starts only with at least this many times the root's column generation
# left (then the last round's): its column generation is seldom quicker, and a round cut
# short is taken back (partition(120, seed=40, rooms=4) at 60 s: a round started with
# 12 s left where the root took 25 s, and the enumeration lost that time)
CUT_ROUNDS_LEFT = 1.0


@dataclass
class Sessions:
    """What the session model reached: its bound and, if better, a schedule."""

    bound: int | None = None                         # objective units, a lower bound on every schedule
    placements: dict[str, Placement] | None = None   # a complete schedule (the best found here)
    objective: float | None = None                   # its evaluator price
    record: dict = field(default_factory=dict)       # for the result's stages
    generated: Generated | None = None               # its column generation, to resume

    def lift(self, value: float, step: int, scale: int) -> None:
        """Raise the bound to ``value`` (units, with the constant) rounded up to a multiple
        of ``step``: every partition costs one."""
        units = max(0, step * math.ceil((value - 1e-6) / step))
        self.bound = units if self.bound is None else max(self.bound, units)
        self.record["bound"] = round(self.bound / scale, 6)

    def proven(self, units: int) -> bool:
        """Whether a partition costing ``units`` (with the constant) meets the bound: it is
        then optimal for the session objective (recorded as ``partition_proven``)."""
        if self.bound is not None and units <= self.bound:
            self.record["partition_proven"] = True
        return bool(self.record.get("partition_proven"))

    @property
    def resumable(self) -> bool:
        """The LP was cut short, and the schedule pays nothing but its partition cost (the
        terms the session model leaves out are zero in it), or its integer choice found
        nothing better than the start's sessions in its time (no schedule: once in four
        20 s runs of ``partition(90, seed=12)`` weighted by ``topic_cohesion``, which then
        ended at 441 where the others reached 367-382): more column generation is then
        the only way to a better schedule or a proof. Likewise when the LP is solved but
        its proof was cut short (``Generated.proof``: the enumeration's last stage ran out
        of time, or branch and price had no time): the talk-level search cannot
        raise the bound of such a schedule, the proof can."""
        r, g = self.record, self.generated
        if g is None or g.failed or r.get("partition_proven") or r.get("partition") is None:
            return False
        if g.solved and g.proof is None:
            return False   # the LP is solved and its proof did not run out of time
        return self.objective is None or self.objective <= r["partition"] + 1e-9


def applicable(instance) -> bool:
    """Whether the session model has anything to group (before any work): pair benefits
    (a weighted ``topic_cohesion`` or soft ``same_session`` rows) and sessions of several slots."""
    pairs = bool(instance.weights["topic_cohesion"]) or any(
        r.kind == "same_session" and not r.hard for r in instance.constraints)
    return pairs and any(len(idxs) > 1 for idxs in instance.sessions.values())


def worthwhile(problem: SessionProblem) -> bool:
    """Only pair benefits make sessions worth generating; a cell of one slot groups nothing."""
    return bool(problem.benefit) and any(c.slots > 1 for c in problem.classes)


def columns_of(problem: SessionProblem, placements: dict[str, Placement]) -> list[tuple[int, frozenset[int]]]:
    """The sessions of a schedule as columns (cells the problem does not know are skipped)."""
    cells: dict = {}
    for t, p in placements.items():
        cells.setdefault(p.session_key, set()).add(problem.item_of[t])
    out = []
    for key in sorted(cells, key=lambda k: (k[0], k[1], k[2])):
        k = problem.class_of_cell.get(key)
        if k is not None:
            out.append((k, frozenset(cells[key])))
    return out


def improve(prepared: tuple[Build, dict[str, list[Placement]]], families: list[Family], opts: Options,
            budget: Budget, hint: dict[str, Placement] | None,
            resume: Generated | None = None) -> Sessions:
    """The session model within ``budget``: its bound, and a schedule when it finds one
    better than ``hint`` (the evaluator decides). ``resume``: an earlier run's column
    generation (``Sessions.generated``, cut short), to go on with."""
    t0 = now()
    b, places = prepared
    problem = resume.master.problem if resume is not None else session_problem(b, places, families)
    out = Sessions(record={"items": len(problem.items), "classes": len(problem.classes)})
    if not worthwhile(problem):
        return out
    initial = columns_of(problem, hint) if hint else []
    constant = problem.constant()
    record = out.record
    best_cost = None
    if initial:
        best_cost = sum(problem.column_cost(k, m) for k, m in initial if problem.fits(k, m))
        if constant + best_cost <= 0 and all(problem.fits(k, m) for k, m in initial):
            record["hint_partition_optimal"] = True   # its sessions split no pair: nothing to gain here
            return out
    proof = None
    if resume is not None and resume.solved and resume.proof is not None:
        gen, proof = resume, resume.proof   # the LP is solved: its proof goes on
        record["proof_resumed"] = True
    else:
        gen = generate(problem, initial, budget.share(LP_SHARE), resume=resume)
    gen.proof = None
    out.generated = gen
    record.update(columns=len(gen.master.columns), rounds=gen.rounds, exact_rounds=gen.exact_rounds,
                  lp_solved=gen.solved, lp_seconds=round(gen.seconds, 3))
    step = problem.granularity()
    if gen.bound is not None:
        out.lift(constant + gen.bound, step, problem.scale)
    columns = list(gen.master.columns)
    t = now()
    threshold: float | None
    if proof is None:
        chosen = choose(problem, columns, budget.share(CHOOSE_SHARE), hint=initial, workers=opts.worker_count,
                        seed=opts.seed, parameters=opts.parameters)
        threshold = _first_stage(step)
    else:
        chosen, threshold = proof.chosen, proof.threshold
    record["choose_seconds"] = round(now() - t, 3)
    if chosen is not None and not out.proven(constant + chosen.cost) and gen.priced_duals and \
            gen.lp is not None and out.bound is not None:
        timed_out = False
        if proof is None:
            _cut(problem, gen, chosen, step, budget.share(CUT_SHARE), out)
        if threshold is not None and not record.get("partition_proven"):
            chosen, timed_out = _enumerate(problem, gen, chosen, columns, step, budget, opts, out, threshold)
        part = budget.share(BRANCH_SHARE)
        # a branch's column generation takes about as long as the root's: branch only
        # when several fit in the time
        if not record.get("partition_proven"):
            if part.left_or(math.inf) >= BRANCH_ROOTS * gen.seconds:
                chosen = _branch(problem, gen, chosen, step, part, opts, out)
            elif not timed_out:
                # the enumeration went as far as it can (its column limit): a resumed
                # proof branches (partition(40, seed=5): bound 216 after the enumeration,
                # 223 after 54 s of branching, where the talk-level search raises nothing)
                gen.proof = Proof(chosen, None)
    if chosen is None:
        record["seconds"] = round(now() - t0, 3)
        return out
    record["partition"] = round((constant + chosen.cost) / problem.scale, 6)
    if best_cost is not None and chosen.cost >= best_cost:
        record["seconds"] = round(now() - t0, 3)
        return out   # the hint's sessions are as good: nothing to place
    quiet = Options(**{**opts.__dict__, "progress": None, "stage": None})
    t = now()
    placed = assign(problem, chosen.columns, families, quiet, budget.share(ASSIGN_SHARE))
    record["assign_seconds"] = round(now() - t, 3)
    if placed is not None:
        ev = evaluate(problem.instance, [to_assignment(p) for p in placed.values()])
        if not ev.hard_violations:
            out.placements, out.objective = placed, ev.total
            record["objective"] = ev.total
    record["seconds"] = round(now() - t0, 3)
    return out


def _branch(problem: SessionProblem, gen: Generated, chosen: Chosen, step: int, budget: Budget, opts: Options,
            out: Sessions) -> Chosen:
    """Branch and price on pairs (branching.py) when the enumeration could not prove the
    choice: a better partition, or a bound raised towards it."""
    found = branching.branch(problem, gen.master, chosen, step, budget, workers=opts.worker_count,
                             seed=opts.seed, parameters=opts.parameters)
    if found is None:
        return chosen
    record = out.record
    record["branch"] = {"nodes": found.nodes, "closed": found.closed, "columns": found.columns,
                        "seconds": round(found.seconds, 3)}
    constant = problem.constant()
    out.lift(constant + found.bound, step, problem.scale)
    out.proven(constant + found.chosen.cost)
    return found.chosen


def _cut(problem: SessionProblem, gen: Generated, chosen: Chosen, step: int, budget: Budget, out: Sessions) -> None:
    """Subset-row cuts (cuts.py) at the LP optimum, with column generation again after
    each round (pricing charges their penalties), while they raise the LP and the gap to
    ``chosen`` stays open. The enumeration and branching after it start from the LP
    with cuts: higher, so fewer columns lie within its gap. A round whose LP is not
    solved again in the time is taken back (its rows made free), so the LP and duals
    are those of the round before, still optimal."""
    master, record = gen.master, out.record
    constant = problem.constant()
    assert gen.lp is not None and out.bound is not None
    start, rounds, last = gen.lp, 0, gen.seconds
    # none once the enumeration's first stage covers the gap: that stage is then the
    # proof, and usually quicker than a round (partition(90, seed=53): proven in 9.9 s
    # by the enumeration alone, in 17.9 s after a round of cuts)
    while rounds < CUT_ROUNDS and budget.left_or(math.inf) >= CUT_ROUNDS_LEFT * last and \
            _gap(chosen, step, gen.lp) > _first_stage(step):
        try:
            master.solve(budget.left())
        except MasterFailed:
            break
        found = cuts.separate(master.columns, master.values(), set(master.cuts), CUTS_PER_ROUND)
        if not found:
            break
        before = (gen.lp, gen.pi, gen.mu, gen.sigma, gen.penalties)
        first = len(master.cuts)
        for cut in found:
            master.add_cut(cut)
        # the duals jump with the new rows: no smoothing towards those of before
        gen.centre = None
        t = now()
        generate(problem, [], budget, resume=gen, duals=True)
        last = now() - t
        if not gen.priced_duals or gen.lp is None:
            master.relax_cuts(first)
            gen.lp, gen.pi, gen.mu, sigma, gen.penalties = before
            gen.sigma = [*sigma, *[0.0] * (len(master.cuts) - len(sigma))]
            gen.solved = gen.priced_duals = True
            record["cuts_taken_back"] = len(master.cuts) - first
            break
        rounds += 1
        if gen.bound is not None:
            out.lift(constant + gen.bound, step, problem.scale)
        assert gen.lp is not None and before[0] is not None
        if gen.lp - before[0] < CUT_GAIN * max(step, chosen.cost - before[0]):
            break
    if master.cuts:
        record["cuts"] = {"rounds": rounds, "rows": len(master.cuts), "lp_before": round(start, 3),
                          "lp": round(gen.lp, 3)}
    out.proven(constant + chosen.cost)


def _enumerate(problem: SessionProblem, gen: Generated, chosen: Chosen, columns: list, step: int, budget: Budget,
               opts: Options, out: Sessions, threshold: float) -> tuple[Chosen, bool]:
    """Reduced-cost enumeration at the LP optimum: a partition cheaper than ``chosen``
    costs at most ``chosen - step``, so each of its columns has a reduced cost of at most
    that less the LP value; with all of them among the columns, an optimal integer choice
    is the least partition cost (a bound on every schedule).

    The threshold grows from a small one, doubling: with every column of reduced cost
    below ``theta`` added, a partition of the columns costs at least the integer choice
    and one using any other column at least the LP value plus ``theta``, so each stage
    proves the least of the two; a better choice lowers the threshold still needed. A
    stage that runs out of time, or finds more than ENUMERATE_LIMIT columns, ends it; one
    that runs out of time is where a resumed proof starts (``Generated.proof``). Returns
    the best choice and whether a stage ran out of time."""
    assert gen.lp is not None
    lp, record = gen.lp, out.record
    t = now()
    part = budget.share(ENUMERATE_SHARE)
    constant = problem.constant()
    seen = {(k, m) for k, m, _ in columns}
    stages = 0
    timed_out = False
    while True:
        gap = _gap(chosen, step, lp)
        threshold = min(threshold, gap)
        # a stage cut short by the time is resumed only when it is the last one (its
        # threshold the whole gap): the earlier stages, doubling, take longer each, and a
        # resumed one that does not end takes the talk-level search's time for nothing
        # (partition(90, seed=37): a stage below the gap cut short twice, 444 where the
        # search reaches 436 with that time)
        last = Proof(chosen, threshold) if threshold >= gap - 1e-9 else None
        found = None if part.expired() else enumerate_columns(problem, gen.pi, gen.mu, threshold, part,
                                                              ENUMERATE_LIMIT, gen.penalties)
        if found is None:
            timed_out = True
            break
        stages += 1
        extra, theta = found
        record["enumerated"] = len(extra)
        for k, m in extra:
            if (k, m) not in seen and problem.fits(k, m):
                seen.add((k, m))
                columns.append((k, m, problem.column_cost(k, m)))
        better = choose(problem, columns, part, hint=chosen.columns, workers=opts.worker_count,
                        seed=opts.seed, parameters=opts.parameters)
        if better is None:
            timed_out = True
            break
        if better.cost <= chosen.cost or better.status == "optimal":
            # an optimal choice costing more: some earlier column did not really fit its cell
            chosen = better
        if better.status == "optimal":
            out.lift(min(constant + better.cost, constant + lp + theta), step, problem.scale)
        if out.proven(constant + chosen.cost) or theta < threshold - 1e-9 or threshold >= gap:
            break   # proven, or the list was cut short, or the whole gap is enumerated
        threshold *= 2
    if timed_out:
        gen.proof = last
    record["enumerate_stages"] = stages
    record["enumerate_seconds"] = round(now() - t, 3)
    out.proven(constant + chosen.cost)
    return chosen, timed_out


def _gap(chosen: Chosen, step: int, lp: float) -> float:
    """The reduced cost below which every column of a partition cheaper than ``chosen``
    lies: such a partition costs at most ``chosen - step``; half a unit more, so that one
    using a column of reduced cost at least this costs at least ``chosen`` (costs are
    whole steps)."""
    return chosen.cost - step - lp + 0.5


def _first_stage(step: int) -> float:
    """The reduced-cost enumeration's first threshold (then doubled)."""
    return ENUMERATE_FIRST * step + 0.5
