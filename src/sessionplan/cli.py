"""The ``sessionplan`` command: a thin layer over the library API.

Exit codes: 0 a schedule was produced (or the check passed, or every schedule judged by
``score``/``compare`` keeps the hard rules), 1 no schedule exists (infeasible, or none
found in the time limit) or a judged schedule breaks a hard rule, 2 the input has problems
(or an option is out of range), 3 an output cannot be written (a read-only folder, a full
disk, a target that is an input of the command or not a file; previous outputs are
intact), 4 out of memory, 130 interrupted before anything could be written.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import tables
from .errors import InputError, OutputError, Problems
from .io.atomic import check_target, probe_folder
from .io.reading import inputs_protected
from .io.text import shown
from .terms import TERMS


def _lazy(name: str):
    """A module loaded on its first attribute access: ``--help`` and the light commands
    (export, check, init) never load OR-Tools, pandas or scikit-learn for nothing."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from . import api
else:
    api = _lazy(f"{__package__}.api")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Conference and workshop programmes from an Excel workbook, optimised with CP-SAT.",
    pretty_exceptions_enable=False,
)
# No markup or emoji codes: messages carry the workbook's own text ("[/]", ":x:").
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
out = Console(highlight=False, markup=False, emoji=False)


def _styled(label: str, style: str, text: str) -> Text:
    return Text.assemble((label, style), " ", text)

EXIT_NO_SCHEDULE = 1
EXIT_HARD_VIOLATIONS = 1   # score and compare: a schedule judged breaks a hard rule
EXIT_INPUT = 2
EXIT_OUTPUT = 3
EXIT_MEMORY = 4
#: CP-SAT takes at most 10,000 workers and a 32-bit seed; beyond a few dozen workers it gains nothing,
#: and each worker thread reserves address space (256 of them abort under a 2.5 GB ulimit -v).
MAX_WORKERS = 64
MAX_SEED = 2**31 - 1
MAX_SECONDS = 1e7  # about four months
MAX_ROWS = 1_048_576  # Excel's
ALARM_GRACE = 1.0  # seconds past --time-limit by which the search must have begun


def _finite(value: float | None) -> float | None:
    """A seconds option: a finite number (``nan`` and ``inf`` pass click's range check)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


def command(fn):
    """Every command: its input files are protected from its outputs (``io.reading``),
    and an output that cannot be written, a problem with an input, or memory running out
    ends it with a message and its exit code, never a traceback."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with inputs_protected():
            try:
                return fn(*args, **kwargs)
            except OutputError as exc:
                err.print(_styled("error:", "bold red", exc.message), soft_wrap=True)
                raise typer.Exit(EXIT_OUTPUT) from None
            except InputError as exc:
                _fail_input(exc)
            except MemoryError:
                err.print(_styled("error:", "bold red",
                                  "out of memory: the conference needs more memory than this process may use "
                                  "(the machine's, or a limit such as ulimit -v); nothing was written, previous "
                                  "outputs are intact. Fewer --workers need less."), soft_wrap=True)
                raise typer.Exit(EXIT_MEMORY) from None
    return run




def _fail_input(exc: InputError) -> None:
    err.print(_styled("error:", "bold red", exc.render()), soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


def _warn(problems: Problems) -> None:
    for w in problems.warnings:
        err.print(_styled("warning:", "yellow", str(w)), soft_wrap=True)


def _load(path: Path, strict: bool = False, max_rows: int | None = None):
    """Load a workbook (``strict``: also the cheap feasibility checks), or exit 2."""
    from .io.archive import Limits
    from .io.workbook import read_workbook

    warnings = Problems()
    try:
        limits = Limits.from_env(max_rows=max_rows)
        inst = read_workbook(path, problems=warnings, limits=limits)  # a bad file fails before the solver loads
        if strict:
            inst = api.check_instance(inst, shown(path))
    except InputError as exc:
        _warn(warnings)
        _fail_input(exc)
    _warn(warnings)
    return inst


def _timed_load(path: Path, max_rows: int | None):
    """``_load`` and the seconds the reading took, the reader's imports done before the
    clock starts (they take a second and say nothing of how fast this machine reads)."""
    from .budget import now
    from .io import workbook  # noqa: F401

    t = now()
    inst = _load(path, max_rows=max_rows)
    return inst, now() - t


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.2f}%" if pct else f"{x:g}"


