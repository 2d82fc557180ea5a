"""Mutated workbooks, and the verdict of the whole pipeline on each.

Used by ``tests/test_fuzz.py`` (hypothesis, a few hundred cases) and by
``benchmarks/fuzz_workbooks.py`` (thousands). A case is a valid base workbook and a list
of ``(mutation, seed)`` steps; the same case always gives the same bytes. Mutations work
at two levels: on the workbook as openpyxl sees it (sheets, headers, cells, rows) and
on the file itself (the zip archive and the XML inside: formulas with and without saved
values, NaN, error cells, damaged or missing parts, entity bombs, zip bombs, macros,
external links, truncation, files that are no workbook at all).

:func:`verdict` runs ``sessionplan solve`` (in process, through the CLI) and sorts the
result into one of :data:`OUTCOMES`; the first two are the only acceptable ones besides
``no schedule`` (exit 1, an explained infeasibility or no schedule in the time limit).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import re
import traceback
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell import MergedCell

OUTCOMES = ("valid schedule", "contract error", "no schedule", "traceback", "hard violations", "broken promise")
SHEETS = ("Talks", "Speakers", "Rooms", "Slots", "Constraints", "Weights")
REFERENCES = {("Talks", "speakers"), ("Talks", "room"), ("Talks", "joint"), ("Slots", "rooms"),
              ("Constraints", "talk"), ("Constraints", "target"), ("Constraints", "room"), ("Weights", "term"),
              ("Speakers", "unavailable"), ("Speakers", "prefers")}
HOSTILE = [
    "", "   ", "\t", "forty", "-5", -5, 0, -1, 1, 7, 10**6, 10**12, 10**18, -10**18, 2**63, 1e308, 1e-300, 0.5,
    3.999, True, False, date(2027, 3, 8), date(1900, 1, 1), date(9999, 12, 31), datetime(2027, 3, 8, 9, 0),
    time(9, 30), time(23, 59), time(0, 0), timedelta(minutes=45), timedelta(days=3), 45000, 2958465, 0.375,
    "09:00", "9:00 AM", "9h", "09:00:00", "0930", "25:00", "24:00", "2027-03-08", "2027-02-30", "08/03/2027",
    "Mon", "Mon AM", "Mon-Fri", "Mon-1", "T1", "Ada", "Hall", "yes", "no", "maybe", ";", ";;", "T1; T1",
    "Ada;Ada", "ñandú ☃ 日本語 עברית 🎉", "\u202eevil", "Zürich Straße", "a" * 5000, "x" * 32767,
    "#N/A", "=1+1", "=A1", " Ada ", "ADA", "Hall @ Mon", "Mon @ Hall", "Mon-1 @ Nowhere", "@", "pin", "before",
    "NaN", "inf", "-inf", "1e999", "1,5", "½", "٣", "0x10", "1_000", "[/]", "[bold]x", ":warning:", "%s %d {0}",
]


@dataclass
class Case:
    base: str
    steps: list[tuple[str, int]]

    def describe(self) -> str:
        return f"{self.base} + " + ", ".join(f"{m}#{s}" for m, s in self.steps)


# -- base workbooks ----------------------------------------------------------------


@lru_cache(maxsize=None)
def base_bytes(name: str) -> bytes:
    """A valid workbook: ``mini``, ``multi`` (two rooms, topics, a two-slot talk),
    ``synthetic`` (24 talks), ``workshop`` (the bundled one), ``solved`` (a solved workbook)."""
    import sessionplan as sp
    from sessionplan.io.template import write_workbook

    from .conftest import MINI, write_book
    from .export_cases import multi_room

    buf = io.BytesIO()
    if name == "mini":
        write_book(buf, MINI)
    elif name == "multi":
        write_book(buf, multi_room())
    elif name == "workshop":
        return sp.bundled_workshop().read_bytes()
    elif name in ("synthetic", "solved"):
        import tempfile

        from sessionplan.generate import synthetic

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "base.xlsx"
            if name == "synthetic":
                write_workbook(path, synthetic(24, 2, seed=3))
            else:
                write_book(path, multi_room())
                sol = sp.solve(path, time_limit=10, workers=1)
                sp.write_outputs(sol, tmp)
                path = Path(tmp) / "schedule.xlsx"
            return path.read_bytes()
    else:
        raise KeyError(name)
    return buf.getvalue()


BASES = ("mini", "multi", "synthetic", "workshop", "solved")
BASE_WEIGHTS = (4, 4, 2, 1, 1)


# -- helpers on an openpyxl workbook -------------------------------------------------


def _sheet(wb, rng, name: str | None = None):
    if name is not None:
        for ws in wb.worksheets:
            if ws.title.strip().casefold() == name.casefold():
                return ws
    return rng.choice(wb.worksheets)


def _input_sheet(wb, rng):
    present = [ws for ws in wb.worksheets if ws.title.strip().casefold() in {s.casefold() for s in SHEETS}]
    return rng.choice(present) if present else rng.choice(wb.worksheets)


def _headers(ws) -> dict[str, int]:
    out = {}
    for c in ws[1]:
        if isinstance(c.value, str) and c.value.strip():
            out.setdefault(c.value.strip().casefold(), c.column)
    return out


def _column_values(wb, sheet: str, column: str) -> list:
    ws = _sheet(wb, random.Random(0), sheet)
    if ws.title.strip().casefold() != sheet.casefold():
        return []
    col = _headers(ws).get(column)
    if col is None:
        return []
    return [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)
            if ws.cell(row=r, column=col).value not in (None, "")]


def _data_cell(ws, rng, column: str | None = None):
    heads = _headers(ws)
    col = heads.get(column) if column else None
    if col is None:
        col = rng.choice(list(heads.values())) if heads and rng.random() < 0.9 else rng.randint(1, ws.max_column + 1)
    row = rng.randint(2, max(2, ws.max_row + (1 if rng.random() < 0.1 else 0)))
    return _cell(ws, row, col)


def _cell(ws, row: int, col: int):
    """The cell at (row, col), or the top-left cell of the merged range covering it."""
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):  # only the top-left cell of a merged range holds a value
        for merged in ws.merged_cells.ranges:
            if cell.coordinate in merged:
                return ws.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _put(ws, row: int, col: int, value) -> None:
    _cell(ws, row, col).value = value


def _set(cell, value) -> None:
    """Set a value; a string starting with '=' becomes a formula (no saved value), as in Excel."""
    if isinstance(value, str) and value in ("#N/A", "#DIV/0!", "#VALUE!", "#REF!"):
        cell.value = value
        cell.data_type = "e"
        return
    cell.value = value


# -- mutations of the workbook's content -------------------------------------------


def m_delete_sheet(wb, rng):
    ws = _input_sheet(wb, rng)
    if len(wb.worksheets) > 1:
        wb.remove(ws)
    return f"deleted sheet {ws.title}"


def m_rename_sheet(wb, rng):
    ws = _input_sheet(wb, rng)
    new = rng.choice([ws.title.upper(), f"  {ws.title.lower()} ", ws.title[:-1], ws.title + "s", "Sheet9", "Tälks",
                      ws.title + " (old)", "Weights" if ws.title != "Weights" else "Rooms"])
    if new.strip().casefold() in {w.title.strip().casefold() for w in wb.worksheets if w is not ws} and rng.random() < 0.5:
        new = new + " 2"
    try:
        ws.title = new[:31]
    except ValueError:
        pass
    return f"renamed sheet to {new!r}"


def m_duplicate_sheet(wb, rng):
    ws = _input_sheet(wb, rng)
    copy_ = wb.copy_worksheet(ws) if hasattr(wb, "copy_worksheet") else None
    if copy_ is not None:
        copy_.title = f" {ws.title.lower()}"[:31]
    return f"second sheet named like {ws.title}"


def m_hide_sheet(wb, rng):
    ws = _input_sheet(wb, rng)
    ws.sheet_state = rng.choice(["hidden", "veryHidden"])
    if rng.random() < 0.5:
        extra = wb.create_sheet("Notes")
        extra.append(["junk", "=SUM(1,2)"])
        extra.sheet_state = "hidden"
    return f"hid sheet {ws.title}"


def m_delete_column(wb, rng):
    ws = _input_sheet(wb, rng)
    col = rng.randint(1, max(1, ws.max_column))
    ws.delete_cols(col)
    return f"deleted column {col} of {ws.title}"


def m_rename_column(wb, rng):
    ws = _input_sheet(wb, rng)
    cell = _cell(ws, 1, rng.randint(1, max(1, ws.max_column)))
    old = str(cell.value or "")
    cell.value = rng.choice([old.upper(), f" {old} ", old[:-1], old + "_", "Unnamed", "", None, 42, "ñame", "id",
                             "speakers", "=A2"])
    return f"renamed column {old!r} of {ws.title}"


def m_duplicate_header(wb, rng):
    ws = _input_sheet(wb, rng)
    heads = [c.value for c in ws[1] if c.value]
    if heads:
        _put(ws, 1, rng.randint(1, ws.max_column + 1), rng.choice(heads).upper())
    return f"duplicate header in {ws.title}"


def m_header_offset(wb, rng):
    ws = _input_sheet(wb, rng)
    ws.insert_rows(1, amount=rng.randint(1, 2))
    return f"header moved down in {ws.title}"


def m_column_offset(wb, rng):
    ws = _input_sheet(wb, rng)
    ws.insert_cols(1)
    return f"blank first column in {ws.title}"


def m_wrong_value(wb, rng):
    ws = _input_sheet(wb, rng)
    cell = _data_cell(ws, rng)
    value = rng.choice(HOSTILE)
    _set(cell, value)
    return f"{ws.title}!{cell.coordinate} = {str(value)[:30]!r}"


def m_typed_column(wb, rng):
    """A value of the wrong type where a number, date or time belongs."""
    sheet, column, pool = rng.choice([
        ("Talks", "duration", ["forty", -30, 0, 10**9, 1e308, 45.5, "60 min", time(1, 0), "1:00", 2000, True]),
        ("Talks", "audience", [-1, 10**15, 2**62, "many", 1e300, 3.7, date(2027, 3, 8)]),
        ("Rooms", "capacity", [-1, 10**15, 2**62, "lots", 0, 1e300, time(9, 0)]),
        ("Rooms", "changeover", [-5, 10**9, "five", 1440, 1441, 30]),
        ("Slots", "day", [45000, 45359.5, -1, 10**7, "Monday", "2027-13-01", "8.3.2027", time(9, 0), 0, 2958466]),
        ("Slots", "start", ["9", "9.00", "0900", 9, 0.375, 1.5, -0.1, "09:00:00", datetime(2027, 3, 8, 9), "noon",
                            timedelta(hours=9), timedelta(days=2), "23:59", "24:00"]),
        ("Slots", "end", ["10", 0.4166, 10, "10:00 PM", "08:00", "24:00", 1, timedelta(hours=30)]),
        ("Constraints", "weight", [-3, 10**12, 1e300, 1e-12, 0.333333333, "heavy", 0, 7.5]),
        ("Weights", "weight", [-1, 10**12, 1e300, 1e-9, 1 / 3, 1 / 997, "big", 0]),
        ("Talks", "pinned", ["maybe", 2, "YES", "x"]),
        ("Constraints", "hard", ["perhaps", 0, 1, "NO"]),
    ])
    ws = _sheet(wb, rng, sheet)
    cell = _data_cell(ws, rng, column)
    value = rng.choice(pool)
    _set(cell, value)
    return f"{ws.title}!{cell.coordinate} ({column}) = {value!r}"


def m_unknown_reference(wb, rng):
    sheet, column = rng.choice(sorted(REFERENCES))
    ws = _sheet(wb, rng, sheet)
    if ws.title.strip().casefold() != sheet.casefold():
        return "no such sheet"
    if ws.max_row < 2:
        ws.append([None] * ws.max_column)
    cell = _data_cell(ws, rng, column)
    value = rng.choice(["Nobody", "T999", "Attic", "Ada; Nobody", "Mon-9", "Hall; Attic", "Someday", "T1 @ Attic",
                        "no_such_term", "Mon 25:00", "2027-03-32", "Mon @ Attic", "ＴＡＬＫ"])
    cell.value = value
    return f"unknown reference {sheet}.{column} = {value!r}"


def m_existing_reference(wb, rng):
    """A reference to something that exists, but another one (usually still valid)."""
    sheet, column, source = rng.choice([
        ("Talks", "speakers", ("Speakers", "name")), ("Talks", "room", ("Rooms", "name")),
        ("Constraints", "talk", ("Talks", "id")), ("Constraints", "target", ("Talks", "id")),
        ("Slots", "rooms", ("Rooms", "name")), ("Talks", "joint", ("Talks", "id")),
    ])
    values = _column_values(wb, *source)
    ws = _sheet(wb, rng, sheet)
    if not values or ws.title.strip().casefold() != sheet.casefold() or ws.max_row < 2:
        return "nothing to reference"
    cell = _data_cell(ws, rng, column)
    cell.value = rng.choice(values)
    return f"{sheet}.{column} -> {cell.value!r}"


def _constraints(wb, rng):
    """The Constraints sheet (created when missing) and its header columns."""
    ws = _sheet(wb, rng, "Constraints")
    if ws.title.strip().casefold() != "constraints":
        ws = wb.create_sheet("Constraints")
        ws.append(["kind", "talk", "target", "hard", "weight"])
    return ws, _headers(ws)


def m_constraint_row(wb, rng):
    ws, heads = _constraints(wb, rng)
    talks = _column_values(wb, "Talks", "id") or ["T1"]
    rooms = _column_values(wb, "Rooms", "name") or ["Hall"]
    kind = rng.choice(["pin", "forbid", "before", "same_session", "different_day", "not_parallel", "after", "PIN",
                       "same session", "not-parallel", ""])
    target = rng.choice([rng.choice(talks), rng.choice(rooms), "Mon", "Mon AM", "Tue PM", "Mon-1", "09:00",
                         f"Mon @ {rng.choice(rooms)}", "Mon 14:00-18:00", "2027-03-08", "T999", "", "PM"])
    row = {"kind": kind, "talk": rng.choice(talks + ["T999", ""]), "target": target,
           "hard": rng.choice(["yes", "no", None]), "weight": rng.choice([None, 1, 5, 0.5])}
    r = ws.max_row + 1
    for name, value in row.items():
        if name in heads:
            _put(ws, r, heads[name], value)
    return f"constraint {row}"


def m_circular_before(wb, rng):
    ws, heads = _constraints(wb, rng)
    talks = list(dict.fromkeys(str(t) for t in _column_values(wb, "Talks", "id")))
    if len(talks) < 2 or not {"kind", "talk", "target"} <= set(heads):
        return "no talks for a cycle"
    cycle = rng.sample(talks, rng.randint(2, min(4, len(talks))))
    hard = rng.choice(["yes", "yes", "no", None])
    for a, b in zip(cycle, cycle[1:] + cycle[:1]):
        r = ws.max_row + 1
        _put(ws, r, heads["kind"], "before")
        _put(ws, r, heads["talk"], a)
        _put(ws, r, heads["target"], b)
        if "hard" in heads:
            _put(ws, r, heads["hard"], hard)
    return f"before cycle {cycle} hard={hard}"


def m_merge(wb, rng):
    ws = _input_sheet(wb, rng)
    r = rng.randint(1, max(1, ws.max_row))
    c = rng.randint(1, max(1, ws.max_column))
    ws.merge_cells(start_row=r, start_column=c, end_row=r + rng.randint(0, 2), end_column=c + rng.randint(1, 2))
    return f"merged cells at {ws.title} row {r}"


def m_blank_rows(wb, rng):
    ws = _input_sheet(wb, rng)
    r = rng.randint(2, max(2, ws.max_row + 1))
    n = rng.randint(1, 3)
    ws.insert_rows(r, amount=n)
    if rng.random() < 0.6:
        for k in range(n):
            for c in range(1, ws.max_column + 1):
                _put(ws, r + k, c, rng.choice(["", " ", "\t", "  \n ", None]))
    return f"{n} blank rows in {ws.title} at {r}"


def m_delete_rows(wb, rng):
    ws = _input_sheet(wb, rng)
    if ws.max_row >= 2:
        ws.delete_rows(rng.randint(2, ws.max_row), rng.randint(1, 3))
    return f"deleted rows of {ws.title}"


def m_clear_cell(wb, rng):
    ws = _input_sheet(wb, rng)
    cell = _data_cell(ws, rng)
    cell.value = rng.choice([None, "", "   "])
    return f"cleared {ws.title}!{cell.coordinate}"


def m_long_text(wb, rng):
    ws = _input_sheet(wb, rng)
    cell = _data_cell(ws, rng)
    base = cell.value if isinstance(cell.value, str) and cell.value else "Talk"
    cell.value = rng.choice([base * 2000, base + " " + "é" * 30000, "🎉" * 10000, base + "\u0301" * 500,
                             "\u05d0\u05d1\u05d2 " + base, base + " \u200b\u200d", base[:1] + "\u00a0" + base[1:]])[:32767]
    return f"long/non-ASCII text in {ws.title}!{cell.coordinate}"


def m_rename_entity(wb, rng):
    """Rename a speaker, room or talk everywhere (non-ASCII, long): still a valid workbook."""
    sheet, column = rng.choice([("Speakers", "name"), ("Rooms", "name"), ("Talks", "id")])
    values = _column_values(wb, sheet, column)
    if not values:
        return "nothing to rename"
    old = str(rng.choice(values))
    new = rng.choice([old + " Ñandú", "Зал " + old, old + "-" + "x" * 200, "日本 " + old, old.upper() + " ☃"])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and old in [p.strip() for p in cell.value.split(";")]:
                    cell.value = "; ".join(new if p.strip() == old else p.strip() for p in cell.value.split(";"))
    return f"renamed {old!r} to {new[:30]!r}"


def m_formula(wb, rng):
    ws = _input_sheet(wb, rng)
    cell = _data_cell(ws, rng)
    cell.value = rng.choice(["=1+1", "=A2", "=NOW()", "=WEBSERVICE(\"http://example.invalid\")", "=[1]Sheet1!A1",
                             "=SUM(A1:A3)"])
    return f"formula without saved value in {ws.title}!{cell.coordinate}"


def m_text_like_formula(wb, rng):
    ws = _input_sheet(wb, rng)
    cell = _data_cell(ws, rng, rng.choice(["title", "abstract", "affiliation", "topics", None]))
    cell.value = rng.choice(["=HYPERLINK(\"http://example.invalid\",\"x\")", "=1+1", "+1-1", "@SUM(A1)", "-2+3"])
    cell.data_type = "s"
    return f"text like a formula in {ws.title}!{cell.coordinate}"


def m_big_sheet(wb, rng):
    """10,000 rows: unique valid rows (speakers, constraints, talks) or copies."""
    ws = _input_sheet(wb, rng)
    heads = _headers(ws)
    title = ws.title.strip().casefold()
    n = 10_000
    src = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=ws.max_row)] or [[None] * ws.max_column]
    unique = rng.random() < 0.7
    for i in range(n):
        row = list(rng.choice(src))
        if unique and "id" in heads and title == "talks":
            row[heads["id"] - 1] = f"X{i}"
        if unique and "name" in heads and title in ("speakers", "rooms"):
            row[heads["name"] - 1] = f"Extra {i}"
        ws.append(row)
    return f"{n} more rows in {ws.title} (unique keys: {unique})"


MUTATIONS = {f.__name__[2:]: f for f in [
    m_delete_sheet, m_rename_sheet, m_duplicate_sheet, m_hide_sheet, m_delete_column, m_rename_column,
    m_duplicate_header, m_header_offset, m_column_offset, m_wrong_value, m_typed_column, m_unknown_reference,
    m_existing_reference, m_constraint_row, m_circular_before, m_merge, m_blank_rows, m_delete_rows, m_clear_cell,
    m_long_text, m_rename_entity, m_formula, m_text_like_formula, m_big_sheet,
]}
MUTATION_WEIGHTS = {name: 1 for name in MUTATIONS} | {
    "wrong_value": 6, "typed_column": 6, "unknown_reference": 4, "existing_reference": 3, "constraint_row": 4,
    "circular_before": 2, "big_sheet": 0.3,
}


# -- mutations of the file ------------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _sheet_members(members: dict[str, bytes]) -> list[str]:
    return sorted(n for n in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))


_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def _random_sheet(data: bytes, rng) -> tuple[dict[str, bytes], str | None]:
    """The archive's parts and the name of one worksheet part (None when there is none)."""
    members = _members(data)
    sheets = _sheet_members(members)
    return members, rng.choice(sheets) if sheets else None


