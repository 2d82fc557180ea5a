"""Tracks and cell costs (sheets Tracks and CellCosts; meaning in ``structure.py``).

Hard: a cell holds talks of one track only; forbidden cells. Hard or soft per track:
one room, consecutive session blocks, no parallel cells of the track, similar tracks
not in parallel, the talks' order. Soft: cell costs, charged once per cell in use.

``hold[track][cell]`` is a boolean equal to 'a talk of the track is in the cell' (the
maximum of the talks' literals there), made once; counts per block and room are sums of
these, exact in every solution, so the objective equals the evaluator's count in every
schedule CP-SAT reports, not only at the optimum. Each rule is posted by a function that
takes an ``enforce`` literal, which ``explain`` uses to switch a Tracks or CellCosts row
on and off.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ...model import Placement, Talk
from ...structure import (
    Flag,
    Track,
    blocks,
    cell_matches,
    ordered_tracks,
    position_key,
    similar_rules,
    talks_of_track,
    track_flags,
)
from ..build import Build
from .base import Base, Check, Pricer


def _max(b: Build, lits: list, name: str):
    """A boolean equal to the maximum of ``lits`` (the literal itself when there is one)."""
    if len(lits) == 1:
        return lits[0]
    y = b.model.new_bool_var(name)
    b.model.add_max_equality(y, lits)
    return y


def hold(b: Build) -> dict[str, dict[tuple, Any]]:
    """Per track, per cell its talks can be in, 'the cell holds the track'."""
    def compute() -> dict[str, dict[tuple, Any]]:
        out: dict[str, dict[tuple, Any]] = {}
        for name, talks in talks_of_track(b.instance).items():
            by_cell: dict[tuple, list] = {}
            for t in talks:
                for cell, xs in b.in_session(t).items():
                    by_cell.setdefault(cell, []).extend(xs)
            out[name] = {cell: _max(b, by_cell[cell], f"hold[{name},{cell[0]},{cell[1]},{cell[2]}]")
                         for cell in sorted(by_cell)}
        return out
    return b.derived("track_hold", compute)


def in_use(b: Build) -> dict[tuple, Any]:
    """Per cell, 'some talk is in the cell'."""
    def compute() -> dict[tuple, Any]:
        by_cell: dict[tuple, list] = {}
        for talk in b.talks:
            for cell, xs in b.in_session(talk.id).items():
                by_cell.setdefault(cell, []).extend(xs)
        return {cell: _max(b, by_cell[cell], f"use[{cell[0]},{cell[1]},{cell[2]}]") for cell in sorted(by_cell)}
    return b.derived("cell_use", compute)


def per_block(cells: dict[tuple, Any]) -> dict[tuple, dict[str, Any]]:
    """Cell literals grouped by block, then room."""
    out: dict[tuple, dict[str, Any]] = {}
    for (day, label, room), y in cells.items():
        out.setdefault((day, label), {})[room] = y
    return out


def block_used(b: Build, name: str) -> dict[tuple, Any]:
    """Per block, 'the track holds a cell of the block'."""
    def compute() -> dict[tuple, Any]:
        return {k: _max(b, [rooms[r] for r in sorted(rooms)], f"track_block[{name},{k[0]},{k[1]}]")
                for k, rooms in sorted(per_block(hold(b)[name]).items())}
    return b.derived(f"track_block:{name}", compute)


def _enforced(constraint, enforce) -> None:
    if enforce is not None:
        constraint.only_enforce_if(enforce)


def add_one_track_per_cell(b: Build, enforce=None) -> None:
    by_cell: dict[tuple, list] = {}
    for cells in hold(b).values():
        for cell, y in cells.items():
            by_cell.setdefault(cell, []).append(y)
    for cell in sorted(by_cell):
        if len(by_cell[cell]) > 1:
            _enforced(b.model.add(sum(by_cell[cell]) <= 1), enforce)


def add_track_rule(b: Build, track: Track, column: str, term: str, flag: Flag, enforce=None) -> None:
    """One of a track's own rules (``one_room``, ``consecutive``, ``not_parallel``)."""
    cells = hold(b)[track.name]
    if not cells:
        return
    w = b.instance.weights[term]
    amount = Fraction(str(flag.weight))
    if column == "one_room":
        rooms: dict[str, list] = {}
        for (_, _, room), y in cells.items():
            rooms.setdefault(room, []).append(y)
        if len(rooms) < 2:
            return
        used = [_max(b, rooms[r], f"track_room[{track.name},{r}]") for r in sorted(rooms)]
        if flag.hard:
            _enforced(b.model.add(sum(used) <= 1), enforce)
        else:
            b.penalize(term, w, sum(used) - 1, amount=amount)
    elif column == "not_parallel":
        for k, rooms_of in sorted(per_block(cells).items()):
            if len(rooms_of) < 2:
                continue
            n = sum(rooms_of[r] for r in sorted(rooms_of))
            if flag.hard:
                _enforced(b.model.add(n <= 1), enforce)
            else:
                extra = b.model.new_int_var(0, len(rooms_of) - 1, f"track_parallel[{track.name},{k[0]},{k[1]}]")
                b.model.add_max_equality(extra, [n - 1, 0])
                b.penalize(term, w, extra, amount=amount)
    else:  # consecutive: the blocks used form one run
        in_block = block_used(b, track.name)
        order = sorted(blocks(b.instance), key=blocks(b.instance).__getitem__)
        seq = [in_block.get(k, 0) for k in order]
        starts: list = []
        for i, g in enumerate(seq):
            if isinstance(g, int) and g == 0:
                continue
            prev = seq[i - 1] if i else 0
            if isinstance(prev, int) and prev == 0:
                starts.append(g)
                continue
            s = b.model.new_bool_var(f"track_run[{track.name},{i}]")
            b.model.add(s <= g)
            b.model.add(s <= 1 - prev)
            b.model.add(s >= g - prev)
            starts.append(s)
        if len(starts) < 2:
            return
        runs = sum(starts)
        if flag.hard:
            _enforced(b.model.add(runs <= 1), enforce)
        else:
            v = b.model.new_bool_var(f"track_gaps[{track.name}]")
            b.model.add(len(starts) * v >= runs - 1)
            b.model.add(v <= runs - 1)
            b.penalize(term, w, v, amount=amount)


