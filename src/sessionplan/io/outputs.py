"""Write a solve's outputs (``<stem>.json`` and ``<stem>.xlsx``) without losing a better
schedule that is already there.

The rule, for ``schedule.json`` / ``schedule.xlsx`` in the output folder:

- nothing there yet: write;
- the folder's schedule is not a valid schedule of this workbook (unreadable, no
  schedule, a talk missing, a hard rule broken), or this run's schedule is strictly
  better by the evaluator (the current workbook's rules and weights, the same baseline),
  or it is the same schedule: write, and keep a schedule that was there as
  ``schedule.prev.json`` / ``.xlsx``;
- otherwise (this run found no schedule, or one no better than the folder's): leave the
  folder's files untouched and write this run's as ``schedule.new.json`` / ``.xlsx``.

``replace=True`` always writes (still keeping the previous files as ``schedule.prev.*``).
Every file is written atomically; what was decided is returned as sentences for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..errors import InputError
from ..evaluate import Evaluation, evaluate
from ..solution import Solution
from .atomic import write_text, write_with
from .output_workbook import write_solved_workbook
from .schedule_json import assignment_json, dumps, read_schedule_json, schedule_document, versions


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_previous: bool = False


def previous_total(sol: Solution, path: Path) -> float | None:
    """The evaluator's total of the schedule in ``path`` for this solve's workbook and
    baseline; None when it is no valid schedule of it."""
    try:
        assignments, _doc = read_schedule_json(path)
        if not assignments:
            return None
        ev = evaluate(sol.instance, assignments, sol.baseline)
    except (InputError, ValueError, KeyError):
        return None
    return None if ev.hard_violations else ev.total


def write_protected(sol: Solution, out_dir: str | Path, stem: str = "schedule", replace: bool = False) -> Written:
    out_dir = Path(out_dir)
    current = out_dir / f"{stem}.json"
    done = Written()
    if not current.exists():
        done.paths = write_outputs(sol, out_dir, stem)
        return done
    old = previous_total(sol, current)
    new = sol.evaluation.total if sol.result.has_schedule and sol.evaluation is not None else None
    same = new is not None and old is not None and _assignments(current) == [assignment_json(a) for a in sol.assignments]
    if old is None or replace or same or (new is not None and new < old - 1e-9):
        backups = [] if same else _back_up(out_dir, stem)
        done.paths = write_outputs(sol, out_dir, stem)
        if backups:
            why = ("was replaced as asked" if replace and (old is None or new is None or new >= old)
                   else "was not a valid schedule of this workbook" if old is None
                   else f"had objective {old:g}, this run {new:g}")
            done.notes.append(f"the previous {current.name} {why}; it is kept as "
                              + " and ".join(p.name for p in backups))
        return done
    done.kept_previous = True
    stale = out_dir / f"{stem}.new.xlsx"
    if not sol.result.has_schedule and stale.exists():
        stale.unlink()  # a worse run's workbook from before: it would not match the new JSON
    done.paths = write_outputs(sol, out_dir, f"{stem}.new")
    reason = ("this run found no schedule" if new is None
              else f"its objective {old:g} is {'equal to' if abs(new - old) <= 1e-9 else 'better than'} this "
                   f"run's {new:g}")
    done.notes.append(f"kept the existing {current.name} and {stem}.xlsx: {reason}; this run's result is in "
                      + " and ".join(p.name for p in done.paths) + " (--replace writes over it)")
    return done


def _assignments(path: Path) -> list[dict]:
    assignments, _doc = read_schedule_json(path)
    return [assignment_json(a) for a in assignments]


def _copy(src: Path, dst: Path) -> None:
    import shutil

    shutil.copyfile(src, dst)


def _back_up(out_dir: Path, stem: str) -> list[Path]:
    """Copy the folder's outputs to ``<stem>.prev.*`` (atomically; the originals stay until replaced)."""
    out = []
    for suffix in (".json", ".xlsx"):
        src = out_dir / f"{stem}{suffix}"
        if src.exists():
            dst = out_dir / f"{stem}.prev{suffix}"
            write_with(dst, partial(_copy, src))
            out.append(dst)
    return out


def solution_document(sol: Solution) -> dict:
    r = sol.result
    return schedule_document(
        instance=sol.source,
        status=r.status,
        objective=r.objective,
        bound=r.bound,
        assignments=list(r.assignments),
        score=score_document(sol.evaluation),
        solve={
            "seconds": round(r.seconds, 3),
            "workers": r.workers,
            "seed": r.seed,
            "time_limit": r.time_limit,
            "gap": r.gap,
            "first_solution_seconds": r.first_solution_seconds,
            "interrupted": r.interrupted,
            "parameters": dict(r.parameters),
            "input_sha256": _digest(sol.source),
            "model": dict(r.model_size),
            "solver_terms": dict(r.terms),
            "versions": versions(),
        },
        extra=_extra(sol),
        talks=sol.instance.talk_by_id,
    )


def _digest(source: str) -> str | None:
    """sha256 of the input file, so that a schedule names exactly what it was solved from."""
    import hashlib

    path = Path(source)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


def _extra(sol: Solution) -> dict:
    extra: dict = {}
    if sol.explanation is not None:
        extra["explanation"] = sol.explanation.to_json()
        extra["explanation_summary"] = sol.explanation.summary
    if sol.baseline is not None:
        extra["moves"] = sol.moves
    if sol.result.stages:
        extra["stages"] = dict(sol.result.stages)
    if sol.notes:
        extra["notes"] = sol.notes
    return extra


def score_document(ev: Evaluation | None) -> dict:
    if ev is None:
        return {"hard_violations": 0, "soft": {}}
    doc = ev.score_json()
    doc["terms"] = [
        {"term": t.name, "weight": t.weight, "count": round(t.amount, 6), "penalty": round(t.penalty, 6),
         "involved": t.items}
        for t in ev.terms.values()
    ]
    return doc


def write_outputs(sol: Solution, out_dir: str | Path, stem: str = "schedule") -> list[Path]:
    """Write ``<stem>.json`` (always) and ``<stem>.xlsx`` (when there is a schedule)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if sol.result.has_schedule:
        xlsx = out_dir / f"{stem}.xlsx"
        r = sol.result
        summary = {
            "instance": sol.source, "status": r.status, "objective": r.objective, "bound": r.bound,
            "gap": r.gap, "seconds": round(r.seconds, 3), "workers": r.workers, "seed": r.seed,
        }
        extra = {}
        if sol.baseline is not None:
            extra["Moves"] = (
                ["talk", "title", "change", "from", "to", "speakers"],
                [[m["talk"], m["title"], m["change"], _place_text(m["from"]), _place_text(m["to"]),
                  ", ".join(m["speakers"])] for m in sol.moves],
            )
        write_solved_workbook(xlsx, sol.instance, list(r.assignments), sol.evaluation, summary, extra)
        written.append(xlsx)
    js = out_dir / f"{stem}.json"
    write_text(js, dumps(solution_document(sol)))
    written.append(js)
    return written


def _place_text(p: dict | None) -> str:
    return f"{p['day']} {p['start']} {p['room']}" if p else ""
