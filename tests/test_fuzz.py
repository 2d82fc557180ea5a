"""Whatever an organizer's workbook holds, ``sessionplan solve`` ends in a valid schedule,
an explained "no schedule" (exit 1), or the contract's error (exit 2, every problem
located, nothing written); never a traceback, never a schedule breaking a hard rule, and
the input file is never changed.

A hypothesis campaign over mutated workbooks (tests/fuzz_cases.py; the long run is
benchmarks/fuzz_workbooks.py), then one regression test per fault the campaign found and
per hostile file kind.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import contextlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app

from .conftest import MINI, write_book
from .fuzz_cases import (BOMB_DOCTYPE, ENTITY_BOMB, EXTERNAL_ENTITY, MUTATIONS, RAW, XXE_DOCTYPE, Case, _entity_sheet,
                         _members, _sheet_members, _zip, build, verdict, zip_bomb)
from .helpers import cpu_seconds

ACCEPTABLE = ("valid schedule", "contract error", "no schedule")


@st.composite
def cases(draw) -> Case:
    base = draw(st.sampled_from(["mini", "multi", "synthetic", "solved"]))
    names = sorted(n for n in [*MUTATIONS, *RAW] if n not in ("big_sheet", "zip_bomb"))  # both have own tests
    steps = draw(st.lists(st.tuples(st.sampled_from(names), st.integers(0, 2**32 - 1)), min_size=1, max_size=3))
    return Case(base, steps)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_fuzzed_workbooks_end_in_a_schedule_or_the_contract_error(case):
    data, notes = build(case)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "conference.xlsx"
        path.write_bytes(data)
        v = verdict(path, Path(tmp) / "out", time_limit=1.0)
    assert v.outcome in ACCEPTABLE, f"{case.describe()}\n{notes}\n{v.outcome}: {v.detail}"


# -- helpers -------------------------------------------------------------------------


def run_solve(path: Path, out: Path, *args: str):
    return CliRunner().invoke(app, ["solve", str(path), "--out", str(out), "--workers", "1", "--time-limit", "10",
                                    "--quiet", *args])


def problems_of(path: Path, **kw) -> list[sp.Problem]:
    with pytest.raises(sp.InputError) as info:
        sp.load(path, **kw)
    return info.value.problems


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mini_book(tmp_path: Path, edit=None, name: str = "conf.xlsx") -> Path:
    """MINI with T1's duration given (30), so that the cell exists in the file."""
    sheets = {**MINI, "Talks": [list(r) for r in MINI["Talks"]]}
    sheets["Talks"][0][3] = 30
    path = write_book(tmp_path / name, sheets)
    if edit is not None:
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path


def with_member(path: Path, member: str, content: bytes) -> Path:
    members = _members(path.read_bytes())
    members[member] = content
    path.write_bytes(_zip(members))
    return path


def sheet_member(path: Path, sheet: str) -> str:
    wb = load_workbook(path, read_only=True)
    index = wb.sheetnames.index(sheet)
    wb.close()
    return _sheet_members(_members(path.read_bytes()))[index]


def replace_cell_xml(path: Path, sheet: str, ref: str, xml: bytes) -> Path:
    """Replace the XML of cell ``ref`` of ``sheet`` (as openpyxl wrote it)."""

    member = sheet_member(path, sheet)
    content = _members(path.read_bytes())[member]
    new, n = re.subn(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % ref.encode(), xml, content, count=1, flags=re.S)
    assert n == 1
    return with_member(path, member, new)


# -- regressions: each fault the campaign found ------------------------------------------


