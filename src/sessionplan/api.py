"""The library API: what the command line does, callable from Python.

    import sessionplan as sp
    inst = sp.load("conference.xlsx")
    result = sp.solve(inst, time_limit=30)
    sp.write_outputs(inst, result, "results/")
"""

from __future__ import annotations

from collections.abc import Callable
import time
from dataclasses import dataclass, field
from pathlib import Path

from .baseline import Baseline, moves
from .errors import InputError, Problem, Problems
from .evaluate import Evaluation, evaluate
from .explanation import Explanation, counting_checks, explain, findings
from .io.archive import Limits
from .io.reading import digest_of
from .io.output_workbook import solved_workbook
from .io.saving import store
from .io.schedule_json import canonical, dumps, read_schedule_json, schedule_document, sort_assignments, versions
from .io.workbook import read_workbook
from .model import Assignment, Instance
from .solver import LARGE_OFF, Options, Progress, Result, construct, large_instance, to_assignment
from .solver.large import candidate_count
from .solver import solve as _solve

PACKAGE_ROOT = Path(__file__).resolve().parent


def bundled_workshop() -> Path:
    """The workshop workbook shipped with sessionplan (source checkout or wheel)."""
    for candidate in (PACKAGE_ROOT / "data" / "workshop.xlsx", PACKAGE_ROOT.parents[1] / "instances" / "workshop.xlsx"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("the bundled workshop workbook is missing from this installation")


def load(path: str | Path, *, warnings: Problems | None = None, limits: Limits | None = None) -> Instance:
    """Read and validate a conference workbook (raises InputError with every problem).

    ``limits`` (file size, unpacked size, rows per sheet ...) default to ``Limits.from_env()``.
    """
    return read_workbook(path, problems=warnings, limits=limits)


def check(path: str | Path, *, warnings: Problems | None = None, limits: Limits | None = None) -> Instance:
    """Load a workbook and run the cheap feasibility checks; InputError lists every problem."""
    inst = load(path, warnings=warnings, limits=limits)
    problems = [Problem(r.sheet, r.row, r.column, f"{f.summary} ({r.text})")
                for f in findings(inst) for r in f.reasons]
    if problems:
        raise InputError(problems, str(path))
    return inst


@dataclass
class Solution:
    """A solve's result with the evaluator's verdict on its schedule."""

    instance: Instance
    result: Result
    evaluation: Evaluation | None
    source: str = ""
    explanation: Explanation | None = None
    baseline: Baseline | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def moves(self) -> list[dict]:
        if self.baseline is None or not self.result.has_schedule:
            return []
        return moves(self.instance, self.baseline, self.result.assignments)

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
    baseline: list[Assignment] | str | Path | None = None,
    explain_limit: float = 30.0,
    hint: dict | None = None,
    extra_families: list | None = None,
    max_candidates: int | None = 150_000,
    deadline: float | None = None,
) -> Solution:
    """Solve a workbook or an instance; the schedule is scored by the evaluator.

    With a ``baseline`` (assignments, a schedule JSON or a solved workbook) the solve
    re-plans: pinned talks stay, then the fewest moves, then the usual terms. When no
    schedule exists, ``Solution.explanation`` says which workbook rows conflict. Above
    ``max_candidates`` grid places the solve works around a constructed schedule
    (solver/large.py) and reports no bound.
    ``hint`` ({talk: Placement}) and ``extra_families`` are passed to the solver's Options.
    ``deadline`` (a ``time.monotonic()`` instant) bounds search and explanation together,
    whatever ``time_limit`` says: the command line sets it so that the whole command,
    writing included, ends within its ``--time-limit``.
    """
    source = str(instance) if isinstance(instance, (str, Path)) else instance.name
    inst = load(instance) if isinstance(instance, (str, Path)) else instance
    base = None
    if baseline is not None:
        given = baseline if isinstance(baseline, list) else read_schedule(baseline, inst)
        base = Baseline.from_assignments(inst, given)
    opts = Options(time_limit=time_limit, workers=workers, seed=seed, progress=progress,
                   parameters=dict(parameters or {}), hint=hint, extra_families=list(extra_families or []),
                   max_candidates=max_candidates)
    t0 = time.perf_counter()
    found = counting_checks(inst, base)
    if found is not None:
        found.seconds = time.perf_counter() - t0
        return Solution(inst, Result.without_search("infeasible", opts, found.seconds), None, source, found, base)
    notes = []
    if max_candidates and candidate_count(inst) > max_candidates:
        effective = large_instance(inst)
        if effective is not inst:
            notes.append("Large conference: solved around a constructed schedule (no bound); the terms "
                         f"{' and '.join(LARGE_OFF)} are off (weight 0 here); topic_cohesion still groups related talks.")
        inst = effective
    if time_limit is not None:  # the limit covers the checks too
        opts.time_limit = max(0.5, time_limit - (time.perf_counter() - t0))
    if deadline is not None:
        opts.time_limit = max(0.5, min(opts.time_limit or float("inf"), deadline - time.monotonic()))
    result = _solve(inst, opts, baseline=base)
    ev = None
    if result.status == "unknown" and not result.interrupted and base is None:
        ev = _constructed(inst, result)
        if ev is not None:
            notes.append("The search found no schedule within the time limit: this is the greedy "
                         "construction, checked by the evaluator; a longer --time-limit lets the "
                         "search improve on it.")
    if "relaxation_rounds" in result.model_size:
        repaired = result.model_size["relaxation_rounds"] - 1
        notes.append("Proven optimal by the assignment relaxation: the cheapest matching of talks to rooms "
                     f"and times by the penalties of single placements{f' (repaired {repaired} times)' if repaired else ''} "
                     "keeps every rule and costs nothing more; no search was needed.")
    result.time_limit = time_limit
    result.assignments = sort_assignments(result.assignments, [r.name for r in inst.rooms])
    if ev is None and result.has_schedule:
        ev = evaluate(inst, result.assignments, base)
    if ev is not None and not result.priced:
        result.objective = ev.total
        result.terms = {name: t.penalty for name, t in ev.terms.items()}
    explanation = None
    if result.status == "infeasible":
        if deadline is not None:
            explain_limit = max(0.5, min(explain_limit, deadline - time.monotonic()))
        explanation = explain(inst, base, time_limit=explain_limit)
    elif not result.has_schedule:
        explanation = Explanation(
            f"No schedule was found within the time limit ({time_limit} s), and none was proven impossible; "
            "a longer --time-limit may find one.", [], "none")
    return Solution(inst, result, ev, source, explanation, base, notes)


