"""The ``sessionplan`` command: a thin layer over the library API.

Exit codes: 0 a schedule was produced (or the check passed), 1 no schedule exists
(infeasible, or none found in the time limit), 2 the input has problems (or an option is
out of range), 3 an output cannot be written (a read-only folder, a full disk, a target
that is an input of the command or not a file; previous outputs are intact), 4 out of
memory, 130 interrupted before anything could be written.
"""

from __future__ import annotations

import functools
import math
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import api
from .errors import InputError, OutputError, Problems
from .io.archive import Limits
from .io.atomic import check_target, probe_folder
from .io.reading import inputs_protected
from .io.text import shown
from .terms import TERMS

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
    warnings = Problems()
    try:
        limits = Limits.from_env(max_rows=max_rows)
        inst = (api.check if strict else api.load)(path, warnings=warnings, limits=limits)
    except InputError as exc:
        _warn(warnings)
        _fail_input(exc)
    _warn(warnings)
    return inst


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
) -> None:
    """Solve a workbook into schedule.xlsx and schedule.json (or K alternatives).

    An existing schedule.json that is better than (or as good as) this run's is kept, and
    this run's schedule is written beside it as schedule.new.*; see --replace.
    """
    from .budget import command_started, write_reserve
    from .io.outputs import write_protected
    from .signals import deferred_signals, time_limit_alarm

    started = command_started()
    path = workbook or api.bundled_workshop()
    source = shown(path) if workbook else "workshop (bundled)"
    if alternatives > 1:
        if baseline is not None:
            err.print("error: --alternatives and --baseline cannot be combined: re-plan first, then ask for alternatives")
            raise typer.Exit(EXIT_INPUT)
        share = _share(within)
        with time_limit_alarm(started + time_limit + ALARM_GRACE - time.monotonic()) as alarm:
            try:
                inst = _load(path, max_rows=max_rows)
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
    # take far longer on a huge workbook, and some of it (the exact model) looks at no clock
    with time_limit_alarm(started + time_limit + ALARM_GRACE - time.monotonic()) as alarm:
        try:
            inst = _load(path, max_rows=max_rows)
            base = None
            if baseline is not None:
                try:
                    base = api.read_schedule(baseline, inst)
                except InputError as exc:
                    _fail_input(exc)
            _check_outputs(out_dir, [f"schedule{k}{x}" for k in ("", ".prev", ".new") for x in (".json", ".xlsx")])
            sol = _search(inst, base, time_limit, workers, seed, quiet,
                          started + time_limit - write_reserve(len(inst.talks)))
        except KeyboardInterrupt:
            if not alarm.fired:
                err.print("interrupted while the model was being built; nothing written")
                raise typer.Exit(130) from None
    if sol is None:  # the time limit ran out before the search began: no schedule, said so
        sol = _out_of_time(inst, time_limit, workers, seed, time.monotonic() - started)
        if sol is None:
            err.print(f"error: the time limit of {time_limit:g} s ran out while the workbook was read; "
                      "nothing written (give a longer --time-limit)")
            raise typer.Exit(EXIT_NO_SCHEDULE)
    elif alarm.fired and sol.result.interrupted:  # the limit, not a person, stopped it
        sol.result.interrupted = False
        sol.notes.append(f"The time limit of {time_limit:g} s ran out before CP-SAT's search began; this is the "
                         "best schedule found until then.")
    sol.source = source
    with deferred_signals():  # a schedule found is written completely
        written = write_protected(sol, out_dir, replace=replace)
    _summary(sol)
    for p in written.paths:
        out.print(f"wrote {shown(p)}")
    for note in written.notes:
        out.print(_styled("note:", "yellow", note), soft_wrap=True)
    if not sol.result.has_schedule:
        raise typer.Exit(EXIT_NO_SCHEDULE)


def _check_outputs(out_dir: Path, names: list[str]) -> None:
    """Before any work: the output folder can be one, and no file the command may write
    there is one of its inputs (OutputError otherwise)."""
    if out_dir.exists():
        probe_folder(out_dir)
    for name in names:
        check_target(out_dir / name)


