"""Printed outputs: every day on one landscape page, every talk of the day on it.

The solved workbook and the comparison workbook are printed by LibreOffice (``soffice
--convert-to pdf``), the HTML programme by headless Chromium; pdftotext reads each page.
"""

from __future__ import annotations

import re

import pytest

import sessionplan as sp
from sessionplan import export
from sessionplan.committee.comparison import compare
from sessionplan.committee.workbook import write_comparison_workbook

from .conftest import SHARED, write_book
from .print_cases import camp_sheets
from .printing import html_pdf, pages, workbook_pdf


@pytest.fixture(scope="module")
def camp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("camp")
    inst = sp.load(write_book(folder / "camp.xlsx", camp_sheets()))
    sol = sp.solve(inst, workers=2, time_limit=30, seed=0)
    assert sol.evaluation.hard_violations == 0
    sp.write_outputs(sol, folder)
    return inst, sol, folder


def ids_on(text: str) -> set[str]:
    return set(re.findall(r"\b[A-Z]?\d+\b", text))


def talks_of(assignments, day) -> set[str]:
    return {a.talk for a in assignments if a.day == day}


def one_page_per_day(texts: list[str], mark, inst, assignments) -> None:
    """Each day's mark is on exactly one page, and so is every talk id of that day."""
    for day in inst.days:
        hits = [t for t in texts if mark(day) in t]
        assert len(hits) == 1, (day, len(hits), [t[:200] for t in hits])
        missing = talks_of(assignments, day) - ids_on(hits[0])
        assert not missing, (day, missing)


def test_solved_workbook_prints_each_day_on_one_landscape_page(camp, tmp_path):
    inst, sol, folder = camp
    texts = pages(workbook_pdf(folder / "schedule.xlsx", tmp_path))
    one_page_per_day(texts, lambda d: f"camp · {d:%A} {d.day} {d:%B %Y}", inst, sol.assignments)
    for day in inst.days:
        page = next(t for t in texts if f"camp · {day:%A}" in t)
        flat = " ".join(page.split())
        for a in (a for a in sol.assignments if a.day == day):
            talk = inst.talk_by_id[a.talk]
            if talk.topics:   # the last line of a cell (the topics) is not cut off
                assert f"[{'; '.join(talk.topics)}]".split()[-1] in flat, (a.talk, talk.topics)
        assert "legend" in page   # the legend is on the day's page, not on one of its own


def test_html_programme_prints_one_page_per_day(camp, tmp_path):
    inst, sol, _ = camp
    html = export.write(inst, sol.assignments, tmp_path / "camp.html")
    texts = pages(html_pdf(html, tmp_path / "camp.pdf"))
    assert len(texts) == len(inst.days)
    one_page_per_day(texts, lambda d: f"{d:%A} {d.day} {d:%B %Y}", inst, sol.assignments)
    assert "camp" in texts[0]   # the title is on the first day's page


def test_html_of_an_imported_conference_prints_one_page_per_day(tmp_path):
    from sessionplan.api import import_schedule
    from sessionplan.io.frab import write_imported

    imported = import_schedule(SHARED / "data" / "frab" / "31c3_schedule.xml")
    write_imported(imported, tmp_path / "31c3.xlsx")
    inst = sp.load(tmp_path / "31c3.xlsx")
    assignments = sp.read_schedule(tmp_path / "31c3.xlsx", inst)
    html = export.write(inst, assignments, tmp_path / "31c3.html")
    texts = pages(html_pdf(html, tmp_path / "31c3.pdf"))
    assert len(texts) == len(inst.days) == 4
    one_page_per_day(texts, lambda d: f"{d:%A} {d.day} {d:%B %Y}", inst, assignments)


def test_comparison_workbook_prints_each_grid_day_on_one_landscape_page(camp, tmp_path):
    inst, sol, folder = camp
    other = sp.alternatives(inst, 2, workers=2, time_limit=20, seed=0).solutions[-1]
    c = compare(inst, {"best": sol, "second": other})
    out = tmp_path / "comparison.xlsx"
    write_comparison_workbook(out, c)
    texts = pages(workbook_pdf(out, tmp_path))
    for k, (name, assignments) in enumerate(c.schedules.items(), start=1):
        grid = [t for t in texts if f"Grid {k} {name}" in t]
        assert len(grid) == len(inst.days), (name, len(grid))
        one_page_per_day(grid, lambda d: f"{d:%a %Y-%m-%d}", inst, assignments)
