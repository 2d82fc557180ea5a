"""Attacks as a careless or hostile user makes them: real ``sessionplan`` processes.

Every case runs the installed command in a fresh process with a timeout (a hang fails
the case) under ``prlimit --as`` (a virtual memory limit: an unbounded read fails the
case with MemoryError instead of filling the machine). Cheap
cases of a module are started together, two at a time (:func:`run_all`), and checked
one by one: the exit code, the message, no traceback, every input's sha256 unchanged, and
the outputs complete (they read back) or absent.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Virtual memory of each sessionplan process: a workshop solve needs about 1 GB of address space.
MEMORY = int(os.environ.get("SESSIONPLAN_ATTACK_MEMORY", "2500000000"))
#: Seconds before a case counts as a hang.
TIMEOUT = 90
_SCRIPT = Path(sys.executable).with_name("sessionplan")
#: The installed command (what people run), else the module without the working folder on its path.
CLI = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-P", "-m", "sessionplan.cli"]
PARALLEL = 2


PRLIMIT = shutil.which("prlimit")


def _limited(memory: int | None):
    """``resource.setrlimit`` in the child, where ``prlimit`` is missing (a ``preexec_fn`` is
    not safe while other threads run, so ``prlimit`` is preferred)."""
    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return limit


@dataclass
class Case:
    """One attack: the command line, where it runs, what it may and may not do."""

    name: str
    args: list[str]
    cwd: Path
    codes: tuple[int, ...]                 # the exit codes it may end with
    says: tuple[str, ...] = ()             # all of these in its output (case-insensitive)
    inputs: tuple[Path, ...] = ()          # files that must not change
    timeout: float = TIMEOUT
    memory: int | None = MEMORY
    env: dict[str, str] = field(default_factory=dict)
    shell: str | None = None               # run as {cmd} inside this script, in a mount namespace of its own


@dataclass
class Ran:
    case: Case
    code: int
    out: str
    err: str
    seconds: float
    hashes_before: dict[Path, str]

    @property
    def output(self) -> str:
        return self.out + self.err

    def check(self) -> None:
        """Exit code, message, no traceback, inputs unchanged."""
        c = self.case
        assert self.code != -9 and self.code != 124, f"{c.name}: hung (killed after {c.timeout} s)"
        assert "Traceback" not in self.output, f"{c.name}: traceback\n{self.output[-3000:]}"
        assert self.code in c.codes, f"{c.name}: exit {self.code}, expected {c.codes}\n{self.output[-3000:]}"
        low = self.output.casefold()
        for words in c.says:
            assert words.casefold() in low, f"{c.name}: {words!r} not said\n{self.output[-3000:]}"
        for path, before in self.hashes_before.items():
            assert sha256(path) == before, f"{c.name}: input {path} was changed"


def sha256(path: Path) -> str | None:
    try:
        if not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def run(case: Case) -> Ran:
    before = {p: sha256(p) for p in case.inputs}
    env = {**os.environ, "PYTHONFAULTHANDLER": "", "COLUMNS": "200", **case.env}
    argv = [*CLI, *case.args]
    if case.shell is not None:
        argv = ["unshare", "-rm", "sh", "-c", case.shell.format(cmd=" ".join(_quote(a) for a in argv))]
    if case.memory and PRLIMIT:
        argv = [PRLIMIT, f"--as={case.memory}", "--", *argv]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, cwd=case.cwd, env=env, capture_output=True, text=True, timeout=case.timeout,
                              preexec_fn=None if PRLIMIT else _limited(case.memory), errors="backslashreplace",
                              check=False)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code = -9
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
    return Ran(case, code, out, err, time.monotonic() - t0, before)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def run_all(cases: Iterable[Case], parallel: int = PARALLEL) -> dict[str, Ran]:
    """Run cases ``parallel`` at a time (default: the machine's two cores), results by case name."""
    cases = list(cases)
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    with ThreadPoolExecutor(parallel) as pool:
        return {r.case.name: r for r in pool.map(run, cases)}


def check_all(results: dict[str, Ran]) -> None:
    """``Ran.check`` of every case; all failures reported together."""
    failures = []
    for ran in results.values():
        try:
            ran.check()
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, f"{len(failures)} of {len(results)} attacks failed:\n\n" + "\n\n".join(failures)


def snapshot(folder: Path) -> dict[str, str | None]:
    """File name -> sha256 of every file in ``folder`` (hidden temporary files included)."""
    if not folder.is_dir():
        return {}
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def no_temporaries(folder: Path) -> list[str]:
    """Temporary files an interrupted write would leave."""
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] if folder.is_dir() else []


def has_unshare() -> bool:
    """Whether this system lets an unprivileged process mount in its own namespace (a small
    tmpfs for a full disk, a read-only bind mount)."""
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    try:
        probe = ("mount -t tmpfs -o size=64k none /mnt 2>/dev/null || "
                 "mount -t tmpfs -o size=64k none /tmp")
        return subprocess.run(["unshare", "-rm", "sh", "-c", probe], capture_output=True, timeout=10,
                              check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_unshare = pytest.mark.skipif(not has_unshare(), reason="no unprivileged mount namespaces (unshare -rm)")
