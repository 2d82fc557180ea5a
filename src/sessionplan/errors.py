"""Problems found in user input, reported all at once in the workbook's own terms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file, located as a person would look for it.

    ``sheet`` is a sheet name (or a file name for non-workbook input), ``row`` the
    row number as Excel shows it (or the line of a text file), ``column`` the column
    header. Any of the three may be missing when the problem concerns a whole sheet or
    the whole file.
    """

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class InputError(Exception):
    """Raised with every problem of one input file; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = sorted(set(problems), key=_problem_order)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.source}: " if self.source else ""
        n = len(self.problems)
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} found"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def _problem_order(p: Problem) -> tuple:
    return (p.sheet or "", p.row or 0, p.column or "", p.message)


class Problems:
    """Collects problems while reading, so that all of them are reported together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(sheet, row, column, message))

    def warn(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Problem(sheet, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, source: str | None = None) -> None:
        if self.items:
            raise InputError(self.items, source)


class OutputError(Exception):
    """An output that cannot be written (a read-only folder, a full disk, a target that is
    an input or not a file). Nothing was replaced: previous outputs are intact. The CLI
    prints the message and exits 3."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
