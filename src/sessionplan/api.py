"""The library API: what the command line does, callable from Python.

    import sessionplan as sp
    inst = sp.load("conference.xlsx")
    result = sp.solve(inst, time_limit=30)
    sp.write_outputs(inst, result, "results/")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem, Problems
from .evaluate import Evaluation, evaluate
from .io.atomic import write_text
from .io.output_workbook import write_solved_workbook
from .io.schedule_json import dumps, read_schedule_json, schedule_document, sort_assignments, versions
from .io.workbook import read_workbook
from .model import Assignment, Instance
from .solver import Options, Progress, Result
from .solver import solve as _solve

PACKAGE_ROOT = Path(__file__).resolve().parent


def bundled_workshop() -> Path:
    """The workshop workbook shipped with sessionplan (source checkout or wheel)."""
    for candidate in (PACKAGE_ROOT / "data" / "workshop.xlsx", PACKAGE_ROOT.parents[1] / "instances" / "workshop.xlsx"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("the bundled workshop workbook is missing from this installation")


def load(path: str | Path, *, warnings: Problems | None = None) -> Instance:
    """Read and validate a conference workbook (raises InputError with every problem)."""
    return read_workbook(path, problems=warnings)


@dataclass
class Solution:
    """A solve's result with the evaluator's verdict on its schedule."""

    instance: Instance
    result: Result
    evaluation: Evaluation | None
    source: str = ""

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def assignments(self) -> list[Assignment]:
        return self.result.assignments


def solve(
    instance: Instance | str | Path,
    *,
    time_limit: float | None = 60.0,
    workers: int | None = None,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    parameters: dict | None = None,
) -> Solution:
    """Solve a workbook or an instance; the schedule is scored by the evaluator."""
    source = str(instance) if isinstance(instance, (str, Path)) else instance.name
    inst = load(instance) if isinstance(instance, (str, Path)) else instance
    opts = Options(time_limit=time_limit, workers=workers, seed=seed, progress=progress,
                   parameters=dict(parameters or {}))
    result = _solve(inst, opts)
    result.assignments = sort_assignments(result.assignments, [r.name for r in inst.rooms])
    ev = evaluate(inst, result.assignments) if result.has_schedule else None
    return Solution(inst, result, ev, source)


def read_schedule(path: str | Path, instance: Instance) -> list[Assignment]:
    """Assignments from a schedule JSON or from a solved (possibly hand-edited) workbook."""
    path = Path(path)
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        from .io.workbook import read_schedule_from_workbook

        return read_schedule_from_workbook(path, instance)
    assignments, _doc = read_schedule_json(path)
    return assignments


def solution_document(sol: Solution) -> dict:
    r = sol.result
    return schedule_document(
        instance=sol.source,
        status=r.status,
        objective=r.objective,
        bound=r.bound,
        assignments=r.assignments,
        score=score_document(sol.evaluation),
        solve={
            "seconds": round(r.seconds, 3),
            "workers": r.workers,
            "seed": r.seed,
            "time_limit": r.time_limit,
            "gap": r.gap,
            "first_solution_seconds": r.first_solution_seconds,
            "interrupted": r.interrupted,
            "model": r.model_size,
            "solver_terms": r.terms,
            "versions": versions(),
        },
        extra={"explanation": []} if r.status == "infeasible" else None,
    )


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
        write_solved_workbook(xlsx, sol.instance, r.assignments, sol.evaluation, summary)
        written.append(xlsx)
    js = out_dir / f"{stem}.json"
    write_text(js, dumps(solution_document(sol)))
    written.append(js)
    return written


def score(instance: Instance, schedule: str | Path | list[Assignment]) -> Evaluation:
    """Evaluate any schedule (a JSON file, a solved workbook, or assignments)."""
    assignments = schedule if isinstance(schedule, list) else read_schedule(schedule, instance)
    return evaluate(instance, assignments)


def import_schedule(path: str | Path, *, warnings: Problems | None = None):
    """A published schedule (frab/pretalx JSON or XML, pretalx widget JSON) or a CSV of
    talks, as an ``Imported`` (instance, published assignments, notes); InputError if bad."""
    from .io.frab import read_published
    from .io.talks_csv import read_talks_csv

    read = read_talks_csv if Path(path).suffix.casefold() in (".csv", ".tsv", ".txt") else read_published
    return read(path, warnings)


__all__ = [
    "InputError", "Problem", "Solution", "bundled_workshop", "load", "read_schedule", "score", "solve",
    "write_outputs",
]
