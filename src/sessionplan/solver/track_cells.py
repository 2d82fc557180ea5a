"""A start for conferences planned in tracks: tracks to cells first, then talks to slots.

When the talks have tracks, most of the objective is about cells (cell costs, a track's
rooms, blocks and parallel cells), and the talk-level model reaches a good choice of
cells slowly. Here a small CP-SAT model picks, for each track, the cells it holds:
``z[track, cell]``, one track per cell, the track's cells holding at least the slots
its talks need, with the track-level terms priced exactly as the families price them
(cell costs, one room, not parallel, consecutive blocks). The construction then places
the talks within their track's cells (``KeepCells``), keeping every hard rule it can
check, and the evaluator judges the result: a valid schedule is the search's start.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from ..budget import Budget
from ..model import Instance, Placement, Talk
from ..structure import blocks, cell_matches, talks_of_track
from .build import Build, OutOfTime, build_model, candidate_places, objective_scale
from .driver import solve_model
from .families.base import Base, Check
from .result import Options, Progress

MIN_SECONDS = 0.1


class KeepCells(Base):
    """Talks of a track only in the cells chosen for it (those in ``loose`` anywhere)."""

    def __init__(self, chosen: dict[str, set[tuple]], loose: frozenset[str] = frozenset()):
        self.chosen = chosen
        self.loose = loose

    def allowed(self, b: Build, talk: Talk) -> Check | None:
        if not talk.track or talk.track not in self.chosen or talk.id in self.loose:
            return None
        cells = self.chosen[talk.track]
        return lambda p: p.session_key in cells


def polish(instance: Instance, families: list, keep: KeepCells, placed: dict[str, Placement], opts: Options,
           budget: Budget) -> dict[str, Placement] | None:
    """The talk-level model within the kept cells (every family, every exact term), from
    ``placed``: talks find their slots and cells among their track's few (None: nothing
    found in time)."""
    fams = [*families, keep]
    try:
        prepared = candidate_places(instance, fams)
        if any(not p for p in prepared[1].values()):
            return None
        b = build_model(instance, fams, prepared=prepared, deadline=budget.deadline)
    except OutOfTime:
        return None
    result = solve_model(b, _without_bounds(opts), budget, hint=placed)
    return dict(result.placements) if result.has_schedule else None


def _without_bounds(opts: Options) -> Options:
    """``opts`` whose progress reports the schedules found but no bound: the kept cells
    make the model a restriction, and its bound holds for it alone, not for every schedule."""
    report = opts.progress
    if report is None:
        return opts

    def forward(p: Progress) -> None:
        report(dataclasses.replace(p, bound=None))

    return Options(**{**opts.__dict__, "progress": forward})


def applicable(instance: Instance) -> bool:
    """Every talk has a track, and there are several tracks."""
    return len(instance.tracks) > 1 and all(t.track for t in instance.talks)


def choose_cells(instance: Instance, places: dict[str, list[Placement]], seconds: float,
                 workers: int = 1, seed: int = 0, extra: dict[str, int] | None = None,
                 hint: dict[str, set[tuple]] | None = None) -> dict[str, set[tuple]] | None:
    """The cells each track holds (None when no choice was found in time). ``extra``:
    slots of slack per track beyond what its talks need at least; ``hint``: an earlier choice."""
    of_track = talks_of_track(instance)
    cell_slots: dict[tuple, int] = {}
    for (day, label), idxs in instance.sessions.items():
        for room in sorted(instance.session_rooms[(day, label)]):
            cell_slots[(day, label, room)] = sum(1 for j in idxs if room in instance.slots[j].rooms)
    possible: dict[str, set[tuple]] = {}
    need: dict[str, int] = {}
    for name, talks in of_track.items():
        if not talks:
            continue
        possible[name] = {p.session_key for t in talks for p in places[t]}
        need[name] = sum(instance.min_slots(instance.talk_by_id[t]) for t in talks) + (extra or {}).get(name, 0)
    scale = objective_scale(instance)
    w = instance.weights
    m = cp_model.CpModel()
    z: dict[tuple[str, tuple], Any] = {}
    by_cell: dict[tuple, list] = {}
    objective: list = []

    def coeff(weight: float, amount: float | Fraction) -> int:
        return int(Fraction(str(weight)) * Fraction(str(amount)) * scale)

    blank = [c for c in instance.cell_costs if not c.hard and c.talk is None and c.track is None and c.penalty]
    for name in sorted(possible, key=[t.name for t in instance.tracks].index):
        mine = [c for c in instance.cell_costs if not c.hard and c.track == name and c.penalty]
        cells = sorted(possible[name])
        for cell in cells:
            x = m.new_bool_var(f"z[{name},{cell[0]},{cell[1]},{cell[2]}]")
            z[(name, cell)] = x
            if hint is not None:
                m.add_hint(x, cell in hint.get(name, set()))
            by_cell.setdefault(cell, []).append(x)
            total = sum((Fraction(str(c.penalty)) for c in mine + blank if cell_matches(instance, c, cell)), Fraction(0))
            if total and w["track_cells"]:
                objective.append(coeff(w["track_cells"], total) * x)
        m.add(sum(cell_slots[c] * z[(name, c)] for c in cells) >= need[name])
        # a talk of k slots or more takes k slots in a row: a cell of s slots holds s // k of them
        lengths = sorted(instance.min_slots(instance.talk_by_id[t]) for t in of_track[name])
        for size in sorted(set(lengths) - {0, 1}):
            longer = sum(1 for n in lengths if n >= size)
            m.add(sum((cell_slots[c] // size) * z[(name, c)] for c in cells) >= longer)
    for cell in sorted(by_cell):
        if len(by_cell[cell]) > 1:
            m.add_at_most_one(by_cell[cell])
    order = blocks(instance)
    seq_blocks = sorted(order, key=order.__getitem__)
    for track in instance.tracks:
        name = track.name
        if name not in possible:
            continue
        cells = sorted(possible[name])
        per_block: dict[tuple, list] = {}
        per_room: dict[str, list] = {}
        for c in cells:
            per_block.setdefault((c[0], c[1]), []).append(z[(name, c)])
            per_room.setdefault(c[2], []).append(z[(name, c)])
        if track.one_room.on:
            used = []
            for room in sorted(per_room):
                r = m.new_bool_var(f"room[{name},{room}]")
                m.add_max_equality(r, per_room[room])
                used.append(r)
            if track.one_room.hard:
                m.add(sum(used) <= 1)
            elif w["track_rooms"]:
                objective.append(coeff(w["track_rooms"], track.one_room.weight) * (sum(used) - 1))
        if track.not_parallel.on:
            for k in sorted(per_block):
                n = sum(per_block[k])
                if track.not_parallel.hard:
                    m.add(n <= 1)
                elif w["track_parallel"] and len(per_block[k]) > 1:
                    e = m.new_int_var(0, len(per_block[k]) - 1, f"parallel[{name},{k[0]},{k[1]}]")
                    m.add_max_equality(e, [n - 1, 0])
                    objective.append(coeff(w["track_parallel"], track.not_parallel.weight) * e)
        if track.consecutive.on:
            g: list = []
            for k in seq_blocks:
                if k in per_block:
                    y = m.new_bool_var(f"block[{name},{k[0]},{k[1]}]")
                    m.add_max_equality(y, per_block[k])
                    g.append(y)
                else:
                    g.append(0)
            starts = []
            for i, gi in enumerate(g):
                if isinstance(gi, int):
                    continue
                prev = g[i - 1] if i else 0
                if isinstance(prev, int):
                    starts.append(gi)
                    continue
                s = m.new_bool_var(f"run[{name},{i}]")
                m.add(s >= gi - prev)
                starts.append(s)
            if len(starts) > 1:
                runs = sum(starts)
                if track.consecutive.hard:
                    m.add(runs <= 1)
                elif w["track_consecutive"]:
                    v = m.new_bool_var(f"gaps[{name}]")
                    m.add(len(starts) * v >= runs - 1)
                    objective.append(coeff(w["track_consecutive"], track.consecutive.weight) * v)
    if objective:
        m.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(MIN_SECONDS, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out: dict[str, set[tuple]] = {name: set() for name in possible}
    for (name, cell), x in z.items():
        if solver.boolean_value(x):
            out[name].add(cell)
    return out


def start(instance: Instance, families: list, places: dict[str, list[Placement]], budget: Budget,
          workers: int = 1, seed: int = 0, time_limit: float | None = None
          ) -> tuple[dict[str, Placement], KeepCells] | None:
    """A complete schedule from the track-level choice, with the cells it keeps (None:
    none found); the caller evaluates it."""
    from .construction import construct

    extra: dict[str, int] = {}
    chosen: dict[str, set[tuple]] | None = None
    loose: set[str] = set()
    for attempt in range(4):
        if attempt != 1:   # the second attempt keeps the cells and frees the talks left over
            again = choose_cells(instance, places, budget.left_or(10.0) * (0.7 if attempt == 0 else 0.5), workers,
                                 seed, extra, chosen)
            if again is None and chosen is None:
                return None
            chosen = again or chosen   # no new choice in time: the last one, the leftover talks free
        assert chosen is not None
        keep = KeepCells(chosen, frozenset(loose))
        made = construct(instance, [*families, keep], budget=budget.share(0.2), time_limit=time_limit)
        if len(made.placed) == len(instance.talks):
            return dict(made.placed), keep
        for t in instance.talks:   # room for the talks the construction could not seat
            if t.id not in made.placed and t.track:
                loose.add(t.id)
                extra[t.track] = extra.get(t.track, 0) + max(1, instance.min_slots(t))
        if attempt and budget.expired():   # the leftover talks are always given their second chance
            return None
    return None
