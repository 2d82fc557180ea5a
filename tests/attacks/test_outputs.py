"""Outputs that cannot be written: ``--out`` an existing file or ``/dev/null``, a read-only
folder, a full disk. Each is one message and exit 3, with the previous outputs intact and
no temporary file left behind.

The read-only folder and the full disk are real: a read-only bind mount and a small tmpfs
in a mount namespace of the process's own (``unshare -rm``), so that even a process run as
root meets EROFS and ENOSPC.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .harness import Case, check_all, needs_unshare, no_temporaries, run_all, snapshot


@pytest.fixture(scope="module")
def places(arena, solved, workshop):
    here = arena / "outputs"
    here.mkdir()
    (here / "a-file.txt").write_text("keep me\n")
    (here / "a-folder.html").mkdir()
    for name in ("ro-empty", "ro-prev", "full-prev", "full-empty"):
        (here / name).mkdir()
    for name in ("ro-prev", "full-prev"):
        for f in ("schedule.json", "schedule.xlsx"):
            shutil.copyfile(solved / f, here / name / f)
    shutil.copyfile(workshop, here / "ro-prev" / "conference.xlsx")
    return here


def _read_only(folder: Path) -> str:
    return f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && exec {{cmd}}"


def _full(folder: Path, report: Path) -> str:
    """A 512 kB tmpfs over ``folder`` holding its files, then filled up; the command runs, then
    the files' hashes are reported outside the namespace."""
    keep = report.with_suffix(".keep")
    return (f"cp -a {folder}/. {keep}/ && mount -t tmpfs -o size=512k none {folder} && cp -a {keep}/. {folder}/ && "
            f"(dd if=/dev/zero of={folder}/.filler bs=4k 2>/dev/null; true) && {{cmd}}; rc=$?; "
            f"rm -f {folder}/.filler; (cd {folder} && ls -A && sha256sum *) > {report} 2>&1; exit $rc")


def cases(places: Path, workshop: Path, solved: Path) -> list[Case]:
    schedule = solved / "schedule.json"
    camp = FIXTURES / "camp2019_day2.json"
    ins = (workshop, schedule)
    here = places
    out = [
        Case("solve --out a regular file", ["solve", str(workshop), "--out", str(here / "a-file.txt"), "-q"], here,
             (3,), ("not a folder",), ins + (here / "a-file.txt",)),
        Case("solve --out /dev/null", ["solve", str(workshop), "--out", "/dev/null", "-q"], here, (3,),
             ("character device",), ins),
        Case("export --out /dev/null", ["export", str(workshop), str(schedule), "--out", "/dev/null",
                                        "--format", "ics"], here, (3,), ("character device",), ins),
        Case("export --out a folder", ["export", str(workshop), str(schedule), "--out", str(here / "a-folder.html")],
             here, (3,), ("is a folder",), ins),
        Case("import --out /dev/null", ["import", str(camp), "--out", "/dev/null", "--force"], here, (3,),
             ("character device",), (camp,)),
        Case("init /dev/null", ["init", "/dev/null", "--force"], here, (3,), ("character device",)),
        Case("compare --out /dev/null", ["compare", str(workshop), str(schedule), "--out", "/dev/null"], here, (3,),
             ("character device",), ins),
        Case("topics --write --out /dev/null", ["topics", str(workshop), "--write", "--out", "/dev/null", "--force"],
             here, (3,), ("character device",), ins),
    ]
    ro_empty, ro_prev = here / "ro-empty", here / "ro-prev"
    for name, args, folder in (
        ("solve", ["solve", str(workshop), "--out", str(ro_empty), "-q"], ro_empty),
        ("solve --replace", ["solve", str(workshop), "--out", str(ro_prev), "-q", "--replace"], ro_prev),
        ("export", ["export", str(workshop), str(schedule), "--out", str(ro_empty / "p.html")], ro_empty),
        ("import", ["import", str(camp), "--out", str(ro_empty / "camp.xlsx")], ro_empty),
        ("init", ["init", str(ro_empty / "new.xlsx")], ro_empty),
        ("compare --out", ["compare", str(workshop), str(schedule), "--out", str(ro_empty / "c.xlsx")], ro_empty),
        ("topics --write (backup)", ["topics", str(ro_prev / "conference.xlsx"), "--write"], ro_prev),
    ):
        out.append(Case(f"read-only folder: {name}", args, here, (3,), ("read-only",),
                        ins + (camp, *(p for p in folder.iterdir())), shell=_read_only(folder)))
    full_prev, full_empty = here / "full-prev", here / "full-empty"
    for name, args, folder in (
        ("solve --replace", ["solve", str(workshop), "--out", str(full_prev), "-q", "--replace"], full_prev),
        ("export", ["export", str(workshop), str(schedule), "--out", str(full_empty / "p.html")], full_empty),
        ("import", ["import", str(camp), "--out", str(full_empty / "camp.xlsx")], full_empty),
        ("init", ["init", str(full_empty / "new.xlsx")], full_empty),
    ):
        report = here / f"report-{name.split()[0]}.txt"
        report.with_suffix(".keep").mkdir()
        out.append(Case(f"full disk: {name}", args, here, (3,), ("no space left",), ins + (camp,),
                        shell=_full(folder, report)))
    return out


@needs_unshare
def test_outputs_that_cannot_be_written_are_one_message_and_exit_3(places, workshop, solved):
    before = {name: snapshot(places / name) for name in ("ro-empty", "ro-prev", "full-prev", "full-empty")}
    results = run_all(cases(places, workshop, solved))
    check_all(results)
    # the read-only folders are as they were; nothing was written outside either
    for name in ("ro-empty", "ro-prev", "full-prev", "full-empty"):
        assert snapshot(places / name) == before[name], name
    assert (places / "a-file.txt").read_text() == "keep me\n"
    # on the full disk: the previous pair intact, no temporary file, nothing new
    prev = (places / "report-solve.txt").read_text()
    for f in ("schedule.json", "schedule.xlsx"):
        assert f"{snapshot(solved)[f]}  {f}" in prev, prev
    for report in places.glob("report-*.txt"):
        text = report.read_text()
        assert ".tmp" not in text and "p.html" not in text and "camp.xlsx" not in text and "new.xlsx" not in text, text
    assert not no_temporaries(places)
