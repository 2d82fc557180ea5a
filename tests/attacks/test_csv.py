"""CSV: a field of 300 kB (beyond the csv module's 128 kB default limit: a ``_csv.Error``
traceback), NUL bytes and control characters in cells, bytes that are not UTF-8, broken
quoting, an empty file, 25,000 talks (more rows than a sheet may have), a file beyond the
size limit. Each ends in a workbook ``check`` accepts, with notes on what was cut or
cleaned, or in a located error (exit 2).
"""

from __future__ import annotations

from openpyxl import load_workbook

from .harness import Case, check_all, run_all


def test_csv_edges(arena):
    here = arena / "csv"
    here.mkdir()
    out = arena / "csv-out"
    big = "x" * 300_000
    files = {
        "field-300k.csv": (f'id,title,speakers,abstract\nT1,"{big}",Ana,"{big}"\nT2,Short,Ben,ok\n', (0,),
                           ("cut to 32,767", "cut to 32,000")),
        "nul.csv": ("id,title,speakers\nT1,Ti\x00tle\x1b[2J,Ana\x7f\n", (0,), ("line 2", "removed")),
        "latin1.csv": (b"id,title,speakers\nT1,Caf\xe9,Ana\n", (2,), ("latin1.csv, row 2", "not utf-8", "byte 25")),
        "broken-quote.csv": ('id,title,speakers\nT1,"never closed,Ana\n', (0, 2), ("",)),
        "empty.csv": ("", (2,), ("no 'title' column",)),
        "header-only.csv": ("id,title,speakers\n", (2,), ("no talks found",)),
        "duration-1e999.csv": ("id,title,speakers,duration\nT1,A,Ana,1e999\n", (2,), ("line 2: bad duration",)),
        "duration-huge.csv": ("id,title,speakers,duration\nT1,A,Ana,99999999999999999999\n", (2,),
                              ("line 2: bad duration",)),
        "rows-25000.csv": ("id,title,speakers\n" + "".join(f"T{i},Talk {i},Speaker {i % 700}\n" for i in range(25_000)),
                           (2,), ("Talks, row 20002", "more than the 20,000")),
    }
    cases = []
    for name, (text, codes, says) in files.items():
        path = here / name
        (path.write_bytes if isinstance(text, bytes) else lambda t, p=path: p.write_text(t, encoding="utf-8"))(text)
        cases.append(Case(f"import {name}", ["import", str(path), "--out", str(out / f"{name}.xlsx")], here, codes,
                          says, (path,)))
    sparse = here / "sparse.csv"
    with open(sparse, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)
    cases.append(Case("import a 60 MB CSV", ["import", str(sparse), "--out", str(out / "sparse.xlsx")], here, (2,),
                      ("60.0 MB", "limit of 50 MB")))
    results = run_all(cases)
    check_all(results)
    written = {p.name for p in out.iterdir()}
    assert written >= {"field-300k.csv.xlsx", "nul.csv.xlsx"}
    assert not written & {"latin1.csv.xlsx", "empty.csv.xlsx", "rows-25000.csv.xlsx", "sparse.xlsx"}
    rows = list(load_workbook(out / "field-300k.csv.xlsx")["Talks"].iter_rows(min_row=2, values_only=True))
    assert len(rows[0][1]) == 32_767 and len(rows[0][5]) == 32_000
    nul = next(load_workbook(out / "nul.csv.xlsx")["Talks"].iter_rows(min_row=2, values_only=True))
    assert nul[1] == "Title[2J" and nul[2] == "Ana"
    checks = run_all([Case(f"check {name}", ["check", str(out / name)], here, (2,), ("no slots",))
                      for name in sorted(written)])
    for ran in checks.values():  # only what a CSV cannot say is missing
        ran.check()
        assert "1 problem found" in ran.output, ran.output
