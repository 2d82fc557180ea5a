"""Save an openpyxl workbook: atomically, and with every text cell kept as text."""

from __future__ import annotations

from pathlib import Path

from .atomic import write_with


def save_workbook(path: str | Path, wb) -> None:
    """Write ``wb`` to ``path`` through a temporary file (see ``atomic``).

    openpyxl turns any string starting with '=' into a formula. Titles, names and
    abstracts come from the organizers' workbook (or an import), so a title such as
    "=HYPERLINK(...)" would become a live formula in the file people open: every such
    cell is stored as the text it is.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    write_with(path, wb.save)
