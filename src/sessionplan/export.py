"""Export a solved programme: frab schedule.json / schedule.xml, iCalendar, an HTML page.

    import sessionplan as sp
    from sessionplan import export

    inst = sp.load("conference.xlsx")
    assignments = sp.read_schedule("results/schedule.json", inst)
    doc = export.to_frab_json(inst, assignments, time_zone="Europe/Berlin")   # a dict
    export.write(inst, assignments, "programme.html")                        # format from the suffix

Settings (keyword arguments or a ``Settings``): ``title``, ``acronym``, ``time_zone``
(IANA name, default UTC: the workbook's times are read as local times there),
``base_url`` (where the HTML page is published; talk links point into it),
``language`` (default: each talk's own, recognised from its title and abstract) and ``speaker`` (keep only that speaker's talks).
Bad settings or a schedule that does not match the workbook raise ``InputError``.
"""

from __future__ import annotations

from pathlib import Path

from .io.atomic import write_with
from .io.export_frab import to_frab_json as _frab_json
from .io.export_frab import to_frab_xml as _frab_xml
from .io.export_html import to_html as _html
from .io.export_ics import to_ics as _ics
from .io.programme import Programme, Settings, build_programme
from .io.schedule_json import dumps
from .model import Assignment, Instance

FORMATS = ("frab-json", "frab-xml", "ics", "html")
SUFFIXES = {".json": "frab-json", ".xml": "frab-xml", ".ics": "ics", ".html": "html", ".htm": "html"}


def programme(instance: Instance, assignments: list[Assignment], settings: Settings | None = None,
              *, source: str = "schedule", **options) -> Programme:
    """The checked programme every format is written from (InputError on problems)."""
    return build_programme(instance, assignments, settings or Settings(**options), source)


def to_frab_json(instance: Instance, assignments: list[Assignment], settings: Settings | None = None, **options) -> dict:
    return _frab_json(programme(instance, assignments, settings, **options))


def to_frab_xml(instance: Instance, assignments: list[Assignment], settings: Settings | None = None, **options) -> bytes:
    return _frab_xml(programme(instance, assignments, settings, **options))


def to_ics(instance: Instance, assignments: list[Assignment], settings: Settings | None = None, **options) -> bytes:
    return _ics(programme(instance, assignments, settings, **options))


def to_html(instance: Instance, assignments: list[Assignment], settings: Settings | None = None, **options) -> str:
    return _html(programme(instance, assignments, settings, **options))


def format_for(path: str | Path) -> str | None:
    """The export format a file name suggests (``None`` when it suggests none)."""
    return SUFFIXES.get(Path(path).suffix.casefold())


def render(prog: Programme, fmt: str) -> bytes:
    if fmt == "frab-json":
        return dumps(_frab_json(prog)).encode("utf-8")
    if fmt == "frab-xml":
        return _frab_xml(prog)
    if fmt == "ics":
        return _ics(prog)
    if fmt == "html":
        return _html(prog).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


def write(instance: Instance, assignments: list[Assignment], path: str | Path, fmt: str | None = None,
          settings: Settings | None = None, *, source: str = "schedule", **options) -> Path:
    """Write one export atomically; ``fmt`` defaults to the one the suffix suggests."""
    return save(programme(instance, assignments, settings, source=source, **options), path, fmt)


def save(prog: Programme, path: str | Path, fmt: str | None = None) -> Path:
    """Write a checked programme atomically in ``fmt`` (default: the one the suffix suggests)."""
    path = Path(path)
    fmt = fmt or format_for(path)
    if fmt not in FORMATS:
        raise ValueError(f"say which format to write to {path.name}: one of {', '.join(FORMATS)}")
    data = render(prog, fmt)
    write_with(path, lambda tmp: _write_bytes(tmp, data))
    return path


__all__ = ["FORMATS", "Programme", "Settings", "format_for", "programme", "render", "save", "to_frab_json",
           "to_frab_xml", "to_html", "to_ics", "write"]


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)