@app.command()
@command
def solve(
    workbook: Annotated[Optional[Path], typer.Argument(help="conference workbook (.xlsx); default: the bundled workshop")] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="folder for schedule.xlsx and schedule.json")] = Path("."),
    time_limit: Annotated[float, typer.Option(min=0.1, max=MAX_SECONDS, callback=_finite, help="seconds for the whole command: reading, model building, search and writing")] = 60.0,
    workers: Annotated[Optional[int], typer.Option(min=1, max=MAX_WORKERS, help="CP-SAT workers; default: the machine's cores")] = None,
    seed: Annotated[int, typer.Option(min=0, max=MAX_SEED, help="random seed of the search (with --workers 1 the schedule is reproducible)")] = 0,
    baseline: Annotated[Optional[Path], typer.Option(
        help="re-plan against this published schedule (schedule JSON or solved workbook): "
             "pinned talks stay, then as few moves as possible, then the usual terms")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress line")] = False,
    alternatives: Annotated[int, typer.Option(min=1, max=100, help="write this many different good programmes, schedule-1 ... schedule-K")] = 1,
    within: Annotated[str, typer.Option(help="alternatives: objective at most this share above the best (5% or 0.05)")] = "5%",
    min_diff: Annotated[Optional[int], typer.Option(min=1, help="alternatives: talks seated differently from each other alternative; default max(4, 15% of the talks)")] = None,
    replace: Annotated[bool, typer.Option(help="write over a schedule.json that is as good or better (it is kept as schedule.prev.*)")] = False,
    max_rows: Annotated[Optional[int], typer.Option(min=1, max=MAX_ROWS, help="refuse a sheet with more filled rows (default 20,000; or SESSIONPLAN_MAX_ROWS)")] = None,
    keep_edits: Annotated[bool, typer.Option(
        help="a solved workbook edited by hand: pin the talks moved by hand where they are and plan the rest around them")] = False,
) -> None:
    """Solve a workbook into schedule.xlsx and schedule.json (or K alternatives).

    An existing schedule.json that is better than (or as good as) this run's is kept, and
    this run's schedule is written beside it as schedule.new.*; see --replace.
    """
    from .budget import Budget, command_started, slowdown, write_reserve
    from .signals import deferred_signals, stop_on_signals, time_limit_alarm

    started = command_started()
    path = workbook if workbook is not None else api.bundled_workshop()
    source = shown(path) if workbook else "workshop (bundled)"
    if alternatives > 1:
        if baseline is not None:
            err.print("error: --alternatives and --baseline cannot be combined: re-plan first, then ask for alternatives")
            raise typer.Exit(EXIT_INPUT)
        share = _share(within)
        with time_limit_alarm(started + time_limit + ALARM_GRACE - time.monotonic()) as alarm:
            try:
                inst = _with_hand_edits(path, _load(path, max_rows=max_rows), keep_edits, baseline)
                _preload(inst)
                _check_outputs(out_dir, [f"schedule-{n}{x}" for n in range(1, alternatives + 1) for x in (".json", ".xlsx")]
                               + ["alternatives.json"])
                return _solve_alternatives(inst, source, out_dir, alternatives, share, min_diff, time_limit, workers,
                                           seed, quiet)
            except KeyboardInterrupt:
                if not alarm.fired:
                    raise
                err.print(f"error: the time limit of {time_limit:g} s ran out before a search could start; "
                          "nothing written (give a longer --time-limit)")
                raise typer.Exit(EXIT_NO_SCHEDULE) from None
    inst = sol = None
    # the search must begin within the limit (and a second of grace): what precedes it can
    # take far longer on a huge workbook, and some of it looks at no clock; SIGTERM, like
    # Ctrl-C, ends it with nothing written
    with time_limit_alarm(started + time_limit + ALARM_GRACE - time.monotonic()) as alarm, stop_on_signals():
        try:
            inst, read_seconds = _timed_load(path, max_rows)
            # the whole command within the limit: what is written is sized at the rate it was read
            slow = slowdown(inst, read_seconds)
            _preload(inst)
            budget = Budget.of(time_limit, started, slow).reserve(write_reserve(inst, slow))
            inst = _with_hand_edits(path, inst, keep_edits, baseline)
            base = None
            if baseline is not None:
                from .io.schedules import read_baseline

                try:
                    base = read_baseline(baseline, inst)
                except InputError as exc:
                    _fail_input(exc)
            _check_outputs(out_dir, [f"schedule{k}{x}" for k in ("", ".prev", ".new") for x in (".json", ".xlsx")])
            sol = _search(inst, base, time_limit, workers, seed, quiet, budget)
        except KeyboardInterrupt:
            if not alarm.fired:
                what = "the workbook was being read" if inst is None else "the model was being built"
                err.print(f"interrupted while {what}; nothing written")
                raise typer.Exit(130) from None
    if sol is None:  # the time limit ran out before the search began: no schedule, said so
        sol = _out_of_time(inst, time_limit, workers, seed, time.monotonic() - started)
        if sol is None:
            err.print(f"error: the time limit of {time_limit:g} s ran out while the workbook was read; "
                      "nothing written (give a longer --time-limit)")
            raise typer.Exit(EXIT_NO_SCHEDULE)
    elif alarm.fired and sol.result.interrupted:  # the limit, not a person, stopped it
        sol.result = sol.result.with_(interrupted=False)
        sol.notes.append(f"The time limit of {time_limit:g} s ran out before CP-SAT's search began; this is the "
                         "best schedule found until then.")
    sol.source = source
    from .io.outputs import write_protected

    with deferred_signals():  # a schedule found is written completely
        written = write_protected(sol, out_dir, replace=replace)
    _summary(sol)
    for p in written.paths:
        out.print(f"wrote {shown(p)}")
    for note in written.notes:
        out.print(_styled("note:", "yellow", note), soft_wrap=True)
    if not sol.result.has_schedule:
        raise typer.Exit(EXIT_NO_SCHEDULE)


