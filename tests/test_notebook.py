"""The committee notebook runs clean, top to bottom, with its parameters (papermill), on the
bundled workshop and on an imported two-room conference."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest
from ipykernel.kernelspec import write_kernel_spec

from sessionplan.api import import_schedule
from sessionplan.io.frab import write_imported

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "committee.ipynb"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    # a python3 kernel spec for this very interpreter, found before any other installed one
    write_kernel_spec(tmp_path / "jupyter" / "kernels" / "python3")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")


def run(tmp_path, **parameters):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               cwd=str(tmp_path), progress_bar=False, execution_timeout=600)
    nb = nbformat.read(out, as_version=4)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    return nb, text, html, images


def test_the_parameters_cell_is_tagged(kernel):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "workbook = None" in tagged[0].source and "limit" in tagged[0].source


def test_committee_notebook_on_the_workshop(kernel, tmp_path, workshop):
    nb, text, html, images = run(tmp_path, alternatives=2, limit=20)
    assert "best objective" in text and "wrote" in text and "28 talks" in text
    assert len(images) == 1   # the score breakdown
    # timetables with titles, one per alternative
    assert html.count("alternative 1") >= 1 and "alternative 2" in html
    for talk in workshop.talks[:5]:
        assert talk.title[:30].replace("&", "&amp;") in html, talk.title


def test_committee_notebook_on_an_imported_conference(kernel, tmp_path):
    book = tmp_path / "camp2019.xlsx"
    imported = import_schedule(FIXTURES / "camp2019_day2.json")
    write_imported(imported, book)
    nb, text, html, images = run(tmp_path, workbook=str(book), alternatives=2, limit=10)
    assert "camp2019: 6 talks, 2 rooms" in text
    # two rooms: one table per day with the rooms as columns, no tuple headers
    assert "Curie" in html and "Meitner" in html and "('" not in html
    assert "Lightning Talks" in html
