"""The evaluator's view of one schedule: each talk's resolved placement, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..baseline import Baseline
from ..model import Assignment, Instance, Placement
from ..periods import PeriodError, parse_time


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    talks: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass
class TermScore:
    name: str
    weight: float
    amount: float = 0.0
    penalty: float = 0.0
    items: list[str] = field(default_factory=list)

    def charge(self, amount: float, item: str, weight: float | None = None) -> None:
        w = self.weight if weight is None else weight
        self.amount += amount
        self.penalty += w * amount
        self.items.append(item)


@dataclass
class Evaluation:
    violations: list[Violation]
    terms: dict[str, TermScore]

    @property
    def hard_violations(self) -> int:
        return len(self.violations)

    @property
    def total(self) -> float:
        return round(sum(t.penalty for t in self.terms.values()), 6)

    def score_json(self) -> dict:
        return {
            "hard_violations": self.hard_violations,
            "violations": [{"rule": v.rule, "message": v.message, "talks": list(v.talks)} for v in self.violations],
            "soft": {name: round(t.penalty, 6) for name, t in self.terms.items()},
            "total": self.total,
        }


@dataclass
class Context:
    """What every evaluator family reads: the instance and the placed talks."""

    instance: Instance
    placed: dict[str, Placement]          # talk id -> where it is (first entry if duplicated)
    violations: list[Violation] = field(default_factory=list)
    terms: dict[str, TermScore] = field(default_factory=dict)
    baseline: Baseline | None = None

    def violate(self, rule: str, message: str, *talks: str) -> None:
        self.violations.append(Violation(rule, message, tuple(talks)))

    def term(self, name: str) -> TermScore:
        return self.terms[name]

    def where(self, talk: str) -> str:
        p = self.placed[talk]
        return f"{p.day:%a %Y-%m-%d} {p.start // 60:02d}:{p.start % 60:02d} in {p.room}"


def resolve(instance: Instance, assignments: list[Assignment], baseline: Baseline | None = None) -> Context:
    """Place every assignment on the grid, recording what cannot be placed."""
    ctx = Context(instance, {}, baseline=baseline)
    mentioned = {a.talk for a in assignments}
    for a in assignments:
        talk = instance.talk_by_id.get(a.talk)
        if talk is None:
            ctx.violate("placement", f"unknown talk {a.talk!r} in the schedule", a.talk)
            continue
        if a.talk in ctx.placed:
            ctx.violate("placement", f"{a.talk} is scheduled more than once", a.talk)
            continue
        if a.room not in instance.room_by_name:
            ctx.violate("placement", f"{a.talk} is in unknown room {a.room!r}", a.talk)
            continue
        try:
            start = parse_time(a.start)
        except PeriodError as exc:
            ctx.violate("placement", f"{a.talk}: bad start time ({exc})", a.talk)
            continue
        p = instance.placement_at(talk, a.room, a.day, start)
        if p is None:
            ctx.violate(
                "placement",
                f"{a.talk} at {a.day} {a.start} in {a.room} does not fit the slot grid "
                f"(no run of open slots in that room starting then, long enough for the talk)",
                a.talk,
            )
            try:
                end = parse_time(a.end)
            except PeriodError:
                end = start + (talk.duration or 1)
            end = max(end, start + 1)
            p = Placement(talk=a.talk, room=a.room, slots=(), day=a.day, start=start, end=end,
                          span_end=end + instance.room_by_name[a.room].changeover, session=a.session)
        ctx.placed[a.talk] = p
    for talk in instance.talks:
        if talk.id not in mentioned:
            ctx.violate("placement", f"{talk.id} ({talk.title}) is not scheduled", talk.id)
    return ctx
