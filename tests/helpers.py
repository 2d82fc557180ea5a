"""Assertions shared by the solver tests."""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

import sessionplan as sp
from sessionplan.model import PairRow


def solve_checked(instance, **kw):
    """Solve; if there is a schedule, it must pass the evaluator and match its score."""
    kw.setdefault("time_limit", 30)
    kw.setdefault("workers", 1)
    sol = sp.solve(instance, **kw)
    if sol.result.has_schedule:
        ev = sol.evaluation
        assert ev.hard_violations == 0, [v.message for v in ev.violations]
        assert sol.result.objective == pytest.approx(ev.total, abs=1e-6)
        for name, value in sol.result.terms.items():
            assert ev.terms[name].penalty == pytest.approx(value, abs=1e-6), name
    return sol


def where(sol) -> dict:
    """talk id -> (day iso, start, room, session)"""
    return {a.talk: (a.day.isoformat(), a.start, a.room, a.session) for a in sol.assignments}


class cpu_seconds:
    """CPU seconds this process spends in the block (``with cpu_seconds() as t: ...; t.seconds``).

    What a test can bound without depending on the machine's load: a busy machine
    stretches wall time, not the work done. Wall-clock promises (``--time-limit``) are
    measured by benchmarks/time_limit.py, under load."""

    def __enter__(self) -> cpu_seconds:
        self._t0 = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.process_time() - self._t0


# Wall-clock checks that remain (a signal stops a solve, a limit ends a command) allow
# this many times their nominal seconds: they guard against hangs, not slowness.
WALL_MARGIN = 3.0


def schedule_count(inst) -> int:
    """How many placements of every talk there are (0 when a talk has none)."""
    n = 1
    for t in inst.talks:
        n *= len(inst.placements(t))
    return n


def exhaustive_best(inst, limit: int = 5000) -> float | None:
    """The least evaluator total over every schedule of ``inst`` (None: more than ``limit``
    to try, or none)."""
    import itertools

    from sessionplan.solver import to_assignment

    if not 0 < schedule_count(inst) <= limit:
        return None
    options = [inst.placements(t) for t in inst.talks]
    best = None
    for combo in itertools.product(*options):
        cells = [(p.room, j) for p in combo for j in p.slots]
        if len(cells) != len(set(cells)):
            continue
        ev = sp.evaluate(inst, [to_assignment(p) for p in combo])
        if ev.hard_violations == 0 and (best is None or ev.total < best):
            best = ev.total
    return best


def compact_partition(inst, limit: float, workers: int) -> dict:
    """The plain compact model of a fixed-size partition (the benchmark's baseline):
    x[talk, cell] with exact cell sizes, y[pair, cell] <= both x, the author rows per
    block and room; CP-SAT with ``workers`` and ``limit``. Returns the seconds to a proof
    (None without one), the objective, the bound and the seconds taken."""
    cells: dict[tuple, int] = {}
    for (day, label), idxs in inst.sessions.items():
        for room in sorted(inst.session_rooms[(day, label)]):
            cells[(day, label, room)] = sum(1 for j in idxs if room in inst.slots[j].rooms)
    keys = sorted(cells)
    m = cp_model.CpModel()
    x = {(t.id, k): m.new_bool_var("") for t in inst.talks for k in keys}
    for t in inst.talks:
        m.add_exactly_one(x[(t.id, k)] for k in keys)
    for k in keys:
        m.add(sum(x[(t.id, k)] for t in inst.talks) == cells[k])
    total, gained = 0, []
    for r in inst.constraints:
        if not isinstance(r, PairRow):
            continue
        if r.kind == "same_session" and not r.hard:
            w = int(r.weight or 0)
            total += w
            for k in keys:
                y = m.new_bool_var("")
                m.add_implication(y, x[(r.talk, k)])
                m.add_implication(y, x[(r.other, k)])
                gained.append(w * y)
        elif r.kind == "not_parallel_session" and r.hard:
            for k in keys:
                others = [x[(r.other, o)] for o in keys if o[:2] == k[:2] and o != k]
                m.add(x[(r.talk, k)] + sum(others) <= 1)
    m.minimize(total - sum(gained))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = limit
    if workers == 2:
        solver.parameters.subsolvers.extend(["max_lp", "default_lp"])
    elif workers == 1:
        solver.parameters.linearization_level = 2
    t0 = time.monotonic()
    status = solver.solve(m)
    seconds = time.monotonic() - t0
    has = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {"proof": seconds if status == cp_model.OPTIMAL else None, "objective": solver.objective_value if has else None,
            "bound": max(0.0, solver.best_objective_bound), "seconds": seconds}