def add_cell_pairs(b: Build, first: str, second: str, flag: Flag, term: str, weight: float, label: str,
                   enforce=None) -> None:
    """Per block, pairs (cell holding ``first``, cell holding ``second``): none when hard,
    else each costs ``flag.weight`` (the count is the product of the two tracks' cells there)."""
    a_blocks, c_blocks = per_block(hold(b)[first]), per_block(hold(b)[second])
    amount = Fraction(str(flag.weight))
    for k in sorted(set(a_blocks) & set(c_blocks)):
        if flag.hard:
            ga, gc = block_used(b, first)[k], block_used(b, second)[k]
            _enforced(b.model.add(ga + gc <= 1), enforce)
            continue
        others = c_blocks[k]
        n_other = sum(others[r] for r in sorted(others))
        big = len(others)
        for room, h in sorted(a_blocks[k].items()):
            pairs = b.model.new_int_var(0, big, f"{label}[{first},{second},{k[0]},{k[1]},{room}]")
            b.model.add(pairs <= n_other)
            b.model.add(pairs <= big * h)
            b.model.add(pairs >= n_other - big * (1 - h))
            b.penalize(term, weight, pairs, amount=amount)


def add_order(b: Build, name: str, flag: Flag, enforce=None) -> None:
    """The track's talks with an ``order`` at that position (block, room row, start)."""
    inst = b.instance
    talks = talks_of_track(inst)[name]
    key = {}
    for t in talks:
        values = sorted({position_key(inst, p) for p, _ in b.candidates[t]})
        if not values:
            return
        k = b.model.new_int_var_from_domain(_domain(values), f"position_key[{t}]")
        b.model.add(k == sum(position_key(inst, p) * x for p, x in b.candidates[t]))
        key[t] = k
    before: dict[tuple[str, str], Any] = {}

    def earlier(u: str, t: str):
        if (t, u) in before:
            return ~before[(t, u)]
        if (u, t) not in before:
            y = b.model.new_bool_var(f"earlier[{u},{t}]")
            b.model.add(key[u] + 1 <= key[t]).only_enforce_if(y)
            b.model.add(key[t] + 1 <= key[u]).only_enforce_if(~y)
            before[(u, t)] = y
        return before[(u, t)]

    w = inst.weights["track_order"]
    for t in talks:
        order = inst.talk_by_id[t].order
        if order is None:
            continue
        position = 1 + sum(earlier(u, t) for u in talks if u != t)
        if flag.hard:
            _enforced(b.model.add(position == order), enforce)
        else:
            v = b.model.new_bool_var(f"out_of_order[{t}]")
            b.model.add(position == order).only_enforce_if(~v)
            b.model.add(position != order).only_enforce_if(v)
            b.penalize("track_order", w, v, amount=Fraction(str(flag.weight)))


