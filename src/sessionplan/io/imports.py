"""``sessionplan import``: any published programme or list of talks, read once, as an ``Imported``."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problems


def import_schedule(path: str | Path, *, warnings: Problems | None = None):
    """A published schedule (frab/pretalx JSON or XML, pretalx widget JSON, EMF slotmachine
    JSON, Indico, EuroPython) or a CSV of talks, as an ``Imported`` (instance, published
    assignments, notes); InputError if bad, or if ``sessionplan check`` would refuse the
    workbook it makes.

    The file is read once (``io.reading``: a regular file, its size bounded)."""
    from .emf import is_emf, read_emf_imported
    from .frab import check_importable, read_published
    from .reading import read_input
    from .talks_csv import read_talks_csv

    inp = read_input(path)
    if inp.path.suffix.casefold() in (".csv", ".tsv", ".txt"):
        imported = read_talks_csv(inp, warnings)
    elif is_emf(inp):
        imported = read_emf_imported(inp, warnings)
    else:
        imported = read_published(inp, warnings)
    check_importable(imported)
    return imported
