"""The ``sessionplan`` command: a thin layer over the library API.

Exit codes: 0 a schedule was produced (or the check passed), 1 no schedule exists
(infeasible, or none found in the time limit), 2 the input has problems.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import api
from .errors import InputError, Problems
from .terms import TERMS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Conference and workshop programmes from an Excel workbook, optimised with CP-SAT.",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

EXIT_NO_SCHEDULE = 1
EXIT_INPUT = 2


def _fail_input(exc: InputError) -> None:
    err.print(f"[bold red]error:[/] {exc.render()}", markup=True, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


def _warn(problems: Problems) -> None:
    for w in problems.warnings:
        err.print(f"[yellow]warning:[/] {w}", soft_wrap=True)


def _load(path: Path):
    warnings = Problems()
    try:
        inst = api.load(path, warnings=warnings)
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
def solve(
    workbook: Annotated[Optional[Path], typer.Argument(help="conference workbook (.xlsx); default: the bundled workshop")] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="folder for schedule.xlsx and schedule.json")] = Path("."),
    time_limit: Annotated[float, typer.Option(help="seconds of search (model building and writing excluded)")] = 60.0,
    workers: Annotated[Optional[int], typer.Option(help="CP-SAT workers; default: the machine's cores")] = None,
    seed: Annotated[int, typer.Option(help="random seed of the search")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress line")] = False,
) -> None:
    """Solve a workbook into schedule.xlsx and schedule.json."""
    path = workbook or api.bundled_workshop()
    inst = _load(path)
    status_line = None if quiet else err.status("building the model ...")

    def progress(p) -> None:
        if status_line is not None:
            status_line.update(
                f"solving: objective {_fmt(p.objective)}  bound {_fmt(p.bound)}  gap {_fmt(p.gap, True)}  "
                f"{p.seconds:.1f}s  ({p.solutions} solutions)"
            )

    if status_line is not None:
        status_line.start()
    try:
        sol = api.solve(inst, time_limit=time_limit, workers=workers, seed=seed, progress=progress)
        sol.source = str(path) if workbook else "workshop (bundled)"
    finally:
        if status_line is not None:
            status_line.stop()
    written = api.write_outputs(sol, out_dir)
    _summary(sol)
    for p in written:
        out.print(f"wrote {p}")
    if not sol.result.has_schedule:
        raise typer.Exit(EXIT_NO_SCHEDULE)


def _summary(sol: api.Solution) -> None:
    r = sol.result
    line = (f"status {r.status}" + (" (interrupted)" if r.interrupted else "") +
            f"  objective {_fmt(r.objective)}  bound {_fmt(r.bound)}  gap {_fmt(r.gap, True)}  "
            f"time {r.seconds:.2f}s  workers {r.workers}")
    out.print(line)
    if sol.evaluation is not None:
        _score_table(sol.evaluation)


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
def check(workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")]) -> None:
    """Validate a workbook without solving it."""
    inst = _load(workbook)
    need = sum(inst.min_slots(t) for t in inst.talks)
    have = sum(len(s.rooms) for s in inst.slots)
    out.print(
        f"ok: {len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
        f"{len(inst.slots)} slots in {len(inst.sessions)} sessions over {len(inst.days)} days; "
        f"{need} of {have} room-slots needed; {len(inst.constraints)} constraint rows"
    )


@app.command()
def score(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    schedule: Annotated[Path, typer.Argument(help="schedule.json, or a solved workbook")],
) -> None:
    """Evaluate any schedule against a workbook: hard violations and soft terms."""
    inst = _load(workbook)
    try:
        ev = api.score(inst, schedule)
    except InputError as exc:
        _fail_input(exc)
    _score_table(ev)
    if ev.hard_violations:
        raise typer.Exit(EXIT_NO_SCHEDULE)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="where to write the new workbook")],
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write an empty conference workbook to fill in."""
    from .io.template import write_template

    if path.exists() and not force:
        err.print(f"error: {path} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_INPUT)
    write_template(path)
    out.print(f"wrote {path}")


@app.command("import")
def import_(
    schedule: Annotated[Path, typer.Argument(help="schedule.json / schedule.xml (frab, pretalx), pretalx widget JSON, or a CSV of talks")],
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="workbook to write; default: <schedule name>.xlsx")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing workbook")] = False,
) -> None:
    """Read a published schedule into a conference workbook (its programme kept as the baseline)."""
    from .io.frab import write_imported

    target = out_path or Path(schedule.stem + ".xlsx")
    if target.exists() and not force:
        err.print(f"error: {target} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_INPUT)
    try:
        imported = api.import_schedule(schedule)
    except InputError as exc:
        _fail_input(exc)
    write_imported(imported, target)
    for note in imported.notes:
        err.print(f"note: {note}", soft_wrap=True)
    inst = imported.instance
    out.print(f"wrote {target}: {len(inst.talks)} talks, {len(inst.speakers)} speakers, {len(inst.rooms)} rooms, "
              f"{len(inst.slots)} slots in {len(inst.sessions)} sessions")


@app.command()
def topics(
    workbook: Annotated[Path, typer.Argument(help="conference workbook (.xlsx)")],
    write: Annotated[bool, typer.Option("--write", help="fill the EMPTY topics cells with the cluster keywords")] = False,
    out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="with --write: a new workbook (default: in place, after a backup copy)")] = None,
    clusters: Annotated[Optional[int], typer.Option(help="number of clusters (default: about 1.2 x the square root of the talks)")] = None,
    force: Annotated[bool, typer.Option(help="with --out: overwrite an existing file")] = False,
) -> None:
    """Clusters of related talks, their keywords and each talk's nearest neighbours."""
    from .topics_review import review, write_topics

    inst = _load(workbook)
    if write and out_path is not None and out_path.exists() and not force:
        err.print(f"error: {out_path} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_INPUT)
    rv = review(inst, clusters)
    titles = inst.talk_by_id
    for c in rv.clusters:
        out.print(f"\n[bold]cluster {c.number}[/] ({len(c.talks)} talks): {', '.join(c.keywords) or '-'}")
        table = Table(show_edge=False, show_header=False, pad_edge=False)
        for col in ("id", "title", "topics", "nearest"):
            table.add_column(col, overflow="fold")
        for tid in c.talks:
            near = ", ".join(f"{o} {s}%" for o, s in rv.neighbours.get(tid, []))
            table.add_row(tid, titles[tid].title[:70], "; ".join(titles[tid].topics), near)
        out.print(table)
    if write:
        target, backup, filled = write_topics(workbook, out_path, rv)
        if backup is not None:
            out.print(f"backup of the original: {backup}")
        out.print(f"wrote {target}: {filled} empty topics cells filled (talks alone in a cluster left empty); "
                  "review them in Excel, then solve again")


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
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
