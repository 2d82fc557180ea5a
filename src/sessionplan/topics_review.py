"""The review loop of topics: clusters of related talks, their labels, and filling the
empty ``topics`` cells of a workbook so that organizers can correct them in Excel.

Clusters come from spectral clustering (scikit-learn) of the same relatedness the
solver uses (``similarity.relatedness``: organizer topics first, then language-neutral
text similarity); each belongs to a broader subject area, whose talks ``topic_clash``
keeps out of parallel.

A cluster is labelled by the terms that distinguish it from the rest (class-based
TF-IDF, as in BERTopic): a term's weight in a cluster is the share of the cluster's
talks that use it times ``log(1 + A / f)``, where ``A`` is the mean cluster size and
``f`` the number of talks using the term anywhere. Terms are the stems of titles and
abstracts (shown as a word they came from) and the organizers' topics (which count
half as much again: they are labels already). A label term must be used by two talks
of the cluster at least and be commoner inside it than outside; its evidence (how many
talks use it here, how many elsewhere) is shown by ``sessionplan topics``.

A talk with only a title has little text to be clustered by; when it ends up alone, it
is given its nearest cluster (the strongest mean relatedness to the cluster's talks,
over its three best matches there) with that strength as a confidence mark, shown and
written as a comment on the topics cell it fills (a guess under 5% is shown, not written).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .io.atomic import write_together, write_with
from .io.reading import Input, read_input
from .io.saving import store
from .model import Instance
from .similarity import MIN_STRENGTH, clash_clusters, cluster_labels, groups_of, relatedness, text_model, topic_clusters

KEYWORDS = 3
TOPIC_BONUS = 1.5    # an organizer's topic weighs this much more than a word of the text
NEAREST_MATCHES = 3  # a title-only talk's affinity to a cluster: its mean over this many best matches
WRITE_CONFIDENCE = MIN_STRENGTH   # percent: a nearest cluster weaker than this is shown, never written


@dataclass(frozen=True)
class Evidence:
    """Why a term labels a cluster: how many of its talks use it, and how many others do."""

    term: str
    inside: int
    size: int
    outside: int

    def text(self) -> str:
        return f"{self.term} ({self.inside}/{self.size} here, {self.outside} elsewhere)"


@dataclass
class Cluster:
    number: int
    talks: list[str]
    keywords: list[str]
    area: int = 0   # the subject area (``similarity.clash_clusters``) of most of its talks
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Review:
    clusters: list[Cluster]
    neighbours: dict[str, list[tuple[str, int]]]   # talk -> [(other talk, strength %)]
    nearest: dict[str, int] = field(default_factory=dict)   # title-only talk -> confidence % in its cluster

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
    groups, nearest = _place_title_only(instance, [list(g) for g in groups], sim, index)
    area_of = {t: k + 1 for k, ids in enumerate(clash_clusters(instance)) for t in ids}
    evidence = labels(model, instance, [[index[t] for t in ids] for ids in groups])
    clusters = [Cluster(c + 1, ids, [e.term for e in evidence[c]],
                        Counter(area_of[t] for t in ids).most_common(1)[0][0], evidence[c])
                for c, ids in enumerate(groups)]
    near = {}
    for i, t in enumerate(talks):
        order = sorted((j for j in range(n) if j != i), key=lambda j: (-sim[i, j], j))[:neighbours]
        near[t.id] = [(talks[j].id, int(round(100 * sim[i, j]))) for j in order if sim[i, j] > 0]
    return Review(clusters, near, nearest)


def _place_title_only(instance: Instance, groups: list[list[str]], sim: np.ndarray,
                      index: dict[str, int]) -> tuple[list[list[str]], dict[str, int]]:
    """Title-only talks alone in a cluster join their nearest cluster (with its strength %)."""
    talks = instance.talk_by_id
    lonely = [g[0] for g in groups if len(g) == 1 and not talks[g[0]].abstract.strip()]
    shared = [g for g in groups if len(g) > 1]
    if not lonely or not shared:
        return groups, {}
    nearest: dict[str, int] = {}
    for tid in lonely:
        i = index[tid]
        affinity = [float(np.mean(sorted((sim[i, index[o]] for o in g), reverse=True)[:NEAREST_MATCHES]))
                    for g in shared]
        best = int(np.argmax(affinity))
        strength = round(100 * affinity[best])
        if strength <= 0:
            continue   # related to nothing: it stays alone (and unlabelled)
        shared[best].append(tid)
        nearest[tid] = strength
    order = {t.id: k for k, t in enumerate(instance.talks)}
    placed = [sorted(g, key=order.__getitem__) for g in shared]
    rest = [g for g in groups if len(g) == 1 and g[0] not in nearest]
    return sorted(placed, key=lambda g: -len(g)) + rest, nearest


def labels(model, instance: Instance, clusters: list[list[int]]) -> list[list[Evidence]]:
    """Each cluster's label terms by class-based TF-IDF, with their evidence (see above)."""
    n = len(instance.talks)
    terms: list[dict[str, str]] = []   # per talk: term key -> how it is shown
    for i, talk in enumerate(instance.talks):
        own = {f"topic:{t.casefold()}": t for t in talk.topics}
        if model is not None:
            own.update({f"stem:{stem}": word for stem, word in model.analysed[i].surface.items()})
        terms.append(own)
    used = Counter(key for own in terms for key in own)       # talks using each term
    mean_size = n / max(1, len(clusters))
    out = []
    for idx in clusters:
        inside = Counter(key for i in idx for key in terms[i])
        scored = []
        for key, k in inside.items():
            if len(idx) > 1 and k < 2:
                continue
            outside = used[key] - k
            if len(idx) > 1 and k / len(idx) <= outside / max(1, n - len(idx)):
                continue   # no commoner here than elsewhere: it does not tell this cluster apart
            weight = (k / len(idx)) * np.log1p(mean_size / used[key]) * (TOPIC_BONUS if key.startswith("topic:") else 1)
            scored.append((-weight, key, k, outside))
        scored.sort()
        chosen: list[Evidence] = []
        for _w, key, k, outside in scored:
            word = _shown(key, [terms[i] for i in idx])
            if word.casefold() in {e.term.casefold() for e in chosen}:
                continue
            chosen.append(Evidence(word, k, len(idx), outside))
            if len(chosen) >= KEYWORDS:
                break
        out.append(chosen)
    return out


