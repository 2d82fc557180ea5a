"""Side-by-side comparison of schedules against one workbook, as pandas data frames.

Every schedule (a schedule JSON, a solved workbook edited by hand, a Solution or a list
of assignments) is judged by the evaluator against the same instance. The first one is
the reference: moves and per-speaker changes are relative to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import api
from ..errors import InputError, Problem, Problems
from ..evaluate import Evaluation, evaluate
from ..model import Assignment, Instance
from ..periods import format_time
from ..seats import differing, seats
from ..terms import TERMS

ScheduleSource = str | Path | list[Assignment] | api.Solution
PLACE_COLUMNS = ["day", "start", "room", "session"]


@dataclass
class Comparison:
    """The schedules, their evaluations, and the frames a committee reads.

    - ``summary``: one row per schedule: hard violations, the penalty of every soft term,
      the total, talks ``moved`` (day, time or room) and ``seated_differently`` (another
      day or other session-mates) compared with the first schedule;
    - ``terms``: one row per schedule and term (weight, count, penalty);
    - ``violations``: one row per hard violation (schedule, rule, message, talks);
    - ``moves``: one row per talk placed differently from the first schedule;
    - ``speakers``: one row per schedule and speaker with a moved talk.
    """

    instance: Instance
    schedules: dict[str, list[Assignment]]
    evaluations: dict[str, Evaluation]
    summary: pd.DataFrame
    terms: pd.DataFrame
    violations: pd.DataFrame
    moves: pd.DataFrame
    speakers: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return list(self.schedules)

    def side_by_side(self) -> pd.DataFrame:
        """The summary turned: one column per schedule, one row per figure."""
        return self.summary.T

    def timetable(self, name: str, titles: int = 0) -> pd.DataFrame:
        """Schedule ``name`` as a timetable: one row per start time, one column per day
        (per day and room when there are several rooms: two header levels), talk ids in
        the cells; with ``titles`` > 0, "id · title" with the title cut to that many characters."""
        several = len(self.instance.rooms) > 1
        cells: dict[tuple[str, str] | str, dict] = {}
        talks = self.instance.talk_by_id
        for a in self.schedules[name]:
            column = (f"{a.day:%a %d}", a.room) if several else f"{a.day:%a %d}"
            row = cells.setdefault(column, {})
            text = a.talk
            if titles and a.talk in talks:
                title = talks[a.talk].title
                text = f"{a.talk} · {title if len(title) <= titles else title[:titles - 1].rstrip() + '…'}"
            row[a.start] = f"{row[a.start]}, {text}" if a.start in row else text
        starts = sorted({format_time(s.start) for s in self.instance.slots})
        columns = [(f"{d:%a %d}", r.name) if several else f"{d:%a %d}" for d in self.instance.days
                   for r in (self.instance.rooms if several else self.instance.rooms[:1])]
        return pd.DataFrame({c: [cells.get(c, {}).get(t, "") for t in starts] for c in columns}, index=starts)

    def moved(self, name: str) -> set[str]:
        """Talks of schedule ``name`` placed differently from the first schedule."""
        return set(self.moves.loc[self.moves["schedule"] == name, "talk"])

    def reseated(self, name: str) -> set[str]:
        """Talks of schedule ``name`` on another day or with other session-mates than in the first."""
        return set(differing(seats(self.schedules[name]), seats(next(iter(self.schedules.values())))))


def compare(
    instance: Instance,
    schedules: Sequence[ScheduleSource] | Mapping[str, ScheduleSource],
) -> Comparison:
    """Evaluate every schedule against ``instance`` and compare each with the first.

    Raises InputError with the problems of every unreadable schedule file at once.
    """
    items = list(schedules.items()) if isinstance(schedules, Mapping) else [(None, s) for s in schedules]
    if not items:
        raise ValueError("nothing to compare: give at least one schedule")
    warnings = Problems()
    loaded: dict[str, list[Assignment]] = {}
    problems: list[Problem] = []
    for i, (name, source) in enumerate(items, start=1):
        name = _unique(name or _name_of(source, i), loaded)
        try:
            loaded[name] = _assignments(source, instance, warnings)
        except InputError as exc:
            label = Path(exc.source).name if exc.source else name
            problems += [p if p.sheet == label else Problem(f"{label} {p.sheet or ''}".strip(), p.row, p.column, p.message)
                         for p in exc.problems]
    if problems:
        raise InputError(problems, "schedules to compare")
    evaluations = {name: evaluate(instance, a) for name, a in loaded.items()}
    return Comparison(
        instance, loaded, evaluations,
        summary=_summary(loaded, evaluations),
        terms=pd.DataFrame(
            [{"schedule": n, "term": t.name, "weight": t.weight, "count": round(t.amount, 6),
              "penalty": round(t.penalty, 6)}
             for n, ev in evaluations.items() for t in ev.terms.values()],
            columns=["schedule", "term", "weight", "count", "penalty"]),
        violations=pd.DataFrame(
            [{"schedule": n, "rule": v.rule, "message": v.message, "talks": ", ".join(v.talks)}
             for n, ev in evaluations.items() for v in ev.violations],
            columns=["schedule", "rule", "message", "talks"]),
        moves=(moves := _moves(instance, loaded)),
        speakers=_speakers(instance, moves, evaluations, next(iter(loaded))),
        warnings=list(warnings.warnings),
    )


def _name_of(source: ScheduleSource, i: int) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name
    return f"schedule {i}"


def _unique(name: str, taken: Mapping[str, object]) -> str:
    out, n = name, 2
    while out in taken:
        out, n = f"{name} ({n})", n + 1
    return out


def _assignments(source: ScheduleSource, instance: Instance, warnings: Problems) -> list[Assignment]:
    if isinstance(source, api.Solution):
        return list(source.assignments)
    if isinstance(source, (str, Path)):
        return api.read_schedule(source, instance, warnings)
    return list(source)


def _first_places(assignments: list[Assignment]) -> dict[str, Assignment]:
    out: dict[str, Assignment] = {}
    for a in assignments:
        out.setdefault(a.talk, a)
    return out


def place_text(a: Assignment | None) -> str:
    return f"{a.day:%a %Y-%m-%d} {a.start} {a.room}" if a is not None else "not scheduled"


def _summary(loaded: dict[str, list[Assignment]], evaluations: dict[str, Evaluation]) -> pd.DataFrame:
    first = next(iter(loaded.values()))
    ref_places, ref_seats = _first_places(first), seats(first)
    rows = []
    for name, assignments in loaded.items():
        ev = evaluations[name]
        places = _first_places(assignments)
        row = {"schedule": name, "hard_violations": ev.hard_violations}
        row.update({term: round(ev.terms[term].penalty, 6) for term in TERMS})
        row["total"] = ev.total
        row["moved"] = sum(1 for t in set(places) | set(ref_places) if _key(places.get(t)) != _key(ref_places.get(t)))
        row["seated_differently"] = len(differing(seats(assignments), ref_seats))
        rows.append(row)
    return pd.DataFrame(rows).set_index("schedule")


def _key(a: Assignment | None):
    return None if a is None else (a.day, a.start, a.room)


def _moves(instance: Instance, loaded: dict[str, list[Assignment]]) -> pd.DataFrame:
    names = list(loaded)
    ref = _first_places(loaded[names[0]])
    ref_seats = seats(loaded[names[0]])
    order = {t.id: i for i, t in enumerate(instance.talks)}
    rows = []
    for name in names[1:]:
        places = _first_places(loaded[name])
        changed_seat = set(differing(seats(loaded[name]), ref_seats))
        for talk in sorted(set(places) | set(ref), key=lambda t: (order.get(t, len(order)), t)):
            a, b = ref.get(talk), places.get(talk)
            if _key(a) == _key(b):
                continue
            t = instance.talk_by_id.get(talk)
            rows.append({
                "schedule": name, "talk": talk, "title": t.title if t else "",
                "speakers": ", ".join(t.speakers) if t else "",
                "from": place_text(a), "to": place_text(b), "change": _change(a, b),
                "seated_differently": talk in changed_seat,
                **{f"from_{c}": getattr(a, c) if a else None for c in PLACE_COLUMNS},
                **{f"to_{c}": getattr(b, c) if b else None for c in PLACE_COLUMNS},
            })
    columns = ["schedule", "talk", "title", "speakers", "from", "to", "change", "seated_differently",
               *(f"from_{c}" for c in PLACE_COLUMNS), *(f"to_{c}" for c in PLACE_COLUMNS)]
    return pd.DataFrame(rows, columns=columns)


def _change(a: Assignment | None, b: Assignment | None) -> str:
    if a is None:
        return "newly scheduled"
    if b is None:
        return "unscheduled"
    if a.day != b.day:
        return "day"
    return "time" if a.start != b.start else "room"


def _speakers(instance: Instance, moves: pd.DataFrame, evaluations: dict[str, Evaluation], first: str) -> pd.DataFrame:
    """Per schedule, each speaker with a moved talk: what moved, and the hard problems it meets."""
    old = {v.message for v in evaluations[first].violations}
    rows = []
    for key, group in moves.groupby("schedule", sort=False):
        name = str(key)
        by_speaker: dict[str, list] = {}
        for m in group.to_dict("records"):
            t = instance.talk_by_id.get(m["talk"])
            for speaker in t.speakers if t else ():
                by_speaker.setdefault(speaker, []).append(m)
        for speaker, ms in by_speaker.items():
            talks = {m["talk"] for m in ms}
            new = [v.message for v in evaluations[name].violations if talks & set(v.talks) and v.message not in old]
            rows.append({"schedule": name, "speaker": speaker, "moved": len(ms),
                         "changes": "; ".join(f"{m['talk']}: {m['from']} -> {m['to']}" for m in ms),
                         "new_problems": "; ".join(new)})
    return pd.DataFrame(rows, columns=["schedule", "speaker", "moved", "changes", "new_problems"])
