"""The independent scorer: hard violations and the soft score per named term.

It judges any schedule (the solver's, one edited by hand, one imported) against a
workbook. Each module here is the twin of the solver family of the same name.
"""

from __future__ import annotations

from ..baseline import Baseline
from ..model import Assignment, Instance
from ..terms import TERMS
from . import capacity, changes, joint, people, placement, rows, speakers, topics, tracks, zones
from .base import Context, Evaluation, TermScore, Violation, resolve

CHECKS = [placement.check, speakers.check, joint.check, rows.check, changes.check, tracks.check, people.check]
SCORES = [speakers.score, capacity.score, rows.score, topics.score, changes.score, tracks.score, people.score,
          zones.score]


def evaluate(instance: Instance, assignments: list[Assignment], baseline: Baseline | None = None) -> Evaluation:
    """Hard violations and soft terms of ``assignments``; moves are counted against ``baseline``."""
    ctx = resolve(instance, assignments, baseline)
    w = instance.weights
    ctx.terms = {name: TermScore(name, w[name]) for name in TERMS}
    for check in CHECKS:
        check(ctx)
    for score in SCORES:
        score(ctx)
    return Evaluation(ctx.violations, ctx.terms)


__all__ = ["Evaluation", "TermScore", "Violation", "evaluate", "Context"]
