"""Hand edits of a solved workbook, found when the workbook is solved again.

A solved workbook records the programme as it was solved (its ``Schedule`` sheet). When
people then move talks in the day grids or in the Talks sheet's ``scheduled_*``
columns, the schedule the workbook holds differs from that record: those talks are the
*hand edits*. Solving the workbook again plans afresh, which would drop them without a
word; so the command names them and offers the two meanings an organizer may have:

* keep the edits (``--keep-edits``): every edited talk is pinned where it was put (a
  hard ``pin`` of its day, start and room) and the rest of the programme is planned
  around it;
* re-plan from the edited programme with as few moves as possible (``--baseline`` with
  the edited workbook).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import InputError, Problems
from .model import Instance, constraint_row
from .periods import parse_period

Place = tuple[date, str, str]   # day, start "HH:MM", room


@dataclass(frozen=True)
class Edit:
    """A talk whose place differs from the one it was solved into (``now`` None: taken out)."""

    talk: str
    solved: Place
    now: Place | None

    def text(self) -> str:
        def where(p: Place | None) -> str:
            return f"{p[0]:%a %Y-%m-%d} {p[1]} {p[2]}" if p else "nowhere (taken out of the grid)"

        return f"{self.talk}: {where(self.solved)} -> {where(self.now)}"


def hand_edits(path: str | Path, instance: Instance) -> list[Edit]:
    """The talks moved by hand since the workbook was solved ([] for a workbook that was
    never solved, or that cannot be read as a solved one)."""
    path = Path(path)
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        return []
    from .io.edited_workbook import _solved_record, read_edited_workbook
    from .io.workbook import open_workbook

    problems = Problems()
    wb = open_workbook(path, problems)
    if wb is None:
        return []
    try:
        record = _solved_record(wb)
    finally:
        wb.close()
    if not record:
        return []
    try:
        schedule = read_edited_workbook(path, instance, Problems())
    except InputError:
        return []
    now: dict[str, list[Place]] = {}
    for a in schedule:
        now.setdefault(a.talk, []).append((a.day, a.start, a.room))
    edits = []
    for talk in instance.talks:
        solved = record.get(talk.id)
        if solved is None:
            continue
        places = now.get(talk.id, [])
        if places != [solved]:
            edits.append(Edit(talk.id, solved, places[0] if places else None))
    return edits


def keeping(instance: Instance, edits: list[Edit]) -> Instance:
    """The instance with every edited talk pinned to its new place (hard ``pin`` rows)."""
    pins = []
    for e in edits:
        if e.now is None:
            continue
        day, start, room = e.now
        target = f"{day.isoformat()} {start} @ {room}"
        pins.append(constraint_row("pin", e.talk, target=target, hard=True,
                                   period=parse_period(f"{day.isoformat()} {start}", instance.session_labels),
                                   room=room))
    fields = {name: getattr(instance, name) for name in type(instance).model_fields}
    fields["constraints"] = [*instance.constraints, *pins]
    return type(instance)(**fields)


def edits_message(path: Path, edits: list[Edit], limit: int = 8) -> str:
    """What the command says when it meets hand edits it was not told what to do with."""
    shown = "; ".join(e.text() for e in edits[:limit]) + (f"; and {len(edits) - limit} more" if len(edits) > limit else "")
    return (f"{path.name} was edited by hand since it was solved ({len(edits)} talk{'s' if len(edits) != 1 else ''} "
            f"moved: {shown}). This solve plans afresh and does not keep those edits. To keep them, solve with "
            f"--keep-edits (the edited talks stay where they are, the rest is planned around them); to re-plan "
            f"the edited programme with as few moves as possible, solve with --baseline {path.name}.")