def r_cell_xml(data: bytes, rng) -> tuple[bytes, str]:
    """Replace one cell's XML: formula with/without saved value, NaN, error, odd types."""
    members, name = _random_sheet(data, rng)
    if name is None:
        return data, "no sheet"
    xml = members[name]
    found = [m for m in _CELL.finditer(xml) if int(m.group(2)) >= (2 if rng.random() < 0.9 else 1)]
    if not found:
        return data, "no cell"
    m = rng.choice(found)
    ref = m.group(1) + m.group(2)
    inner = re.search(rb"<v>(.*?)</v>", m.group(0), re.S)
    cached = inner.group(1) if inner else b"1"
    kind = re.search(rb' t="(\w+)"', m.group(0))
    t = kind.group(1) if kind else b"n"
    variants = {
        "formula+value": b'<c r="%s" t="%s"><f>IF(1,A1,B1)</f><v>%s</v></c>' % (ref, t, cached),
        "formula, no value": b'<c r="%s"><f>SUM(A1:A3)</f></c>' % ref,
        "formula, empty value": b'<c r="%s"><f>A1</f><v></v></c>' % ref,
        "external link formula": b'<c r="%s" t="%s"><f>[1]Sheet1!A1</f><v>%s</v></c>' % (ref, t, cached),
        "NaN": b'<c r="%s" t="n"><v>NaN</v></c>' % ref,
        "inf": b'<c r="%s" t="n"><v>1e999</v></c>' % ref,
        "-inf": b'<c r="%s" t="n"><v>-inf</v></c>' % ref,
        "error": b'<c r="%s" t="e"><v>#DIV/0!</v></c>' % ref,
        "bool": b'<c r="%s" t="b"><v>1</v></c>' % ref,
        "inline control chars": b'<c r="%s" t="inlineStr"><is><t>_x0001_ctl_x0007_ \xc3\xa9</t></is></c>' % ref,
        "bad shared string": b'<c r="%s" t="s"><v>99999</v></c>' % ref,
        "bad style": b'<c r="%s" s="9999" t="n"><v>1</v></c>' % ref,
        "ISO date": b'<c r="%s" t="d"><v>2027-03-08T09:00:00</v></c>' % ref,
        "bad ISO date": b'<c r="%s" t="d"><v>not a date</v></c>' % ref,
        "number text": b'<c r="%s" t="n"><v>twelve</v></c>' % ref,
        "bad coordinate": b'<c r="%sZZZZ"><v>1</v></c>' % ref,
        "no coordinate": b'<c t="n"><v>3</v></c>',
        "huge": b'<c r="%s" t="n"><v>1e300</v></c>' % ref,
        "str formula": b'<c r="%s" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' % ref,
    }
    which = rng.choice(sorted(variants))
    members[name] = xml[:m.start()] + variants[which] + xml[m.end():]
    return _zip(members), f"cell {name}:{ref.decode()} -> {which}"


