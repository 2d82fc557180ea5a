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
