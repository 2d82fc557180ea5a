"""The review loop of topics: clusters of related talks, their keywords, and filling the
empty ``topics`` cells of a workbook so that organizers can correct them in Excel.

Clusters come from spectral clustering (scikit-learn) of the same relatedness the
solver uses (``similarity.relatedness``: organizer topics first, then language-neutral
text similarity); each belongs to a broader subject area, whose talks ``topic_clash``
keeps out of parallel; a cluster's keywords are the stems most typical of its talks
(mean TF-IDF in the cluster minus the mean over all talks), shown as a word they came
from.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .io.atomic import write_together, write_with
from .io.reading import Input, read_input
from .io.saving import store
from .model import Instance
from .similarity import clash_clusters, cluster_labels, groups_of, relatedness, text_model, topic_clusters

KEYWORDS = 3


@dataclass
class Cluster:
    number: int
    talks: list[str]
    keywords: list[str]
    area: int = 0   # the subject area (``similarity.clash_clusters``) of most of its talks


@dataclass
class Review:
    clusters: list[Cluster]
    neighbours: dict[str, list[tuple[str, int]]]   # talk -> [(other talk, strength %)]

    def cluster_of(self) -> dict[str, Cluster]:
        return {t: c for c in self.clusters for t in c.talks}


def review(instance: Instance, n_clusters: int | None = None, neighbours: int = 3) -> Review:
    talks = instance.talks
    n = len(talks)
    sim = relatedness(instance) if n > 1 else np.zeros((n, n))
    if n_clusters is None:
        groups = topic_clusters(instance)
    else:
        groups = [[talks[i].id for i in idx] for idx in groups_of(cluster_labels(sim, min(n, n_clusters)), sim)]
    model = text_model(talks)
    index = {t.id: i for i, t in enumerate(talks)}
    area_of = {t: k + 1 for k, ids in enumerate(clash_clusters(instance)) for t in ids}
    clusters = [Cluster(c + 1, ids, _keywords(model, instance, [index[t] for t in ids]),
                        Counter(area_of[t] for t in ids).most_common(1)[0][0])
                for c, ids in enumerate(groups)]
    near = {}
    for i, t in enumerate(talks):
        order = sorted((j for j in range(n) if j != i), key=lambda j: (-sim[i, j], j))[:neighbours]
        near[t.id] = [(talks[j].id, int(round(100 * sim[i, j]))) for j in order if sim[i, j] > 0]
    return Review(clusters, near)


def _keywords(model, instance: Instance, idx: list[int]) -> list[str]:
    """The organizers' most shared topics first, then the stems most typical of the cluster."""
    given = Counter(x for i in idx for x in instance.talks[i].topics)
    out = [t for t, c in given.most_common(KEYWORDS) if c > 1 or len(idx) == 1]
    if model is None:
        return out
    inside = np.asarray(model.words[idx].mean(axis=0)).ravel()
    overall = np.asarray(model.words.mean(axis=0)).ravel()
    score = inside - overall
    surface = Counter()
    for i in idx:
        for stem, word in model.analysed[i].surface.items():
            surface[(stem, word)] += 1
    for col in np.argsort(-score, kind="stable"):
        if len(out) >= KEYWORDS or score[col] <= 0:
            break
        stem = model.vocabulary[col]
        word = max((w for (s, w) in surface if s == stem), key=lambda w: (surface[(stem, w)], -len(w)), default=stem)
        if word.casefold() not in {o.casefold() for o in out}:
            out.append(word)
    return out


# -- writing topics into the workbook ---------------------------------------------

def fill_topics(path: Path, target: Path, rv: Review) -> int:
    """Write the clusters' keywords into the EMPTY topics cells of the Talks sheet of
    ``path``, saved as ``target`` (a new file). See ``filled_workbook``."""
    wb, filled = filled_workbook(read_input(path), rv)
    write_with(target, lambda tmp: store(wb, tmp, text=False))
    return filled


def filled_workbook(inp: Input, rv: Review):
    """The workbook read as ``inp`` with the clusters' keywords in its EMPTY topics cells,
    and how many were filled.

    The workbook is edited in place of being regenerated, so every other sheet, cell,
    note, format and formula stays as it was; the keywords written are text, never a
    formula. Talks alone in their cluster are left empty.
    """
    from openpyxl import load_workbook

    from .io import cells

    wb = load_workbook(io.BytesIO(inp.data))
    ws = next(wb[name] for name in wb.sheetnames if name.strip().casefold() == "talks")
    header = {cells.text(c.value).casefold(): c.column for c in ws[1] if not cells.is_blank(c.value)}
    if "topics" not in header:
        col = ws.max_column + 1
        ws.cell(row=1, column=col, value="topics")
        header["topics"] = col
    of = {cells.key(t): c for t, c in rv.cluster_of().items()}
    filled = 0
    for row in range(2, ws.max_row + 1):
        tid = cells.text(ws.cell(row=row, column=header["id"]).value)
        cell = ws.cell(row=row, column=header["topics"])
        cluster = of.get(cells.key(tid))
        if cluster is None or not cells.is_blank(cell.value) or len(cluster.talks) < 2 or not cluster.keywords:
            continue
        cell.value = "; ".join(cluster.keywords)
        cell.data_type = "s"  # a keyword such as "=cmd" stays text
        filled += 1
    return wb, filled


def backup_path(path: Path) -> Path:
    """A free name beside ``path`` for its backup: name.backup.xlsx, name.backup-2.xlsx, ..."""
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.backup{'' if n == 1 else f'-{n}'}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def write_topics(path: Path, out: Path | None, rv: Review) -> tuple[Path, Path | None, int]:
    """Fill empty topics into ``out`` (a new file) or into ``path`` itself after a backup copy
    of it as it was read; backup and edit are written as one unit (``io.atomic``)."""
    if out is not None:
        return out, None, fill_topics(path, out, rv)
    inp = read_input(path)
    wb, filled = filled_workbook(inp, rv)
    backup = backup_path(path)
    def keep(tmp: Path) -> None:
        tmp.write_bytes(inp.data)

    write_together({backup: keep, path: lambda tmp: store(wb, tmp, text=False)}, replacing_input=path)
    return path, backup, filled
