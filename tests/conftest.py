"""Shared fixtures: the bundled workshop, and small workbooks written from plain rows."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from openpyxl import Workbook

import sessionplan as sp

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

HEADERS = {
    "Talks": ["id", "title", "speakers", "duration", "topics", "abstract", "joint", "audience", "room"],
    "Speakers": ["name", "affiliation", "unavailable", "prefers"],
    "Rooms": ["name", "capacity"],
    "Slots": ["day", "start", "end", "session", "rooms"],
    "Constraints": ["kind", "talk", "target", "hard", "weight"],
    "Weights": ["term", "weight"],
}

# Four talks, four speakers, one room, two sessions of two 30-minute slots on one day.
MINI = {
    "Talks": [
        ["T1", "Convex optimisation methods", "Ada", None, None, None, None, None, None],
        ["T2", "Stochastic gradient methods", "Bea", None, None, None, None, None, None],
        ["T3", "Medieval manuscripts", "Cy", None, None, None, None, None, None],
        ["T4", "Illuminated manuscripts", "Dee", None, None, None, None, None, None],
    ],
    "Speakers": [["Ada", "U1", None, None], ["Bea", "U2", None, None], ["Cy", "U3", None, None],
                 ["Dee", "U4", None, None]],
    "Rooms": [["Hall", 100]],
    "Slots": [
        ["2027-03-08", "09:00", "09:30", "Mon-1", None],
        ["2027-03-08", "09:30", "10:00", "Mon-1", None],
        ["2027-03-08", "10:30", "11:00", "Mon-2", None],
        ["2027-03-08", "11:00", "11:30", "Mon-2", None],
    ],
    "Constraints": [],
    "Weights": [],
}


def write_book(path: Path, sheets: dict[str, list[list]], headers: dict[str, list] | None = None) -> Path:
    """Write sheets of rows under the standard headers (or the given ones)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list((headers or {}).get(name, HEADERS.get(name, []))))
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


@pytest.fixture
def mini() -> dict[str, list[list]]:
    return copy.deepcopy(MINI)


@pytest.fixture
def book(tmp_path):
    """``book(sheets, name=..., headers=...)`` writes a workbook and returns its path."""
    def make(sheets, name="conf.xlsx", headers=None):
        return write_book(tmp_path / name, sheets, headers)
    return make


@pytest.fixture(scope="session")
def workshop_path() -> Path:
    return sp.bundled_workshop()


@pytest.fixture(scope="session")
def workshop(workshop_path):
    return sp.load(workshop_path)


@pytest.fixture(scope="session")
def workshop_solution(workshop):
    return sp.solve(workshop, time_limit=60, workers=2, seed=0)


def edited_copy(src: Path, dst: Path, edit) -> Path:
    """Copy a workbook, let ``edit(openpyxl_workbook)`` change it, save it to ``dst``."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def sheet_row(ws, column: str, value) -> int:
    """The Excel row where ``column`` holds ``value`` (header in row 1)."""
    col = [c.value for c in ws[1]].index(column) + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=col).value == value:
            return r
    raise KeyError(value)


def set_cell(ws, row: int, column: str, value) -> None:
    col = [c.value for c in ws[1]].index(column) + 1
    ws.cell(row=row, column=col, value=value)
