"""Lost data: an input is never an output target.

A folder holding only an edited solved workbook ``schedule.xlsx`` (with a sheet of the
organizer's own notes), solved into itself; the same file reached through a hard link, a
symbolic link or another spelling of its path; a baseline inside the output folder; an
export, import, comparison or topics review written over one of its inputs. Each is
refused with exit 3 before any work is done, the input's bytes unchanged, nothing written.
"""

from __future__ import annotations

import os
import shutil

import pytest
from openpyxl import load_workbook

from .conftest import FIXTURES
from .harness import Case, check_all, run_all, snapshot


@pytest.fixture(scope="module")
def folders(arena, solved, workshop):
    here = arena / "lost"
    here.mkdir()
    edited = here / "edited"
    edited.mkdir()
    wb = load_workbook(solved / "schedule.xlsx")
    wb.create_sheet("My notes")["A1"] = "call the caterer"
    wb.save(edited / "schedule.xlsx")
    prev = here / "prev"
    prev.mkdir()
    shutil.copyfile(solved / "schedule.json", prev / "schedule.json")
    shutil.copyfile(solved / "schedule.xlsx", prev / "schedule.prev.xlsx")
    linked = here / "linked"
    linked.mkdir()
    os.link(workshop, linked / "schedule.xlsx")
    symlinked = here / "symlinked"
    symlinked.mkdir()
    (symlinked / "schedule.xlsx").symlink_to(workshop)
    published = here / "published"
    shutil.copytree(solved, published)
    csv = here / "talks.csv"
    csv.write_text("id,title,speakers\nT1,A talk,Ana\n")
    return here


def cases(here, workshop, solved) -> list[Case]:
    s1 = here / "published" / "schedule.json"
    camp = here / "camp.json"
    shutil.copyfile(FIXTURES / "camp2019_day2.json", camp)
    edited = here / "edited"
    return [
        Case("solve an edited schedule.xlsx into its own folder", ["solve", "schedule.xlsx", "--out", ".", "-q"],
             edited, (3,), ("schedule.xlsx is an input",), (edited / "schedule.xlsx",)),
        Case("solve schedule.prev.xlsx into its folder", ["solve", "schedule.prev.xlsx", "--out", ".", "-q"],
             here / "prev", (3,), ("is an input",), (here / "prev" / "schedule.prev.xlsx",)),
        Case("the input hard-linked as the output", ["solve", str(workshop), "--out", str(here / "linked"), "-q"],
             here, (3,), ("is an input", "the same file as"), (workshop,)),
        Case("the input symlinked as the output", ["solve", str(workshop), "--out", str(here / "symlinked"), "-q"],
             here, (3,), ("is an input",), (workshop,)),
        Case("another spelling of the input's folder",
             ["solve", "schedule.xlsx", "--out", "../edited/./", "-q"], edited, (3,), ("is an input",),
             (edited / "schedule.xlsx",)),
        Case("a baseline inside the output folder",
             ["solve", str(workshop), "--baseline", str(s1), "--out", str(here / "published"), "-q"],
             here, (3,), ("is an input",), (workshop, s1)),
        Case("export over the workbook", ["export", str(workshop), str(s1), "--out", str(workshop),
                                          "--format", "html"], here, (3,), ("is an input",), (workshop, s1)),
        Case("export over the schedule", ["export", str(workshop), str(s1), "--out", str(s1), "--format",
                                          "frab-json"], here, (3,), ("is an input",), (workshop, s1)),
        Case("import over its own file", ["import", str(here / "talks.csv"), "--out", str(here / "talks.csv"),
                                          "--force"], here, (3,), ("is an input",), (here / "talks.csv",)),
        Case("import over its own JSON", ["import", str(camp), "--out", str(camp), "--force"], here, (3,),
             ("is an input",), (camp,)),
        Case("compare over the workbook", ["compare", str(workshop), str(s1), "--out", str(workshop)], here, (3,),
             ("is an input",), (workshop, s1)),
        Case("topics --write --out the input", ["topics", str(workshop), "--write", "--out", str(workshop),
                                                "--force"], here, (3,), ("is an input",), (workshop,)),
    ]


def test_an_input_is_never_an_output(folders, workshop, solved):
    before = {name: snapshot(folders / name) for name in ("edited", "prev", "linked", "symlinked", "published")}
    results = run_all(cases(folders, workshop, solved))
    check_all(results)
    for name, files in before.items():
        assert snapshot(folders / name) == files, f"{name}: something was written"
    wb = load_workbook(folders / "edited" / "schedule.xlsx", read_only=True)
    assert "My notes" in wb.sheetnames