def _out_of_time(inst, time_limit: float, workers: int | None, seed: int, seconds: float):
    """The result of a solve whose time ran out before the search began (None before the
    workbook was read)."""
    if inst is None:
        return None
    from .explanation import Explanation
    from .solver import Options, Result

    opts = Options(time_limit=time_limit, workers=workers, seed=seed)
    explanation = Explanation(
        f"No schedule: the time limit of {time_limit:g} s ran out before the search could begin "
        f"({len(inst.talks):,} talks, {len(inst.rooms):,} rooms, {len(inst.slots):,} slots); a longer "
        "--time-limit gives it time.", [], "none")
    return api.Solution(inst, Result.without_search("unknown", opts, seconds), None, "", explanation)


def _search(inst, base, time_limit, workers, seed, quiet, deadline) -> api.Solution:
    from .signals import stop_on_signals

    status_line = None if quiet or not err.is_terminal else err.status("building the model ...")
    logged = [0.0]

    def progress(p) -> None:
        line = (f"solving: objective {_fmt(p.objective)}  bound {_fmt(p.bound)}  gap {_fmt(p.gap, True)}  "
                f"{p.seconds:.1f}s  ({p.solutions} solutions)")
        if status_line is not None:
            status_line.update(line)
        elif not quiet and (p.solutions == 1 or p.seconds - logged[0] >= 1.0):  # a log, not a terminal
            logged[0] = p.seconds
            err.print(line, soft_wrap=True)

    if status_line is not None:
        status_line.start()
    try:
        with stop_on_signals():  # Ctrl-C and SIGTERM end the search; the best schedule is written
            return api.solve(inst, time_limit=time_limit, workers=workers, seed=seed, progress=progress,
                             baseline=base, deadline=deadline)
    finally:  # a KeyboardInterrupt before the search began: the caller says so
        if status_line is not None:
            status_line.stop()


def _share(text: str) -> float:
    from .committee.alternatives import parse_share

    try:
        return parse_share(text)
    except ValueError as exc:
        err.print(f"error: --within: {exc}")
        raise typer.Exit(EXIT_INPUT) from None


def _solve_alternatives(inst, source, out_dir, k, within, min_diff, time_limit, workers, seed, quiet) -> None:
    from .committee.alternatives import alternatives

    status_line = None if quiet else err.status("building the model ...")

    def progress(n, p) -> None:
        if status_line is not None:
            status_line.update(f"alternative {n}/{k}: objective {_fmt(p.objective)}  bound {_fmt(p.bound)}  "
                               f"gap {_fmt(p.gap, True)}  {p.seconds:.1f}s")

    if status_line is not None:
        status_line.start()
    try:
        alts = alternatives(inst, k, within=within, min_diff=min_diff, time_limit=time_limit, workers=workers,
                            seed=seed, progress=progress)
    finally:
        if status_line is not None:
            status_line.stop()
    from .io.atomic import folder_lock, write_together
    from .io.schedule_json import dumps
    from .signals import deferred_signals

    units, files = {}, {}
    for n, sol in enumerate(alts.solutions or [alts.failed], start=1):
        if sol is None:
            continue
        sol.source = source
        units.update(api.output_files(sol, out_dir, stem=f"schedule-{n}"))
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
    t = Table(show_edge=False)
    for col in ["#", "status", "objective", "+best", "bound", "gap", "hard", *terms,
                *(f"vs {j}" for j in dist.columns)]:
        t.add_column(col, justify="right")
    for k, row in table.iterrows():
        t.add_row(str(k), row["status"], _fmt(row["objective"]), _fmt(row["above_best"], True), _fmt(row["bound"]),
                  _fmt(row["gap"], True), str(row["hard_violations"]), *(f"{row[x]:g}" for x in terms),
                  *("-" if j == k else str(dist.loc[k, j]) for j in dist.columns))
    out.print(t)
    out.print("vs j: talks on another day or with other session-mates than in alternative j")


