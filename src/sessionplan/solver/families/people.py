"""Conflicts for presenters, attendees and chairs (sheets People, Tracks, Conflicts).

The pairs of talks that conflict for presenters or attendees, and the pairs of tracks
sharing a chair, come from ``structure.py``; each Conflicts rule (or the default) posts
them at its level:

* ``time``: the talks' own times do not overlap (hard: cliques, at most one per start
  time; soft: a boolean per pair, 1 when some start time sees both);
* ``slot``: no slot time filled by both (soft: per shared slot time);
* ``session``: not in one session block in different rooms (hard: per clique and block,
  one room at most; soft: per pair, a boolean forced by a talk in a cell while the other
  is elsewhere in the block);
* chairs: tracks sharing a chair never hold cells of one block (soft: per pair of cells).

With the presenters' default rule, pairs sharing a speaker are the speakers' family's
(``speakers.py``); only the pairs a chair adds are posted here.
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction
from typing import Any

from ...structure import ConflictRule, chair_pairs, conflict_pairs, conflict_rules, presenters_default, slot_times
from ..build import Build
from .base import Base
from .rows import clique_cover
from .tracks import add_cell_pairs

TERM = {"presenters": "presenter_conflicts", "attendees": "attendee_conflicts", "chairs": "chair_conflicts"}


def pairs_for(b: Build, who: str) -> list[tuple[str, str]]:
    """The talk pairs of ``who`` that this family posts."""
    inst = b.instance
    pairs = conflict_pairs(inst, who)
    if who == "presenters" and presenters_default(inst):
        speakers = {t.id: set(t.speakers) for t in inst.talks}
        pairs = [(a, c) for a, c in pairs if not speakers[a] & speakers[c]]
    return pairs


def running(b: Build, talk: str) -> dict[int, list]:
    """The talk's literals per slot start time (absolute minutes) its own time covers: two
    talks overlap exactly when, at some slot start, both run (every talk starts at one)."""
    inst = b.instance

    def compute() -> dict[int, list]:
        starts = inst.derived("start_times", lambda: sorted({inst.absolute(sl.day, sl.start) for sl in inst.slots}))
        out: dict[int, list] = {}
        for p, x in b.candidates[talk]:
            s, e = inst.absolute(p.day, p.start), inst.absolute(p.day, p.end)
            for k in range(bisect_left(starts, s), bisect_left(starts, e)):
                out.setdefault(starts[k], []).append(x)
        return out
    return b.derived(f"running:{talk}", compute)


def _at_times(b: Build, talk: str, level: str) -> dict[tuple, list]:
    """The talk's literals per (day, start) of each slot it fills."""
    key = f"at_times:{level}:{talk}"

    def compute() -> dict[tuple, list]:
        out: dict[tuple, list] = {}
        for p, x in b.candidates[talk]:
            for when in slot_times(b.instance, p):
                out.setdefault(when, []).append(x)
        return out
    return b.derived(key, compute)


def add_rule(b: Build, rule: ConflictRule, pairs: list[tuple[str, str]], enforce=None) -> None:
    """One Conflicts rule over ``pairs`` of talks."""
    if not pairs:
        return
    w = b.instance.weights[TERM[rule.who]]
    if not rule.hard and not w:
        return
    amount = Fraction(str(rule.weight))

    def post(constraint) -> None:
        if enforce is not None:
            constraint.only_enforce_if(enforce)

    if rule.hard:
        for clique in clique_cover(pairs):
            if rule.level == "time":
                for lits in b.covering(clique, own_time=True).values():
                    post(b.model.add_at_most_one(lits))
            elif rule.level == "slot":
                at: dict[tuple, list] = {}
                for t in clique:
                    for when, xs in _at_times(b, t, "slot").items():
                        at.setdefault(when, []).extend(xs)
                for when in sorted(at):
                    if len(at[when]) > 1:
                        post(b.model.add_at_most_one(at[when]))
            else:
                cells: dict[tuple, dict[str, list]] = {}
                for t in clique:
                    for (day, label, room), xs in b.in_session(t).items():
                        cells.setdefault((day, label), {}).setdefault(room, []).extend(xs)
                for k in sorted(cells):
                    rooms = cells[k]
                    if len(rooms) < 2:
                        continue
                    used = []
                    for room in sorted(rooms):
                        y = b.model.new_bool_var(f"conflict_room[{rule.who},{clique[0]},{k[0]},{k[1]},{room}]")
                        for x in rooms[room]:
                            b.model.add_implication(x, y)
                        used.append(y)
                    post(b.model.add(sum(used) <= 1))
        return
    term = TERM[rule.who]
    for a, c in pairs:
        b.tick()
        if rule.level == "time":
            ra, rc = running(b, a), running(b, c)
            shared = sorted(set(ra) & set(rc))
            if not shared:
                continue
            over = b.model.new_bool_var(f"conflict[{rule.who},{a},{c}]")
            for minute in shared:
                b.model.add(over >= sum(ra[minute]) + sum(rc[minute]) - 1)
            b.penalize(term, w, over, amount=amount)
        elif rule.level == "slot":
            sa, sc = _at_times(b, a, "slot"), _at_times(b, c, "slot")
            for both in sorted(set(sa) & set(sc)):
                shared_slot = b.model.new_bool_var(f"conflict_slot[{rule.who},{a},{c},{both[0]},{both[1]}]")
                b.model.add(shared_slot >= sum(sa[both]) + sum(sc[both]) - 1)
                b.penalize(term, w, shared_slot, amount=amount)
        else:
            ca, cc = b.in_session(a), b.in_session(c)
            c_block: dict[tuple, list] = {}
            for (day, label, _), xs in cc.items():
                c_block.setdefault((day, label), []).extend(xs)
            o: Any = None
            for (day, label, room), xs in sorted(ca.items()):
                if (day, label) not in c_block:
                    continue
                if o is None:
                    o = b.model.new_bool_var(f"conflict_session[{rule.who},{a},{c}]")
                b.model.add(o >= sum(xs) + sum(c_block[(day, label)]) - sum(cc.get((day, label, room), [])) - 1)
            if o is not None:
                b.penalize(term, w, o, amount=amount)


def add_chair_rule(b: Build, rule: ConflictRule, track_pairs: list[tuple[str, str]], enforce=None) -> None:
    w = b.instance.weights["chair_conflicts"]
    if not rule.hard and not w:
        return
    for s, t in track_pairs:
        add_cell_pairs(b, s, t, rule_flag(rule), "chair_conflicts", w, "chairs", enforce=enforce)


def rule_flag(rule: ConflictRule):
    from ...structure import HARD, Flag

    return HARD if rule.hard else Flag(False, rule.weight)


class People(Base):
    def add(self, b: Build) -> None:
        inst = b.instance
        for who in ("presenters", "attendees"):
            rules = conflict_rules(inst, who)
            if not rules:
                continue
            pairs = pairs_for(b, who)
            for rule in rules:
                add_rule(b, rule, pairs)
        if any(t.track for t in inst.talks):
            tracks = chair_pairs(inst)
            for rule in conflict_rules(inst, "chairs") if tracks else []:
                add_chair_rule(b, rule, tracks)


__all__ = ["People", "add_chair_rule", "add_rule", "pairs_for"]
