"""Every input file of every command is read here, once, within bounds.

Workbooks, schedule JSON (also a baseline), importer files (JSON, XML, CSV) and the
folder's previous schedule all go through :func:`read_input`:

- only a regular file is read: a folder, a named pipe (FIFO), a socket or a device
  (``/dev/zero``, also behind a symbolic link) is refused with a message naming it;
  opening never blocks (a FIFO without a writer would wait for ever);
- its size is checked before reading (``SESSIONPLAN_MAX_FILE_MB``, default 50 MB), and
  the read itself stops one byte past the limit, so a file that grows meanwhile (or a
  special file reporting no size) cannot make it unbounded;
- the bytes are read once: every reader parses what was checked (and what the
  schedule JSON's ``input_sha256`` names).

:func:`load_json` parses such bytes: nesting deeper than :data:`MAX_DEPTH` levels,
``Infinity``/``NaN`` and numbers beyond a float are refused with a message instead of
a crash, and every text in the document passes the one cleaning step (``io.text``), each
change reported with its path in the document.

While :func:`inputs_protected` is active (every command of the ``sessionplan`` program),
each file read is remembered, so that the output functions (``io.atomic``) refuse to
write over an input.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import InputError, Problem
from .text import clean, shown

MB = 1024 * 1024
#: Deepest nesting of arrays and objects accepted in a JSON input (a schedule needs about ten).
MAX_DEPTH = 100

_protected: list[dict[tuple[int, int], Path]] = []   # stack of (device, inode) -> path, per command
_digests: dict[str, str] = {}                          # resolved path -> sha256 of the bytes read


@dataclass(frozen=True)
class Input:
    """The bytes of one input file, as read and checked."""

    path: Path
    data: bytes

    @property
    def name(self) -> str:
        """The file name, safe to print."""
        return shown(self.path.name)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def text(self, encoding: str = "utf-8-sig") -> str:
        """The file as text; InputError naming the byte where it stops being ``encoding``."""
        try:
            return self.data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = self.data.count(b"\n", 0, exc.start) + 1
            raise InputError([Problem(self.name, line, None, f"not UTF-8 text (byte {exc.start + 1}: {exc.reason}); "
                                                             "save it as UTF-8")], shown(self.path)) from None


def limit_mb() -> float:
    """The size limit of an input file, in MB (``SESSIONPLAN_MAX_FILE_MB``)."""
    from .archive import Limits

    return Limits.from_env().max_file_mb


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device")):
        if test(mode):
            return words
    return "not a regular file"


def _refuse(path: Path, message: str) -> InputError:
    return InputError([Problem(shown(path.name or path), None, None, message)], shown(path))


def _link_note(path: Path) -> str:
    try:
        return f" (a link to {shown(os.path.realpath(path))})" if path.is_symlink() else ""
    except OSError:
        return ""


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower() if exc.errno is not None else str(exc)


def read_input(path: str | os.PathLike, *, mb: float | None = None, remember: bool = True) -> Input:
    """The bytes of the input file ``path``, checked as the module docstring says;
    InputError (naming the file) when it is missing, not a regular file, too large or
    unreadable. ``mb``: the size limit (default ``limit_mb()``). ``remember=False``: not an
    input of the command (the output folder's previous schedule, read to compare and keep
    it), so outputs may replace it."""
    path = Path(path)
    mb = limit_mb() if mb is None else mb
    limit = math.ceil(mb * MB)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _refuse(path, "file not found" + (" (a broken link)" if path.is_symlink() else "")) from None
    except OSError as exc:
        raise _refuse(path, f"cannot be read: {_os_reason(exc)}") from None
    except ValueError:  # a NUL in the path
        raise _refuse(path, "is not a file name (it holds a NUL character)") from None
    kind = kind_of(st.st_mode)
    if kind is not None:
        raise _refuse(path, f"is {kind}{_link_note(path)}, not a file: only regular files are read")
    if st.st_size > limit:
        raise _refuse(path, _too_large(st.st_size, mb))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _refuse(path, f"cannot be read: {_os_reason(exc)}") from None
    try:
        st = os.fstat(fd)  # what was opened, not what the name pointed at a moment ago
        kind = kind_of(st.st_mode)
        if kind is not None:
            raise _refuse(path, f"is {kind}{_link_note(path)}, not a file: only regular files are read")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _refuse(path, _too_large(total, mb, growing=True))
    except OSError as exc:
        raise _refuse(path, f"cannot be read: {_os_reason(exc)}") from None
    finally:
        os.close(fd)
    inp = Input(path, b"".join(chunks))
    if remember:
        _remember(path, st, inp)
    return inp


def _too_large(size: int, mb: float, growing: bool = False) -> str:
    shown_size = f"{size / MB:.1f} MB" if size >= MB // 10 else f"{size:,} bytes"
    what = "grew beyond" if growing else f"is {shown_size}, more than"
    return (f"the file {what} the limit of {mb:g} MB for an input (raise it with "
            "SESSIONPLAN_MAX_FILE_MB if the file is genuine)")


def _remember(path: Path, st: os.stat_result, inp: Input) -> None:
    try:
        resolved = str(path.resolve())
    except (OSError, RuntimeError):
        resolved = str(path.absolute())
    _digests[resolved] = inp.sha256
    if _protected:
        _protected[-1][(st.st_dev, st.st_ino)] = path


def digest_of(path: str | os.PathLike) -> str | None:
    """sha256 of the bytes read from ``path`` in this process (read now if it was not);
    None when it cannot be read."""
    try:
        known = _digests.get(str(Path(path).resolve()))
    except (OSError, RuntimeError):
        known = None
    if known is not None:
        return known
    try:
        return read_input(path).sha256
    except InputError:
        return None


@contextmanager
def inputs_protected() -> Iterator[None]:
    """While active, the files read are inputs that no output may replace (see ``input_at``)."""
    _protected.append({})
    try:
        yield
    finally:
        _protected.pop()


def input_at(target: str | os.PathLike) -> Path | None:
    """The input read (while inputs are protected) that ``target`` names, if any: the same
    file, whatever the spelling (links, ``..``, hard links)."""
    if not _protected:
        return None
    try:
        st = os.stat(target)
    except OSError:
        return None
    for known in reversed(_protected):
        found = known.get((st.st_dev, st.st_ino))
        if found is not None:
            return found
    return None


# -- JSON ------------------------------------------------------------------------------

Warn = Callable[[str, str], None]   # (path in the document, note)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def load_json(inp: Input, warn: Warn | None = None) -> object:
    """The JSON document of ``inp``, its texts cleaned; InputError (line and column when
    known) when it is not JSON, nests deeper than MAX_DEPTH, or holds numbers beyond a float."""
    text = inp.text()
    try:
        doc = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(inp.name, exc.lineno, None, f"not valid JSON: {exc.msg} (column {exc.colno})")],
                         shown(inp.path)) from None
    except RecursionError:
        raise InputError([Problem(inp.name, None, None, f"not a schedule: arrays or objects nested more than "
                                                        f"{MAX_DEPTH} levels deep")], shown(inp.path)) from None
    except ValueError as exc:  # Infinity, NaN, 1e999, an integer of thousands of digits
        raise InputError([Problem(inp.name, None, None, f"not valid JSON: {exc}")], shown(inp.path)) from None
    return clean_document(doc, inp, warn)


def json_path(parts: tuple) -> str:
    """``('schedule', 'days', 0, 'rooms', 'Saal 1')`` as ``schedule.days[0].rooms['Saal 1']``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif isinstance(p, str) and p.isidentifier() and type(p) is str:  # a field (a key is a str subclass)
            out += f".{p}" if out else p
        else:
            out += f"[{shown(repr(p))}]"
    return out