def _summary(sol: api.Solution) -> None:
    r = sol.result
    line = (f"status {r.status}" + (" (interrupted)" if r.interrupted else "") +
            f"  objective {_fmt(r.objective)}  bound {_fmt(r.bound)}  gap {_fmt(r.gap, True)}  "
            f"time {r.seconds:.2f}s  workers {r.workers}")
    out.print(line)
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
        out.print(f"  {m['talk']:>8} {m['change']:<7} {frm} -> {to}  ({', '.join(m['speakers'])})", soft_wrap=True)


def _score_table(ev) -> None:
    table = Table(title=None, show_edge=False)
    for col in ("term", "weight", "count", "penalty"):
        table.add_column(col, justify="left" if col == "term" else "right")
    for t in ev.terms.values():
        table.add_row(t.name, f"{t.weight:g}", f"{t.amount:g}", f"{t.penalty:g}")
    table.add_row("total", "", "", f"{ev.total:g}")
    out.print(table)
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
    need = sum(inst.min_slots(t) for t in inst.talks)
    have = sum(len(s.rooms) for s in inst.slots)
    out.print(
        f"ok: {len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
        f"{len(inst.slots)} slots in {len(inst.sessions)} sessions over {len(inst.days)} days; "
        f"{need} of {have} room-slots needed; {len(inst.constraints)} constraint rows"
    )


@app.command()
@command
def explain(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    baseline: Annotated[Optional[Path], typer.Option(help="published schedule whose pinned talks must stay")] = None,
    time_limit: Annotated[float, typer.Option(min=0.1, max=MAX_SECONDS, callback=_finite, help="seconds for the search of a conflict")] = 30.0,
) -> None:
    """Say why a workbook has no schedule: the conflicting rows, by sheet and row."""
    from .baseline import Baseline
    from .explanation import explain as run_explain

    inst = _load(workbook)
    base = None
    if baseline is not None:
        try:
            base = Baseline.from_assignments(inst, api.read_schedule(baseline, inst))
        except InputError as exc:
            _fail_input(exc)
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
    """Evaluate any schedule against a workbook: hard violations and soft terms."""
    inst = _load(workbook)
    warnings = Problems()
    try:
        ev = api.score(inst, schedule, warnings=warnings)
    except InputError as exc:
        _fail_input(exc)
    _warn(warnings)
    _score_table(ev)
    if ev.hard_violations:
        raise typer.Exit(EXIT_NO_SCHEDULE)


