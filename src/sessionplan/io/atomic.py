"""Every output file is written here: never over an input, never half, never silently.

Each file is written to a temporary file in the same folder, flushed to disk and
renamed into place, so that a crash (even SIGKILL or a power cut) leaves either the
previous complete file or the new complete one. Files that belong together (a solve's
``schedule.json`` and ``schedule.xlsx``, and the ``.prev`` copies of the ones they
replace) are written with :func:`write_together`: all temporary files are complete before
the first is renamed, so a full disk or a read-only folder replaces nothing.

Before anything is written, each target is checked: an input of the running command
(see ``reading.inputs_protected``) is never an output target, and a target that exists
but is not a regular file (a folder, ``/dev/null``, a FIFO) is refused. Every refusal and
every OS error (read-only folder, full disk, permission denied, a file where a folder
should be) becomes an :class:`~sessionplan.errors.OutputError` with one sentence saying
what could not be written and why; the CLI prints it and exits 3.

:func:`folder_lock` lets one process at a time decide and write in an output folder.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputError
from .reading import input_at, kind_of
from .text import shown

Writer = Callable[[Path], None]

REASONS = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the folder is on a read-only file system",
    errno.EACCES: "permission denied (the folder is not writable)",
    errno.EPERM: "permission denied",
    errno.EFBIG: "the file would be larger than this system allows (ulimit -f)",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.EEXIST: "a file of that name is in the way",
    errno.EIO: "an input/output error of the disk",
}


def os_reason(exc: OSError) -> str:
    """An OS error in words."""
    return REASONS.get(exc.errno or 0, (exc.strerror or str(exc)).lower())


def _failed(what: str, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {what}: {os_reason(exc)}; nothing was replaced "
                       "(previous outputs are intact)")


def check_target(target: Path, *, replacing_input: bool = False) -> None:
    """Refuse a target that is an input of this command or exists and is not a regular file."""
    source = input_at(target)
    if source is not None and not replacing_input:
        same = "" if Path(os.path.abspath(source)) == Path(os.path.abspath(target)) else f" (the same file as {shown(source)})"
        raise OutputError(f"{shown(target)} is an input of this command{same}: it is never written over; "
                          "choose another output name or folder")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _failed(shown(target), exc) from None
    kind = kind_of(st.st_mode)
    if kind is not None:
        raise OutputError(f"{shown(target)} is {kind}, not a file: nothing written")


def output_folder(folder: str | Path) -> Path:
    """``folder`` as a folder to write into (created if missing); OutputError if it cannot be."""
    folder = Path(folder)
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _failed(f"into {shown(folder)}", exc) from None
    if st is not None:
        kind = kind_of(st.st_mode)
        if kind != "a folder":
            raise OutputError(f"{shown(folder)} is {kind or 'a file'}, not a folder: the outputs need a folder "
                              "(--out names the folder); nothing written")
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failed(f"the folder {shown(folder)}", exc) from None
    return folder


def probe_folder(folder: str | Path) -> Path:
    """A file can be made in ``folder`` (or, while it is missing, in the nearest folder above
    it, where it would be made): a read-only folder is refused before the work that would
    end in it, not after. Nothing is left behind."""
    folder = Path(folder)
    if folder.exists():
        output_folder(folder)
    else:
        folder = next((p for p in folder.absolute().parents if p.exists()), Path("/"))
        output_folder(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sessionplan-probe.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _failed(f"into {shown(folder)}", exc) from None
    os.close(fd)
    _discard(Path(tmp))
    return folder


def _file_mode(target: Path) -> int:
    """The mode a plainly created file would get (or the mode of the file replaced)."""
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _temporary(target: Path) -> Path:
    output_folder(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.chmod(tmp, _file_mode(target))
    except OSError as exc:
        raise _failed(shown(target), exc) from None
    return Path(tmp)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: str | Path, *, replacing_input: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    OutputError (nothing replaced) when the target is refused or the OS cannot write it.
    ``replacing_input``: the command edits its input in place on purpose (after a backup).
    """
    target = Path(target)
    check_target(target, replacing_input=replacing_input)
    tmp = _temporary(target)
    try:
        try:
            yield tmp
            _fsync(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise _failed(shown(target), exc) from None
        _fsync_folder(target.parent)
    finally:
        _discard(tmp)


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # a read-only folder where the temporary file could be made after all: nothing to do


def write_text(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with(target: str | Path, writer: Writer, *, replacing_input: bool = False) -> None:
    """Call ``writer(tmp_path)`` and move the result into place."""
    with atomic_path(target, replacing_input=replacing_input) as tmp:
        writer(tmp)


def write_together(files: dict[Path, Writer], *, replacing_input: Path | None = None) -> list[Path]:
    """Write several files as one unit: every temporary file complete and on disk before the
    first rename, so that an error while writing replaces none of them. The renames follow in
    the order given (a crash between two renames leaves complete files of two runs, which the
    run id they carry tells apart). ``replacing_input``: the one target that is an input
    edited in place on purpose (after its backup, given first). Returns the targets."""
    targets = [Path(t) for t in files]
    for t in targets:
        check_target(t, replacing_input=replacing_input is not None and t == replacing_input)
    made: dict[Path, Path] = {}
    try:
        for target, writer in zip(targets, files.values(), strict=True):
            tmp = _temporary(target)
            made[target] = tmp
            try:
                writer(tmp)
                _fsync(tmp)
            except OSError as exc:
                raise _failed(shown(target), exc) from None
        for target, tmp in made.items():
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _failed(shown(target), exc) from None
        for folder in {t.parent for t in targets}:
            _fsync_folder(folder)
    finally:
        for tmp in made.values():
            _discard(tmp)
    return targets


@contextmanager
def folder_lock(folder: str | Path, wait: float = 60.0) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (an advisory ``flock`` of the folder itself, so no
    lock file is left behind); another sessionplan process writing there is waited for, up to
    ``wait`` seconds, then OutputError."""
    folder = output_folder(folder)
    try:
        import fcntl
    except ImportError:  # no advisory locks on this system
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise _failed(f"into {shown(folder)}", exc) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputError(f"another sessionplan process has been writing into {shown(folder)} for "
                                      f"{wait:g} s; nothing written (try again when it is done)") from None
                time.sleep(0.05)
            except OSError:
                break  # a file system without locks: go on unlocked
        yield
    finally:
        os.close(fd)  # releases the lock