def _shown(key: str, terms: list[dict[str, str]]) -> str:
    """The spelling shown for a term: the commonest, then shortest, among the cluster's talks."""
    spellings = Counter(own[key] for own in terms if key in own)
    return max(spellings, key=lambda w: (spellings[w], -len(w), w))


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
    from openpyxl.comments import Comment

    from .io import cells

    wb = load_workbook(io.BytesIO(inp.data))
    ws = next(wb[name] for name in wb.sheetnames if name.strip().casefold() == "talks")
    header = {cells.text(c.value).casefold(): c.column for c in ws[1] if not cells.is_blank(c.value)}
    if "topics" not in header:
        col = ws.max_column + 1
        ws.cell(row=1, column=col, value="topics")
        header["topics"] = col
    of = rv.cluster_of()
    ids = {cells.key(t): t for t in of}   # ids as the workbook's cells spell them, compared one way
    filled = 0
    for row in range(2, ws.max_row + 1):
        tid = ids.get(cells.key(cells.text(ws.cell(row=row, column=header["id"]).value)), "")
        cell = ws.cell(row=row, column=header["topics"])
        cluster = of.get(tid)
        if cluster is None or not cells.is_blank(cell.value) or len(cluster.talks) < 2 or not cluster.keywords:
            continue
        if rv.nearest.get(tid, WRITE_CONFIDENCE) < WRITE_CONFIDENCE:
            continue   # too weak a guess to write down
        cell.value = "; ".join(cluster.keywords)
        cell.data_type = "s"  # a keyword such as "=cmd" stays text
        if tid in rv.nearest:
            cell.comment = Comment(f"sessionplan topics: this talk has only a title; these are the topics of "
                                   f"its nearest cluster ({rv.nearest[tid]}% related). Check them.", "sessionplan")
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
