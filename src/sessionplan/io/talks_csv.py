"""Import a CSV of talks into a conference workbook.

Columns are matched by name, case-insensitively: ``id`` (or ``code``), ``title``
(required), ``speakers`` (or ``speaker``, ``persons``; names separated by ';', or by '|'
and written ``id:name``: each is one speaker), ``duration`` (minutes or HH:MM),
``abstract`` (or ``description``), ``topics`` (or ``track``, ``tags``; ';'-separated).
A CSV with ``room``, ``date`` (or ``day``, an ISO date) and ``start`` columns (``end``
optional) is a published programme, as conference wikis export it: its rooms and times
become the slot grid and the programme the baseline, as for a frab schedule. Without
them the workbook gets talks and speakers only: its Rooms and Slots sheets are left
empty for the organizers to fill in (``sessionplan check`` then says what is missing).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import Problems
from ..model import Instance, Speaker, Talk
from .cells import key as id_key
from .cells import split_list
from .frab import (
    CELL_LIMIT,
    Imported,
    _Located,
    build,
    check_ids,
    clean_text,
    fit_text,
    minutes,
    name_text,
    published_hard_rules,
    title_text,
)
from .programmes import events_from_rows, split_speakers
from .reading import Input, read_input
from .text import clean, one_line, shown

ALIASES = {
    "id": ("id", "code", "talk", "talk id"),
    "title": ("title", "name"),
    "speakers": ("speakers", "speaker", "persons", "speaker names"),
    "duration": ("duration", "minutes", "length"),
    "abstract": ("abstract", "description", "summary"),
    "topics": ("topics", "track", "tracks", "tags", "topic"),
    "room": ("room", "location", "venue", "stage"),
    "date": ("date", "day"),
    "start": ("start", "start time", "begin", "time"),
    "end": ("end", "end time"),
}
PLACED = ("room", "date", "start")   # with these columns the CSV is a published programme
NOTE = ("Rooms and Slots are empty: the CSV has no rooms or times. Fill in the Rooms and Slots "
        "sheets, then run 'sessionplan check' and 'sessionplan solve'.")


def _records(reader, loc: _Located) -> list[tuple[int, list[str]]]:
    """(first line, cleaned cells) of every record; a malformed record is a located problem."""
    out = []
    start = 1
    try:
        for row in reader:
            cells = []
            for i, c in enumerate(row, start=1):
                value, note = clean(c)
                if note is not None:
                    loc.warn(f"line {start}", f"field {i}: {note}")
                cells.append(value)
            out.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        loc.add(f"line {reader.line_num}", f"not a valid CSV file: {exc}")
    return out


def read_talks_csv(source: str | Path | Input, problems: Problems | None = None) -> Imported:
    """Talks and speakers from a CSV of talks; raises InputError naming file and line.

    ``source``: a path or a file already read (``io.reading.Input``, which bounds its size,
    and so every field's). Every cell passes the cleaning step, each change a warning naming
    its line."""
    inp = source if isinstance(source, Input) else read_input(source)
    path = inp.path
    problems = problems if problems is not None else Problems()
    loc = _Located(path, problems)
    text = inp.text()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # the file's size is bounded: so is any field
    try:
        records = _records(csv.reader(io.StringIO(text, newline=""), dialect), loc)
    finally:
        csv.field_size_limit(limit)
    problems.raise_if_any(shown(path))
    header_line, header_row = records[0] if records else (1, [])
    header = [h.strip().casefold() for h in header_row]
    column: dict[str, int] = {}
    for key, aliases in ALIASES.items():
        for i, h in enumerate(header):
            if h in aliases and key not in column:
                column[key] = i
    for i, h in enumerate(header):
        if h and i not in column.values():
            loc.warn(f"line {header_line}", f"unknown column {h!r}, ignored")
    for key in ("title", "speakers"):
        if key not in column:
            loc.add(f"line {header_line}", f"no {key!r} column (header: {', '.join(header) or 'empty'})")
    problems.raise_if_any(shown(path))
    reader = iter(records[1:])
    if all(key in column for key in PLACED):
        return _published(path, reader, column, loc, problems)

    talks: list[Talk] = []
    speakers: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, row in reader:
        if not any(c.strip() for c in row):
            continue
        cell = {key: (row[i] if i < len(row) else "") for key, i in column.items()}
        where = f"line {line}"
        tid = clean_text(cell.get("id")) or f"T{len(talks) + 1:03d}"
        if id_key(tid) in first_line:
            loc.add(where, f"talk id {tid!r} is used twice (also line {first_line[id_key(tid)]})")
            continue
        first_line[id_key(tid)] = line
        check_ids([(tid, where)], loc)
        title = fit_text(title_text(cell.get("title")), f"the title of talk {tid}", where, loc)
        names = [fit_text(name_text(n), "a speaker's name", where, loc) for n in split_speakers(cell.get("speakers"))]
        if not title.strip():
            loc.add(where, "the title is empty")
        if not names:
            loc.add(where, "no speaker (names separated by ';')")
        duration = None
        if (cell.get("duration") or "").strip():
            try:
                duration = minutes(cell["duration"])
                if not 0 < duration <= 24 * 60:
                    raise ValueError(f"{cell['duration']!r} is not a positive number of minutes up to a day")
            except ValueError as exc:
                loc.add(where, f"bad duration: {exc}")
        if not title.strip() or not names:
            continue
        resolved = []
        for n in names:
            speakers.setdefault(n.casefold(), n)
            if speakers[n.casefold()] not in resolved:
                resolved.append(speakers[n.casefold()])
        talks.append(Talk(id=tid, title=title, speakers=tuple(resolved), duration=duration,
                          topics=tuple(name_text(t) for t in split_list(cell.get("topics"))),
                          abstract=fit_text(clean_text(cell.get("abstract")), f"the abstract of talk {tid}", where,
                                            loc, CELL_LIMIT)))
    if not talks and not problems:
        loc.add("", "no talks found")
    problems.raise_if_any(shown(path))
    instance = Instance(name=one_line(path.stem) or "talks", talks=talks, speakers=[Speaker(name=n) for n in speakers.values()],
                        rooms=[], slots=[])
    notes = [NOTE] + [str(w) for w in problems.warnings]
    return Imported(instance, [], notes, str(path))


def _published(path: Path, reader, column: dict[str, int], loc: _Located, problems: Problems) -> Imported:
    """A CSV with room, date and start columns: the published rooms and times become the
    slot grid and the published programme (the baseline), as for a frab schedule."""
    rows = []
    for line, row in reader:
        if any(c.strip() for c in row):
            rows.append((f"line {line}", {key: (row[i] if i < len(row) else "") for key, i in column.items()}))
    events = events_from_rows(rows, loc)
    if not events and not problems:
        loc.add("", "no talks found")
    problems.raise_if_any(shown(path))
    imported = build(events, {}, one_line(path.stem) or "talks", loc)
    problems.raise_if_any(shown(path))
    imported.source = str(path)
    imported.notes += [str(w) for w in problems.warnings] + published_hard_rules(imported)
    return imported
