"""A schedule from a file: a schedule JSON or a solved (possibly hand-edited) workbook."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..model import Assignment, Instance


def read_schedule(path: str | Path, instance: Instance, warnings: Problems | None = None) -> list[Assignment]:
    """Assignments from a schedule JSON or from a solved (possibly hand-edited) workbook.

    In a workbook, the day grids and the Talks sheet's ``scheduled_*`` columns are
    reconciled (see ``io.edited_workbook``); disagreements go to ``warnings``.
    """
    path = Path(path)
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        from .edited_workbook import read_edited_workbook

        return read_edited_workbook(path, instance, warnings)
    from .schedule_json import read_schedule_json

    assignments, _doc = read_schedule_json(path)
    return assignments
