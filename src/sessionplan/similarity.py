"""Which talks are related, and how strongly: the input of the topic terms.

Relatedness combines the organizers' ``topics`` (Jaccard overlap of the keyword sets,
which takes precedence) with the similarity of titles and abstracts (TF-IDF cosine).
Only the strongest few neighbours of each talk are kept, so that the optimisation
model stays sparse. Strengths are whole percentages, so that the solver and the
evaluator count exactly the same amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from .model import Instance, Talk

NEIGHBOURS = 3          # strongest neighbours kept per talk
MIN_STRENGTH = 5        # percent; weaker pairs are not worth a variable
TOPIC_SHARE = 0.75      # when both talks carry topics: share of the topic overlap


@dataclass(frozen=True)
class RelatedPair:
    a: str
    b: str
    strength: int  # percent, 1..100

    @property
    def weight(self) -> float:
        return self.strength / 100


def talk_text(talk: Talk) -> str:
    """Title twice (it is short and says most), then the abstract."""
    return f"{talk.title}. {talk.title}. {talk.abstract}"


def text_similarity(talks: list[Talk]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors of title and abstract (diagonal zero)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(talks)
    docs = [talk_text(t) for t in talks]
    if n < 2 or not any(d.strip(". ") for d in docs):
        return np.zeros((n, n))
    vec = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, strip_accents="unicode",
        token_pattern=r"(?u)\b[^\W\d_][\w-]*[^\W_]\b", min_df=1,
    )
    try:
        m = vec.fit_transform(docs)
    except ValueError:  # only stop words
        return np.zeros((n, n))
    sim = (m @ m.T).toarray()
    np.fill_diagonal(sim, 0.0)
    return sim


def topic_similarity(talks: list[Talk]) -> tuple[np.ndarray, np.ndarray]:
    """Jaccard overlap of topic sets, and a mask of pairs where both talks have topics."""
    sets = [frozenset(x.casefold() for x in t.topics) for t in talks]
    n = len(talks)
    jac = np.zeros((n, n))
    both = np.zeros((n, n), dtype=bool)
    for i in range(n):
        if not sets[i]:
            continue
        for j in range(i + 1, n):
            if not sets[j]:
                continue
            both[i, j] = both[j, i] = True
            inter = len(sets[i] & sets[j])
            if inter:
                jac[i, j] = jac[j, i] = inter / len(sets[i] | sets[j])
    return jac, both


def relatedness(instance: Instance) -> np.ndarray:
    """Strength of every pair, 0..1: topics where both talks have them, blended with text."""
    talks = instance.talks
    text = text_similarity(talks)
    jac, both = topic_similarity(talks)
    return np.where(both, TOPIC_SHARE * jac + (1 - TOPIC_SHARE) * text, text)


def related_pairs(instance: Instance) -> list[RelatedPair]:
    """The sparse related-pair graph: each talk's strongest neighbours, in sheet order."""
    return list(instance.derived("related_pairs", lambda: _related_pairs(instance)))


def _related_pairs(instance: Instance) -> tuple[RelatedPair, ...]:
    talks = instance.talks
    n = len(talks)
    if n < 2:
        return ()
    sim = relatedness(instance)
    joint = [t.joint for t in talks]
    keep: set[tuple[int, int]] = set()
    for i in range(n):
        # strongest first; ties by sheet order, so the result is deterministic
        order = sorted(range(n), key=lambda j: (-sim[i, j], j))
        taken = 0
        for j in order:
            if taken >= NEIGHBOURS:
                break
            if j == i or (joint[i] and joint[i] == joint[j]):
                continue
            if round(100 * sim[i, j]) < MIN_STRENGTH:
                break
            keep.add((min(i, j), max(i, j)))
            taken += 1
    pairs = [RelatedPair(talks[i].id, talks[j].id, int(round(100 * min(1.0, sim[i, j])))) for i, j in sorted(keep)]
    return tuple(p for p in pairs if p.strength > 0)