# what a solve imports on its way (the solver, OR-Tools, the clustering of topic_clash)
SOLVE_MODULES = ("sessionplan.solver", "sessionplan.explanation")
CLUSTERING_MODULES = ("sklearn.cluster",)   # about a second more: only for a topic term


def _preload(inst) -> None:
    """Import what the solve of ``inst`` will need, once the workbook has been read (a bad
    one fails without them), with signals and the time limit's alarm held until each
    import is done: an import cut short leaves a half-initialised package behind (its
    submodules stay loaded) and the next import of it fails. The clustering library
    only when a topic term is weighted (nothing else clusters talks by their text)."""
    import importlib

    from .signals import held
    from .terms import TOPIC_TERMS

    topics = any(inst.weights[t] for t in TOPIC_TERMS)
    for name in SOLVE_MODULES + (CLUSTERING_MODULES if topics else ()):
        with held(), contextlib.suppress(ImportError):
            importlib.import_module(name)


def _check_outputs(out_dir: Path, names: list[str]) -> None:
    """Before any work: the output folder is one and writable (or can be made), and no file
    the command may write there is one of its inputs (OutputError otherwise)."""
    probe_folder(out_dir)
    for name in names:
        check_target(out_dir / name)


def _out_of_time(inst, time_limit: float, workers: int | None, seed: int, seconds: float):
    """The result of a solve whose time ran out before the search began (None before the
    workbook was read)."""
    if inst is None:
        return None
    from .explanation import Explanation
    from .solution import Solution
    from .solver import Options, Result

    opts = Options(time_limit=time_limit, workers=workers, seed=seed)
    explanation = Explanation(
        f"No schedule: the time limit of {time_limit:g} s ran out before the search could begin "
        f"({len(inst.talks):,} talks, {len(inst.rooms):,} rooms, {len(inst.slots):,} slots); a longer "
        "--time-limit gives it time.", [], "none")
    return Solution(inst, Result.without_search("unknown", opts, seconds), None, "", explanation)


