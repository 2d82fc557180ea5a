"""Printing outputs as people do: LibreOffice for the workbooks, Chromium for the HTML page,
then poppler to read the PDF's pages (and to draw them as PNG for the README)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(*tools: tuple[str, str | None]) -> None:
    """Skip (outside CI) or fail (in CI) when a printing tool is missing."""
    missing = [name for name, path in tools if not path]
    if missing:
        message = f"missing {', '.join(missing)} (Debian: libreoffice-calc, chromium, poppler-utils)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)


def workbook_pdf(xlsx: Path, out_dir: Path) -> Path:
    """The workbook printed by LibreOffice (its own profile: other instances may be running)."""
    need(("soffice", SOFFICE))
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out_dir), str(xlsx)], check=True, capture_output=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (xlsx.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no {pdf.name}"
    return pdf


def html_pdf(html: Path, out: Path) -> Path:
    """The page printed by headless Chromium (the page's own @page size, no browser header)."""
    need(("chromium", CHROMIUM))
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    try:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}",
                        html.resolve().as_uri()], check=True, capture_output=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert out.exists(), "Chromium wrote no PDF"
    return out


def pages(pdf: Path) -> list[str]:
    """The text of every page (pdftotext, layout kept)."""
    need(("pdftotext", PDFTOTEXT))
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    out = text.split("\f")
    return out[:-1] if out and not out[-1].strip() else out


def page_png(pdf: Path, page: int, out: Path, dpi: int = 80) -> Path:
    """One page (1-based) drawn as PNG."""
    need(("pdftoppm", PDFTOPPM))
    subprocess.run([PDFTOPPM, "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile", str(pdf),
                    str(out.with_suffix(""))], check=True, capture_output=True)
    return out
