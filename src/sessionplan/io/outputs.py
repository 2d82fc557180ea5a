"""Write a solve's outputs without losing a better schedule that is already there.

The rule, for ``schedule.json`` / ``schedule.xlsx`` in the output folder:

- nothing there yet: write;
- the folder's schedule is not a valid schedule of this workbook (unreadable, no
  schedule, a talk missing, a hard rule broken, or its JSON and workbook carry the ids
  of different runs), or this run's schedule is strictly
  better by the evaluator (the current workbook's rules and weights, the same baseline),
  or it is the same schedule: write, and keep a schedule that was there as
  ``schedule.prev.json`` / ``.xlsx``;
- otherwise (this run found no schedule, or one no better than the folder's): leave the
  folder's files untouched and write this run's as ``schedule.new.json`` / ``.xlsx``.

``replace=True`` always writes (still keeping the previous files as ``schedule.prev.*``).
One run's JSON and workbook carry its run id and are written together with the ``.prev``
copies (``io.atomic.write_together``: nothing is replaced unless everything could be
written), under a lock of the folder, so that solves started at once take turns. What
was decided is returned as sentences for the user.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..evaluate import Evaluation, evaluate
from ..solution import Solution
from .atomic import folder_lock, output_folder, write_together
from .output_workbook import run_of_workbook, solved_workbook
from .reading import digest_of, read_input
from .saving import store
from .schedule_json import assignment_json, canonical, dumps, parse_schedule, schedule_document, versions


@dataclass
class Written:
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_previous: bool = False


@dataclass
class Previous:
    """The folder's schedule.json (and its workbook), as read before writing."""

    total: float | None = None          # the evaluator's total; None: no valid schedule of this workbook
    assignments: list[dict] | None = None
    mismatch: str | None = None         # why schedule.json and schedule.xlsx are not one run's pair


def read_previous(sol: Solution, out_dir: Path, stem: str) -> Previous:
    """The folder's schedule, judged for this solve's workbook and baseline (read within the
    input bounds; an output of an earlier run is not an input of this command)."""
    prev = Previous()
    try:
        inp = read_input(out_dir / f"{stem}.json", remember=False)
        assignments, doc = parse_schedule(inp)
    except InputError:
        return prev
    assignments = canonical(assignments, sol.instance)
    prev.assignments = [assignment_json(a) for a in assignments]
    run = ((doc.get("solve") or {}) if isinstance(doc.get("solve"), dict) else {}).get("run")
    book = out_dir / f"{stem}.xlsx"
    if book.exists():
        try:
            book_run = run_of_workbook(read_input(book, remember=False).data)
        except InputError:
            book_run = None
        if (run or book_run) and run != book_run:
            prev.mismatch = (f"{stem}.json and {stem}.xlsx are not from the same run "
                             f"({'run ' + str(run) if run else 'no run id'} against "
                             f"{'run ' + book_run if book_run else 'no run id'}: a run interrupted between "
                             "writing the two, or two runs writing at once)")
    if not assignments:
        return prev
    try:
        ev = evaluate(sol.instance, assignments, sol.baseline)
    except (InputError, ValueError, KeyError):
        return prev
    prev.total = None if ev.hard_violations else ev.total
    return prev


def previous_total(sol: Solution, path: Path) -> float | None:
    """The evaluator's total of the schedule in ``path`` for this solve's workbook and
    baseline; None when it is no valid schedule of it."""
    return read_previous(sol, path.parent, path.stem).total


def write_protected(sol: Solution, out_dir: str | Path, stem: str = "schedule", replace: bool = False) -> Written:
    """Decide and write under the folder's lock (concurrent solves into one folder take turns),
    this run's files and the ``.prev`` copies as one unit (``io.atomic.write_together``)."""
    out_dir = output_folder(out_dir)
    with folder_lock(out_dir):
        return _write_protected(sol, out_dir, stem, replace)