def _search(inst, base, time_limit, workers, seed, quiet, budget):
    from .display import SolveDisplay
    from .signals import stop_on_signals

    with SolveDisplay(err, budget.started, quiet=quiet) as display, stop_on_signals():
        # Ctrl-C and SIGTERM end the search; the best schedule is written
        return api.solve(inst, time_limit=time_limit, workers=workers, seed=seed, progress=display.progress,
                         stage=display.stage, baseline=base, budget=budget)


def _with_hand_edits(path: Path, inst, keep: bool, baseline: Path | None):
    """A solved workbook edited by hand: say so, and keep the edits when asked (pinned)."""
    from .edits import edits_message, hand_edits, keeping

    edits = hand_edits(path, inst)
    if keep:
        if not edits:
            err.print(_styled("note:", "yellow", f"--keep-edits: {path.name} has no hand edits (its programme is "
                                                 "the one it was solved into, or it was never solved)"), soft_wrap=True)
            return inst
        err.print(_styled("note:", "yellow", f"keeping {len(edits)} hand edit(s), pinned: "
                                             + "; ".join(e.text() for e in edits)), soft_wrap=True)
        return keeping(inst, edits)
    if edits and (baseline is None or baseline.resolve() != path.resolve()):
        err.print(_styled("warning:", "yellow", edits_message(path, edits)), soft_wrap=True)
    return inst


def _share(text: str) -> float:
    from .committee.alternatives import parse_share

    try:
        return parse_share(text)
    except ValueError as exc:
        err.print(f"error: --within: {exc}")
        raise typer.Exit(EXIT_INPUT) from None


def _solve_alternatives(inst, source, out_dir, k, within, min_diff, time_limit, workers, seed, quiet) -> None:
    from .budget import command_started
    from .committee.alternatives import alternatives
    from .display import SolveDisplay

    with SolveDisplay(err, command_started(), quiet=quiet) as display:
        def progress(n, p) -> None:
            display.part(f"alternative {n}/{k}: ")
            display.progress(p)

        alts = alternatives(inst, k, within=within, min_diff=min_diff, time_limit=time_limit, workers=workers,
                            seed=seed, progress=progress)
    from .io.atomic import folder_lock, write_together
    from .io.outputs import output_files
    from .io.schedule_json import dumps
    from .signals import deferred_signals

    units, files = {}, {}
    for n, sol in enumerate(alts.solutions or ([alts.failed] if alts.failed else []), start=1):
        sol.source = source
        units.update(output_files(sol, out_dir, stem=f"schedule-{n}"))
        files[n] = f"schedule-{n}.json"
    if alts.solutions:
        text = dumps(alts.summary_document(files))
        units[out_dir / "alternatives.json"] = lambda tmp: tmp.write_text(text, encoding="utf-8")
    with deferred_signals(), folder_lock(out_dir):  # the alternatives and their summary: one unit
        written = write_together(units)
    if alts.solutions:
        _alternatives_table(alts)
    for p in written:
        out.print(f"wrote {shown(p)}")
    if not alts.complete:
        err.print(Text.assemble((alts.stopped, "yellow"), f"; {len(alts.solutions)} of {k} written"))
        raise typer.Exit(EXIT_NO_SCHEDULE)


def _alternatives_table(alts) -> None:
    table, dist = alts.table(), alts.distances()
    terms = [t for t in TERMS if table[t].abs().sum() > 0]
    out.print(f"{len(alts.solutions)} alternatives within {alts.within:.1%} of the best objective "
              f"{_fmt(alts.best)} (cap {_fmt(alts.cap)}), each pair seated differently in at least "
              f"{alts.min_diff} talks")
    header = ["#", "status", "objective", "+best", "bound", "gap", "hard", *terms, *(f"vs {j}" for j in dist.columns)]
    rows = [[str(k), row["status"], _fmt(row["objective"]), _fmt(row["above_best"], True), _fmt(row["bound"]),
             _fmt(row["gap"], True), str(row["hard_violations"]), *(f"{row[x]:g}" for x in terms),
             *("-" if j == k else str(dist.loc[k, j]) for j in dist.columns)] for k, row in table.iterrows()]
    out.print(tables.table(out, header, rows, left=2, transpose=True))
    out.print("vs j: talks on another day or with other session-mates than in alternative j")