def r_sheet_xml(data: bytes, rng) -> tuple[bytes, str]:
    """Odd sheet structure: lying dimension, a cell far away, very wide rows, huge row numbers."""
    members, name = _random_sheet(data, rng)
    if name is None:
        return data, "no sheet"
    xml = members[name]
    which = rng.choice(["dimension", "far cell", "wide header", "far row", "no dimension", "rows without r"])
    if which == "dimension":
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    elif which == "no dimension":
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)
    elif which == "far cell":
        xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
    elif which == "far row":
        xml = xml.replace(b"</sheetData>", b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>late</t></is></c></row></sheetData>')
    elif which == "wide header":
        xml = re.sub(rb"(<row r=\"1\"[^>]*>)(.*?)</row>",
                     lambda m: m.group(1) + m.group(2) + b'<c r="KZ1" t="inlineStr"><is><t>far</t></is></c></row>', xml,
                     count=1, flags=re.S)
    else:
        xml = re.sub(rb'<row r="\d+"', b"<row", xml)
        xml = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", xml)
    members[name] = xml
    return _zip(members), f"{name}: {which}"


def _entity_sheet(xml: bytes, doctype: bytes, entity: bytes) -> bytes:
    """A sheet with a DOCTYPE, and its first inline or shared string cell showing ``entity``."""
    xml = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    xml = xml.replace(b"<worksheet", doctype + b"<worksheet", 1)
    return re.sub(rb"<t>[^<]*</t>", b"<t>" + entity + b"</t>", xml, count=1)


BOMB_DOCTYPE = (b'<!DOCTYPE worksheet [<!ENTITY lol "lollollollollollollollollollol">'
                + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                           for i in range(1, 9)) + b"]>")