def test_workbook_text_is_never_console_markup(tmp_path):
    """A speaker named '[/]' crashed the CLI (rich parsed messages as markup)."""
    path = mini_book(tmp_path, lambda wb: wb["Talks"].cell(row=2, column=3, value="[/]x :warning:"))
    result = run_solve(path, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "unknown speaker '[/]x :warning:'" in result.output


def test_a_sheet_of_identical_slots_is_reported_once_per_row_and_quickly(tmp_path):
    """10,000 copies of one slot row took minutes and millions of problems (every pair)."""
    rows = MINI["Slots"][:1] * 10_000
    path = write_book(tmp_path / "conf.xlsx", {**MINI, "Slots": rows})
    with cpu_seconds() as spent:
        problems = problems_of(path)
    assert spent.seconds < 15
    assert len(problems) == 9_999
    assert all(p.sheet == "Slots" and p.column == "start" and "overlaps row 2" in p.message for p in problems)


@pytest.mark.parametrize("weight,words", [(1e-9, "at most 3 decimals"), (1 / 3, "at most 3 decimals"),
                                          (1e300, "at most 10000000")])
def test_weights_the_objective_cannot_hold_exactly_are_refused(weight, words, tmp_path):
    """A weight of 1e-9 crashed the model builder (inexact objective coefficient)."""
    path = write_book(tmp_path / "conf.xlsx", {**MINI, "Weights": [["topic_cohesion", weight]]})
    (p,) = problems_of(path)
    assert (p.sheet, p.row, p.column) == ("Weights", 2, "weight") and words in p.message


@pytest.mark.parametrize("value", [b"NaN", b"inf", b"1e999"])
def test_nan_and_infinite_numbers_are_refused_at_their_row(value, tmp_path):
    """Excel never writes them, other programs may. A value openpyxl cannot parse at all
    ("NaN" is no number to it) is reported as damage from that row on."""
    path = mini_book(tmp_path, lambda wb: wb["Weights"].append(["topic_cohesion", 1]))
    replace_cell_xml(path, "Talks", "D2", b'<c r="D2" t="n"><v>%s</v></c>' % value)
    replace_cell_xml(path, "Weights", "B2", b'<c r="B2" t="n"><v>%s</v></c>' % value)
    found = {(p.sheet, p.row): p for p in problems_of(path)}
    assert set(found) == {("Talks", 2), ("Weights", 2)}
    assert found[("Talks", 2)].column in ("duration", None) and found[("Weights", 2)].column in ("weight", None)


@pytest.mark.parametrize("sheet,row,column", [("Talks", 2, "audience"), ("Rooms", 2, "capacity")])
def test_huge_head_counts_are_refused(sheet, row, column, tmp_path):
    """Audiences beyond 64-bit objective coefficients made the CP-SAT model invalid."""
    sheets = {**MINI, "Talks": [list(r) for r in MINI["Talks"]], "Rooms": [list(r) for r in MINI["Rooms"]]}
    if sheet == "Talks":
        sheets["Talks"][0][7] = 10**15
    else:
        sheets["Rooms"][0][1] = 10**15
    (p,) = problems_of(write_book(tmp_path / "conf.xlsx", sheets))
    assert (p.sheet, p.row, p.column) == (sheet, row, column) and "at most 100000" in p.message


def test_talk_ids_with_spaces_survive_the_solved_workbook(tmp_path):
    """A talk id with a space was not recognised in the day grids: re-reading the solved
    workbook lost the talk ("not scheduled")."""
    sheets = {**MINI, "Talks": [list(r) for r in MINI["Talks"]]}
    sheets["Talks"][0][0] = "Keynote 1 ☃"
    sheets["Talks"][1][0] = "2027-03-08 09:00"
    path = write_book(tmp_path / "conf.xlsx", sheets)
    assert run_solve(path, tmp_path / "out").exit_code == 0
    inst = sp.load(path)
    placed = {a.talk for a in sp.read_schedule(tmp_path / "out" / "schedule.xlsx", inst)}
    assert placed == {"Keynote 1 ☃", "2027-03-08 09:00", "T3", "T4"}
    assert sp.score(inst, tmp_path / "out" / "schedule.xlsx").hard_violations == 0


def test_text_that_looks_like_a_formula_stays_text_in_the_solved_workbook(tmp_path):
    """A title '=HYPERLINK(...)' (text in the input) was written as a live formula."""
    title = '=HYPERLINK("http://example.invalid","click")'

    def edit(wb):
        cell = wb["Talks"].cell(row=2, column=2, value=title)
        cell.data_type = "s"

    path = mini_book(tmp_path, edit)
    assert run_solve(path, tmp_path / "out").exit_code == 0
    solved = tmp_path / "out" / "schedule.xlsx"
    wb = load_workbook(solved)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [t.title for t in sp.load(solved).talks if t.id == "T1"] == [title]


def test_a_number_in_a_date_column_is_not_a_date_of_1899(tmp_path):
    """Serial 1 (1899-12-31) was accepted and written as a date Excel cannot hold."""
    sheets = {**MINI, "Slots": [list(r) for r in MINI["Slots"]]}
    sheets["Slots"][2][0] = 1
    (p,) = problems_of(write_book(tmp_path / "conf.xlsx", sheets))
    assert (p.sheet, p.row, p.column) == ("Slots", 4, "day") and "before 1900-03-01" in p.message


def test_hard_before_cycle_is_an_input_error_soft_cycle_is_not(tmp_path):
    rows = [["before", "T1", "T2", None, None], ["before", "T2", "T3", None, None], ["before", "T3", "T1", None, None]]
    path = write_book(tmp_path / "conf.xlsx", {**MINI, "Constraints": rows})
    result = run_solve(path, tmp_path / "out")
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert "Constraints, row 4, column 'target': hard 'before' rows form a cycle" in result.output
    assert "T1 before T2 (row 2), T2 before T3 (row 3), T3 before T1 (row 4)" in result.output
    rows[1][3] = "no"
    path = write_book(tmp_path / "soft.xlsx", {**MINI, "Constraints": rows})
    assert run_solve(path, tmp_path / "out2").exit_code == 0


def test_two_sheets_named_alike_are_an_error(tmp_path):
    def edit(wb):
        wb.copy_worksheet(wb["Talks"]).title = " talks "
    (p,) = problems_of(mini_book(tmp_path, edit))
    assert p.sheet == "Talks" and "2 sheets are named like 'Talks'" in p.message


# -- formulas, macros, links: never evaluated, run or followed -------------------------


def test_formula_cells_read_as_saved_values_and_named_when_none_is_saved(tmp_path):
    path = mini_book(tmp_path)
    # duration of T1: a formula Excel saved with its value 60; title of T2: a formula never calculated
    replace_cell_xml(path, "Talks", "D2", b'<c r="D2"><f>20*3</f><v>60</v></c>')
    replace_cell_xml(path, "Talks", "B3", b'<c r="B3"><f>UPPER(A3)</f></c>')
    (p,) = problems_of(path)
    assert (p.sheet, p.row, p.column) == ("Talks", 3, "title")
    assert "formula without a saved value" in p.message and "never evaluates" in p.message
    replace_cell_xml(path, "Talks", "B3", b'<c r="B3" t="str"><f>UPPER(A3)</f><v>SAVED TITLE</v></c>')
    inst = sp.load(path)
    assert inst.talk_by_id["T1"].duration == 60 and inst.talk_by_id["T2"].title == "SAVED TITLE"


def test_a_row_holding_only_a_formula_without_value_is_not_blank(tmp_path):
    """Such a row was skipped as blank (its value reads as None)."""
    path = mini_book(tmp_path, lambda wb: wb["Weights"].append(["topic_cohesion", 1]))
    replace_cell_xml(path, "Weights", "A2", b'<c r="A2"><f>B9</f></c>')
    replace_cell_xml(path, "Weights", "B2", b'<c r="B2"><f>B9*2</f></c>')
    found = {(p.sheet, p.row, p.column) for p in problems_of(path) if "formula without a saved value" in p.message}
    assert found == {("Weights", 2, "term"), ("Weights", 2, "weight")}


def test_excel_error_values_are_named(tmp_path):
    path = mini_book(tmp_path)
    replace_cell_xml(path, "Rooms", "B2", b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    (p,) = problems_of(path)
    assert (p.sheet, p.row, p.column) == ("Rooms", 2, "capacity") and "Excel error #DIV/0!" in p.message


def test_external_link_and_macros_are_neither_followed_nor_run(tmp_path):
    """An .xlsm with a vbaProject and an external link: read as data, with warnings."""
    path = mini_book(tmp_path, name="conf.xlsm")
    members = _members(path.read_bytes())
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    members["xl/externalLinks/externalLink1.xml"] = (
        b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        b"</externalLink>")
    members["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'externalLinkPath" Target="file:///nonexistent/secret.xlsx" TargetMode="External"/></Relationships>')
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    path.write_bytes(_zip(members))
    replace_cell_xml(path, "Rooms", "B2", b'<c r="B2"><f>[1]Sheet1!A1</f><v>77</v></c>')
    before = sha(path)
    warnings = sp.errors.Problems()
    inst = sp.load(path, warnings=warnings)
    assert inst.rooms[0].capacity == 77  # the value saved in this file, not fetched
    text = " ".join(str(w) for w in warnings.warnings)
    assert "macros; they are ignored" in text and "never followed" in text
    result = run_solve(path, tmp_path / "out")
    assert result.exit_code == 0 and sha(path) == before


# -- hostile and damaged files ----------------------------------------------------------


def _corrupt(kind: str, path: Path) -> Path:
    good = path.read_bytes()
    if kind == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif kind == "csv renamed":
        path.write_text("id,title,speakers\nT1,Hello,Ada\n")
    elif kind == "xls renamed":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "zip of text":
        path.write_bytes(_zip({"notes.txt": b"hello"}))
    elif kind == "missing workbook part":
        members = _members(good)
        del members["xl/workbook.xml"]
        path.write_bytes(_zip(members))
    elif kind == "damaged sheet XML":
        member = sheet_member(path, "Talks")
        with_member(path, member, _members(good)[member][:300])
    elif kind == "flipped deflate bytes":
        data = bytearray(good)
        info = zipfile.ZipFile(io.BytesIO(good)).getinfo(sheet_member(path, "Talks"))
        start = info.header_offset + 30 + len(info.filename) + 10
        for i in range(start, start + 40):
            data[i] ^= 0x5A
        path.write_bytes(bytes(data))
    elif kind in ("unknown compression method", "encrypted part"):
        data = bytearray(good)  # the central directory entry of docProps/core.xml
        entry = good.rfind(b"PK\x01\x02", 0, good.rfind(b"docProps/core.xml"))
        if kind == "encrypted part":
            data[entry + 8] |= 1  # general purpose flag, bit 0: encrypted
        else:
            data[entry + 10] = 99  # a compression method zipfile does not know
        path.write_bytes(bytes(data))
    elif kind in ("entity bomb", "external entity"):
        member = sheet_member(path, "Talks")
        doctype = (BOMB_DOCTYPE, b"&lol8;") if kind == "entity bomb" else (XXE_DOCTYPE, b"&xxe;")
        with_member(path, member, _entity_sheet(_members(good)[member], *doctype))
    elif kind in ("shared-string entity bomb", "shared-string external entity"):
        members = _members(good)
        members["xl/sharedStrings.xml"] = ENTITY_BOMB if "bomb" in kind else EXTERNAL_ENTITY
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/'
                                 b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                         b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        path.write_bytes(_zip(members))
    return path


@pytest.mark.parametrize("kind", ["truncated", "csv renamed", "xls renamed", "empty", "zip of text",
                                  "missing workbook part", "damaged sheet XML", "flipped deflate bytes",
                                  "unknown compression method", "encrypted part",
                                  "entity bomb", "external entity", "shared-string entity bomb",
                                  "shared-string external entity"])
def test_damaged_and_hostile_files_are_a_located_error(kind, tmp_path):
    path = _corrupt(kind, mini_book(tmp_path))
    before = sha(path)
    result = run_solve(path, tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "conf.xlsx" in result.output or "Talks" in result.output
    assert "root:" not in result.output  # /etc/passwd never read into a message
    if kind == "xls renamed":
        assert "an old .xls file, or a workbook protected by a password" in result.output
    if "entity" in kind:
        assert "declares XML entities or a document type, which are refused" in result.output
    assert not (tmp_path / "out").exists() and sha(path) == before


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb())
    assert path.stat().st_size < 2_000_000
    with cpu_seconds() as spent:
        (p,) = problems_of(path)
    assert spent.seconds < 1.0
    assert p.sheet == "bomb.xlsx" and "unpacked" in p.message and "MB" in p.message


def test_size_limits_are_configurable(tmp_path, monkeypatch):
    path = write_book(tmp_path / "conf.xlsx", {**MINI, "Speakers": MINI["Speakers"] + [[f"Extra {i}", None, None, None]
                                                                                      for i in range(300)]})
    assert len(sp.load(path).speakers) == 304
    (p,) = problems_of(path, limits=sp.Limits.from_env(max_rows=100))
    assert (p.sheet, p.row) == ("Speakers", 102) and "more than 100 filled rows" in p.message
    monkeypatch.setenv("SESSIONPLAN_MAX_ROWS", "50")
    result = run_solve(path, tmp_path / "out")
    assert result.exit_code == 2 and "more than 50 filled rows" in result.output
    result = run_solve(path, tmp_path / "out", "--max-rows", "400")
    assert result.exit_code == 0
    monkeypatch.setenv("SESSIONPLAN_MAX_FILE_MB", "0.001")
    (p,) = problems_of(path)
    assert p.sheet == "conf.xlsx" and "more than the limit of 0.001 MB" in p.message
    monkeypatch.setenv("SESSIONPLAN_MAX_FILE_MB", "lots")
    (p,) = problems_of(path)
    assert "SESSIONPLAN_MAX_FILE_MB must be a positive number" in p.message


def test_ten_thousand_row_sheets_are_read_in_seconds(tmp_path):
    sheets = {**MINI, "Speakers": MINI["Speakers"] + [[f"Extra {i}", "U", None, None] for i in range(10_000)],
              "Constraints": [["forbid", "T1", "Mon-2", "no", 1]] * 10_000}
    path = write_book(tmp_path / "conf.xlsx", sheets)
    with cpu_seconds() as spent:
        inst = sp.load(path)
    assert spent.seconds < 10
    assert len(inst.speakers) == 10_004 and len(inst.constraints) == 10_000


@pytest.mark.parametrize("xml,what", [
    (b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>', "a cell in the last row and column"),
    (b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>late</t></is></c></row>', "a row far below"),
])
def test_far_away_cells_neither_hang_nor_exhaust_memory(xml, what, tmp_path):
    path = mini_book(tmp_path)
    member = sheet_member(path, "Speakers")
    content = _members(path.read_bytes())[member].replace(b"</sheetData>", xml + b"</sheetData>")
    content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', content)
    with_member(path, member, content)
    with cpu_seconds() as spent, contextlib.suppress(sp.InputError):
        sp.load(path)
    assert spent.seconds < 10, what


def test_input_never_modified_by_any_command(tmp_path):
    path = mini_book(tmp_path)
    before = sha(path)
    runner = CliRunner()
    assert run_solve(path, tmp_path / "out").exit_code == 0
    schedule = tmp_path / "out" / "schedule.json"
    for args in (["check", str(path)], ["score", str(path), str(schedule)],
                 ["export", str(path), str(schedule), "--out", str(tmp_path / "p.html")],
                 ["compare", str(path), str(schedule), str(tmp_path / "out" / "schedule.xlsx")]):
        assert runner.invoke(app, args).exit_code == 0, args
    assert sha(path) == before
    assert json.loads(schedule.read_text())["solve"]["input_sha256"] == before


def test_excel_dates_and_times_and_a_merged_note_row(tmp_path):
    """Dates and times as Excel values solve; a merged note row below the talks is named."""
    slots = [[datetime.fromisoformat(d), datetime.strptime(a, "%H:%M").time(), datetime.strptime(b, "%H:%M").time(),
              label, rooms] for d, a, b, label, rooms in MINI["Slots"]]
    path = write_book(tmp_path / "conf.xlsx", {**MINI, "Slots": slots})
    assert run_solve(path, tmp_path / "out").exit_code == 0
    wb = load_workbook(path)
    wb["Talks"].append(["note: more talks to come"])
    wb["Talks"].merge_cells("A6:C6")
    wb.save(path)
    problems = problems_of(path)
    assert {(p.sheet, p.row, p.column) for p in problems} == {("Talks", 6, "title"), ("Talks", 6, "speakers")}


def test_a_solved_workbook_with_a_far_cell_in_its_day_grid_is_scored_quickly(tmp_path):
    """The schedule reader (score, compare, export, baseline) reads day grids bounded too."""
    path = mini_book(tmp_path)
    assert run_solve(path, tmp_path / "out").exit_code == 0
    solved = tmp_path / "out" / "schedule.xlsx"
    grid = next(n for n in load_workbook(solved, read_only=True).sheetnames if n.startswith("Day "))
    member = sheet_member(solved, grid)
    content = _members(solved.read_bytes())[member]
    content = content.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
                                               b"</sheetData>")
    content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', content)
    with_member(solved, member, content)
    with cpu_seconds() as spent:
        assert sp.score(sp.load(path), solved).hard_violations == 0
    assert spent.seconds < 10


# -- published programmes (frab XML/JSON, pretalx): the importers face the same files -----


FIXTURES = Path(__file__).parent / "fixtures"
DOCTYPES = [b'<!DOCTYPE schedule [<!ENTITY a "x"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b'<!DOCTYPE schedule [<!ENTITY s SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE schedule SYSTEM "http://example.invalid/frab.dtd">']


@st.composite
def published(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(["31c3_night.xml", "camp2019_day2.json", "pyconfr2024_widget_small.json"]))
    data = (FIXTURES / name).read_bytes()
    kind = draw(st.sampled_from(["truncate", "flip", "doctype", "replace text", "drop element"]))
    rng_seed = draw(st.integers(0, 2**32 - 1))
    import random

    rng = random.Random(rng_seed)
    if kind == "truncate":
        data = data[: rng.randrange(len(data))]
    elif kind == "flip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 10)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        data = bytes(b)
    elif kind == "doctype" and name.endswith(".xml"):
        data = re.sub(rb"<schedule", rng.choice(DOCTYPES) + b"<schedule", data, count=1)
        data = re.sub(rb"<title>[^<]*</title>", b"<title>&b;&s;</title>", data, count=1)
    elif kind == "replace text":
        spots = list(re.finditer(rb">([^<>]+)<" if name.endswith(".xml") else rb'"([^"\\]{1,40})"', data))
        if spots:
            m = rng.choice(spots)
            value = rng.choice([b"", b"-5", b"99:99", b"9999-99-99", b"1e999", b"NaN", "日本語 🎉".encode(),
                                b"x" * 40000, b"2020-01-01T25:00:00+01:00", b"&amp;"])
            data = data[: m.start(1)] + value + data[m.end(1):]
    elif kind == "drop element" and name.endswith(".xml"):
        tags = list(re.finditer(rb"<(\w+)[^>]*>[^<]*</\1>", data))
        if tags:
            m = rng.choice(tags)
            data = data[: m.start()] + data[m.end():]
    return name, data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(published())
def test_mutated_published_programmes_import_or_are_refused_with_located_problems(case):
    pytest.importorskip("sessionplan.io.frab")
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / name, Path(tmp) / "conf.xlsx"
        src.write_bytes(data)
        result = CliRunner().invoke(app, ["import", str(src), "--out", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 2), result.output
        assert "root:" not in result.output
        if result.exit_code == 2:
            assert not out.exists() and name in result.output
        else:
            assert sp.load(out).talks
