"""What an .xlsx file holds, checked before openpyxl parses it.

A workbook is a zip archive of XML parts. Before any part is parsed, its size is
checked against :class:`Limits` (a zip bomb declares a huge uncompressed size or an
absurd compression ratio; Python's zipfile never inflates a member beyond its declared
size, so checking the declared sizes suffices). Macros (``vbaProject.bin``) are never
run and external links never followed; both are reported as warnings. Formulas are
never evaluated: a formula cell is read as the value Excel saved with it, and a formula
without a saved value (a file written by a program, never opened in Excel) is an error
naming the cell, not a silent blank.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, fields

from ..errors import InputError, Problem, Problems

MB = 1024 * 1024

#: What a damaged or hostile part can make openpyxl (or zipfile, or the XML parser) raise.
#: (RuntimeError covers zipfile's "unsupported compression method" and "encrypted member".)
DAMAGED = (SyntaxError, ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError, EOFError,
           OSError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError)


@dataclass(frozen=True)
class Limits:
    """Sane sizes for a conference workbook; each can be raised by an environment variable."""

    max_file_mb: float = 50.0        # the .xlsx file itself
    max_unpacked_mb: float = 200.0   # all its parts, uncompressed
    max_ratio: float = 200.0         # uncompressed/compressed of one part (parts above 10 MB)
    max_parts: int = 10_000          # members of the zip archive
    max_rows: int = 20_000           # non-blank rows of one sheet
    max_columns: int = 256           # columns of one sheet

    ENV = {"max_file_mb": "SESSIONPLAN_MAX_FILE_MB", "max_unpacked_mb": "SESSIONPLAN_MAX_UNPACKED_MB",
           "max_rows": "SESSIONPLAN_MAX_ROWS", "max_columns": "SESSIONPLAN_MAX_COLUMNS"}

    @classmethod
    def from_env(cls, **given) -> Limits:
        """Defaults, overridden by the environment, overridden by ``given`` (None: not given)."""
        values: dict = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, var in cls.ENV.items():
            text = os.environ.get(var, "").strip()
            if text:
                try:
                    value = float(text) if types[name] == "float" else int(text)
                except ValueError:
                    value = 0
                if not (math.isfinite(value) and value > 0):
                    raise InputError([Problem(None, None, None, f"environment variable {var} must be a positive "
                                                                f"number, found {text!r}")])
                values[name] = value
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)


def check_archive(inp, limits: Limits, problems: Problems) -> bool:
    """Refuse an archive too big to unpack safely (problems name the file); warn about macros
    and links. ``inp`` is the file as read (``io.reading.Input``; its size was checked there).

    Returns True when openpyxl may open it.
    """
    import io

    name = inp.name
    try:
        with zipfile.ZipFile(io.BytesIO(inp.data)) as zf:
            infos = zf.infolist()
    except DAMAGED as exc:
        problems.add(name, None, None, f"cannot be read as an Excel workbook: the zip archive is damaged ({exc})")
        return False
    if len(infos) > limits.max_parts:
        problems.add(name, None, None, f"the archive holds {len(infos)} parts, more than any workbook needs "
                                       f"(limit {limits.max_parts}): refused")
        return False
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_mb * MB:
        problems.add(name, None, None,
                     f"unpacked, the workbook would take {total / MB:.0f} MB, more than the limit of "
                     f"{limits.max_unpacked_mb:g} MB (a zip bomb, or a sheet with vast empty ranges; "
                     "raise the limit with SESSIONPLAN_MAX_UNPACKED_MB if the file is genuine)")
        return False
    for i in infos:
        if i.file_size > 10 * MB and i.file_size > limits.max_ratio * max(1, i.compress_size):
            problems.add(name, None, None,
                         f"part {i.filename} unpacks {i.file_size / max(1, i.compress_size):.0f} times larger than "
                         f"it is stored ({i.file_size / MB:.0f} MB): refused as a likely zip bomb")
            return False
    names = {i.filename for i in infos}
    if any(n.casefold().endswith("vbaproject.bin") for n in names):
        problems.warn(name, None, None, "the workbook contains macros; they are ignored (never run)")
    if any(n.startswith("xl/externalLinks/") for n in names):
        problems.warn(name, None, None, "the workbook links to other files; linked values are read as last "
                                        "saved in this file, the links are never followed")
    return True


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def formulas_without_value(archive: zipfile.ZipFile, member: str, max_row: int | None = None) -> set[tuple[int, int]]:
    """(row, column) of the formula cells in ``member`` (up to ``max_row``) that carry no saved value.

    A quick byte scan first (unless only the first rows are wanted): most workbooks hold
    no formula at all.
    """
    if (max_row is None or max_row >= 10) and not _mentions_formula(archive, member):
        return set()
    from defusedxml.ElementTree import iterparse

    out: set[tuple[int, int]] = set()
    row_no = 0
    with archive.open(member) as fh:
        for _event, el in iterparse(fh, events=("end",)):
            tag = el.tag
            if tag == f"{_SHEET_NS}row":
                row_no = _int(el.get("r"), row_no + 1)
                col_no = 0
                for c in el.iter(f"{_SHEET_NS}c"):
                    col_no = _column(c.get("r"), col_no + 1)
                    if c.find(f"{_SHEET_NS}f") is not None and not (c.findtext(f"{_SHEET_NS}v") or "").strip():
                        out.add((row_no, col_no))
                el.clear()
                if max_row is not None and row_no > max_row:
                    break
    return out


def _mentions_formula(archive: zipfile.ZipFile, member: str) -> bool:
    with archive.open(member) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _column(ref: str | None, default: int) -> int:
    from openpyxl.utils.cell import column_index_from_string

    letters = "".join(ch for ch in (ref or "") if ch.isalpha())
    try:
        return column_index_from_string(letters) if letters else default
    except ValueError:
        return default
