"""Writing benchmark tables: the same rows as CSV and as a Markdown table."""

from __future__ import annotations

import csv
from pathlib import Path


def write_tables(rows: list[dict], out: Path, stem: str) -> str:
    """Write ``out/stem.csv`` and ``out/stem.md``; return the Markdown."""
    out.mkdir(parents=True, exist_ok=True)
    head = list(rows[0])
    with open(out / f"{stem}.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=head)
        w.writeheader()
        w.writerows(rows)
    md = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join("" if r[h] is None else str(r[h]) for h in head) + " |" for r in rows]
    text = "\n".join(md) + "\n"
    (out / f"{stem}.md").write_text(text)
    return text