def _summary(sol: api.Solution) -> None:
    r = sol.result
    line = (f"status {r.status}" + (" (interrupted)" if r.interrupted else "") +
            f"  objective {_fmt(r.objective)}  bound {_fmt(r.bound)}  gap {_fmt(r.gap, True)}  "
            f"time {r.seconds:.2f}s  workers {r.workers}")
    out.print(line)
    if r.has_schedule:
        from .budget import command_started
        from .display import stage_name

        out.print(f"schedule found by the {stage_name(r.found_by)}; {time.monotonic() - command_started():.1f}s "
                  "since the command started", soft_wrap=True)
    if sol.evaluation is not None:
        _score_table(sol.evaluation)
    if sol.baseline is not None and sol.result.has_schedule:
        _moves_table(sol.moves)
    if sol.explanation is not None:
        out.print(sol.explanation.render(), soft_wrap=True)
    for note in sol.notes:
        out.print(f"note: {note}", soft_wrap=True, markup=False)


def _moves_table(moves: list[dict]) -> None:
    out.print(f"moves against the baseline: {sum(m['change'] in ('time', 'room') for m in moves)}")
    for m in moves:
        frm = f"{m['from']['day']} {m['from']['start']} {m['from']['room']}" if m["from"] else "-"
        to = f"{m['to']['day']} {m['to']['start']} {m['to']['room']}" if m["to"] else "-"
        who = f" ({', '.join(m['speakers'])})" if m["speakers"] else ""
        title = f"  {m['title']}" if m["title"] else ""
        out.print(f"  {m['talk']:>8} {m['change']:<7} {frm} -> {to}{title}{who}", soft_wrap=True)


def _score_table(ev) -> None:
    rows = [[t.name, f"{t.weight:g}", f"{t.amount:g}", f"{t.penalty:g}"] for t in ev.terms.values()]
    out.print(tables.table(out, ["term", "weight", "count", "penalty"], [*rows, ["total", "", "", f"{ev.total:g}"]]))
    out.print(f"hard violations: {ev.hard_violations}")
    for v in ev.violations:
        out.print(f"  - {v.message}", soft_wrap=True)


@app.command()
@command
def check(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    max_rows: Annotated[Optional[int], typer.Option(min=1, max=MAX_ROWS, help="refuse a sheet with more filled rows (default 20,000; or SESSIONPLAN_MAX_ROWS)")] = None,
) -> None:
    """Validate a workbook without solving it (also the cheap feasibility checks)."""
    inst = _load(workbook, strict=True, max_rows=max_rows)
    _published_warnings(workbook, inst)
    need = sum(inst.min_slots(t) for t in inst.talks)
    have = sum(len(s.rooms) for s in inst.slots)
    out.print(
        f"ok: {len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
        f"{len(inst.slots)} slots in {len(inst.sessions)} sessions over {len(inst.days)} days; "
        f"{need} of {have} room-slots needed; {len(inst.constraints)} constraint rows"
    )


def _published_warnings(workbook: Path, inst) -> None:
    """A workbook holding a programme (imported, or solved and edited) is warned about
    the hard rules that programme breaks; talks not placed yet are no such problem."""
    from .io.programmes import hard_rule_notes
    from .io.schedules import read_schedule

    warnings = Problems()
    try:
        assignments = read_schedule(workbook, inst, warnings)
    except InputError:
        return
    for note in hard_rule_notes(inst, assignments, skip=("placement",)):
        err.print(_styled("warning:", "yellow", note), soft_wrap=True)


@app.command()
@command
def explain(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    baseline: Annotated[Optional[Path], typer.Option(help="published schedule whose pinned talks must stay")] = None,
    time_limit: Annotated[float, typer.Option(min=0.1, max=MAX_SECONDS, callback=_finite, help="seconds for the search of a conflict")] = 30.0,
) -> None:
    """Say why a workbook has no schedule: the conflicting rows, by sheet and row."""
    from .baseline import Baseline
    from .io.schedules import read_schedule

    inst = _load(workbook)
    base = None
    if baseline is not None:
        try:
            base = Baseline.from_assignments(inst, read_schedule(baseline, inst))
        except InputError as exc:
            _fail_input(exc)
    from .explanation import explain as run_explain  # (loads the solver: after the inputs are read)

    found = run_explain(inst, base, time_limit=time_limit)
    out.print(found.render(), soft_wrap=True)
    out.print(f"({found.method}, {found.seconds:.2f}s)")
    raise typer.Exit(EXIT_NO_SCHEDULE if found.found else 0)


