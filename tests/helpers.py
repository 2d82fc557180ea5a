"""Assertions shared by the solver tests."""

from __future__ import annotations

import time

import pytest

import sessionplan as sp


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
