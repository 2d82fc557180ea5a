"""Files that are not files: every input path of every command, given a FIFO, a socket,
a device (also behind a symbolic link), a folder or a 2 GB sparse file.

Each must end at once with exit 2 and a message naming what the path is: no hang (a FIFO
without a writer blocks a plain ``open``), no unbounded read (``/dev/zero`` never ends; the
sparse file is refused by its size before a byte is read).
"""

from __future__ import annotations

import os
import socket

import pytest

from .harness import Case, check_all, run_all

KINDS = {
    "fifo": "named pipe",
    "zero-link": "character device",
    "socket": "socket",
    "folder": "folder",
    "sparse": "the limit of 50 MB",
    "missing": "file not found",
}


@pytest.fixture(scope="module")
def specials(arena):
    """For each kind and suffix, a path of that kind: ``fifo.xlsx``, ``zero-link.json`` ..."""
    here = arena / "specials"
    here.mkdir()
    sockets = []
    paths: dict[tuple[str, str], object] = {}
    for suffix in (".xlsx", ".json", ".xml", ".csv"):
        fifo = here / f"fifo{suffix}"
        os.mkfifo(fifo)
        link = here / f"zero-link{suffix}"
        link.symlink_to("/dev/zero")
        sock_path = here / f"socket{suffix}"
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(sock_path))
        sockets.append(s)
        folder = here / f"folder{suffix}"
        folder.mkdir()
        sparse = here / f"sparse{suffix}"
        with open(sparse, "wb") as fh:
            fh.truncate(2 * 1024**3)
        for kind, path in (("fifo", fifo), ("zero-link", link), ("socket", sock_path), ("folder", folder),
                           ("sparse", sparse), ("missing", here / f"missing{suffix}")):
            paths[(kind, suffix)] = path
    paths[("dev-zero", "")] = "/dev/zero"
    yield paths
    for s in sockets:
        s.close()


def cases(specials, workshop, solved, arena) -> list[Case]:
    out = arena / "not-files-out"
    schedule = solved / "schedule.json"
    cmds = {
        "check": lambda p: ["check", p],
        "solve": lambda p: ["solve", p, "--out", str(out / "solve"), "-q", "--time-limit", "20"],
        "baseline": lambda p: ["solve", str(workshop), "--baseline", p, "--out", str(out / "base"), "-q"],
        "score": lambda p: ["score", str(workshop), p],
        "export": lambda p: ["export", str(workshop), p, "--out", str(out / "x.html")],
        "export-book": lambda p: ["export", p, "--out", str(out / "y.ics")],
        "compare": lambda p: ["compare", str(workshop), str(schedule), p],
        "explain": lambda p: ["explain", str(workshop), "--baseline", p],
        "import": lambda p: ["import", p, "--out", str(out / "imported.xlsx")],
        "topics": lambda p: ["topics", p],
    }
    suffix_of = {"check": ".xlsx", "solve": ".xlsx", "export-book": ".xlsx", "topics": ".xlsx", "baseline": ".json",
                 "score": ".json", "export": ".json", "compare": ".json", "explain": ".json"}
    every_kind = {"check", "score", "import", "baseline"}
    out_cases = []
    for cmd, argv in cmds.items():
        for kind, words in KINDS.items():
            if cmd not in every_kind and kind not in ("fifo", "zero-link"):
                continue
            suffixes = [".json", ".xml", ".csv"] if kind in ("fifo", "zero-link") else [".json"]
            for suffix in ([suffix_of[cmd]] if cmd != "import" else suffixes):
                path = str(specials[(kind, suffix)])
                out_cases.append(Case(f"{cmd} {kind}{suffix}", argv(path), arena, (2,), (words,),
                                      inputs=(workshop, schedule)))
    out_cases.append(Case("check /dev/zero", ["check", "/dev/zero"], arena, (2,), ("character device",)))
    out_cases.append(Case("import /dev/zero", ["import", "/dev/zero", "--out", str(out / "z.xlsx")], arena, (2,),
                          ("character device",)))
    # the limit raised past the memory the process may use: a clear message, not a traceback
    out_cases.append(Case("check sparse, limit raised", ["check", str(specials[("sparse", ".xlsx")])], arena, (2, 4),
                          ("memory",), env={"SESSIONPLAN_MAX_FILE_MB": "4000"}))
    return out_cases


@pytest.fixture(scope="module")
def results(specials, workshop, solved, arena):
    return run_all(cases(specials, workshop, solved, arena))


def test_every_input_path_refuses_what_is_not_a_file(results, arena):
    check_all(results)
    assert not (arena / "not-files-out").exists(), "something was written"
    assert len(results) >= 40
