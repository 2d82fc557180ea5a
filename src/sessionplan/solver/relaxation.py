"""The assignment relaxation: a lower bound on every schedule, and often its optimum.

Keep only 'every talk once' and 'one talk per room and start', and only the penalties
of single placements (the families' ``costs``): what is left is a min-cost matching of
talks to (room, day, start) cells, which a min-cost flow solves exactly in milliseconds.
Every other penalty is non-negative, so the matching's cost is a lower bound on the
objective of every schedule.

When the matching is itself a schedule without hard violations (the evaluator says so)
whose objective equals that cost, it is optimal, proven without a search. When it breaks
a rule, the placement of the last talk named in each violation is taken away and the
matching solved again, moving as few talks as the cost allows; that only removes
options, so a valid schedule found at the first cost is still optimal. A few rounds,
then the CP-SAT search takes over with the bound (and stops as soon as it reaches it).
Where a pairwise topic term is weighted only the bound is computed: a matching cannot
see pairs, so the rounds would hardly ever prove anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from ..budget import now
from ..evaluate import Evaluation, evaluate
from ..model import Placement
from ..terms import TOPIC_TERMS
from .build import Build
from .result import to_assignment

ROUNDS = 12


@dataclass
class Relaxed:
    bound: int | None                      # objective units; None: no matching places every talk
    placements: dict[str, Placement] = field(default_factory=dict)  # proven optimal, else empty
    evaluation: Evaluation | None = None   # of ``placements``
    rounds: int = 0
    seconds: float = 0.0

    @property
    def proven(self) -> bool:
        return self.evaluation is not None


def unary_costs(b: Build, places: dict[str, list[Placement]], families: list) -> dict[str, list[int]]:
    """Objective units of each talk's candidate placements under the families' ``costs``."""
    out = {}
    for talk in b.talks:
        pricers = b.pricers(families, talk)
        out[talk.id] = [b.placement_units(pricers, p) for p in places[talk.id]]
    return out


class Matching:
    """Talks to (room, day, start) cells at least cost, with arcs that can be forbidden."""

    def __init__(self, places: dict[str, list[Placement]], costs: dict[str, list[int]]):
        cells: dict[tuple, int] = {}
        tails, heads, unit = [], [], []
        self.talks = list(places)
        self.arc_place: list[tuple[str, Placement]] = []
        for i, talk in enumerate(self.talks):
            for p, c in zip(places[talk], costs[talk], strict=True):
                tails.append(i)
                heads.append(cells.setdefault((p.room, p.day, p.start), len(cells)))
                unit.append(c)
                self.arc_place.append((talk, p))
        self.n, self.m = len(self.talks), len(cells)
        self.tails = np.asarray(tails, dtype=np.int64)
        self.heads = np.asarray(heads, dtype=np.int64) + self.n
        self.unit = np.asarray(unit, dtype=np.int64)
        self.open = np.ones(len(tails), dtype=bool)
        self.first = np.searchsorted(self.tails, np.arange(self.n + 1)).tolist()  # each talk's arcs
        self.position = {talk: i for i, talk in enumerate(self.talks)}

    def solve(self, keep: dict[str, Placement] | None = None) -> tuple[int, dict[str, Placement]] | None:
        """The least cost and a matching at that cost; among those, one that moves the
        fewest talks away from ``keep`` (each cost unit weighs more than all moves)."""
        n, m = self.n, self.m
        source, sink = n + m, n + m + 1
        live = np.flatnonzero(self.open)
        unit = self.unit[live]
        if keep:
            stay = np.zeros(len(self.open), dtype=np.int64)
            stay[[k for k in map(self.arc_of, keep.items()) if k is not None]] = 1
            unit = unit * (n + 1) + 1 - stay[live]
        flow = min_cost_flow.SimpleMinCostFlow()
        arcs = flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate([np.full(n, source), self.tails[live], np.arange(n, n + m)]),
            np.concatenate([np.arange(n), self.heads[live], np.full(m, sink)]),
            np.ones(n + len(live) + m, dtype=np.int64),
            np.concatenate([np.zeros(n, dtype=np.int64), unit, np.zeros(m, dtype=np.int64)]))
        flow.set_nodes_supplies(np.array([source, sink]), np.array([n, -n]))
        if flow.solve() != flow.OPTIMAL:
            return None
        used = live[flow.flows(arcs[n:n + len(live)]) > 0]
        chosen = dict(self.arc_place[k] for k in used)
        if len(chosen) < n:  # fewer cells than talks: the supply cannot all flow
            return None
        return int(self.unit[used].sum()), chosen

    def arc_of(self, item: tuple[str, Placement]) -> int | None:
        """The arc placing a talk at a placement (None: not a candidate)."""
        talk, p = item
        i = self.position[talk]
        for k in range(self.first[i], self.first[i + 1]):
            if self.arc_place[k][1] == p:
                return k
        return None

    def open_places(self, talk: str) -> list[Placement]:
        """The talk's placements not forbidden."""
        i = self.position[talk]
        return [self.arc_place[k][1] for k in range(self.first[i], self.first[i + 1]) if self.open[k]]

    def forbid(self, talk: str, p: Placement) -> bool:
        """Take ``p`` away from ``talk``; False if it was not open."""
        k = self.arc_of((talk, p))
        if k is None or not self.open[k]:
            return False
        self.open[k] = False
        return True


# pairwise terms: a matching cannot see them, so it can hardly be proven where they count
PAIRWISE = TOPIC_TERMS


def relax(b: Build, places: dict[str, list[Placement]], families: list, seconds: float,
          rounds: int = ROUNDS) -> Relaxed:
    """The relaxation's bound; its matching proven optimal when it is a valid schedule
    at that cost (repaired for at most ``rounds`` matchings, within ``seconds``)."""
    t0 = now()
    matching = Matching(places, unary_costs(b, places, families))
    first = matching.solve()
    out = Relaxed(None if first is None else first[0])
    if first is not None and not any(b.instance.weights.get(term) for term in PAIRWISE):
        _prove(b, matching, first[1], out, t0 + seconds, rounds)
    out.seconds = now() - t0
    return out


def _prove(b: Build, matching: Matching, chosen: dict[str, Placement], out: Relaxed,
           deadline: float, rounds: int) -> None:
    """Repair ``chosen`` until the evaluator finds it valid at ``out.bound`` (then ``out``
    holds it, proven), a repair would cost more, or rounds or time (a ``budget.now()``
    deadline) run out."""
    for k in range(rounds):
        out.rounds = k + 1
        ev = evaluate(b.instance, [to_assignment(p) for p in chosen.values()])
        if not ev.violations:
            if round(ev.total * b.scale) == out.bound:
                out.placements, out.evaluation = chosen, ev
            return  # valid but dearer: pair terms, which a matching cannot see
        if now() > deadline:
            return
        taken = False
        for v in ev.violations:
            last = v.talks[-1] if v.talks else None
            if last in chosen:
                taken |= matching.forbid(last, chosen[last])
        if not taken:
            return
        again = matching.solve(keep=chosen)
        if again is None or out.bound is None or again[0] > out.bound:
            return
        chosen = again[1]
