"""Draw one printed page of each output as PNG, for the README (docs/print/*.png).

    python docs/print/render.py [--dpi 80]

The 23-talk camp programme of the tests (tests/print_cases.py) is solved (seed 0, one
worker), then printed as people print it: the solved workbook and the comparison
workbook by LibreOffice (``soffice --convert-to pdf``), the HTML programme by headless
Chromium; poppler's pdftoppm draws the first day's page of each. The HTML programme of
the imported 31C3 schedule (four rooms) is drawn too. Needs the Debian packages
libreoffice-calc, chromium and poppler-utils.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sessionplan as sp  # noqa: E402
from sessionplan import export  # noqa: E402
from sessionplan.committee.comparison import compare  # noqa: E402
from sessionplan.committee.workbook import write_comparison_workbook  # noqa: E402
from tests.conftest import SHARED, write_book  # noqa: E402
from tests.print_cases import camp_sheets  # noqa: E402
from tests.printing import html_pdf, page_png, pages, workbook_pdf  # noqa: E402

OUT = Path(__file__).resolve().parent


def first_page_with(pdf: Path, text: str) -> int:
    return next(k for k, page in enumerate(pages(pdf), start=1) if text in page)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sessionplan-print-"))
    inst = sp.load(write_book(work / "camp.xlsx", camp_sheets()))
    sol = sp.solve(inst, workers=1, seed=0, time_limit=60)
    sp.write_outputs(sol, work)
    day = inst.days[0]

    pdf = workbook_pdf(work / "schedule.xlsx", work)
    page_png(pdf, first_page_with(pdf, f"camp · {day:%A}"), OUT / "workbook-day.png", args.dpi)

    html = export.write(inst, sol.assignments, work / "camp.html")
    page_png(html_pdf(html, work / "camp-html.pdf"), 1, OUT / "html-day.png", args.dpi)

    second = sp.alternatives(inst, 2, workers=1, seed=0, time_limit=60).solutions[-1]
    cmp_path = work / "comparison.xlsx"
    write_comparison_workbook(cmp_path, compare(inst, {"best": sol, "alternative 2": second}))
    pdf = workbook_pdf(cmp_path, work)
    page_png(pdf, first_page_with(pdf, "Grid 2 alternative 2"), OUT / "comparison-day.png", args.dpi)

    from sessionplan.api import import_schedule
    from sessionplan.io.frab import write_imported

    write_imported(import_schedule(SHARED / "data" / "frab" / "31c3_schedule.xml"), work / "31c3.xlsx")
    c3 = sp.load(work / "31c3.xlsx")
    html = export.write(c3, sp.read_schedule(work / "31c3.xlsx", c3), work / "31c3.html", title="31C3")
    page_png(html_pdf(html, work / "31c3.pdf"), 1, OUT / "html-31c3-day.png", args.dpi)
    for name in ("workbook-day.png", "html-day.png", "comparison-day.png", "html-31c3-day.png"):
        print(f"wrote {OUT / name} ({(OUT / name).stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
