"""Import Electromagnetic Field scheduling inputs (the slotmachine JSON format).

Each talk lists, per venue, the time windows it may be placed in (speaker and venue
availability combined), a duration in minutes and speaker ids; a published schedule
also gives each talk's ``time`` and ``venue``. In the workbook this becomes:

* a 10-minute slot grid per day, each slot open in the venues some talk may use then,
  one session per day and contiguous block of time;
* rooms ``Venue <id>`` with a 10-minute changeover (the room is busy for ten minutes
  after each talk, as the event requires);
* per talk, hard ``forbid`` rows for the times (and venues) outside its windows, or a
  required room when only one venue is allowed;
* the published time and venue as the talk's ``scheduled_*`` baseline.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Problem, Problems
from ..model import Assignment, Instance, Room, Slot, Speaker, Talk, TalkRow
from ..periods import WEEKDAYS, format_time, parse_period
from .cells import FIRST_DAY, GRID_SEPARATOR
from .cells import key as id_key
from .import_models import EmfDocument, problems_of
from .reading import Input, load_json, read_input
from .text import one_line, shown

LAST_DAY = date(9999, 12, 30)

GRID = 10          # minutes
CHANGEOVER = 10    # minutes after each talk


def _dt(value: object, where: str, problems: list[Problem], name: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(name, None, where, f"not a date and time: {value!r}"))
        return None
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        problems.append(Problem(name, None, where, f"{moment.date().isoformat()} is outside what a workbook holds "
                                                   f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"))
        return None
    return moment.replace(tzinfo=None)  # the wall-clock time (mixed offsets would not compare)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _minutes(t: datetime) -> int:
    return t.hour * 60 + t.minute


def _complement(windows: list[tuple[datetime, datetime]], frame: dict[date, tuple[int, int]]) -> list[str]:
    """Period texts covering every minute of the frame outside ``windows``."""
    by_day: dict[date, list[tuple[int, int]]] = {}
    for a, b in windows:
        by_day.setdefault(a.date(), []).append((_minutes(a), _minutes(b) if b.date() == a.date() else 24 * 60))
    out = []
    for day, (first, last) in sorted(frame.items()):
        spans = sorted(by_day.get(day, []))
        if not spans:
            out.append(day.isoformat())
            continue
        t = first
        for lo, hi in spans:
            if lo > t:
                out.append(f"{day.isoformat()} {format_time(t)}-{format_time(lo)}")
            t = max(t, hi)
        if t < last:
            out.append(f"{day.isoformat()} {format_time(t)}-{format_time(last)}")
    return out


def read_emf(source: str | Path | Input, problems: Problems | None = None) -> tuple[Instance, list[Assignment]]:
    """An EMF/slotmachine JSON as an instance and its published schedule (maybe empty).

    ``source``: a path or a file already read (``io.reading.Input``). The document is
    parsed into typed models (``io.import_models``): a value of the wrong shape is an
    error naming its path; texts are cleaned, each change a warning in ``problems``."""
    inp = source if isinstance(source, Input) else read_input(source)
    path, name = inp.path, inp.name
    problems = problems if problems is not None else Problems()

    def warn(where: str, note: str) -> None:
        problems.warn(name, None, where or None, note)

    doc = load_json(inp, warn)
    raw_talks = doc.get("talks") if isinstance(doc, dict) else doc
    if not isinstance(raw_talks, list) or not raw_talks:
        raise InputError([Problem(name, None, "talks", "expected a non-empty list of talks")], shown(path))
    prefix = ("talks",) if isinstance(doc, dict) else ()
    try:
        talks = EmfDocument.model_validate({"talks": raw_talks}).talks
    except ValidationError as exc:
        found = [Problem(name, None, where, message) for where, message in problems_of(exc, EmfDocument)]
        if not prefix:  # a bare list: the paths start at the list
            found = [Problem(p.sheet, p.row, (p.column or "")[len("talks"):] or None, p.message) for p in found]
        raise InputError(found, shown(path)) from None
    bad: list[Problem] = []
    parsed = []
    seen: dict[str, str] = {}
    for i, t in enumerate(talks):
        where = f"{'talks' if prefix else ''}[{i}]"
        if t.duration <= 0 or t.duration % GRID or t.duration > 24 * 60:
            bad.append(Problem(name, None, f"{where}.duration",
                               f"expected a positive multiple of {GRID} minutes, at most a day"))
            continue
        if GRID_SEPARATOR in t.id:
            bad.append(Problem(name, None, f"{where}.id", f"talk id {t.id!r} holds {GRID_SEPARATOR.strip()!r} "
                                                         "between spaces, which the day grids use"))
        if id_key(t.id) in seen:
            bad.append(Problem(name, None, f"{where}.id", f"talk id {t.id!r} is used twice (also {seen[id_key(t.id)]})"))
        seen.setdefault(id_key(t.id), where)
        windows: dict[int, list[tuple[datetime, datetime]]] = {}
        for j, vt in enumerate(t.venue_times):
            spans = []
            for k, w in enumerate(vt.times):
                a = _dt(w.start, f"{where}.venue_times[{j}].times[{k}].start", bad, name)
                b = _dt(w.end, f"{where}.venue_times[{j}].times[{k}].end", bad, name)
                if a and b and b > a:
                    spans.append((a, b))
            windows[vt.venue] = _merge(windows.get(vt.venue, []) + spans)
        published = None
        if t.time and t.venue is not None:
            start = _dt(t.time, f"{where}.time", bad, name)
            if start is not None:
                published = (start, t.venue)
        parsed.append((t, windows, published))
    if bad:
        raise InputError(bad, shown(path))
    return _build(one_line(path.stem) or "conference", parsed)


def is_emf(source: str | Path | Input) -> bool:
    """Whether ``source`` looks like slotmachine input (talks with per-venue time windows)."""
    inp = source if isinstance(source, Input) else None
    path = inp.path if inp is not None else Path(source)  # type: ignore[arg-type]
    if path.suffix.casefold() != ".json":
        return False
    try:
        doc = load_json(inp if inp is not None else read_input(path))
    except InputError:
        return False
    talks = doc.get("talks") if isinstance(doc, dict) else doc
    return isinstance(talks, list) and bool(talks) and isinstance(talks[0], dict) and "venue_times" in talks[0]


def read_emf_imported(source: str | Path | Input, problems: Problems | None = None):
    """``read_emf`` as an import, with notes for the organizers."""
    from .frab import WORKBOOK, Imported

    problems = problems if problems is not None else Problems()
    instance, assignments = read_emf(source, problems)
    notes = [
        "Electromagnetic Field (slotmachine) input: each talk's allowed windows per venue are hard "
        "'forbid' rows in Constraints (the times and venues outside its windows).",
        f"Rooms need a {CHANGEOVER}-minute changeover after each talk; the grid has {GRID}-minute slots.",
        "Speakers are known by id only (named 'Speaker <id>').",
    ]
    if assignments:
        notes.append(f"The published schedule ({len(assignments)} talks) is the baseline: "
                     f"'sessionplan solve {WORKBOOK} --baseline {WORKBOOK}' re-plans it with few moves.")
    notes += [str(w) for w in problems.warnings]
    path = source.path if isinstance(source, Input) else Path(source)
    return Imported(instance=instance, assignments=assignments, notes=notes, source=str(path))


def _build(name: str, parsed: list) -> tuple[Instance, list[Assignment]]:
    venues = sorted({v for _, windows, pub in parsed for v in list(windows) + ([pub[1]] if pub else [])})
    room_of = {v: f"Venue {v}" for v in venues}
    # when each venue is open: the union of every talk's windows there
    open_spans: dict[int, list[tuple[datetime, datetime]]] = {
        v: _merge([s for _, windows, _ in parsed for s in windows.get(v, [])]) for v in venues
    }
    frame: dict[date, tuple[int, int]] = {}
    for spans in open_spans.values():
        for a, b in spans:
            lo, hi = frame.get(a.date(), (24 * 60, 0))
            frame[a.date()] = (min(lo, _minutes(a)), max(hi, _minutes(b) if b.date() == a.date() else 24 * 60))
    slots: list[tuple] = []
    labels: dict = {}
    for day, (first, last) in sorted(frame.items()):
        block, t = 0, first
        while t < last:
            start_dt = datetime.combine(day, datetime.min.time()) + timedelta(minutes=t)
            end_dt = start_dt + timedelta(minutes=GRID)
            rooms = tuple(room_of[v] for v in venues if any(a <= start_dt and end_dt <= b for a, b in open_spans[v]))
            if rooms:
                if slots and (slots[-1][0] != day or slots[-1][2] != t):
                    block += 1
                label = f"{WEEKDAYS[day.weekday()].title()}-{block + 1}"
                labels[label.casefold()] = label
                slots.append((day, t, t + GRID, label, rooms))
            t += GRID
    slot_objs = [Slot(index=i, day=d, start=s, end=e, session=lab, rooms=r) for i, (d, s, e, lab, r) in enumerate(slots)]
    speakers = sorted({s for t, _, _ in parsed for s in t.speakers}, key=lambda s: (not s.isdigit(), len(s), s))
    talks, rows, assignments = [], [], []
    session_at = {(d, s, r): lab for d, s, e, lab, rs in slots for r in rs}
    for t, windows, published in parsed:
        tid = t.id
        allowed = sorted(windows)
        room = room_of[allowed[0]] if len(allowed) == 1 else None
        talks.append(Talk(id=tid, title=t.title or f"Talk {tid}", duration=t.duration,
                          speakers=tuple(dict.fromkeys(f"Speaker {s}" for s in t.speakers)), room=room))
        if len(allowed) > 1:
            for v in venues:
                if v not in windows:
                    rows.append(_forbid(tid, f"@ {room_of[v]}", None, room_of[v], labels))
        same = all(windows[v] == windows[allowed[0]] for v in allowed) if allowed else True
        for v in ([allowed[0]] if same else allowed):
            at = None if same else room_of[v]
            for text in _complement(windows[v], frame):
                rows.append(_forbid(tid, text, text, at, labels))
        if published is not None:
            start, venue = published
            m = _minutes(start)
            assignments.append(Assignment(
                talk=tid, room=room_of.get(venue, f"Venue {venue}"), day=start.date(), start=format_time(m),
                end=format_time(m + t.duration),
                session=session_at.get((start.date(), m, room_of.get(venue, "")), "")))
    for i, r in enumerate(rows, start=2):
        object.__setattr__(r, "row", i)
    instance = Instance(
        name=name, talks=talks,
        speakers=[Speaker(name=f"Speaker {s}") for s in speakers],
        rooms=[Room(name=room_of[v], changeover=CHANGEOVER) for v in venues],
        slots=slot_objs, constraints=rows,
    )
    return instance, assignments


def _forbid(talk: str, target: str, period: str | None, room: str | None, labels: dict) -> TalkRow:
    return TalkRow(
        kind="forbid", talk=talk, target=target if room is None or period is None else f"{period} @ {room}",
        hard=True, room=room, period=parse_period(period, frozenset(labels)) if period else None,
    )
