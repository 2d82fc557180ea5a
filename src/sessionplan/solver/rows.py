"""The Constraints sheet: pin, forbid (single talk), before, same_session, different_day."""

from __future__ import annotations

from ..model import ConstraintRow, Placement, Talk
from ..rules import PAIR_KINDS, SINGLE_TALK_KINDS, placement_breaks
from .build import Build

NAME = "rows"


def row_weight(b: Build, row: ConstraintRow) -> float:
    return row.weight if row.weight is not None else b.instance.weights["soft_constraints"]


def allowed(b: Build, talk: Talk):
    """The talk's hard pin and forbid rows as a check, placement -> bool; None without any."""
    rows = b._cache.get("hard_single_rows")
    if rows is None:
        rows = b._cache["hard_single_rows"] = hard_single_rows(b.instance)
    mine = rows.get(talk.id)
    if not mine:
        return None
    return lambda p: not any(placement_breaks(row, p) for row in mine)


def hard_single_rows(instance) -> dict[str, list[ConstraintRow]]:
    """Hard pin and forbid rows by talk."""
    out: dict[str, list[ConstraintRow]] = {}
    for row in instance.constraints:
        if row.hard and row.kind in SINGLE_TALK_KINDS:
            out.setdefault(row.talk, []).append(row)
    return out


def add(b: Build) -> None:
    _not_parallel_cliques(b)
    for row in b.instance.constraints:
        if row.hard and row.kind == "not_parallel":
            continue  # posted as cliques above
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
            best = max(candidates, key=lambda v: (sum(tuple(sorted((v, u))) in uncovered for u in clique), v))
            clique.append(best)
            candidates = [v for v in candidates if v != best and v in adj[best]]
        for i, u in enumerate(clique):
            for v in clique[i + 1:]:
                uncovered.discard(tuple(sorted((u, v))))
        cliques.append(sorted(clique))
    return cliques


def _not_parallel_cliques(b: Build) -> None:
    """Hard not_parallel rows as cliques: at each time, at most one talk of a clique runs.

    When many talks must avoid each other (all talks of a track, say), one at-most-one
    per clique and time is much stronger (and smaller) than one constraint per pair.
    """
    edges = [(r.talk, r.other) for r in b.instance.constraints if r.hard and r.kind == "not_parallel"]
    for clique in clique_cover(edges):
        for lits in b.covering(clique, own_time=True).values():
            b.model.add_at_most_one(lits)


def _not_parallel(b: Build, a: str, c: str, violated) -> None:
    """At no candidate start time may both talks be running."""
    la, lc = set(x.index for _, x in b.candidates[a]), set(x.index for _, x in b.candidates[c])
    for lits in b.covering([a, c], own_time=True).values():
        xa = [x for x in lits if x.index in la]
        xc = [x for x in lits if x.index in lc]
        if xa and xc:
            b.model.add(sum(xa) + sum(xc) <= 1 + (0 if violated is None else violated))


ADDERS = {"before": _before, "same_session": _same_session, "different_day": _different_day,
          "not_parallel": _not_parallel}