XXE_DOCTYPE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
               + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                          for i in range(1, 9))
               + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               b"<si><t>&lol8;</t></si></sst>")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                   b'uniqueCount="1"><si><t>&xxe;</t></si></sst>')


def r_archive(data: bytes, rng) -> tuple[bytes, str]:
    """Damage the archive: a missing or cut part, an entity bomb, macros, an external link."""
    members = _members(data)
    which = rng.choice(["drop part", "cut part", "entity bomb", "external entity", "macros", "external link",
                        "garbage part", "doctype in sheet"])
    if which == "drop part":
        name = rng.choice(sorted(members))
        del members[name]
        which += f" {name}"
    elif which == "cut part":
        name = rng.choice(sorted(members))
        members[name] = members[name][: rng.randint(0, max(0, len(members[name]) - 1))]
        which += f" {name}"
    elif which in ("entity bomb", "external entity") and _sheet_members(members) and rng.random() < 0.7:
        name = rng.choice(_sheet_members(members))
        members[name] = _entity_sheet(members[name], *((BOMB_DOCTYPE, b"&lol8;") if which == "entity bomb"
                                                       else (XXE_DOCTYPE, b"&xxe;")))
        which += f" in {name}"
    elif which in ("entity bomb", "external entity"):
        members["xl/sharedStrings.xml"] = ENTITY_BOMB if which == "entity bomb" else EXTERNAL_ENTITY
        if b"sharedStrings" not in members.get("[Content_Types].xml", b""):
            members["[Content_Types].xml"] = members.get("[Content_Types].xml", b"").replace(
                b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                             b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    elif which == "doctype in sheet":
        sheets = _sheet_members(members)
        if sheets:
            name = rng.choice(sheets)
            members[name] = re.sub(rb"^<\?xml[^>]*\?>", b"", members[name]).replace(
                b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e "x"><!ENTITY e2 "&e;&e;&e;">]><worksheet', 1)
    elif which == "macros":
        members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(512))
        members["[Content_Types].xml"] = members.get("[Content_Types].xml", b"").replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    elif which == "external link":
        members["xl/externalLinks/externalLink1.xml"] = (
            b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
            b"<sheetNames><sheetName val=\"Sheet1\"/></sheetNames></externalBook></externalLink>")
        members["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'externalLinkPath" Target="file:///nonexistent/secret.xlsx" TargetMode="External"/></Relationships>')
    else:
        name = rng.choice(sorted(members))
        members[name] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        which += f" {name}"
    return _zip(members), which


def r_bytes(data: bytes, rng) -> tuple[bytes, str]:
    """Damage the file's bytes: truncate it or flip some bytes."""
    if not data:
        return data, "nothing to damage"
    if rng.random() < 0.5:
        n = rng.randint(0, len(data) - 1)
        return data[:n], f"truncated to {n} of {len(data)} bytes"
    out = bytearray(data)
    directory = rng.random() < 0.4  # the zip's central directory: methods, flags, sizes, offsets
    low = max(0, len(out) - 1500) if directory else 0
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(low, len(out))] = rng.randrange(256)
    return bytes(out), "flipped bytes" + (" in the zip directory" if directory else "")