def clean_document(doc: object, inp: Input, warn: Warn | None) -> object:
    """Every text (keys too) of a parsed document cleaned in place; the depth bounded.

    Iterative, so that no nesting the parser accepted can exhaust the stack.
    """
    def fix(value: str, parts: tuple) -> str:
        out, note = clean(value)
        if note is not None and warn is not None:
            warn(json_path(parts), note)
        return out

    if isinstance(doc, str):
        return fix(doc, ())
    stack: list[tuple[object, tuple]] = [(doc, ())]
    while stack:
        node, parts = stack.pop()
        if len(parts) >= MAX_DEPTH:
            raise InputError([Problem(inp.name, None, None, f"not a schedule: arrays or objects nested more than "
                                                            f"{MAX_DEPTH} levels deep (at {json_path(parts[:8])} ...)")],
                             shown(inp.path))
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(key, str) and (clean(key)[1] is not None or "\r" in key):
                    del node[key]
                    key = fix(key, parts + (key,))
                    node[key] = value
                if isinstance(value, str):
                    node[key] = fix(value, parts + (key,))
                elif isinstance(value, (dict, list)):
                    stack.append((value, parts + (key,)))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    node[i] = fix(value, parts + (i,))
                elif isinstance(value, (dict, list)):
                    stack.append((value, parts + (i,)))
    return doc