def _domain(values: list[int]):
    from ortools.sat.python import cp_model

    return cp_model.Domain.from_values(values)


def _applies(c, talk: Talk) -> bool:
    if c.talk is not None:
        return c.talk == talk.id
    return c.track is None or c.track == talk.track


class Tracks(Base):
    def allowed(self, b: Build, talk: Talk) -> Check | None:
        """Forbidden cells (CellCosts rows with penalty 'forbid') for this talk; None without any."""
        inst = b.instance
        rows = [c for c in inst.cell_costs if c.hard and _applies(c, talk)]
        if not rows:
            return None
        return lambda p: not any(cell_matches(inst, c, p.session_key) for c in rows)

    def costs(self, b: Build, talk: Talk) -> Pricer | None:
        """The talk's own CellCosts rows, per slot it fills in a matching cell."""
        inst = b.instance
        w = inst.weights["track_cells"]
        rows = [c for c in inst.cell_costs if not c.hard and c.talk == talk.id and c.penalty]
        if not rows or not w:
            return None

        def price(p: Placement) -> tuple:
            total = sum((Fraction(str(c.penalty)) for c in rows if cell_matches(inst, c, p.session_key)), Fraction(0))
            return (("track_cells", w, total * len(p.slots)),) if total else ()
        return price

    def add(self, b: Build) -> None:
        inst = b.instance
        tracked = any(t.track for t in inst.talks)
        if tracked:
            add_one_track_per_cell(b)
            for track in inst.tracks:
                for column, term, flag in track_flags(track):
                    if flag.hard or inst.weights[term]:
                        add_track_rule(b, track, column, term, flag)
            for track, other, flag in similar_rules(inst):
                if flag.hard or inst.weights["track_similar"]:
                    add_cell_pairs(b, track.name, other, flag, "track_similar", inst.weights["track_similar"], "similar")
            for name in ordered_tracks(inst):
                flag = next(t.order for t in inst.tracks if t.name == name)
                if flag.hard or inst.weights["track_order"]:
                    add_order(b, name, flag)
        add_cell_costs(b)
        b.add_costs(self.costs)


def add_cell_costs(b: Build) -> None:
    """Soft CellCosts rows of a track or of every cell in use: per cell, the sum of the rows it matches."""
    inst = b.instance
    w = inst.weights["track_cells"]
    rows = [c for c in inst.cell_costs if not c.hard and c.talk is None and c.penalty]
    if not rows or not w:
        return
    targets: list[tuple[str | None, dict[tuple, Any]]] = []
    if any(c.track is None for c in rows):
        targets.append((None, in_use(b)))
    names = sorted({c.track for c in rows if c.track is not None}, key=[t.name for t in inst.tracks].index)
    targets += [(name, hold(b)[name]) for name in names]
    for name, cells in targets:
        mine = [c for c in rows if c.track == name]
        for cell, y in cells.items():
            total = sum((Fraction(str(c.penalty)) for c in mine if cell_matches(inst, c, cell)), Fraction(0))
            if total:
                b.penalize("track_cells", w, y, amount=total)
