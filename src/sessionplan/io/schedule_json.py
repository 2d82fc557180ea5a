"""The schedule JSON of the contract (``sessionplan.schedule/1``): write and read."""

from __future__ import annotations

import json
import platform
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Problem, Problems
from ..model import Assignment, Talk
from .reading import Input, load_json, read_input
from .text import shown

FORMAT = "sessionplan.schedule/1"


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("sessionplan", "ortools"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def sort_assignments(assignments: list[Assignment], rooms: list[str] | None = None) -> list[Assignment]:
    order = {r: i for i, r in enumerate(rooms or [])}
    return sorted(assignments, key=lambda a: (a.day, a.start, order.get(a.room, len(order)), a.room, a.talk))


def assignment_json(a: Assignment, talk: Talk | None = None) -> dict:
    """One assignment; with its talk, also the title and speakers (so that a later re-plan
    can still name a talk the workbook has dropped since)."""
    out: dict[str, object] = {"talk": a.talk, "room": a.room, "day": a.day.isoformat(), "start": a.start,
                              "end": a.end, "session": a.session}
    if talk is not None:
        out.update(title=talk.title, speakers=list(talk.speakers))
    return out


def schedule_document(
    *,
    instance: str,
    status: str,
    objective: float | None,
    bound: float | None,
    assignments: list[Assignment],
    score: dict,
    solve: dict,
    extra: dict | None = None,
    talks: dict[str, Talk] | None = None,
) -> dict:
    doc = {
        "format": FORMAT,
        "instance": instance,
        "status": status,
        "objective": objective,
        "bound": bound,
        "assignments": [assignment_json(a, (talks or {}).get(a.talk)) for a in assignments],
        "score": score,
        "solve": solve,
    }
    doc.update(extra or {})
    return doc


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, default=_default) + "\n"


def _default(o):
    if isinstance(o, date):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def read_schedule_json(path: str | Path, warnings: Problems | None = None) -> tuple[list[Assignment], dict]:
    """Assignments of a schedule JSON, and the whole document; InputError on bad input.

    Read through ``io.reading`` (a regular file, size and nesting bounded, texts cleaned:
    each change is a warning in ``warnings``)."""
    return parse_schedule(read_input(path), warnings)


def parse_schedule(inp: Input, warnings: Problems | None = None) -> tuple[list[Assignment], dict]:
    """``read_schedule_json`` of bytes already read."""
    name = inp.name
    source = shown(inp.path)

    def warn(where: str, note: str) -> None:
        if warnings is not None:
            warnings.warn(name, None, where or None, note)

    doc = load_json(inp, warn)
    raw = inp.text()
    if not isinstance(doc, dict) or not isinstance(doc.get("assignments"), list):
        raise InputError([Problem(name, None, "assignments", "not a schedule: expected an object with an 'assignments' list")], source)
    problems, out = [], []
    lines = _entry_lines(raw)
    for i, entry in enumerate(doc["assignments"]):
        line = lines[i] if i < len(lines) else None
        try:
            out.append(Assignment.model_validate(entry))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(x) for x in err["loc"]) or "entry"
                problems.append(Problem(name, line, f"assignments[{i}].{field}", err["msg"]))
    if problems:
        raise InputError(problems, source)
    return out, doc


def canonical(assignments: list[Assignment], instance) -> list[Assignment]:
    """Talk ids and room names spelled as the workbook spells them (compared as everywhere:
    case and spacing ignored, ``cells.key``); unknown ones stay as given, for the evaluator
    to name."""
    from .cells import key

    talks = {key(t.id): t.id for t in instance.talks}
    rooms = {key(r.name): r.name for r in instance.rooms}
    out = []
    for a in assignments:
        talk, room = talks.get(key(a.talk), a.talk), rooms.get(key(a.room), a.room)
        out.append(a if (talk, room) == (a.talk, a.room) else a.model_copy(update={"talk": talk, "room": room}))
    return out


def _entry_lines(raw: str) -> list[int]:
    """Line numbers where each assignment object starts (best effort, for messages)."""
    start = raw.find('"assignments"')
    if start < 0:
        return []
    lines, depth, line = [], 0, raw.count("\n", 0, start) + 1
    for ch in raw[start:]:
        if ch == "\n":
            line += 1
        elif ch == "[" and depth == 0:
            depth = 1
        elif ch == "{" and depth == 1:
            lines.append(line)
            depth = 2
        elif ch == "{" and depth >= 2:
            depth += 1
        elif ch == "}" and depth >= 2:
            depth -= 1
        elif ch == "]" and depth == 1:
            break
    return lines
