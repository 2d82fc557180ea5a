"""The Constraints sheet: pin, forbid (single talk), before, same_session, different_day."""

from __future__ import annotations

from ..model import ConstraintRow, Placement, Talk
from ..rules import PAIR_KINDS, SINGLE_TALK_KINDS, placement_breaks
from .build import Build

NAME = "rows"


def row_weight(b: Build, row: ConstraintRow) -> float:
    return row.weight if row.weight is not None else b.instance.weights["soft_constraints"]


def allowed(b: Build, talk: Talk, p: Placement) -> bool:
    return not any(
        placement_breaks(row, p)
        for row in b.instance.constraints
        if row.hard and row.kind in SINGLE_TALK_KINDS and row.talk == talk.id
    )


def add(b: Build) -> None:
    for row in b.instance.constraints:
        label = f"Constraints row {row.row}"
        if row.kind in SINGLE_TALK_KINDS:
            if not row.hard:
                broken = [x for p, x in b.candidates[row.talk] if placement_breaks(row, p)]
                if broken:
                    b.penalize("soft_constraints", row_weight(b, row), sum(broken), label=label)
            continue
        assert row.kind in PAIR_KINDS
        violated = None if row.hard else b.model.new_bool_var(f"violated[{label}]")
        ADDERS[row.kind](b, row.talk, row.other, violated)
        if violated is not None:
            b.penalize("soft_constraints", row_weight(b, row), violated, label=label)


def _before(b: Build, a: str, c: str, violated) -> None:
    if violated is None:
        b.model.add(b.end(a) <= b.start(c))
    else:
        b.model.add(b.end(a) <= b.start(c)).only_enforce_if(~violated)


def _same_session(b: Build, a: str, c: str, violated) -> None:
    sa, sc = b.in_session(a), b.in_session(c)
    if violated is None:
        for key in sorted(set(sa) | set(sc)):
            b.model.add(sum(sa.get(key, [])) == sum(sc.get(key, [])))
        return
    together = []
    for key in sorted(set(sa) & set(sc)):
        y = b.model.new_bool_var(f"together[{a},{c},{key}]")
        b.model.add_implication(y, b.session_literal(a, key))
        b.model.add_implication(y, b.session_literal(c, key))
        together.append(y)
    b.model.add(sum(together) + violated >= 1)


def _different_day(b: Build, a: str, c: str, violated) -> None:
    da, dc = b.on_day(a), b.on_day(c)
    for day in sorted(set(da) & set(dc)):
        if violated is None:
            b.model.add(sum(da[day]) + sum(dc[day]) <= 1)
        else:
            b.model.add(sum(da[day]) + sum(dc[day]) <= 1 + violated)


ADDERS = {"before": _before, "same_session": _same_session, "different_day": _different_day}
