"""Formulas planted by an import, and imports that would write a workbook ``check`` refuses.

A title sent to a call for papers, ``=cmd|' /C calc'!A0``, must reach the workbook as
text in every importer (frab JSON and XML, pretalx widget, EMF, CSV) and in every later
workbook (solved, topics review): the test reads each sheet's XML and finds no ``<f>``.
An import also never writes what its own ``check`` refuses: a capacity of 10^30 (imported
without a capacity, with a note), dates before 1900 (refused), a title of 40,000
characters (cut to 32,767 with a note), 17,000 rooms (wider than a day grid can be).
"""

from __future__ import annotations

import copy
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from ..conftest import MINI, write_book
from .conftest import FIXTURES
from .harness import Case, check_all, run_all

EVIL = "=cmd|' /C calc'!A0"
HYPER = '=HYPERLINK("http://example.invalid/","click")'
LONG = "A very long title " * 2300          # 41,400 characters


def formulas_in(path) -> list[str]:
    """Sheets of an .xlsx holding a formula element."""
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.startswith("xl/worksheets/")
                and re.search(rb"<(?:\w+:)?f[\s>/]", zf.read(n))]


def _camp(**changes) -> dict:
    doc = json.loads((FIXTURES / "camp2019_day2.json").read_text())
    ev = doc["schedule"]["conference"]["days"][0]["rooms"]["Meitner"][0]
    ev.update(changes)
    return doc


WIDGET = {"talks": [{"code": "W1", "title": EVIL, "speakers": ["S1"], "room": 1, "track": 1,
                     "start": "2025-05-10T09:00:00+02:00", "duration": 30}],
          "rooms": [{"id": 1, "name": "@SUM(1+1)*cmd|' /C calc'!A0"}], "tracks": [{"id": 1, "name": "=1+1"}],
          "speakers": [{"code": "S1", "name": HYPER}]}
EMF = {"talks": [{"id": 1, "duration": 30, "speakers": [1], "title": EVIL,
                  "venue_times": [{"venue": 1, "times": [{"start": "2022-06-03 10:00:00", "end": "2022-06-03 12:00:00"}]}]}]}


@pytest.fixture(scope="module")
def sources(arena):
    here = arena / "formulas"
    here.mkdir()
    files = {
        "frab.json": _camp(title=EVIL, persons=[{"public_name": HYPER}], track="+cmd|' /C calc'!A0"),
        "widget.json": WIDGET,
        "emf.json": EMF,
        "capacity.json": {**_camp(), "schedule": {**_camp()["schedule"], "conference": {
            **_camp()["schedule"]["conference"], "rooms": [{"name": "Curie", "capacity": 1e30},
                                                          {"name": "Meitner", "capacity": 10**40}]}}},
        "long-title.json": _camp(title=LONG),
        "before-1900.json": _camp(date="1899-12-30T11:00:00+02:00"),
        "many-rooms.json": {"talks": [{"code": f"R{i}", "title": f"Talk {i}", "speakers": ["S"], "room": i,
                                       "start": "2025-05-10T09:00:00+02:00", "duration": 30} for i in range(17_000)],
                            "rooms": [{"id": i, "name": f"Room {i}"} for i in range(17_000)],
                            "speakers": [{"code": "S", "name": "Ana"}]},
    }
    for name, doc in files.items():
        (here / name).write_text(json.dumps(doc), encoding="utf-8")
    xml = (FIXTURES / "31c3_night.xml").read_text(encoding="utf-8")
    (here / "frab.xml").write_text(re.sub(r"<title>[^<]*</title>", "<title>=cmd|' /C calc'!A0</title>", xml, count=1),
                                   encoding="utf-8")
    (here / "talks.csv").write_text(f'id,title,speakers,topics\nT1,"{EVIL}",{HYPER.replace(",", ";")},=1+1\n'
                                    f"T2,Second,Ben,x\nT3,Long,\"{LONG}\",y\n", encoding="utf-8")
    rooms = copy.deepcopy(MINI)
    rooms["Rooms"] = [[f"Room {i}", None] for i in range(17_000)]
    write_book(here / "rooms.xlsx", rooms)
    return here


def test_imports_write_text_never_formulas_nor_what_check_refuses(sources, arena):
    out = arena / "formulas-out"
    ok = ["frab.json", "widget.json", "emf.json", "frab.xml", "talks.csv", "capacity.json", "long-title.json"]
    first = [Case(f"import {name}", ["import", str(sources / name), "--out", str(out / f"{name}.xlsx")], sources,
                  (0,), ("wrote",), (sources / name,)) for name in ok]
    first += [
        Case("import dates before 1900", ["import", str(sources / "before-1900.json"), "--out",
                                          str(out / "before.xlsx")], sources, (2,), ("1899-12-30", "outside")),
        Case("import 17,000 rooms", ["import", str(sources / "many-rooms.json"), "--out", str(out / "rooms.xlsx")],
             sources, (2,), ("17,000 rooms", "16,384 columns")),
        Case("check a workbook of 17,000 rooms", ["check", str(sources / "rooms.xlsx")], sources, (2,),
             ("Rooms, row 16384", "16,384 columns")),
    ]
    results = run_all(first)
    check_all(results)
    assert "without a capacity" in results["import capacity.json"].output
    assert "cut to 32,767" in results["import long-title.json"].output
    assert "cut to 32,767" in results["import talks.csv"].output
    second = [Case(f"check the import of {name}", ["check", str(out / f"{name}.xlsx")], sources,
                   (0, 2), ("",)) for name in ok]
    second.append(Case("solve the import of frab.json", ["solve", str(out / "frab.json.xlsx"), "--out",
                                                         str(out / "solved"), "-q", "--time-limit", "20"],
                       sources, (0,), ("wrote",)))
    second.append(Case("topics --write the import of frab.json", ["topics", str(out / "frab.json.xlsx"), "--write",
                                                                  "--out", str(out / "topics.xlsx")],
                       sources, (0,), ("wrote",)))
    results = run_all(second)
    for name, ran in results.items():
        ran.check()
        if name.startswith("check"):  # a CSV has no rooms or slots yet: check names only what is missing
            assert ran.code == 0 or "no slots" in ran.output, ran.output
    books = sorted(out.rglob("*.xlsx"))
    assert len(books) == len(ok) + 2
    for book in books:
        assert not formulas_in(book), f"{book.name}: {formulas_in(book)}"
    talks = {r[0]: r for r in load_workbook(out / "frab.json.xlsx")["Talks"].iter_rows(min_row=2, values_only=True)}
    assert EVIL in (r[1] for r in talks.values())
    assert any(len(r[1]) == 32_767 for r in load_workbook(out / "long-title.json.xlsx")["Talks"].iter_rows(
        min_row=2, values_only=True))
    assert not (out / "before.xlsx").exists() and not (out / "rooms.xlsx").exists()
