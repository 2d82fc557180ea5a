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
