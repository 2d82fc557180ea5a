"""Text that breaks exports: control characters (DEL, the C1 CSI U+009B, ESC), NUL and
lone surrogates in titles, rooms and speakers (of a workbook, or of an imported JSON or
CSV), and file names holding line breaks or terminal escapes (``conf\\rSUMMARY:x.xlsx``,
``\\x01\\x1b[31m.xlsx``, undecodable bytes).

They are cleaned once where they are read, with a warning naming the cell or field; every
export (iCalendar, frab XML and JSON, HTML) is then valid: the test parses each, finds no
unfit character in it, and a calendar's name on one line. Options holding such text are
refused (exit 2).
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from ..conftest import MINI, write_book
from .harness import Case, check_all, run_all

UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
NAMES = {
    "newline": "conf\nname",
    "carriage-return": "conf\rSUMMARY:x",
    "escape": "\x01\x1b[31mred",
    "undecodable": os.fsdecode(b"conf\xff\xfe"),
}


def _dirty_workbook(path):
    rows = [list(r) for r in MINI["Talks"]]
    rows[0][1] = "Convex\x7f optimisation \x9b[31m methods"
    rows[1][5] = "An abstract\x9b with a CSI"
    rooms = [["Hall\x7f", 100]]
    return write_book(path, {**MINI, "Talks": rows, "Rooms": rooms,
                             "Slots": [r[:4] + ["Hall\x7f"] for r in MINI["Slots"]]})


IMPORTED = {"talks": [
    {"code": "A1", "title": "Null\u0000 and a lone \ud800 surrogate", "speakers": ["S1"], "room": 7,
     "start": "2025-05-10T09:00:00+02:00", "duration": 30, "abstract": "ESC \u001b[2J clears a screen"},
    {"code": "A2", "title": "Second", "speakers": ["S2"], "room": 7, "start": "2025-05-10T09:30:00+02:00",
     "duration": 30}],
    "rooms": [{"id": 7, "name": "Room \udc80\u009b"}],
    "speakers": [{"code": "S1", "name": "Ana\u0000\u007f"}, {"code": "S2", "name": "Ben \ud83d"}]}


@pytest.fixture(scope="module")
def texts(arena, workshop):
    here = arena / "text"
    here.mkdir()
    _dirty_workbook(here / "dirty.xlsx")
    for key, name in NAMES.items():
        os.makedirs(here / key, exist_ok=True)
        shutil.copyfile(workshop, os.path.join(here / key, name + ".xlsx"))
    (here / "imported.json").write_text(json.dumps(IMPORTED), encoding="utf-8")
    (here / "evil\x1b[31m.csv").write_text("id,title,speakers\nT1,Ti\x1btle\x00,Ana\u009b\n", encoding="utf-8")
    return here


def _assert_clean_exports(folder, expected: int) -> None:
    """Every export in ``folder`` parses and holds nothing unfit; calendars name themselves on one line."""
    from icalendar import Calendar
    from lxml import etree

    found = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (".ics", ".xml", ".json", ".html"):
            continue
        found += 1
        data = path.read_bytes()
        text = data.decode("utf-8")
        assert not UNFIT.search(text.replace("\r\n", "\n")), f"{path}: {UNFIT.search(text)!r}"
        if path.suffix == ".ics":
            cal = Calendar.from_ical(data)
            lines = text.split("\r\n")
            assert len([line for line in lines if line.startswith("X-WR-CALNAME")]) == 1
            assert not [line for line in lines if line.startswith("SUMMARY:x")], "a file name became a line"
            assert len(cal.walk("VEVENT")) >= 1
            assert text.count("BEGIN:VCALENDAR") == 1
        elif path.suffix == ".xml":
            etree.fromstring(data)
        elif path.suffix == ".json":
            json.loads(text)
    assert found == expected, found


def test_text_that_breaks_exports_is_cleaned_once(texts, arena, solved):
    out = arena / "text-out"
    first = []
    dirty = texts / "dirty.xlsx"
    first.append(Case("check a workbook with DEL and C1", ["check", str(dirty)], texts, (0,),
                      ("removed", "Talks, row 2, column 'title'"), (dirty,)))
    first.append(Case("solve a workbook with DEL and C1", ["solve", str(dirty), "--out", str(out / "dirty"), "-q"],
                      texts, (0,), ("removed",), (dirty,)))
    for key, name in NAMES.items():
        book = os.path.join(texts / key, name + ".xlsx")
        args = ["solve", book, "--out", str(out / key), "-q"] if key == "escape" else ["check", book]
        first.append(Case(f"{args[0]} a file named {key}", args, texts, (0,), ("file name",)))
    first.append(Case("import NUL and lone surrogates", ["import", str(texts / "imported.json"), "--out",
                                                         str(out / "imported.xlsx")], texts, (0,),
                      ("removed", "talks[0].title"), (texts / "imported.json",)))
    first.append(Case("import a CSV named with ESC", ["import", str(texts / "evil\x1b[31m.csv"), "--out",
                                                      str(out / "csv.xlsx")], texts, (0,), ("line 2", "removed")))
    results = run_all(first)
    check_all(results)
    second = []
    for what, book, schedule in [("dirty", dirty, out / "dirty" / "schedule.json"),
                                 *((key, os.path.join(texts / key, name + ".xlsx"), solved / "schedule.json")
                                   for key, name in NAMES.items()),
                                 ("imported", out / "imported.xlsx", out / "imported.xlsx")]:
        for suffix in (".ics", ".xml", ".json", ".html") if what in ("dirty", "imported") else (".ics",):
            second.append(Case(f"export {what} {suffix}", ["export", str(book), str(schedule), "--out",
                                                           str(out / "exports" / f"{what}{suffix}")],
                               texts, (0,), ()))
    second.append(Case("compare a schedule with lone surrogates",
                       ["compare", str(out / "imported.xlsx"), str(out / "imported.xlsx"), str(texts / "ids.json")],
                       texts, (0, 1), ("removed",)))
    (texts / "ids.json").write_text(json.dumps({"assignments": [
        {"talk": "A1\ud800", "room": "Room \u009b", "day": "2025-05-10", "start": "09:00", "end": "09:30",
         "session": "x\u0000"}]}), encoding="utf-8")
    for option, value in (("--title", "conf\nSUMMARY:x"), ("--speaker", "Ana\x1b[31m"), ("--title", "a\x07b")):
        second.append(Case(f"export {option} {value!r}", ["export", str(dirty), str(out / "dirty" / "schedule.json"),
                                                            option, value, "--out", str(arena / "refused.ics")],
                           texts, (2,), ("line breaks or control characters",)))
    results = run_all(second)
    check_all(results)
    assert not (arena / "refused.ics").exists()
    _assert_clean_exports(out / "exports", 4 * 2 + len(NAMES))
    solved_names = json.loads((out / "escape" / "schedule.json").read_text())["instance"]
    assert not UNFIT.search(solved_names)
