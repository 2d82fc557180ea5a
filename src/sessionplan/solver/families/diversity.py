"""Alternatives: stay near the best objective and sit enough talks differently.

Passed to the solver through ``Options.extra_families`` (after every family that adds
penalties, since it caps their sum). For each earlier programme and each talk, a
literal ``differ`` may be 1 only when the talk's seat (see ``seats``) really
differs: it is on another day, or a session-mate of before is not with it
(``apart[t, m]`` forbids the two in any one session), or its session holds more talks
than before while keeping the old mates (``extra[t]`` asks the session's occupancy to
exceed the old one wherever ``t`` is). At least ``min_diff`` talks must differ from
each earlier programme. Everything is sparse: per talk, a handful of literals over its
own candidate sessions, and one occupancy sum per session.

With ``soft``, "at least ``min_diff``" becomes an exact penalty instead: each missing
talk costs more than the whole room between ``floor`` and ``cap``, so any programme
that differs enough beats any that does not, and a programme that does not differ
enough (such as the previous one, given as a hint) is a valid start for the search.
The penalty is the term ``diversity_shortfall``: 0 in an answer that differs enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...seats import Seat
from ..build import Build, Penalty
from .base import Base

SHORTFALL = "diversity_shortfall"


@dataclass
class Diversity(Base):
    previous: list[dict[str, Seat]]
    min_diff: int
    cap: int | None = None        # objective <= cap (objective units, see Build.scale)
    floor: int | None = None      # objective >= floor (a proven bound of the unrestricted model)
    soft: bool = False
    differ: list[dict[str, Any]] = field(default_factory=list)   # per earlier programme, for inspection

    def add(self, b: Build) -> None:
        objective = b.objective()
        if b.penalties and self.cap is not None:
            b.model.add(objective <= self.cap)
        if b.penalties and self.floor is not None:
            b.model.add(objective >= self.floor)
        occupancy: dict[tuple, object] = {}
        for n, seats in enumerate(self.previous):
            self.differ.append(_differ_from(b, n, seats, occupancy))
            if not self.soft:
                b.model.add(sum(self.differ[-1].values()) >= self.min_diff)
                continue
            short = b.model.new_int_var(0, self.min_diff, f"shortfall[{n}]")
            b.model.add(short >= self.min_diff - sum(self.differ[-1].values()))
            big = (self.cap if self.cap is not None else 10**9) - (self.floor or 0) + 1
            b.penalties.append(Penalty(SHORTFALL, big, short))


def _occupancy(b: Build, key: tuple, cache: dict):
    """How many talks are in session ``key`` (an integer variable, made once)."""
    if key not in cache:
        lits = [x for t in b.talks for x in b.in_session(t.id).get(key, [])]
        v = b.model.new_int_var(0, len(lits), f"occupancy[{key[0]},{key[1]},{key[2]}]")
        b.model.add(v == sum(lits))
        cache[key] = v
    return cache[key]


def _differ_from(b: Build, n: int, seats: dict[str, Seat], occupancy: dict) -> dict[str, Any]:
    apart: dict[tuple[str, str], Any] = {}
    out: dict[str, Any] = {}
    for talk in b.talks:
        t = talk.id
        if t not in seats:
            out[t] = 1   # not in the earlier programme at all: it differs whatever happens
            continue
        day, mates = seats[t]
        reasons = []
        for m in sorted(mates):
            pair = (min(t, m), max(t, m))
            if pair not in apart:
                lit = b.model.new_bool_var(f"apart[{n},{pair[0]},{pair[1]}]")
                st, sm = b.in_session(pair[0]), b.in_session(pair[1])
                for key in sorted(set(st) & set(sm)):
                    b.model.add(sum(st[key]) + sum(sm[key]) <= 1).only_enforce_if(lit)
                apart[pair] = lit
            reasons.append(apart[pair])
        need = len(mates) + 2   # a session holding t, its old mates and someone new
        keys = [k for k in sorted(b.in_session(t)) if _room_slots(b, k) >= need]
        if keys:
            extra = b.model.new_bool_var(f"extra[{n},{t}]")
            for k in keys:
                b.model.add(_occupancy(b, k, occupancy) >= need).only_enforce_if([extra, b.session_literal(t, k)])
            for k in sorted(set(b.in_session(t)) - set(keys)):
                b.model.add(sum(b.in_session(t)[k]) == 0).only_enforce_if(extra)
            reasons.append(extra)
        d = b.model.new_bool_var(f"differ[{n},{t}]")
        on_day = b.on_day(t).get(day, [])
        # differ <= (not on the old day) + (a mate apart) + (someone new)
        b.model.add(d + sum(on_day) - sum(reasons) <= 1)
        out[t] = d
    return out


def _room_slots(b: Build, key: tuple) -> int:
    """How many slots session ``key`` (day, label, room) has: at most that many talks."""
    day, label, room = key
    return sum(1 for j in b.instance.sessions[(day, label)] if room in b.instance.slots[j].rooms)