@app.command()
@command
def score(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    schedule: Annotated[Path, typer.Argument(help="schedule.json, or a solved workbook")],
) -> None:
    """Evaluate any schedule against a workbook: hard violations and soft terms.

    Exit 0 when the schedule keeps every hard rule, 1 when it breaks one, 2 on bad input.
    """
    from .io.schedules import read_schedule

    inst = _load(workbook)
    warnings = Problems()
    try:
        assignments = read_schedule(schedule, inst, warnings)  # a bad file fails before the solver loads
        ev = api.score(inst, assignments)
    except InputError as exc:
        _warn(warnings)
        _fail_input(exc)
    _warn(warnings)
    _score_table(ev)
    if ev.hard_violations:
        raise typer.Exit(EXIT_HARD_VIOLATIONS)


@app.command()
@command
def compare(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx) every schedule is judged against")],
    schedules: Annotated[list[Path], typer.Argument(help="schedule JSONs or solved (hand-edited) workbooks; the first is the reference")],
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="write the comparison workbook (.xlsx) here")] = None,
) -> None:
    """Compare schedules side by side: hard violations, soft terms, moved talks, speakers.

    Exit 0 when every schedule keeps the hard rules, 1 when one breaks a hard rule (the
    comparison is printed and written all the same), 2 on bad input.
    """
    from .committee.comparison import compare as compare_schedules

    inst = _load(workbook)
    if out_path is not None:
        check_target(out_path)
    try:
        c = compare_schedules(inst, schedules)
    except InputError as exc:
        _fail_input(exc)
    for w in c.warnings:
        err.print(_styled("warning:", "yellow", str(w)), soft_wrap=True)
    side = c.side_by_side()
    t, legend = tables.keyed(out, ["figure", *side.columns],
                             [[str(figure), *(f"{v:g}" for v in row)] for figure, row in side.iterrows()],
                             title="side by side")
    out.print(t)
    for line in legend:
        out.print(f"  {line}", soft_wrap=True)
    for name, ev in c.evaluations.items():
        for v in ev.violations:
            out.print(_styled("hard", "red", f"{name}: {v.message}"), soft_wrap=True)
    for title, frame, cols in (("moved (compared with the first)", c.moves, ["schedule", "talk", "from", "to"]),
                               ("per speaker", c.speakers, ["schedule", "speaker", "moved", "new_problems"])):
        if frame.empty:
            continue
        out.print(tables.table(out, cols, [[str(v) for v in r] for r in frame[cols].itertuples(index=False)],
                               title=title, left=len(cols)))
    if out_path is not None:
        from .committee.workbook import write_comparison_workbook

        write_comparison_workbook(out_path, c)
        out.print(f"wrote {shown(out_path)}")
    if any(ev.hard_violations for ev in c.evaluations.values()):
        raise typer.Exit(EXIT_HARD_VIOLATIONS)