def _constructed(inst: Instance, result: Result) -> Evaluation | None:
    """When the search ran out of time without a schedule: fall back on the greedy
    construction (the large mode's, or one made now), if it places every talk and the
    evaluator finds no hard violation in it. ``result`` then carries it, status feasible,
    to be priced by the evaluator; its evaluation is returned (None: no fallback)."""
    placed = result.construction or construct(inst).placed
    if len(placed) != len(inst.talks):
        return None
    assignments = [to_assignment(p) for p in placed.values()]
    ev = evaluate(inst, assignments)
    if ev.hard_violations:
        return None
    result.status, result.assignments, result.placements = "feasible", assignments, dict(placed)
    result.priced = False  # no solver prices a construction
    result.stages["construction"] = {"used": True}
    return ev


def read_schedule(path: str | Path, instance: Instance, warnings: Problems | None = None) -> list[Assignment]:
    """Assignments from a schedule JSON or from a solved (possibly hand-edited) workbook.

    In a workbook, the day grids and the Talks sheet's ``scheduled_*`` columns are
    reconciled (see ``io.edited_workbook``); disagreements go to ``warnings``.
    """
    path = Path(path)
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        from .io.edited_workbook import read_edited_workbook

        return canonical(read_edited_workbook(path, instance, warnings), instance)
    assignments, _doc = read_schedule_json(path, warnings)
    return canonical(assignments, instance)


def solution_document(sol: Solution, run: str | None = None) -> dict:
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
            "parameters": r.parameters,
            "input_sha256": digest_of(sol.source) if sol.source and Path(sol.source).is_file() else None,
            "model": r.model_size,
            "solver_terms": r.terms,
            "versions": versions(),
            **({"run": run} if run else {}),
        },
        extra=_extra(sol),
    )


def _extra(sol: Solution) -> dict:
    extra: dict = {}
    if sol.explanation is not None:
        extra["explanation"] = sol.explanation.to_json()
        extra["explanation_summary"] = sol.explanation.summary
    if sol.baseline is not None:
        extra["moves"] = sol.moves
    if sol.result.stages:
        extra["stages"] = sol.result.stages
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
    """Write ``<stem>.json`` (always) and ``<stem>.xlsx`` (when there is a schedule), as one
    unit (``io.atomic.write_together``): both carry the same run id."""
    from .io.atomic import output_folder, write_together

    return write_together(output_files(sol, output_folder(out_dir), stem))


def output_files(sol: Solution, out_dir: Path, stem: str = "schedule", run: str | None = None) -> dict:
    """The writers of one run's outputs, target -> writer(tmp path): the workbook first."""
    import uuid

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
        files[out_dir / f"{stem}.xlsx"] = lambda tmp: store(
            solved_workbook(sol.instance, r.assignments, sol.evaluation, summary, extra), tmp)
    text = dumps(solution_document(sol, run))
    files[out_dir / f"{stem}.json"] = lambda tmp: tmp.write_text(text, encoding="utf-8")
    return files


def _place_text(p: dict | None) -> str:
    return f"{p['day']} {p['start']} {p['room']}" if p else ""


def score(instance: Instance, schedule: str | Path | list[Assignment],
          baseline: str | Path | list[Assignment] | None = None, *, warnings: Problems | None = None) -> Evaluation:
    """Evaluate any schedule (a JSON file, a solved workbook, or assignments)."""
    assignments = schedule if isinstance(schedule, list) else read_schedule(schedule, instance, warnings)
    base = None
    if baseline is not None:
        given = baseline if isinstance(baseline, list) else read_schedule(baseline, instance)
        base = Baseline.from_assignments(instance, given)
    return evaluate(instance, assignments, base)


def import_schedule(path: str | Path, *, warnings: Problems | None = None):
    """A published schedule (frab/pretalx JSON or XML, pretalx widget JSON, EMF slotmachine
    JSON) or a CSV of talks, as an ``Imported`` (instance, published assignments, notes);
    InputError if bad, or if ``sessionplan check`` would refuse the workbook it makes.

    The file is read once (``io.reading``: a regular file, its size bounded)."""
    from .io.emf import is_emf, read_emf_imported
    from .io.frab import check_importable, read_published
    from .io.reading import read_input
    from .io.talks_csv import read_talks_csv

    inp = read_input(path)
    if inp.path.suffix.casefold() in (".csv", ".tsv", ".txt"):
        imported = read_talks_csv(inp, warnings)
    elif is_emf(inp):
        imported = read_emf_imported(inp, warnings)
    else:
        imported = read_published(inp, warnings)
    check_importable(imported)
    return imported


__all__ = [
    "InputError", "Problem", "Solution", "bundled_workshop", "check", "explain", "load", "read_schedule",
    "score", "solve", "write_outputs",
]