def _write_protected(sol: Solution, out_dir: Path, stem: str, replace: bool) -> Written:
    current = out_dir / f"{stem}.json"
    done = Written()
    run = uuid.uuid4().hex
    if not current.exists():
        done.paths = write_together(output_files(sol, out_dir, stem, run))
        return done
    prev = read_previous(sol, out_dir, stem)
    old = prev.total
    if prev.mismatch:
        done.notes.append(f"{prev.mismatch}; the folder's schedule is not trusted")
        old = None
    new = sol.evaluation.total if sol.result.has_schedule and sol.evaluation is not None else None
    same = new is not None and old is not None and prev.assignments == [assignment_json(a) for a in sol.assignments]
    if old is None or replace or same or (new is not None and new < old - 1e-9):
        backups = {} if same else _back_up(out_dir, stem)
        written = write_together({**backups, **output_files(sol, out_dir, stem, run)})
        done.paths = written[len(backups):]
        stale = out_dir / f"{stem}.xlsx"
        if not sol.result.has_schedule and stale.exists() and stale.with_suffix(".prev.xlsx").name in {
                p.name for p in backups}:
            stale.unlink()  # kept as .prev.xlsx; beside this run's JSON it would be another run's
        if backups:
            why = ("was replaced as asked" if replace and (old is None or new is None or new >= old)
                   else "was not a valid schedule of this workbook" if old is None
                   else f"had objective {old:g}, this run {new:g}")
            done.notes.append(f"the previous {current.name} {why}; it is kept as "
                              + " and ".join(p.name for p in backups))
        return done
    done.kept_previous = True
    files = output_files(sol, out_dir, f"{stem}.new", run)
    stale = out_dir / f"{stem}.new.xlsx"
    done.paths = write_together(files)
    if not sol.result.has_schedule and stale.exists():
        stale.unlink()  # a worse run's workbook from before: it would not match the new JSON
    reason = ("this run found no schedule" if new is None
              else f"its objective {old:g} is {'equal to' if abs(new - old) <= 1e-9 else 'better than'} this "
                   f"run's {new:g}")
    done.notes.append(f"kept the existing {current.name} and {stem}.xlsx: {reason}; this run's result is in "
                      + " and ".join(p.name for p in done.paths) + " (--replace writes over it)")
    return done


def _back_up(out_dir: Path, stem: str) -> dict:
    """Writers copying the folder's outputs to ``<stem>.prev.*`` (the bytes as read now)."""
    out = {}
    for suffix in (".json", ".xlsx"):
        src = out_dir / f"{stem}{suffix}"
        if src.exists():
            try:
                data = read_input(src, remember=False).data
            except InputError:
                continue  # not a file that can be kept (a FIFO put there, say): it is replaced
            out[out_dir / f"{stem}.prev{suffix}"] = lambda tmp, data=data: tmp.write_bytes(data)
    return out


def solution_document(sol: Solution, run: str | None = None) -> dict:
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
            "input_sha256": digest_of(sol.source) if sol.source and Path(sol.source).is_file() else None,
            "model": dict(r.model_size),
            "solver_terms": dict(r.terms),
            "versions": versions(),
            **({"run": run} if run else {}),
        },
        extra=_extra(sol),
        talks=sol.instance.talk_by_id,
    )


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
    if sol.chairs:
        extra["chairs"] = [c.to_json() for c in sol.chairs]
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
    """Write ``<stem>.json`` (always) and ``<stem>.xlsx`` (when there is a schedule), as one
    unit (``io.atomic.write_together``): both carry the same run id."""
    return write_together(output_files(sol, output_folder(out_dir), stem))


def output_files(sol: Solution, out_dir: Path, stem: str = "schedule", run: str | None = None) -> dict:
    """The writers of one run's outputs, target -> writer(tmp path): the workbook first."""
    run = run or uuid.uuid4().hex
    files: dict = {}
    if sol.result.has_schedule:
        r = sol.result
        summary = {
            "instance": sol.source, "status": r.status, "objective": r.objective, "bound": r.bound,
            "gap": r.gap, "seconds": round(r.seconds, 3), "workers": r.workers, "seed": r.seed, "run": run,
        }
        extra = {}
        if sol.baseline is not None:
            extra["Moves"] = (
                ["talk", "title", "change", "from", "to", "speakers"],
                [[m["talk"], m["title"], m["change"], _place_text(m["from"]), _place_text(m["to"]),
                  ", ".join(m["speakers"])] for m in sol.moves],
            )
        if sol.chairs:
            extra["Chairs"] = (["day", "session", "room", "track", "chair"],
                               [[c.day, c.session, c.room, c.track, c.chair or ""] for c in sol.chairs])
        files[out_dir / f"{stem}.xlsx"] = lambda tmp: store(
            solved_workbook(sol.instance, list(r.assignments), sol.evaluation, summary, extra), tmp)
    text = dumps(solution_document(sol, run))
    files[out_dir / f"{stem}.json"] = lambda tmp: tmp.write_text(text, encoding="utf-8")
    return files


def _place_text(p: dict | None) -> str:
    return f"{p['day']} {p['start']} {p['room']}" if p else ""