def r_not_a_workbook(data: bytes, rng) -> tuple[bytes, str]:
    which = rng.choice(["csv", "xls", "empty", "random", "html", "zip of text", "zip of a docx", "zip, no workbook",
                        "gzip", "pdf"])
    if which == "csv":
        return b"id,title,speakers\nT1,Hello,Ada\n", which
    if which == "xls":
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(4000)), which
    if which == "empty":
        return b"", which
    if which == "random":
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000))), which
    if which == "html":
        return b"<html><body><table><tr><td>id</td></tr></table></body></html>", which
    if which == "gzip":
        import gzip
        return gzip.compress(data), which
    if which == "pdf":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF", which
    if which == "zip of text":
        return _zip({"notes.txt": b"hello"}), which
    if which == "zip of a docx":
        return _zip({"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                     b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
                     "word/document.xml": b"<w:document/>"}), which
    return _zip({"[Content_Types].xml": b"<Types/>"}), which


@lru_cache(maxsize=None)
def zip_bomb(unpacked_mb: int = 300) -> bytes:
    """A workbook-shaped zip whose sheet unpacks to ``unpacked_mb`` MB of blanks."""
    members = _members(base_bytes("mini"))
    name = _sheet_members(members)[0]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for n, content in members.items():
            if n != name:
                zf.writestr(n, content)
        with zf.open(name, "w", force_zip64=True) as fh:
            fh.write(members[name].replace(b"</sheetData>", b""))
            block = b" " * (1 << 20)
            for _ in range(unpacked_mb):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def r_zip_bomb(data: bytes, rng) -> tuple[bytes, str]:
    return zip_bomb(), "zip bomb (300 MB sheet)"


