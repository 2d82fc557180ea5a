"""The kinds of row of the Constraints sheet: one declaration each.

A kind says everything the program needs about it: its name, what its target is (a
period and/or a room for a *talk* kind, another talk for a *pair* kind), the phrase of
its messages and explanations, its help text (the template's README sheet, the column
notes, the dropdown), when a row of it is broken (the evaluator's predicate, which the
solver also uses to prune and price single placements) and, for a pair kind, how CP-SAT
states it (``add``). The reader, the template, the evaluator, the solver, the
explanation and the README all read :data:`KINDS`; adding a kind is adding an entry.

``add(build, a, c, violated)`` posts the rule for talks ``a`` and ``c`` on a
``solver.build.Build``: hard when ``violated`` is None, otherwise only where the
boolean ``violated`` is false (the row's weight is charged on it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .model import Instance, Placement, TalkRow
    from .solver.build import Build


@dataclass(frozen=True)
class TalkKind:
    """A rule about one talk and a period and/or a room (``pin``, ``forbid``)."""

    name: str
    phrase: str          # "T01 <phrase> <target>"
    help: str            # what a row means, for people
    example: str         # a target, as typed
    breaks: Callable[[TalkRow, Placement], bool]
    arity: Literal["talk"] = "talk"


@dataclass(frozen=True)
class PairKind:
    """A rule about two talks (the target is another talk's id)."""

    name: str
    phrase: str
    help: str
    breaks: Callable[[Placement, Placement, Instance], bool]
    add: Callable[[Build, str, str, object], None]
    # the rule forbids only overlapping times: hard rows are posted (and kept by the
    # construction and the swap search) as cliques of talks of which one runs at a time
    overlap_only: bool = False
    example: str = "T02"
    arity: Literal["pair"] = "pair"


Kind = TalkKind | PairKind


# -- talk kinds ------------------------------------------------------------------------

def _pin_breaks(row: TalkRow, p: Placement) -> bool:
    in_period = row.period is None or row.period.within(p.day, p.start, p.end, p.session)
    return not (in_period and (row.room is None or row.room == p.room))


def _forbid_breaks(row: TalkRow, p: Placement) -> bool:
    in_period = row.period is None or row.period.touches(p.day, p.start, p.end, p.session)
    return in_period and (row.room is None or row.room == p.room)


# -- pair kinds: CP-SAT ------------------------------------------------------------------

def _add_before(b: Build, a: str, c: str, violated) -> None:
    rule = b.model.add(b.end(a) <= b.start(c))
    if violated is not None:
        rule.only_enforce_if(~violated)


def _add_same(group: str) -> Callable[[Build, str, str, object], None]:
    """Both talks in one group of placements (a session, a day): hard as equal counts
    per group, soft as 'together in some group, or violated'."""

    def add(b: Build, a: str, c: str, violated) -> None:
        ga, gc = b.grouped(a, group), b.grouped(c, group)
        if violated is None:
            for key in sorted(set(ga) | set(gc)):
                b.model.add(sum(ga.get(key, [])) == sum(gc.get(key, [])))
            return
        together = []
        for key in sorted(set(ga) & set(gc)):
            y = b.model.new_bool_var(f"together[{a},{c},{group},{key}]")
            b.model.add_implication(y, b.group_literal(a, group, key))
            b.model.add_implication(y, b.group_literal(c, group, key))
            together.append(y)
        b.model.add(sum(together) + violated >= 1)
    return add


def _add_different_day(b: Build, a: str, c: str, violated) -> None:
    da, dc = b.grouped(a, "day"), b.grouped(c, "day")
    for day in sorted(set(da) & set(dc)):
        b.model.add(sum(da[day]) + sum(dc[day]) <= 1 + (0 if violated is None else violated))


def _add_not_parallel(b: Build, a: str, c: str, violated) -> None:
    """At no candidate start time may both talks be running."""
    la, lc = {x.index for _, x in b.candidates[a]}, {x.index for _, x in b.candidates[c]}
    for lits in b.covering([a, c], own_time=True).values():
        xa = [x for x in lits if x.index in la]
        xc = [x for x in lits if x.index in lc]
        if xa and xc:
            b.model.add(sum(xa) + sum(xc) <= 1 + (0 if violated is None else violated))


def _add_not_parallel_session(b: Build, a: str, c: str, violated) -> None:
    """In no session block may the two talks be in different rooms: per block and room
    of the first talk, it there excludes the second in the block's other rooms."""
    ca, cc = b.grouped(a, "session"), b.grouped(c, "session")
    by_block: dict[tuple, dict[str, list]] = {}
    for (day, label, room), xs in cc.items():
        by_block.setdefault((day, label), {})[room] = xs
    for (day, label, room), xs in sorted(ca.items()):
        others = [x for r, ys in sorted(by_block.get((day, label), {}).items()) if r != room for x in ys]
        if others:
            b.model.add(sum(xs) + sum(others) <= 1 + (0 if violated is None else violated))


_ALL: list[Kind] = [
    TalkKind("pin", "pinned to", "the talk lies within the period (and in the room, after '@')",
             "Mon AM @ Main Hall", _pin_breaks),
    TalkKind("forbid", "not in", "the talk does not touch the period (or not in the room)", "Fri PM",
             _forbid_breaks),
    PairKind("before", "before", "the talk ends before the target talk starts",
             lambda a, b, inst: inst.absolute(a.day, a.end) > inst.absolute(b.day, b.start), _add_before),
    PairKind("same_session", "in the same session as",
             "both talks in one session: same room, same session block",
             lambda a, b, inst: a.session_key != b.session_key, _add_same("session")),
    PairKind("same_day", "on the same day as", "both talks on the same day",
             lambda a, b, inst: a.day != b.day, _add_same("day")),
    PairKind("different_day", "on a different day from", "the two talks on different days",
             lambda a, b, inst: a.day == b.day, _add_different_day),
    PairKind("not_parallel", "not at the same time as",
             "the two talks never at the same time (someone wants to attend both)",
             lambda a, b, inst: a.overlaps(b), _add_not_parallel, overlap_only=True),
    PairKind("not_parallel_session", "not in a session parallel to",
             "the two talks never in the same session block in different rooms (someone follows both sessions)",
             lambda a, b, inst: (a.day, a.session) == (b.day, b.session) and a.room != b.room,
             _add_not_parallel_session),
]
KINDS: dict[str, Kind] = {k.name: k for k in _ALL}

TALK_KINDS = tuple(name for name, k in KINDS.items() if k.arity == "talk")
PAIR_KINDS = tuple(name for name, k in KINDS.items() if k.arity == "pair")


def normalise(text: str) -> str:
    """A kind as typed (``Same-Session``, ``not parallel``) in its table spelling."""
    return text.strip().casefold().replace("-", "_").replace(" ", "_")


def kinds_help() -> str:
    """The kinds in one line, for a column's note."""
    return ", ".join(KINDS)


def markdown_table() -> str:
    """The kinds as the README's table (a test keeps the README equal to it)."""
    lines = ["| kind | target | a row holds when |", "| --- | --- | --- |"]
    for k in KINDS.values():
        target = "another talk id" if k.arity == "pair" else "a period and/or a room"
        lines.append(f"| `{k.name}` | {target}, e.g. `{k.example}` | {k.help} |")
    return "\n".join(lines)


def target_help() -> str:
    talk = "/".join(TALK_KINDS)
    pair = "/".join(PAIR_KINDS)
    return f"{talk}: a period and/or a room ('Mon AM @ Hall'); {pair}: another talk id"
