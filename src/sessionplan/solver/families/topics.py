"""Soft: related talks share a session, are not at the same time in other rooms, and
(theme days, optional) are on the same day.

Only the sparse related-pair graphs (each talk's strongest neighbours, see
``similarity.neighbour_count``) get variables: fewer neighbours per talk for sessions
and days than for parallel talks (two sessions of one subject should not run at the
same time either). For a pair, ``together[k]`` may be 1 only when both talks are in session
``k``; the pair is penalised by its strength unless one of them is 1. Per talk and
session, the partners counted together are bounded by the session's remaining
capacity, which gives the LP a matching-like relaxation instead of a trivial one.
A pair is in parallel when, at some candidate start time, both cover it (one
inequality per start time, tighter for the LP than a disjunction on start times,
which measured slower). Theme days use ``same_day[d]`` like ``together[k]``.
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction
from typing import Any

from ...similarity import clash_clusters, parallel_pairs, related_pairs
from ..build import Build
from .base import Base


class Topics(Base):
    def add(self, b: Build) -> None:
        w = b.instance.weights
        apart = (w["topic_parallel"] or w["topic_clash"]) and len(b.instance.rooms) > 1
        if not (w["topic_cohesion"] or w["topic_day"] or apart):
            return  # nothing to pay for: do not compute the similarity at all
        pairs = related_pairs(b.instance)
        if pairs:
            _cohesion(b, pairs)
        if len(b.instance.rooms) > 1:
            running: dict[str, dict] = {}
            if pairs:
                _parallel(b, parallel_pairs(b.instance), running)
            _cluster_parallel(b, running)
        if pairs and len(b.instance.days) > 1:
            _theme_days(b, pairs)


def _cohesion(b: Build, pairs) -> None:
    weight = b.instance.weights["topic_cohesion"]
    if not weight:
        return
    partners: dict[tuple[str, tuple], list] = {}
    for pair in pairs:
        together = _both_in(b, "together", pair, b.in_session(pair.a), b.in_session(pair.b))
        for key, y in together.items():
            partners.setdefault((pair.a, key), []).append(y)
            partners.setdefault((pair.b, key), []).append(y)
        b.penalize("topic_cohesion", weight, 1 - sum(together.values()), amount=Fraction(pair.strength, 100))
    for (talk, key), ys in sorted(partners.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        room_slots = sum(1 for j in b.instance.sessions[(key[0], key[1])] if key[2] in b.instance.slots[j].rooms)
        others = room_slots - 1
        if len(ys) > others:
            b.model.add(sum(ys) <= others * sum(b.in_session(talk)[key]))


def _parallel(b: Build, pairs, running: dict) -> None:
    weight = b.instance.weights["topic_parallel"]
    if not weight:
        return
    for pair in pairs:
        ra, rb = _running_of(b, running, pair.a), _running_of(b, running, pair.b)
        cuts = [(ra[t], rb[t]) for t in sorted(set(ra) & set(rb))]
        if not cuts:
            continue
        o = b.model.new_bool_var(f"parallel[{pair.a},{pair.b}]")
        for x, y in cuts:
            b.model.add_bool_or([~x, ~y, o])
        b.penalize("topic_parallel", weight, o, amount=Fraction(pair.strength, 100))


def _cluster_parallel(b: Build, running: dict) -> None:
    """Per subject area (similarity.clash_clusters) and slot start time: its talks running then, beyond the first."""
    weight = b.instance.weights["topic_clash"]
    if not weight:
        return
    for n, cluster in enumerate(clash_clusters(b.instance)):
        if len(cluster) < 2:
            continue
        at: dict[int, list] = {}
        for talk in cluster:
            for t, lit in _running_of(b, running, talk).items():
                at.setdefault(t, []).append(lit)
        for t, lits in sorted(at.items()):
            if len(lits) < 2:
                continue
            excess = b.model.new_int_var(0, len(lits) - 1, f"clash[{n},{t}]")
            b.model.add(excess >= sum(lits) - 1)
            b.penalize("topic_clash", weight, excess)


def _running_of(b: Build, running: dict, talk: str) -> dict[int, Any]:
    """The talk's 'runs at' literals, made once per talk and shared by all its pairs."""
    if talk not in running:
        running[talk] = _running(b, talk)
    return running[talk]


def _running(b: Build, talk: str) -> dict[int, Any]:
    """Per candidate start time (absolute minutes), a literal 'the talk runs then' (own time).

    Two talks overlap exactly when, at some start time of either, both run; one literal
    per talk and time (shared by all its pairs) keeps each pair's test to a clause.
    """
    inst = b.instance
    spans = [(inst.absolute(p.day, p.start), inst.absolute(p.day, p.end), x) for p, x in b.candidates[talk]]
    starts = sorted({s for s, _, _ in spans} | set(inst.derived("start_times", lambda: sorted(
        {inst.absolute(sl.day, sl.start) for sl in inst.slots}))))
    covering: dict[int, list] = {}
    for s, e, x in spans:  # each candidate runs at the start times in [s, e)
        for k in range(bisect_left(starts, s), bisect_left(starts, e)):
            covering.setdefault(starts[k], []).append(x)
    out = {}
    for t in starts:
        lits = covering.get(t)
        if lits is None:
            continue
        if len(lits) == 1:
            out[t] = lits[0]
        else:
            r = b.model.new_bool_var(f"runs[{talk},{t}]")
            b.model.add(r == sum(lits))
            out[t] = r
    return out


def _theme_days(b: Build, pairs) -> None:
    """A related pair on no common day pays its strength."""
    weight = b.instance.weights["topic_day"]
    if not weight:
        return
    for pair in pairs:
        same = _both_in(b, "same_day", pair, b.on_day(pair.a), b.on_day(pair.b))
        b.penalize("topic_day", weight, 1 - sum(same.values()), amount=Fraction(pair.strength, 100))


def _both_in(b: Build, name: str, pair, lits_a: dict, lits_b: dict) -> dict:
    """Per key both talks can take (a session, a day), a boolean that may be 1 only when
    both take it; at most one of them is 1."""
    out = {}
    for key in sorted(set(lits_a) & set(lits_b)):
        y = b.model.new_bool_var(f"{name}[{pair.a},{pair.b},{key}]")
        b.model.add_bool_or([~y, *lits_a[key]])
        b.model.add_bool_or([~y, *lits_b[key]])
        out[key] = y
    if out:
        b.model.add_at_most_one(out.values())
    return out
