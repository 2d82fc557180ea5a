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

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from ..errors import InputError, Problem
from ..model import Assignment, Instance, Room, Slot, Speaker, Talk, TalkRow
from ..periods import WEEKDAYS, format_time, parse_period

GRID = 10          # minutes
CHANGEOVER = 10    # minutes after each talk


def _dt(value: object, where: str, problems: list[Problem], name: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(name, None, where, f"not a date and time: {value!r}"))
        return None


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


def read_emf(path: str | Path) -> tuple[Instance, list[Assignment]]:
    """An EMF/slotmachine JSON as an instance and its published schedule (maybe empty)."""
    path = Path(path)
    name = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, None, None, f"cannot be read ({exc})")], str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, exc.lineno, None, f"not valid JSON: {exc.msg}")], str(path)) from None
    talks_doc = doc.get("talks") if isinstance(doc, dict) else doc
    if not isinstance(talks_doc, list) or not talks_doc:
        raise InputError([Problem(name, None, "talks", "expected a non-empty list of talks")], str(path))
    problems: list[Problem] = []
    parsed = []
    for i, t in enumerate(talks_doc):
        where = f"talks[{i}]"
        if not isinstance(t, dict):
            problems.append(Problem(name, None, where, "not an object"))
            continue
        missing = [k for k in ("id", "duration", "speakers", "venue_times") if k not in t]
        if missing:
            problems.append(Problem(name, None, where, f"missing {', '.join(missing)}"))
            continue
        if not isinstance(t["duration"], int) or t["duration"] <= 0 or t["duration"] % GRID:
            problems.append(Problem(name, None, f"{where}.duration", f"expected a positive multiple of {GRID} minutes"))
            continue
        windows: dict[int, list[tuple[datetime, datetime]]] = {}
        for j, vt in enumerate(t["venue_times"]):
            spans = []
            for k, w in enumerate(vt.get("times", [])):
                a = _dt(w.get("start"), f"{where}.venue_times[{j}].times[{k}].start", problems, name)
                b = _dt(w.get("end"), f"{where}.venue_times[{j}].times[{k}].end", problems, name)
                if a and b and b > a:
                    spans.append((a, b))
            windows[int(vt["venue"])] = _merge(windows.get(int(vt["venue"]), []) + spans)
        published = None
        if t.get("time") and t.get("venue") is not None:
            start = _dt(t["time"], f"{where}.time", problems, name)
            if start is not None:
                published = (start, int(t["venue"]))
        parsed.append((t, windows, published))
    if problems:
        raise InputError(problems, str(path))
    return _build(path.stem, parsed)


def is_emf(path: str | Path) -> bool:
    """Whether ``path`` looks like slotmachine input (talks with per-venue time windows)."""
    path = Path(path)
    if path.suffix.casefold() != ".json":
        return False
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    talks = doc.get("talks") if isinstance(doc, dict) else doc
    return isinstance(talks, list) and bool(talks) and isinstance(talks[0], dict) and "venue_times" in talks[0]


def read_emf_imported(path: str | Path):
    """``read_emf`` as an import, with notes for the organizers."""
    from .frab import WORKBOOK, Imported

    instance, assignments = read_emf(path)
    notes = [
        "Electromagnetic Field (slotmachine) input: each talk's allowed windows per venue are hard "
        "'forbid' rows in Constraints (the times and venues outside its windows).",
        f"Rooms need a {CHANGEOVER}-minute changeover after each talk; the grid has {GRID}-minute slots.",
        "Speakers are known by id only (named 'Speaker <id>').",
    ]
    if assignments:
        notes.append(f"The published schedule ({len(assignments)} talks) is the baseline: "
                     f"'sessionplan solve {WORKBOOK} --baseline {WORKBOOK}' re-plans it with few moves.")
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
    speakers = sorted({s for t, _, _ in parsed for s in t["speakers"]})
    talks, rows, assignments = [], [], []
    session_at = {(d, s, r): lab for d, s, e, lab, rs in slots for r in rs}
    for t, windows, published in parsed:
        tid = str(t["id"])
        allowed = sorted(windows)
        room = room_of[allowed[0]] if len(allowed) == 1 else None
        talks.append(Talk(id=tid, title=str(t.get("title") or f"Talk {tid}"), duration=t["duration"],
                          speakers=tuple(f"Speaker {s}" for s in t["speakers"]), room=room))
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
                end=format_time(m + t["duration"]),
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
