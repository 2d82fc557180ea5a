"""Text from outside, made fit for every format sessionplan writes: one cleaning step.

Workbook cells, importer files (JSON, XML, CSV), schedule JSON and file names pass
through :func:`clean` where they are read. It removes what XML 1.0, iCalendar and Excel
cannot hold, and what would act on a terminal: NUL and the other C0 control characters
(tab and line breaks stay; a carriage return becomes a line break), DEL, the C1 controls
(U+0080-U+009F, e.g. the terminal's CSI U+009B), lone surrogates (half of a UTF-16
pair, or a file name's undecodable bytes) and the non-characters U+FFFE and U+FFFF.
The caller reports each change as a warning naming the cell, line or field.

:func:`shown` is for text that is only displayed (paths in messages): the same
characters are made visible as ``\\x1b``-style escapes instead of removed.
"""

from __future__ import annotations

import re

#: What no output format can carry (see the module docstring).
UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Excel keeps at most this many characters in a cell.
CELL_CHARS = 32_767


def clean(value: str) -> tuple[str, str | None]:
    """``value`` without the characters no format can hold, and a note on what was removed
    (None when nothing was)."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    found = UNFIT.findall(value)
    if not found:
        return value, None
    codes = list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in found))
    shown_codes = ", ".join(codes[:4]) + (", ..." if len(codes) > 4 else "")
    n = len(found)
    return UNFIT.sub("", value), (f"removed {n} control or invalid character{'s' if n != 1 else ''} "
                                  f"({shown_codes}) that XML, iCalendar and Excel cannot hold")


def cleaned(value: str, warn=None) -> str:
    """``clean(value)``; the note, if any, goes to ``warn(note)``."""
    out, note = clean(value)
    if note is not None and warn is not None:
        warn(note)
    return out


def one_line(value: str) -> str:
    """Text on one line (names, titles of files): runs of white space become one space."""
    return " ".join(clean(value)[0].split())


_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def shown(value: object) -> str:
    """Text safe to print or record on one line (a path in a message): unfit characters and
    line breaks made visible as escapes."""
    return _UNSHOWN.sub(_escape, str(value))


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cut(value: str, limit: int = CELL_CHARS) -> tuple[str, bool]:
    """``value`` within ``limit`` characters (an Excel cell's), and whether it was cut."""
    if len(value) <= limit:
        return value, False
    return value[: limit - 1] + "…", True