RAW = {"cell_xml": r_cell_xml, "sheet_xml": r_sheet_xml, "archive": r_archive, "bytes": r_bytes,
       "not_a_workbook": r_not_a_workbook, "zip_bomb": r_zip_bomb}
DESTRUCTIVE = {"bytes", "not_a_workbook", "zip_bomb"}
RAW_WEIGHTS = {"cell_xml": 6, "sheet_xml": 2, "archive": 3, "bytes": 1.5, "not_a_workbook": 1, "zip_bomb": 0.1}


# -- cases ----------------------------------------------------------------------------


def random_case(rng: random.Random) -> Case:
    base = rng.choices(BASES, BASE_WEIGHTS)[0]
    names = list(MUTATIONS) + list(RAW)
    weights = [MUTATION_WEIGHTS[n] for n in MUTATIONS] + [RAW_WEIGHTS[n] for n in RAW]
    k = rng.choices([1, 2, 3, 4], [5, 3, 2, 1])[0]
    return Case(base, [(name, rng.randrange(2**32)) for name in rng.choices(names, weights, k=k)])


def build(case: Case) -> tuple[bytes, list[str]]:
    """The bytes of the mutated workbook and what was done."""
    data = base_bytes(case.base)
    notes = []
    content = [(m, s) for m, s in case.steps if m in MUTATIONS]
    raw = [(m, s) for m, s in case.steps if m in RAW]
    if content:
        wb = load_workbook(io.BytesIO(data))
        for m, s in content:
            notes.append(MUTATIONS[m](wb, random.Random(s)))
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    for m, s in sorted(raw, key=lambda step: step[0] in DESTRUCTIVE):  # file-level damage last
        try:
            data, note = RAW[m](data, random.Random(s))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            note = f"{m} skipped: not a readable zip ({exc})"
        notes.append(note)
    return data, notes