@app.command()
@command
def init(
    path: Annotated[Path, typer.Argument(help="where to write the new workbook")],
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write an empty conference workbook to fill in."""
    from .io.template import write_template

    if path.exists() and not force:
        err.print(f"error: {shown(path)} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_INPUT)
    write_template(path)
    out.print(f"wrote {shown(path)}")


@app.command("import")
@command
def import_(
    schedule: Annotated[Path, typer.Argument(help="schedule.json / schedule.xml (frab, pretalx), pretalx widget JSON, a CSV of talks, or a CoSPLib instance (.xlsx)")],
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="workbook to write; default: <schedule name>.xlsx")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing workbook")] = False,
) -> None:
    """Read a published schedule into a conference workbook (its programme kept as the baseline)."""
    from .io.frab import write_imported

    target = out_path or Path(schedule.stem + ".xlsx")
    if target.exists() and not force:
        err.print(f"error: {shown(target)} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_INPUT)
    check_target(target)
    from .io.cosplib import is_cosplib

    if schedule.suffix.casefold() in (".xlsx", ".xlsm") and schedule.is_file() and is_cosplib(schedule):
        _import_cosplib(schedule, target)
        return
    from .io.imports import import_schedule

    try:
        imported = import_schedule(schedule)
    except InputError as exc:
        _fail_input(exc)
    write_imported(imported, target)
    for note in imported.notes_for(target):
        err.print(f"note: {note}", soft_wrap=True)
    inst = imported.instance
    out.print(f"wrote {shown(target)}: {len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
              f"{len(inst.slots)} slots in {len(inst.sessions)} sessions")


def _import_cosplib(instance: Path, target: Path) -> None:
    """A CoSPLib benchmark instance as a conference workbook (``io.cosplib_convert``)."""
    from .io.cosplib_convert import import_cosplib

    try:
        conv = import_cosplib(instance, target)
    except InputError as exc:
        _fail_input(exc)
    for note in conv.notes:
        err.print(f"note: {note}", soft_wrap=True)
    inst = conv.instance
    out.print(f"wrote {shown(target)}: {len(inst.submissions)} talks in {len(inst.tracks)} tracks, "
              f"{len(inst.rooms)} rooms, {len(inst.sessions)} sessions (CoSPLib instance {inst.name}; "
              f"slots of {conv.slot_minutes} minutes)")


@app.command()
@command
def topics(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    write: Annotated[bool, typer.Option("--write", help="fill the EMPTY topics cells with the cluster keywords")] = False,
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="with --write: a new workbook (default: in place, after a backup copy)")] = None,
    clusters: Annotated[Optional[int], typer.Option(min=1, max=100_000, help="number of clusters (default: about 1.2 x the square root of the talks)")] = None,
    force: Annotated[bool, typer.Option(help="with --out: overwrite an existing file")] = False,
) -> None:
    """Clusters of related talks, their keywords and each talk's nearest neighbours."""
    inst = _load(workbook)
    from .similarity import clash_clusters  # (heavy: after the input is read)
    from .topics_review import review, write_topics

    if write and out_path is not None and out_path.exists() and not force:
        err.print(f"error: {shown(out_path)} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_INPUT)
    if write and out_path is not None:
        check_target(out_path)
    rv = review(inst, clusters)
    titles = inst.talk_by_id
    for c in rv.clusters:
        out.print()
        out.print(Text.assemble((f"cluster {c.number}", "bold"),
                                f" ({len(c.talks)} talks, area {c.area}): "
                                f"{', '.join(e.text() for e in c.evidence) or '-'}"), soft_wrap=False)
        rows = [[tid + (" ≈" if tid in rv.nearest else ""), titles[tid].title[:70], "; ".join(titles[tid].topics),
                 ", ".join(f"{o} {s}%" for o, s in rv.neighbours.get(tid, []))] for tid in c.talks]
        out.print(tables.table(out, ["id", "title", "topics", "nearest"], rows, left=4))
    if rv.nearest:
        out.print("\n≈ a talk with only a title, put in its nearest cluster: "
                  + ", ".join(f"{t} {s}% related" for t, s in rv.nearest.items()), soft_wrap=True)
    out.print(f"\n{len(clash_clusters(inst))} subject areas: topic_clash keeps the talks of an area out of parallel")
    if write:
        target, backup, filled = write_topics(workbook, out_path, rv)
        if backup is not None:
            out.print(f"backup of the original: {shown(backup)}")
        out.print(f"wrote {shown(target)}: {filled} empty topics cells filled (talks alone in a cluster left empty); "
                  "review them in Excel, then solve again")


@app.command()
@command
def export(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx), or a solved workbook")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="the file to write")],
    schedule: Annotated[Optional[Path], typer.Argument(help="schedule.json or a solved workbook; default: WORKBOOK itself")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="frab-json, frab-xml, ics, html or cosplib; default: from the --out suffix")] = None,
    instance: Annotated[Optional[Path], typer.Option("--instance", help="cosplib: the CoSPLib instance the workbook was imported from (exact names, checked, scored in a 'violations' sheet)")] = None,
    speaker: Annotated[Optional[str], typer.Option(help="only this speaker's talks (e.g. a personal calendar)")] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="IANA time zone of the workbook's times, e.g. Europe/Berlin")] = "UTC",
    title: Annotated[Optional[str], typer.Option(help="conference title; default: the workbook's file name")] = None,
    acronym: Annotated[Optional[str], typer.Option(help="frab acronym (4+ of a-z 0-9 _); default: from the file name")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="web address of the published HTML timetable; talk links point into it")] = None,
    language: Annotated[Optional[str], typer.Option(
        help="language code of every talk (e.g. en, de); default: each talk's own, recognised from its title and abstract")] = None,
) -> None:
    """Export a schedule: frab schedule.json/.xml, an iCalendar file, an HTML timetable, or a CoSPLib solution."""
    from . import export as exp
    from .evaluate import evaluate
    from .io.schedules import read_schedule

    fmt = fmt or exp.format_for(out_path)
    check_target(out_path)
    if fmt == "cosplib":
        _export_cosplib(workbook, schedule or workbook, out_path, instance)
        return
    if instance is not None:
        err.print("error: --instance is for --format cosplib")
        raise typer.Exit(EXIT_INPUT)
    if fmt not in exp.FORMATS:
        err.print(f"error: --format must be one of {', '.join(exp.FORMATS)}"
                  + ("" if fmt else f" (the suffix of {out_path.name} does not say which)"))
        raise typer.Exit(EXIT_INPUT)
    inst = _load(workbook)
    source = schedule or workbook
    try:
        assignments = read_schedule(source, inst)
        if not assignments:
            err.print(f"error: {shown(source)} holds no schedule (no talk is scheduled); nothing written")
            raise typer.Exit(EXIT_NO_SCHEDULE)
        settings = exp.Settings(title=title, acronym=acronym, time_zone=timezone, base_url=base_url,
                                language=language, speaker=speaker)
        prog = exp.programme(inst, assignments, settings, source=shown(source.name))
    except InputError as exc:
        _fail_input(exc)
    # hard rules only: the topic terms' similarity (scikit-learn) is not needed for a warning
    violations = evaluate(inst.with_weights({t: 0 for t in TERMS if t.startswith("topic_")}), assignments).hard_violations
    if violations:
        err.print(_styled("warning:", "yellow", f"the schedule breaks {violations} hard rule(s); "
                                                "`sessionplan score` lists them"), soft_wrap=True)
    exp.save(prog, out_path, fmt)
    n = len(prog.items)
    out.print(f"wrote {shown(out_path)} ({fmt}, {n} talk{'s' if n != 1 else ''})")


