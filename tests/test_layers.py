"""Layers import one way: every module imports only its own layer and those below it
(imports for type annotations alone, under ``if TYPE_CHECKING:``, aside)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sessionplan"

# bottom first; a module may import its own top-level module and anything ranked lower
LAYERS = [
    {"errors", "periods", "terms", "signals", "kinds", "budget", "tables", "structure"},
    {"model"},
    {"rules", "seats", "similarity", "baseline", "generate", "chairs"},
    {"evaluate"},
    {"solver"},
    {"explanation"},
    {"solution"},
    {"io"},
    {"export", "topics_review", "edits"},
    {"api"},
    {"committee"},
    {"cli", "display", "__init__"},
]
RANK = {name: k for k, layer in enumerate(LAYERS) for name in layer}


def _runtime_imports(tree: ast.Module):
    """Import statements outside ``if TYPE_CHECKING:`` blocks."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skip.update(id(n) for n in ast.walk(node))
    return [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and id(n) not in skip]


def imports_by_module() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in sorted(PACKAGE.rglob("*.py")):
        parts = f.relative_to(PACKAGE).with_suffix("").parts
        here = list(parts[:-1])          # the package the module is in
        for node in _runtime_imports(ast.parse(f.read_text(encoding="utf-8"))):
            if node.level == 0:
                if node.module and node.module.startswith("sessionplan."):
                    target = node.module.split(".")[1:]
                else:
                    continue
            else:
                base = here[:len(here) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [a.name for a in node.names][:1])
            out.setdefault(parts[0], set()).add(target[0])
    return out


def test_every_module_has_a_layer():
    assert set(imports_by_module()) <= set(RANK)


def test_no_module_imports_upwards():
    upward = sorted((src, dst) for src, dsts in imports_by_module().items() for dst in dsts
                    if dst in RANK and RANK[dst] > RANK[src])
    assert upward == []


def test_a_solve_without_topic_terms_loads_neither_clustering_nor_scipy_optimize(tmp_path):
    """What a command imports is paid on every run, three times over on a loaded machine:
    the solver needs neither scikit-learn (text clustering, for the topic terms only) nor
    scipy.optimize (about a second to import) for a programme grouped by its rows."""
    import subprocess
    import sys

    from sessionplan.generate import partition
    from sessionplan.io.template import write_workbook

    book = tmp_path / "partition.xlsx"
    write_workbook(book, partition(30, seed=1))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sessionplan import cli\n"
        f"inst = cli._load(Path({str(book)!r}))\n"
        "cli._preload(inst)\n"
        "import sessionplan as sp\n"
        "sol = sp.solve(inst, time_limit=5, workers=1)\n"
        "assert sol.result.has_schedule\n"
        "print(sorted(m for m in ('sklearn', 'scipy.optimize') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
