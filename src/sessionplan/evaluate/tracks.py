"""Evaluator twin of solver/tracks.py: tracks' cells and rules, cell costs."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from ..structure import blocks, cell_matches, ordered_tracks, position_key, similar_rules, talks_of_track, track_flags
from .base import Context


def _cell_text(cell: tuple) -> str:
    return f"{cell[0]:%a %Y-%m-%d} {cell[1]} in {cell[2]}"


def held(ctx: Context) -> dict[str, dict[tuple, list[str]]]:
    """Per track, per cell it holds, its talks there (in sheet order)."""
    out: dict[str, dict[tuple, list[str]]] = {t.name: {} for t in ctx.instance.tracks}
    for talk in ctx.instance.talks:
        if talk.track and talk.id in ctx.placed:
            out.setdefault(talk.track, {}).setdefault(ctx.placed[talk.id].session_key, []).append(talk.id)
    return out


def in_use(ctx: Context) -> dict[tuple, list[str]]:
    out: dict[tuple, list[str]] = {}
    for talk in ctx.instance.talks:
        if talk.id in ctx.placed:
            out.setdefault(ctx.placed[talk.id].session_key, []).append(talk.id)
    return out


def _by_block(cells) -> dict[tuple, list[tuple]]:
    out: dict[tuple, list[tuple]] = defaultdict(list)
    for cell in cells:
        out[(cell[0], cell[1])].append(cell)
    return out


def rule_amounts(ctx: Context, track, column: str) -> list[tuple[int, str]]:
    """(amount, what) of one of a track's own rules."""
    cells = held(ctx)[track.name]
    if not cells:
        return []
    if column == "one_room":
        rooms = sorted({c[2] for c in cells})
        return [(len(rooms) - 1, f"track {track.name!r} in {len(rooms)} rooms ({', '.join(rooms)})")] if len(rooms) > 1 else []
    if column == "not_parallel":
        return [(len(cs) - 1, f"track {track.name!r} in {len(cs)} parallel cells on {k[0]:%a %Y-%m-%d} {k[1]}")
                for k, cs in sorted(_by_block(cells).items()) if len(cs) > 1]
    order = blocks(ctx.instance)
    used = sorted({order[(c[0], c[1])] for c in cells})
    if len(used) > 1 and used[-1] - used[0] + 1 != len(used):
        return [(1, f"track {track.name!r}: its session blocks are not consecutive")]
    return []


def pair_amounts(ctx: Context, first: str, second: str) -> list[tuple[int, str]]:
    """Per block, the pairs (cell of ``first``, cell of ``second``)."""
    hold = held(ctx)
    a, c = _by_block(hold[first]), _by_block(hold[second])
    return [(len(a[k]) * len(c[k]), f"{first!r} and {second!r} in parallel on {k[0]:%a %Y-%m-%d} {k[1]}")
            for k in sorted(set(a) & set(c))]


def out_of_order(ctx: Context, name: str) -> list[tuple[str, int | None, int]]:
    """(talk, order, position) of the track's talks not at their position."""
    inst = ctx.instance
    talks = [t for t in talks_of_track(inst)[name] if t in ctx.placed]
    ranked = sorted(talks, key=lambda t: position_key(inst, ctx.placed[t]))
    return [(t, inst.talk_by_id[t].order, n) for n, t in enumerate(ranked, start=1)
            if inst.talk_by_id[t].order is not None and inst.talk_by_id[t].order != n]


def check(ctx: Context) -> None:
    inst = ctx.instance
    if not any(t.track for t in inst.talks) and not any(c.hard for c in inst.cell_costs):
        return
    tracks_in: dict[tuple, list[str]] = defaultdict(list)
    for name, cells in held(ctx).items():
        for cell in cells:
            tracks_in[cell].append(name)
    for cell, names in sorted(tracks_in.items()):
        if len(names) > 1:
            talks = [t for n in names for t in held(ctx)[n][cell]]
            ctx.violate("track_cell", f"{_cell_text(cell)} holds {len(names)} tracks ({', '.join(names)})", *talks)
    for track in inst.tracks:
        for column, _, flag in track_flags(track):
            if flag.hard:
                for _, what in rule_amounts(ctx, track, column):
                    ctx.violate("track", f"Tracks row {track.row} ({column}): {what}",
                                *talks_of_track(inst)[track.name])
    for track, other, flag in similar_rules(inst):
        if flag.hard:
            for _, what in pair_amounts(ctx, track.name, other):
                ctx.violate("track", f"Tracks row {track.row} (similar): {what}",
                            *talks_of_track(inst)[track.name], *talks_of_track(inst)[other])
    for name in ordered_tracks(inst):
        track = next(t for t in inst.tracks if t.name == name)
        if track.order.hard:
            for t, order, pos in out_of_order(ctx, name):
                ctx.violate("track", f"Tracks row {track.row} (order): {t} has order {order} but is at position {pos}", t)
    for c in inst.cell_costs:
        if not c.hard:
            continue
        for talk in inst.talks:
            if talk.id not in ctx.placed:
                continue
            applies = c.talk == talk.id if c.talk else (c.track is None or c.track == talk.track)
            if applies and cell_matches(inst, c, ctx.placed[talk.id].session_key):
                ctx.violate("cell_cost", f"CellCosts row {c.row}: {c.describe()}, but {talk.id} is at "
                            f"{ctx.where(talk.id)}", talk.id)


def score(ctx: Context) -> None:
    inst = ctx.instance
    cells_term = ctx.term("track_cells")
    for c in inst.cell_costs:
        if c.hard or not c.penalty:
            continue
        penalty = Fraction(str(c.penalty))
        if c.talk is not None:
            p = ctx.placed.get(c.talk)
            if p is not None and cell_matches(inst, c, p.session_key):
                cells_term.charge(float(penalty * max(1, len(p.slots))), f"CellCosts row {c.row}: {c.talk} at "
                                  f"{ctx.where(c.talk)}")
            continue
        cells = in_use(ctx) if c.track is None else held(ctx).get(c.track, {})
        for cell in sorted(cells):
            if cell_matches(inst, c, cell):
                cells_term.charge(float(penalty), f"CellCosts row {c.row}: {_cell_text(cell)}")
    if not any(t.track for t in inst.talks):
        return
    for track in inst.tracks:
        for column, term, flag in track_flags(track):
            if not flag.hard:
                for amount, what in rule_amounts(ctx, track, column):
                    ctx.term(term).charge(amount * flag.weight, f"Tracks row {track.row}: {what}")
    for track, other, flag in similar_rules(inst):
        if not flag.hard:
            for amount, what in pair_amounts(ctx, track.name, other):
                ctx.term("track_similar").charge(amount * flag.weight, f"Tracks row {track.row}: {what}")
    for name in ordered_tracks(inst):
        track = next(t for t in inst.tracks if t.name == name)
        if not track.order.hard:
            for t, order, pos in out_of_order(ctx, name):
                ctx.term("track_order").charge(track.order.weight, f"{t}: order {order}, at position {pos}")