def _export_cosplib(workbook: Path, source: Path, out_path: Path, instance: Path | None) -> None:
    """A schedule as a CoSPLib solution workbook (``io.export_cosplib``), scored when the
    instance is given."""
    from .io.cosplib import read_instance
    from .io.export_cosplib import cosplib_schedule, write_cosplib
    from .io.schedules import read_schedule

    inst = _load(workbook)
    try:
        cos = read_instance(instance) if instance is not None else None
        assignments = read_schedule(source, inst)
        if not assignments:
            err.print(f"error: {shown(source)} holds no schedule (no talk is scheduled); nothing written")
            raise typer.Exit(EXIT_NO_SCHEDULE)
        exported = cosplib_schedule(inst, assignments, cos)
    except InputError as exc:
        _fail_input(exc)
    write_cosplib(out_path, exported)
    line = f"wrote {shown(out_path)} (cosplib, {len(assignments)} submissions in {len(exported.schedule.cells)} cells)"
    if exported.score is not None:
        line += f"; CoSPLib objective {exported.score.objective}"
        for problem in exported.score.hard:
            err.print(_styled("warning:", "yellow", f"CoSPLib hard rule broken: {problem}"), soft_wrap=True)
    out.print(line)


@app.command()
def weights() -> None:
    """List the soft objective terms, their default weights and units."""
    rows = [[t.name, f"{t.default:g}", t.unit, t.description] for t in TERMS.values()]
    out.print(tables.table(out, ["term", "default", "unit", "meaning"], rows, left=4))


def main() -> None:
    from .budget import entry_point

    entry_point()
    for stream in (sys.stdout, sys.stderr):  # a file name's undecodable bytes print, not crash
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
