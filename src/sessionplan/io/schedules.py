"""A schedule from a file: a schedule JSON or a solved (possibly hand-edited) workbook."""

from __future__ import annotations

from pathlib import Path

from ..baseline import Baseline, Details
from ..errors import Problems
from ..model import Assignment, Instance


def read_schedule(path: str | Path, instance: Instance, warnings: Problems | None = None) -> list[Assignment]:
    """Assignments from a schedule JSON or from a solved (possibly hand-edited) workbook.

    In a workbook, the day grids and the Talks sheet's ``scheduled_*`` columns are
    reconciled (see ``io.edited_workbook``); disagreements go to ``warnings``.
    """
    from .schedule_json import canonical, read_schedule_json

    path = Path(path)
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        from .edited_workbook import read_edited_workbook

        return canonical(read_edited_workbook(path, instance, warnings), instance)
    assignments, _doc = read_schedule_json(path, warnings)
    return canonical(assignments, instance)


def read_details(path: str | Path) -> dict[str, Details]:
    """Each talk's title and speakers as a schedule file records them: the ``title`` and
    ``speakers`` of a schedule JSON's assignments, or a solved workbook's Talks sheet.
    Best effort (for naming talks the current workbook no longer has): {} when unreadable."""
    path = Path(path)
    out: dict[str, Details] = {}
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        from . import cells
        from .workbook import open_workbook, read_table

        problems = Problems()
        wb = open_workbook(path, problems)
        if wb is None:
            return out
        try:
            table = read_table(wb, "Talks", problems)
        finally:
            wb.close()
        for row in table.rows:
            tid = cells.text(row.get("id"))
            if tid:
                out[tid] = Details(cells.text(row.get("title")), tuple(cells.split_list(row.get("speakers"))))
        return out
    from ..errors import InputError
    from .reading import load_json, read_input

    try:
        doc = load_json(read_input(path))
        entries = doc.get("assignments") if isinstance(doc, dict) else None
    except InputError:
        return out
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("talk"), str):
            speakers = entry.get("speakers")
            out[entry["talk"]] = Details(str(entry.get("title") or ""),
                                         tuple(str(s) for s in speakers) if isinstance(speakers, list) else ())
    return out


def read_baseline(path: str | Path, instance: Instance, warnings: Problems | None = None) -> Baseline:
    """A published schedule to re-plan against, remembering the talks the workbook dropped."""
    return Baseline.from_assignments(instance, read_schedule(path, instance, warnings), read_details(path))
