"""The Constraints sheet: every kind of ``kinds.KINDS``, hard or soft.

A talk kind's hard rows prune candidates (``allowed``), its soft rows charge the
candidates that break them. A pair kind's rows are posted by the kind's own ``add``;
hard rows of a kind that forbids only overlaps (``not_parallel``) are posted together,
as cliques.
"""

from __future__ import annotations

from functools import partial

from ...model import ConstraintRow, Instance, PairRow, Talk, TalkRow
from ..build import Build
from .base import Base, Check


def row_weight(b: Build, row: ConstraintRow) -> float:
    return row.weight if row.weight is not None else b.instance.weights["soft_constraints"]


def hard_single_rows(instance: Instance) -> dict[str, list[TalkRow]]:
    """Hard single-talk rows by talk."""
    out: dict[str, list[TalkRow]] = {}
    for row in instance.constraints:
        if row.hard and isinstance(row, TalkRow):
            out.setdefault(row.talk, []).append(row)
    return out


def clique_rows(instance: Instance) -> list[PairRow]:
    """The hard rows that only forbid overlapping times: posted (and kept) as cliques."""
    return [r for r in instance.constraints if r.hard and isinstance(r, PairRow) and r.spec.overlap_only]


class Rows(Base):
    def allowed(self, b: Build, talk: Talk) -> Check | None:
        """The talk's hard single-talk rows as a check; None without any."""
        rows = b.derived("hard_single_rows", lambda: hard_single_rows(b.instance))
        mine = rows.get(talk.id)
        if not mine:
            return None
        return lambda p: not any(row.breaks(p) for row in mine)

    def add(self, b: Build) -> None:
        cliqued = clique_rows(b.instance)
        _overlap_cliques(b, cliqued)
        posted = {id(r) for r in cliqued}
        for row in b.instance.constraints:
            if id(row) in posted:
                continue
            label = f"Constraints row {row.row}"
            if isinstance(row, TalkRow):
                if not row.hard:
                    broken = [x for p, x in b.candidates[row.talk] if row.breaks(p)]
                    if broken:
                        b.penalize("soft_constraints", row_weight(b, row), sum(broken))
                continue
            violated = None if row.hard else b.model.new_bool_var(f"violated[{label}]")
            row.spec.add(b, row.talk, row.other, violated)
            if violated is not None:
                b.penalize("soft_constraints", row_weight(b, row), violated)


def _covered_by(clique: list[str], uncovered: set[tuple[str, ...]], v: str) -> tuple[int, str]:
    """How many uncovered edges joining ``v`` to the clique would cover (then ``v``)."""
    return sum(tuple(sorted((v, u))) in uncovered for u in clique), v


def clique_cover(edges: list[tuple[str, str]]) -> list[list[str]]:
    """Cover the edges by cliques, greedily: each clique grows from an uncovered edge by
    the vertices adjacent to all its members (most uncovered edges first)."""
    adj: dict[str, set[str]] = {}
    for a, c in edges:
        adj.setdefault(a, set()).add(c)
        adj.setdefault(c, set()).add(a)
    uncovered = {tuple(sorted(e)) for e in edges}
    cliques = []
    for a, c in sorted(uncovered):
        if (a, c) not in uncovered:
            continue
        clique = [a, c]
        candidates = sorted(adj[a] & adj[c])
        while candidates:
            best = max(candidates, key=partial(_covered_by, clique, uncovered))
            clique.append(best)
            candidates = [v for v in candidates if v != best and v in adj[best]]
        for i, u in enumerate(clique):
            for v in clique[i + 1:]:
                uncovered.discard(tuple(sorted((u, v))))
        cliques.append(sorted(clique))
    return cliques


def overlap_cliques(instance: Instance) -> list[list[str]]:
    """The talks of hard overlap-only rows, covered by cliques."""
    return clique_cover([(r.talk, r.other) for r in clique_rows(instance)])


def _overlap_cliques(b: Build, rows: list[PairRow]) -> None:
    """Hard overlap-only rows as cliques: at each time, at most one talk of a clique runs.

    When many talks must avoid each other (all talks of a track, say), one at-most-one
    per clique and time is much stronger (and smaller) than one constraint per pair.
    """
    for clique in clique_cover([(r.talk, r.other) for r in rows]):
        for lits in b.covering(clique, own_time=True).values():
            b.model.add_at_most_one(lits)
