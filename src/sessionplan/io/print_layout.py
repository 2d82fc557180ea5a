"""Sizes for printing: how many lines a text takes in a column, how tall a grid gets, and
the scale that puts a day on one landscape page.

Spreadsheets do not grow a row to its wrapped text when it is written by a program
(Excel does it only on editing), and a web page cannot measure itself without scripts,
so both are estimated from the text: words wrapped at a column's width in characters.
The estimates err on the generous side (a narrower column than the real one), so that
nothing is cut; the cost is some white space.
"""

from __future__ import annotations

import math
import textwrap

# A4 landscape in points, less the margins the outputs set (0.4 inch each side, header
# and footer in the top and bottom margins)
PAGE_WIDTH_PT = 842 - 2 * 0.4 * 72
PAGE_HEIGHT_PT = 595 - 2 * 0.6 * 72
LINE_PT = 15.0           # one line of 11 pt text in a spreadsheet row
ROW_PADDING_PT = 4.0


def lines(text: str, chars: int) -> int:
    """Lines ``text`` takes when wrapped at ``chars`` characters (each paragraph at least one)."""
    chars = max(4, int(chars))
    return sum(max(1, len(textwrap.wrap(part, chars, break_long_words=True, break_on_hyphens=True)))
               for part in str(text).split("\n"))


def column_points(width: float) -> float:
    """A spreadsheet column's width in points, from its width in characters (Excel's rule:
    7 pixels per character plus 5 of padding, at 96 pixels per inch)."""
    return (7 * width + 5) * 0.75


def fit_scale(width_pt: float, height_pt: float, page_width: float = PAGE_WIDTH_PT,
              page_height: float = PAGE_HEIGHT_PT) -> int:
    """The print scale (percent, 10-100) that fits a block of this size on one page."""
    ratio = min(1.0, page_width / max(width_pt, 1.0), page_height / max(height_pt, 1.0))
    return max(10, min(100, math.floor(ratio * 100 * 0.96)))


def row_height(texts: list[str], chars: int) -> float:
    """The height (points) of a spreadsheet row holding ``texts`` in columns ``chars`` wide."""
    most = max((lines(t, chars) for t in texts if t), default=1)
    return most * LINE_PT + ROW_PADDING_PT
