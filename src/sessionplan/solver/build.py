"""The shared state of one CP-SAT model: candidate placements, their booleans, penalties.

Families (``families/``) first prune candidates (``allowed``, ``prune``), then add their
constraints and named penalty terms (``add``). Everything is built in sheet order, so
the same workbook always gives the same model. Building looks at its deadline as it
goes (``Build.tick``) and stops with :class:`OutOfTime` when it has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from math import lcm
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..budget import now
from ..model import Instance, Placement, Talk
from ..periods import format_time
from ..structure import extra_weights

if TYPE_CHECKING:
    from .families import Family

SessionKey = tuple[date, str, str]
# how placements are grouped by the rules that ask "the same ... as"
GROUPS: dict[str, Callable[[Placement], object]] = {
    "session": lambda p: p.session_key,
    "day": lambda p: p.day,
    "block": lambda p: (p.day, p.session),
}


@lru_cache(maxsize=4096)
def _coefficient(weight: float, amount: float | Fraction, scale: int) -> int:
    value = Fraction(str(weight)) * Fraction(amount) * scale
    if value.denominator != 1:
        raise ValueError(f"weight {weight} x {amount} is not exact at scale {scale}")
    return int(value)


class OutOfTime(Exception):
    """Model building passed its deadline."""


def objective_scale(instance: Instance) -> int:
    """Smallest scale at which every weight times every amount is a whole number."""
    dens = [Fraction(str(w)).limit_denominator(1000).denominator for w in instance.weights.values()]
    dens += [Fraction(str(r.weight)).limit_denominator(1000).denominator for r in instance.constraints if r.weight]
    dens += [Fraction(str(w)).limit_denominator(1000).denominator for w in extra_weights(instance)]
    return 100 * lcm(1, *dens)


@dataclass
class Penalty:
    """``coeff * expr`` (in objective units, see ``Build.scale``) charged to ``term``."""

    term: str
    coeff: int
    expr: cp_model.LinearExprT


@dataclass
class Build:
    instance: Instance
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # candidates[talk id] = [(placement, literal)], in grid order
    candidates: dict[str, list[tuple[Placement, cp_model.IntVar]]] = field(default_factory=dict)
    penalties: list[Penalty] = field(default_factory=list)
    scale: int = 100
    deadline: float | None = None   # a ``budget.now()`` instant: building stops with OutOfTime after it
    _cache: dict = field(default_factory=dict)
    _ticks: int = 0

    @property
    def talks(self) -> list[Talk]:
        return self.instance.talks

    def tick(self) -> None:
        """Raise OutOfTime once the deadline has passed (the clock is read every 256 calls)."""
        self._ticks += 1
        if self.deadline is not None and not self._ticks & 255 and now() > self.deadline:
            raise OutOfTime

    def derived(self, key: str, compute: Callable[[], object]):
        """A value computed once per build (e.g. the hard rows by talk)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- objective units -------------------------------------------------------------

    def coefficient(self, weight: float, amount: float | Fraction = 1) -> int:
        """Integer objective coefficient of ``weight * amount`` at this build's scale."""
        return _coefficient(weight, amount, self.scale)

    def objective(self) -> cp_model.LinearExprT:
        """The objective: the sum of every penalty so far, in objective units."""
        return sum(p.coeff * p.expr for p in self.penalties)

    def penalize(self, term: str, weight: float, expr, amount: float | Fraction = 1) -> None:
        self.tick()
        coeff = self.coefficient(weight, amount)
        if coeff:
            self.penalties.append(Penalty(term, coeff, expr))

    def add_costs(self, costs: Callable[[Build, Talk], Callable[[Placement], tuple] | None]) -> None:
        """Penalise every candidate by a family's ``costs(build, talk)``: the talk's pricer,
        placement -> ((term, weight, amount), ...), or None when no placement costs anything.

        Such per-placement costs are all the relaxation (relaxation.py) sees: a family
        whose penalties depend on one placement only declares them this way."""
        for talk in self.talks:
            price = costs(self, talk)
            if price is None:
                continue
            for p, x in self.candidates[talk.id]:
                for term, weight, amount in price(p):
                    self.penalize(term, weight, x, amount=amount)

    def pricers(self, families: list[Family], talk: Talk) -> list[Callable[[Placement], tuple]]:
        """The families' pricers of the talk's single placements (their ``costs`` hooks
        that apply to it): what the relaxation and the swap search price placements by."""
        return [price for f in families if (price := f.costs(self, talk)) is not None]

    def placement_units(self, pricers: list[Callable[[Placement], tuple]], p: Placement) -> int:
        """Objective units of one placement under ``pricers`` (what ``add_costs`` charges it)."""
        return sum(self.coefficient(weight, amount) for price in pricers for _, weight, amount in price(p))

    # -- views on the candidates ---------------------------------------------------

    def start(self, talk: str) -> cp_model.LinearExpr:
        """The talk's start in absolute minutes, as a linear expression."""
        inst = self.instance
        return cp_model.LinearExpr.weighted_sum(
            [x for _, x in self.candidates[talk]],
            [inst.absolute(p.day, p.start) for p, _ in self.candidates[talk]],
        )

    def end(self, talk: str) -> cp_model.LinearExpr:
        inst = self.instance
        return cp_model.LinearExpr.weighted_sum(
            [x for _, x in self.candidates[talk]],
            [inst.absolute(p.day, p.end) for p, _ in self.candidates[talk]],
        )

    def _grouped(self, talk: str, what: str, key) -> dict:
        """The talk's candidate literals grouped by ``key(placement)``, computed once."""
        cache_key = (what, talk)
        if cache_key not in self._cache:
            out: dict = {}
            for p, x in self.candidates[talk]:
                out.setdefault(key(p), []).append(x)
            self._cache[cache_key] = out
        return self._cache[cache_key]

    def grouped(self, talk: str, group: str) -> dict:
        """The talk's candidate literals per key of ``group`` (see ``GROUPS``: a session
        (day, session, room), a day, a session block (day, session))."""
        return self._grouped(talk, group, GROUPS[group])

    def in_session(self, talk: str) -> dict[SessionKey, list[cp_model.IntVar]]:
        """Literals placing ``talk`` in each (day, session, room) it can be in."""
        return self.grouped(talk, "session")

    def on_day(self, talk: str) -> dict[date, list[cp_model.IntVar]]:
        return self.grouped(talk, "day")

    def group_literal(self, talk: str, group: str, key) -> cp_model.IntVar | int:
        """A boolean equal to 'talk is in this key of ``group``' (0 if it cannot be)."""
        lits = self.grouped(talk, group).get(key)
        if not lits:
            return 0
        if len(lits) == 1:
            return lits[0]
        cache_key = ("group_lit", group, talk, key)
        if cache_key not in self._cache:
            b = self.model.new_bool_var(f"in[{talk},{group},{key}]")
            self.model.add(b == sum(lits))
            self._cache[cache_key] = b
        return self._cache[cache_key]

    def session_literal(self, talk: str, session: SessionKey) -> cp_model.IntVar | int:
        """A boolean equal to 'talk is in session' (0 if it cannot be)."""
        return self.group_literal(talk, "session", session)

    def covering(
        self, talks: Iterable[str], *, own_time: bool, room: str | None = None
    ) -> dict[int, list[cp_model.IntVar]]:
        """For each candidate start time, the literals of ``talks`` whose time covers it.

        Two intervals overlap exactly when one contains the other's start, so an
        at-most-one per start time forbids every overlap. ``own_time`` uses the talk's
        own minutes (for people), otherwise the slots it occupies (for rooms); ``room``
        keeps only the candidates in that room.
        """
        inst = self.instance
        self.tick()
        items = []
        for t in talks:
            for p, x in self.candidates[t]:
                if room is not None and p.room != room:
                    continue
                s = inst.absolute(p.day, p.start)
                e = inst.absolute(p.day, p.end if own_time else p.span_end)
                items.append((s, e, x))
        items.sort(key=lambda it: it[0])
        out: dict[int, list] = {}
        active: list = []
        i = 0
        for start in sorted({s for s, _, _ in items}):
            while i < len(items) and items[i][0] <= start:
                active.append(items[i])
                i += 1
            active = [it for it in active if it[1] > start]
            if len(active) > 1:
                out[start] = [x for _, _, x in active]
        return out

    def chosen(self, solver: cp_model.CpSolver) -> dict[str, Placement]:
        out = {}
        for talk, cands in self.candidates.items():
            for p, x in cands:
                if solver.boolean_value(x):
                    out[talk] = p
                    break
        return out

    def term_values(self, value) -> dict[str, float]:
        """Penalty per term, in the evaluator's units, given ``value(expr) -> int``."""
        out: dict[str, float] = {}
        for pen in self.penalties:
            v = pen.expr if isinstance(pen.expr, int) else value(pen.expr)
            out[pen.term] = out.get(pen.term, 0) + pen.coeff * v
        return {k: v / self.scale for k, v in out.items()}


