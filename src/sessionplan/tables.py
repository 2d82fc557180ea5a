"""Tables on the terminal that fit its width: nothing cut to ``12…``.

A table whose columns cannot all be shown at the console's width (its narrowest
rendering, every cell wrapped at its spaces, is wider) is shown transposed when that
fits (a few alternatives with many figures read better as one column per alternative);
otherwise its cells wrap, and fold inside a word only as a last resort. Long column
headers of numbers can be replaced by short keys with a legend (``keyed``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table


def _build(header: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None, left: int,
           show_header: bool) -> Table:
    table = Table(show_edge=False, title=title, show_header=show_header)
    for k, name in enumerate(header):
        table.add_column(name, justify="left" if k < left else "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def fits(console: Console, table: Table) -> bool:
    """Whether ``table`` shows at the console's width with no word cut: each column at
    least as wide as its longest word (header included), plus padding and rules."""
    widths = []
    for column in table.columns:
        texts = [str(column.header), *(str(c) for c in column.cells)]
        widths.append(max((len(word) for text in texts for word in text.split()), default=0))
    return sum(widths) + 3 * len(widths) - 1 <= console.width


def table(console: Console, header: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None = None,
          left: int = 1, transpose: bool = False, show_header: bool = True) -> Table:
    """A table of text cells that fits the console: as given, else (with ``transpose``)
    one row per column, else wrapping. The first ``left`` columns are left-aligned."""
    t = _build(header, rows, title=title, left=left, show_header=show_header)
    if fits(console, t) or not transpose or not rows:
        return t
    flipped = _build([header[0], *(r[0] for r in rows)],
                     [[name, *(r[k] for r in rows)] for k, name in enumerate(header) if k > 0],
                     title=title, left=1, show_header=show_header)
    return flipped if fits(console, flipped) else t


def keyed(console: Console, header: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None = None,
          left: int = 1) -> tuple[Table, list[str]]:
    """A table whose value columns, when their names make it too wide, are headed 1, 2 ...
    instead; returns the table and the legend lines naming each key (none when not keyed)."""
    t = _build(header, rows, title=title, left=left, show_header=True)
    if fits(console, t):
        return t, []
    keys = [str(k) for k in range(1, len(header) - left + 1)]
    short = _build([*header[:left], *keys], rows, title=title, left=left, show_header=True)
    return short, [f"{k}: {name}" for k, name in zip(keys, header[left:], strict=True)]
