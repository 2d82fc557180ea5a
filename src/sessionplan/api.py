"""The library API: what the command line does, callable from Python.

    import sessionplan as sp
    inst = sp.load("conference.xlsx")
    sol = sp.solve(inst, time_limit=30)
    sp.write_outputs(sol, "results/")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .baseline import Baseline
from .budget import Budget, now
from .errors import InputError, Problem, Problems
from .evaluate import Evaluation, evaluate
from .explanation import Explanation, counting_checks, explain, findings
from .io.archive import Limits
from .io.outputs import write_outputs
from .io.schedule_json import sort_assignments
from .io.schedules import read_schedule
from .io.workbook import read_workbook
from .model import Assignment, Instance
from .solution import Solution
from .solver import LARGE_OFF, Options, Progress, Result, candidate_count, large_instance
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
    return check_instance(load(path, warnings=warnings, limits=limits), str(path))


def check_instance(inst: Instance, source: str) -> Instance:
    """The cheap feasibility checks of a loaded workbook; InputError lists every problem."""
    problems = [_finding_problem(f) for f in findings(inst)]
    if problems:
        raise InputError(problems, source)
    return inst


def _finding_problem(found: Explanation) -> Problem:
    """One conflict, one problem, every row it involves named in the message; located at
    its first row when its rows are on one sheet (else at none: it is between sheets)."""
    first = found.reasons[0] if found.reasons else None
    rows = "; ".join(r.text for r in found.reasons)
    message = f"{found.summary}" + (f" ({rows})" if rows else "")
    if first is None or len({r.sheet for r in found.reasons}) > 1:
        return Problem(None, None, None, message)
    return Problem(first.sheet, first.row, first.column, message)


def solve(
    instance: Instance | str | Path,
    *,
    time_limit: float | None = 60.0,
    workers: int | None = None,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    stage: Callable[[str], None] | None = None,
    parameters: dict | None = None,
    baseline: Baseline | list[Assignment] | str | Path | None = None,
    explain_limit: float = 30.0,
    hint: dict | None = None,
    extra_families: list | None = None,
    max_candidates: int | None = 150_000,
    budget: Budget | None = None,
) -> Solution:
    """Solve a workbook or an instance; the schedule is scored by the evaluator.

    With a ``baseline`` (assignments, a schedule JSON or a solved workbook) the solve
    re-plans: pinned talks stay, then the fewest moves, then the usual terms. When no
    schedule exists, ``Solution.explanation`` says which workbook rows conflict. Above
    ``max_candidates`` grid places the solve works around a constructed schedule
    (solver/large.py) and reports no bound.
    ``progress`` hears of every better schedule, ``stage`` of every stage as it starts;
    ``hint`` ({talk: Placement}) and ``extra_families`` are passed to the solver's Options.
    ``budget`` (a ``budget.Budget``) bounds checks, search and explanation together,
    whatever ``time_limit`` says (default: ``time_limit`` from now): the command line
    makes it from the command's start, less a reserve for writing the outputs.
    """
    budget = budget or Budget.of(time_limit)
    source = str(instance) if isinstance(instance, (str, Path)) else instance.name
    inst = load(instance) if isinstance(instance, (str, Path)) else instance
    base = None
    if isinstance(baseline, Baseline):
        base = baseline
    elif baseline is not None:
        given = baseline if isinstance(baseline, list) else read_schedule(baseline, inst)
        base = Baseline.from_assignments(inst, given)
    opts = Options(time_limit=time_limit, workers=workers, seed=seed, progress=progress, stage=stage,
                   parameters=dict(parameters or {}), hint=hint, extra_families=list(extra_families or []),
                   max_candidates=max_candidates, budget=budget)
    t0 = now()
    found = counting_checks(inst, base)
    if found is not None:
        found.seconds = now() - t0
        return Solution(inst, Result.without_search("infeasible", opts, found.seconds), None, source, found, base)
    notes = []
    if max_candidates and candidate_count(inst) > max_candidates:
        effective = large_instance(inst)
        if effective is not inst:
            notes.append("Large conference: solved around a constructed schedule (no bound); the terms "
                         f"{' and '.join(LARGE_OFF)} are off (weight 0 here); topic_cohesion still groups related talks.")
        inst = effective
    result = _solve(inst, opts, baseline=base)
    notes += _notes(result)
    result = result.with_(time_limit=time_limit,
                          assignments=sort_assignments(list(result.assignments), [r.name for r in inst.rooms]))
    ev = evaluate(inst, list(result.assignments), base) if result.has_schedule else None
    if ev is not None and not result.priced:
        result = result.with_(objective=ev.total, terms={name: t.penalty for name, t in ev.terms.items()})
    explanation = None
    if result.status == "infeasible":
        explanation = explain(inst, base, time_limit=min(explain_limit, budget.left_or(explain_limit)))
    elif not result.has_schedule:
        explanation = Explanation(
            f"No schedule was found within the time limit ({time_limit} s), and none was proven impossible; "
            "a longer --time-limit may find one.", [], "none")
    return Solution(inst, result, ev, source, explanation, base, notes)


def _notes(result: Result) -> list[str]:
    """What the user should know about how the result's schedule was found."""
    out = []
    made = {"construction": "the greedy construction",
            "swaps": "the greedy construction improved by the swap search",
            "sessions": "the session model's schedule"}.get(result.found_by)
    if result.has_schedule and made is not None and not result.interrupted:
        if result.status == "optimal":
            out.append(f"Proven optimal without a search: {made} reaches the lower bound of the "
                       "relaxation or the session model (no schedule can cost less).")
        elif result.found_by != "sessions":
            why = f" ({result.notes[0]})" if result.notes else ""
            out.append(f"The search found no schedule within the time limit{why}: this is {made}, checked by "
                       "the evaluator; a longer --time-limit lets the search improve on it.")
    if result.found_by == "relaxation":
        repaired = result.model_size.get("relaxation_rounds", 1) - 1
        out.append("Proven optimal by the assignment relaxation: the cheapest matching of talks to rooms "
                   f"and times by the penalties of single placements{f' (repaired {repaired} times)' if repaired else ''} "
                   "keeps every rule and costs nothing more; no search was needed.")
    return out


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
    JSON) or a CSV of talks, as an ``Imported``; see ``io.imports.import_schedule``."""
    from .io.imports import import_schedule as read

    return read(path, warnings=warnings)


__all__ = [
    "InputError", "Problem", "Solution", "bundled_workshop", "check", "explain", "load", "read_schedule",
    "score", "solve", "write_outputs",
]
