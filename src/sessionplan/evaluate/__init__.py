"""The independent scorer: hard violations and the soft score per named term.

It judges any schedule (the solver's, one edited by hand, one imported) against a
workbook. Each module here is the twin of the solver family of the same name.
"""

from __future__ import annotations

from ..model import Assignment, Instance
from ..terms import TERMS
from . import capacity, joint, placement, rows, speakers, topics
from .base import Context, Evaluation, TermScore, Violation, resolve

CHECKS = [placement.check, speakers.check, joint.check, rows.check]
SCORES = [speakers.score, capacity.score, rows.score, topics.score]


def evaluate(instance: Instance, assignments: list[Assignment]) -> Evaluation:
    ctx = resolve(instance, assignments)
    w = instance.weights
    ctx.terms = {name: TermScore(name, w[name]) for name in TERMS}
    for check in CHECKS:
        check(ctx)
    for score in SCORES:
        score(ctx)
    return Evaluation(ctx.violations, ctx.terms)


__all__ = ["Evaluation", "TermScore", "Violation", "evaluate", "Context"]
