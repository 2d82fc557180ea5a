"""Assertions shared by the solver tests."""

from __future__ import annotations

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