# -- the verdict ----------------------------------------------------------------------


@dataclass
class Verdict:
    outcome: str
    detail: str = ""
    exit_code: int | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


LOCATED = re.compile(r"^  - (?P<where>[^:]+?): .+", re.S)


def verdict(path: Path, out_dir: Path, time_limit: float = 1.0, extra_args: list[str] | None = None) -> Verdict:
    """Run ``sessionplan solve`` on ``path`` in process and judge what it did.

    contract error: exit 2, every problem located (sheet, row, column or the file), nothing
    written. valid schedule: exit 0, and the evaluator, reading the written JSON and the
    written workbook back against the input, finds every talk placed and no hard violation.
    no schedule: exit 1 with status infeasible/unknown and an explanation. Anything else
    (an exception, a hard violation, an output when the input was refused, a changed input)
    is a failure.
    """
    import time as _time

    from typer.testing import CliRunner

    import sessionplan as sp
    from sessionplan.cli import app

    before = hashlib.sha256(path.read_bytes()).hexdigest()
    t0 = _time.perf_counter()
    args = ["solve", str(path), "--out", str(out_dir), "--time-limit", str(time_limit), "--workers", "1", "--quiet",
            *(extra_args or [])]
    result = CliRunner().invoke(app, args, catch_exceptions=True)
    seconds = _time.perf_counter() - t0
    if hashlib.sha256(path.read_bytes()).hexdigest() != before:
        return Verdict("broken promise", "the input workbook was modified", result.exit_code, seconds)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(*result.exc_info))
        return Verdict("traceback", tb, result.exit_code, seconds)
    out = result.output
    if "Traceback" in out:
        return Verdict("traceback", out, result.exit_code, seconds)
    written = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
    if result.exit_code == 2:
        problems = [line for line in out.splitlines() if line.startswith("  - ")]
        unlocated = [p for p in problems if not LOCATED.match(p)]
        if written:
            return Verdict("broken promise", f"exit 2 but wrote {written}", 2, seconds)
        if not problems or unlocated:
            return Verdict("broken promise", f"exit 2 without located problems: {out[-2000:]}", 2, seconds)
        return Verdict("contract error", problems[0][4:200], 2, seconds, {"problems": len(problems)})
    if result.exit_code not in (0, 1):
        return Verdict("broken promise", f"exit code {result.exit_code}: {out[-2000:]}", result.exit_code, seconds)
    js = out_dir / "schedule.json"
    if not js.exists():
        return Verdict("broken promise", f"exit {result.exit_code} but no schedule.json: {written}", result.exit_code,
                       seconds)
    doc = json.loads(js.read_text(encoding="utf-8"))
    if result.exit_code == 1:
        if doc["assignments"] or doc["status"] not in ("infeasible", "unknown") or "explanation" not in doc:
            return Verdict("broken promise", f"exit 1 with status {doc['status']}", 1, seconds)
        return Verdict("no schedule", f"{doc['status']}: {doc.get('explanation_summary', '')[:200]}", 1, seconds)
    inst = sp.load(path)
    problems = []
    try:
        for source in (js, out_dir / "schedule.xlsx"):
            ev = sp.score(inst, source)
            placed = {a.talk for a in sp.read_schedule(source, inst)}
            if ev.hard_violations or placed != {t.id for t in inst.talks}:
                problems.append(f"{source.name}: {ev.hard_violations} hard violations "
                                f"{[v.message for v in ev.violations][:3]}, {len(placed)} of {len(inst.talks)} placed")
        reread = sp.load(out_dir / "schedule.xlsx")
    except sp.InputError as exc:
        return Verdict("broken promise", f"an output does not read back: {exc}", 0, seconds)
    if [t.id for t in reread.talks] != [t.id for t in inst.talks]:
        problems.append("the solved workbook does not read back as the same conference")
    if doc["status"] not in ("optimal", "feasible") or doc["score"]["hard_violations"]:
        problems.append(f"status {doc['status']}, JSON hard violations {doc['score']['hard_violations']}")
    if problems:
        return Verdict("hard violations", "; ".join(problems), 0, seconds)
    return Verdict("valid schedule", f"{doc['status']} objective {doc['objective']}", 0, seconds,
                   {"talks": len(inst.talks)})


def copy_case(case: Case) -> Case:
    return Case(case.base, copy.deepcopy(case.steps))