def candidate_places(instance: Instance, families: list[Family],
                     candidates: dict[str, list[Placement]] | None = None) -> tuple[Build, dict[str, list[Placement]]]:
    """An empty build and every talk's places that the families allow (before variables)."""
    b = Build(instance, scale=objective_scale(instance))
    places: dict[str, list[Placement]] = {}
    for talk in instance.talks:
        pool = instance.placements(talk) if candidates is None else candidates[talk.id]
        for ok in talk_checks(b, talk, families):
            pool = [p for p in pool if ok(p)]
        places[talk.id] = pool
    for f in families:
        f.prune(b, places)
    return b, places


def talk_checks(b: Build, talk: Talk, families: list[Family]) -> list[Callable[[Placement], bool]]:
    """The families' checks of one talk's placements (``allowed(build, talk)``; None: no check)."""
    return [ok for f in families if (ok := f.allowed(b, talk)) is not None]


def placement_filter(instance: Instance, families: list[Family] | None = None) -> Callable[[Talk, Placement], bool]:
    """'May this talk be at this placement?' by every family (default: ``FAMILIES``), each
    talk's checks made once."""
    families = families or _default_families()
    probe = Build(instance, scale=objective_scale(instance))
    checks: dict[str, list] = {}

    def allowed(talk: Talk, p: Placement) -> bool:
        mine = checks.get(talk.id)
        if mine is None:
            mine = checks[talk.id] = talk_checks(probe, talk, families)
        return all(ok(p) for ok in mine)
    return allowed


def _default_families() -> list[Family]:
    from .families import FAMILIES

    return FAMILIES


def build_model(instance: Instance, families: list[Family] | None = None,
                candidates: dict[str, list[Placement]] | None = None,
                prepared: tuple[Build, dict[str, list[Placement]]] | None = None,
                deadline: float | None = None) -> Build:
    """The model over every grid place of every talk, or over the given ``candidates``
    (``prepared``: the result of ``candidate_places``, when it was computed already).
    Past ``deadline`` (a ``budget.now()`` instant) it stops with OutOfTime."""
    families = families or _default_families()
    b, places = prepared or candidate_places(instance, families, candidates)
    b.deadline = deadline
    for talk in instance.talks:
        b.tick()
        b.candidates[talk.id] = [
            (p, b.model.new_bool_var(f"x[{talk.id},{p.room},{p.day},{format_time(p.start)}]"))
            for p in places[talk.id]
        ]
    for f in families:
        f.add(b)
    if b.penalties:
        b.model.minimize(b.objective())
    return b
