"""The programme as one self-contained web page: a timetable grid per day.

Rows are the day's start times, columns the rooms; a talk longer than one slot spans
rows. Talks are coloured by topic (or by session, when no talk has topics) with a
legend per day. The page has no network resources (inline CSS, system fonts, no
scripts) and prints one day per landscape page. It is rendered from the Jinja2
template ``templates/timetable.html.j2`` with autoescaping: titles and names are
untrusted text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..periods import format_time, parse_time
from .colours import colouring
from .print_layout import lines
from .programme import Item, Programme

# Printing (A4 landscape, 10 mm margins): the page's content box, the largest and the
# smallest type a day is printed in, and the space the page's title takes on the first page
PRINT_WIDTH_PT = (297 - 20) / 25.4 * 72
PRINT_HEIGHT_PT = (210 - 20) / 25.4 * 72
PRINT_FONT_PT = 9.5
MIN_PRINT_FONT_PT = 4.0
TITLE_EM = 3.6         # h1 and the line below it, in ems of the page's type
LINE = 1.3             # line height (em)
TIME_COLUMN_EM = 7.5


@dataclass
class Cell:
    """A grid cell: ``kind`` is "talks" (with ``items``), "free", "closed" or "covered"."""

    kind: str
    items: list[Item] = field(default_factory=list)
    rowspan: int = 1


@dataclass
class Row:
    label: str
    session: str
    cells: list[Cell]
    session_shown: str = ""  # the session label, on the first row of each session


@dataclass
class DayGrid:
    day: date
    rows: list[Row]
    legend: list[tuple[str, str]]
    print_font: float = PRINT_FONT_PT   # points: the day's type size on paper, so that it fits one page

    @property
    def anchor(self) -> str:
        return f"day-{self.day.isoformat()}"


def day_grid(prog: Programme, day: date, legend: list[tuple[str, str]]) -> DayGrid:
    rooms = prog.rooms
    slots = [s for s in prog.instance.slots if s.day == day]
    items = prog.items_on(day)
    starts = sorted({s.start for s in slots} | {parse_time(i.assignment.start) for i in items})
    grid: list[list[Cell | None]] = [[None] * len(rooms) for _ in starts]
    for col, room in enumerate(rooms):
        clusters: list[tuple[int, int, list[Item]]] = []
        for item in sorted((i for i in items if i.assignment.room == room), key=lambda i: i.start):
            first = starts.index(parse_time(item.assignment.start))
            last = max(first + 1, sum(1 for s in starts if s < parse_time(item.assignment.end)))
            if clusters and first < clusters[-1][1]:  # overlaps the previous talk: share its cell
                r0, r1, members = clusters[-1]
                clusters[-1] = (r0, max(r1, last), members + [item])
            else:
                clusters.append((first, last, [item]))
        for r0, r1, members in clusters:
            grid[r0][col] = Cell("talks", members, r1 - r0)
            for r in range(r0 + 1, r1):
                grid[r][col] = Cell("covered")
    rows: list[Row] = []
    for r, start in enumerate(starts):
        here = [s for s in slots if s.start == start]
        end = max((s.end for s in here), default=None)
        label = f"{format_time(start)}–{format_time(end)}" if end is not None else format_time(start)
        cells = []
        for col, room in enumerate(rooms):
            cell = grid[r][col]
            if cell is None:
                cell = Cell("free" if any(room in s.rooms for s in here) else "closed")
            cells.append(cell)
        session = ", ".join(sorted({s.session for s in here}))
        shown = session if not rows or session != rows[-1].session else ""
        rows.append(Row(label, session, cells, shown))
    return DayGrid(day, rows, legend)


def _cell_em(cell: Cell, chars: int) -> float:
    """Height (em) of a talk cell's text when its title wraps at ``chars`` characters."""
    if cell.kind != "talks":
        return LINE
    total = 0.0
    for item in cell.items:
        t = item.talk
        total += 0.78 * LINE + lines(t.title, chars) * LINE                   # time line, title
        total += lines(", ".join(t.speakers), int(chars / 0.85)) * 0.85 * LINE   # speakers
        if t.topics:
            total += lines(" · ".join(t.topics), int(chars / 0.75)) * 0.75 * LINE + 0.15
        total += 1.7                                               # paddings, margins and rules
    return total + (0.75 * LINE if len(cell.items) > 1 else 0.0)


def day_height_em(grid: DayGrid, rooms: int, font_pt: float) -> float:
    """The printed height of a day (em): its heading, the grid's rows and the legend."""
    column_pt = (PRINT_WIDTH_PT - TIME_COLUMN_EM * font_pt) / max(rooms, 1) - 0.9 * font_pt
    chars = max(6, int(column_pt / (0.56 * font_pt)))   # bold text, generous letters
    row_em = [max(LINE + 0.6, 2 * 0.75 * LINE + 0.6 if row.session_shown else 0.0) for row in grid.rows]
    for r, row in enumerate(grid.rows):
        for cell in row.cells:
            if cell.kind != "talks":
                continue
            need = _cell_em(cell, chars) + 0.1
            spanned = list(range(r, min(len(row_em), r + cell.rowspan)))
            have = sum(row_em[k] for k in spanned)
            if need > have:
                for k in spanned:
                    row_em[k] += (need - have) / len(spanned)
    legend = 0.85 * LINE * (1 + len(grid.legend) // max(1, int(PRINT_WIDTH_PT / (14 * font_pt)))) + 0.6
    heading = 1.25 * LINE + 0.5
    return heading + (LINE + 0.6) + sum(row_em) + legend


def fit_print_font(grid: DayGrid, rooms: int, first: bool) -> float:
    """The largest type (points, in halves) at which the day fits one printed page."""
    font = PRINT_FONT_PT
    while font > MIN_PRINT_FONT_PT:
        height = (day_height_em(grid, rooms, font) + (TITLE_EM if first else 0.0)) * font
        if height <= PRINT_HEIGHT_PT * 0.94:
            break
        font -= 0.5
    return font


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("sessionplan", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(prog: Programme) -> str:
    """The timetable page as text (UTF-8 HTML5)."""
    c = colouring(prog.instance, [i.assignment for i in prog.items])
    days = [day_grid(prog, day, c.legend.get(day, [])) for day in prog.days]
    for k, d in enumerate(days):
        d.print_font = fit_print_font(d, len(prog.rooms), first=k == 0)
    template = _environment().get_template("timetable.html.j2")
    return template.render(
        prog=prog,
        title=prog.title + (f" · {prog.settings.speaker}" if prog.settings.speaker else ""),
        days=days,
        rooms=prog.rooms,
        colour=c.talk_colour,
        note=c.note,
        lang=prog.main_language,
        talk_lang={i.talk.id: prog.language(i) for i in prog.items},
        time_zone=prog.settings.time_zone,
    )
