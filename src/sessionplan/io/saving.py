"""Save an openpyxl workbook: atomically, and with every text cell kept as text.

Every workbook sessionplan writes (solved, template, import, comparison, topics) goes
through here, so that no text becomes a live formula.
"""

from __future__ import annotations

from pathlib import Path

from .atomic import write_with
from .text import CELL_CHARS, cut


def as_text(wb) -> None:
    """openpyxl turns any string starting with '=' into a formula. Titles, names and
    abstracts come from the organizers' workbook or an imported file (a call for papers
    is open to anyone), so a title such as ``=cmd|' /C calc'!A0`` would become a live
    formula in the file people open: every such cell is stored as the text it is. Text
    longer than a cell holds (a day grid's cell joins a title, speakers and topics) is cut.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                if isinstance(cell.value, str) and len(cell.value) > CELL_CHARS:
                    cell.value = cut(cell.value)[0]
                    cell.data_type = "s"


def store(wb, path: str | Path, text: bool = True) -> None:
    """``as_text`` (unless ``text`` is False: a workbook of the organizers' own, edited in
    place, keeps its formulas), then save to ``path`` as it is (a temporary file of
    ``io.atomic``). The archive is made in memory first: an error while writing to disk (a
    full disk) then leaves no half-closed zip file behind to fail again later."""
    import io

    if text:
        as_text(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(path).write_bytes(buffer.getvalue())


def save_workbook(path: str | Path, wb) -> None:
    """Write ``wb`` to ``path`` through a temporary file (see ``atomic``), as text (``as_text``)."""
    write_with(path, lambda tmp: store(wb, tmp))