@app.command()
@command
def compare(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx) every schedule is judged against")],
    schedules: Annotated[list[Path], typer.Argument(help="schedule JSONs or solved (hand-edited) workbooks; the first is the reference")],
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="write the comparison workbook (.xlsx) here")] = None,
) -> None:
    """Compare schedules side by side: hard violations, soft terms, moved talks, speakers."""
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
    t = Table(show_edge=False, title="side by side")
    t.add_column("figure")
    for name in side.columns:
        t.add_column(name, justify="right")
    for figure, row in side.iterrows():
        t.add_row(figure, *(f"{v:g}" for v in row))
    out.print(t)
    for name, ev in c.evaluations.items():
        for v in ev.violations:
            out.print(_styled("hard", "red", f"{name}: {v.message}"), soft_wrap=True)
    for title, frame, cols in (("moved (compared with the first)", c.moves, ["schedule", "talk", "from", "to"]),
                               ("per speaker", c.speakers, ["schedule", "speaker", "moved", "new_problems"])):
        if frame.empty:
            continue
        t = Table(show_edge=False, title=title)
        for col in cols:
            t.add_column(col)
        for r in frame[cols].itertuples(index=False):
            t.add_row(*(str(v) for v in r))
        out.print(t)
    if out_path is not None:
        from .io.comparison_workbook import write_comparison_workbook

        write_comparison_workbook(out_path, c)
        out.print(f"wrote {shown(out_path)}")


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
    schedule: Annotated[Path, typer.Argument(help="schedule.json / schedule.xml (frab, pretalx), pretalx widget JSON, or a CSV of talks")],
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
    try:
        imported = api.import_schedule(schedule)
    except InputError as exc:
        _fail_input(exc)
    write_imported(imported, target)
    for note in imported.notes:
        err.print(f"note: {note}", soft_wrap=True)
    inst = imported.instance
    out.print(f"wrote {shown(target)}: {len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
              f"{len(inst.slots)} slots in {len(inst.sessions)} sessions")


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
    from .similarity import clash_clusters
    from .topics_review import review, write_topics

    inst = _load(workbook)
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
                                f" ({len(c.talks)} talks, area {c.area}): {', '.join(c.keywords) or '-'}"))
        table = Table(show_edge=False, show_header=False, pad_edge=False)
        for col in ("id", "title", "topics", "nearest"):
            table.add_column(col, overflow="fold")
        for tid in c.talks:
            near = ", ".join(f"{o} {s}%" for o, s in rv.neighbours.get(tid, []))
            table.add_row(tid, titles[tid].title[:70], "; ".join(titles[tid].topics), near)
        out.print(table)
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
    schedule: Annotated[Optional[Path], typer.Argument(help="schedule.json or a solved workbook; default: WORKBOOK itself")] = None,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="the file to write")] = ...,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="frab-json, frab-xml, ics or html; default: from the --out suffix")] = None,
    speaker: Annotated[Optional[str], typer.Option(help="only this speaker's talks (e.g. a personal calendar)")] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="IANA time zone of the workbook's times, e.g. Europe/Berlin")] = "UTC",
    title: Annotated[Optional[str], typer.Option(help="conference title; default: the workbook's file name")] = None,
    acronym: Annotated[Optional[str], typer.Option(help="frab acronym (4+ of a-z 0-9 _); default: from the file name")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="web address of the published HTML timetable; talk links point into it")] = None,
    language: Annotated[str, typer.Option(help="language code of the talks")] = "en",
) -> None:
    """Export a schedule: frab schedule.json/.xml, an iCalendar file, or an HTML timetable."""
    from . import export as exp

    fmt = fmt or exp.format_for(out_path)
    check_target(out_path)
    if fmt not in exp.FORMATS:
        err.print(f"error: --format must be one of {', '.join(exp.FORMATS)}"
                  + ("" if fmt else f" (the suffix of {out_path.name} does not say which)"))
        raise typer.Exit(EXIT_INPUT)
    inst = _load(workbook)
    source = schedule or workbook
    try:
        assignments = api.read_schedule(source, inst)
        if not assignments:
            err.print(f"error: {source} holds no schedule (no talk is scheduled); nothing written")
            raise typer.Exit(EXIT_NO_SCHEDULE)
        settings = exp.Settings(title=title, acronym=acronym, time_zone=timezone, base_url=base_url,
                                language=language, speaker=speaker)
        prog = exp.programme(inst, assignments, settings, source=shown(source.name))
    except InputError as exc:
        _fail_input(exc)
    violations = api.score(inst, assignments).hard_violations
    if violations:
        err.print(_styled("warning:", "yellow", f"the schedule breaks {violations} hard rule(s); "
                                                "`sessionplan score` lists them"), soft_wrap=True)
    exp.save(prog, out_path, fmt)
    n = len(prog.items)
    out.print(f"wrote {shown(out_path)} ({fmt}, {n} talk{'s' if n != 1 else ''})")


@app.command()
def weights() -> None:
    """List the soft objective terms, their default weights and units."""
    table = Table(show_edge=False)
    for col in ("term", "default", "unit", "meaning"):
        table.add_column(col)
    for t in TERMS.values():
        table.add_row(t.name, f"{t.default:g}", t.unit, t.description)
    out.print(table)


def main() -> None:
    from .budget import entry_point

    entry_point()
    for stream in (sys.stdout, sys.stderr):  # a file name's undecodable bytes print, not crash
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
