"""Which talks are related, and how strongly: the input of the topic terms.

Relatedness combines the organizers' ``topics`` (Jaccard overlap of the keyword sets,
which takes precedence) with the similarity of titles and abstracts. Only the
strongest few neighbours of each talk are kept, so that the optimisation model stays
sparse. Strengths are whole percentages, so that the solver and the evaluator count
exactly the same amounts.

Text similarity, built for programmes that mix languages (English, German, French...):

1. each talk's language is the one whose stop words it uses most (no model needed);
   the stop words of *every* supported language are removed, and the remaining words
   are reduced to their stem by that language's Snowball stemmer;
2. TF-IDF of the stems plus TF-IDF of their character 4-5-grams (which also match
   cognates across languages: *Kryptographie* / *cryptography*), cosine similarity;
3. a German talk shares more words with German talks than with English ones whatever
   their subject, so raw similarity groups by language. Each block of pairs with the
   same two languages is standardised (z-score, then back to the overall mean and
   spread): a German-English pair counts as related when it is unusually similar *for
   a German-English pair*. A talk's nearest neighbours then come from each language
   about as often as the languages occur;
4. a talk with only a title has weaker similarities to everything; its similarities
   are scaled up towards the typical strength of a talk's best matches (at most 3x);
5. neighbours confirm: the final similarity of two talks is the geometric mean of their
   similarity and the correlation of their similarity profiles (how alike their
   similarities to all other talks are). Two talks that share a few words but not
   their neighbourhood lose weight; on cccamp 2019 and 31C3 this raises the share of
   each talk's three nearest neighbours that share its (hidden) track from 0.41 to
   0.47-0.49.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from math import sqrt
from typing import Any

import numpy as np

from .model import Instance, Talk

# strongest neighbours kept per talk: for sessions and days, and for not running in
# parallel; (small, large) programmes, large from LARGE_PROGRAMME talks (see neighbour_count)
NEIGHBOURS = (3, 6)
PARALLEL_NEIGHBOURS = (6, 20)
LARGE_PROGRAMME = 60
MIN_STRENGTH = 5        # percent; weaker pairs are not worth a variable
TOPIC_SHARE = 0.75      # when both talks carry topics: share of the topic overlap
LANGUAGES = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
             "nl": "dutch", "pt": "portuguese"}
MIN_BLOCK_PAIRS = 10    # language blocks smaller than this are left as they are
MAX_BOOST = 3.0         # title-only talks: at most this factor on their similarities
BEST_MATCHES = 3        # a talk's best matches, whose mean strength the boost compares
CLASH_SCALE = 0.5       # subject areas for topic_clash: this times the square root of the talks
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
# words of the genre, not of a subject ("in this talk we present ...")
GENRE_WORDS = frozenset(["talk", "talks", "present", "presentation", "presenting", "show", "speaker", "speakers", "session", "workshop", "lecture", "introduce", "introduction", "discuss", "discussion", "overview", "vortrag", "vortrags", "vorträge", "zeigen", "zeige", "referent", "referentin", "präsentation", "conférence", "présentation", "atelier", "intervention"])


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


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    from stop_words import get_stop_words

    return {code: frozenset(get_stop_words(name)) for code, name in LANGUAGES.items()}


@lru_cache(maxsize=1)
def _all_stop_words() -> frozenset[str]:
    return frozenset().union(*_stop_words().values(), GENRE_WORDS)


@lru_cache(maxsize=None)
def _stemmer(code: str):
    import snowballstemmer

    return snowballstemmer.stemmer(LANGUAGES[code])


@lru_cache(maxsize=200_000)
def _stem(code: str, word: str) -> str:
    """The folded stem of a word (memoised: the stemmers are pure Python and texts repeat
    their words; 1,000 abstracts went from 3.3 s to a fraction)."""
    return fold(_stemmer(code).stemWord(word))


def fold(word: str) -> str:
    """Without accents: the stems of 'Überwachung' and 'uberwachung' are the same."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|dell|dall|nell|sull|all)['’](?=\w)|['’]s$")


def words(text: str) -> list[str]:
    """Lower-case words; French and Italian elisions (l'ensemble, c'est) and English 's dropped."""
    return [_ELISION.sub("", w.lower()).strip("'’-") for w in _WORD.findall(text)]


def language(tokens: list[str]) -> str:
    """The language whose stop words the text uses most (English when none or tied)."""
    stops = _stop_words()
    counts = {code: sum(t in s for t in tokens) for code, s in stops.items()}
    best = max(counts, key=lambda c: (counts[c], c == "en"))
    return best if counts[best] else "en"


@dataclass
class Analysed:
    language: str
    stems: list[str]
    surface: dict[str, str]   # stem -> a word it came from (for showing keywords)


def analyse(text: str) -> Analysed:
    tokens = words(text)
    lang = language(tokens)
    stop = _all_stop_words()
    stems: list[str] = []
    surface: dict[str, str] = {}
    for t in tokens:
        if len(t) < 3 or t in stop:
            continue
        s = _stem(lang, t)
        stems.append(s)
        surface.setdefault(s, t)
    return Analysed(lang, stems, surface)


@dataclass
class TextModel:
    """The talks' analysed texts and TF-IDF matrices (rows in sheet order)."""

    analysed: list[Analysed]
    words: Any             # sparse TF-IDF of stems
    vocabulary: list[str]  # stem of each column of ``words``
    chars: Any             # sparse TF-IDF of character 4-5-grams of the stems

    @property
    def languages(self) -> list[str]:
        return [a.language for a in self.analysed]


def text_model(talks: list[Talk]) -> TextModel | None:
    analysed = [analyse(talk_text(t)) for t in talks]
    docs = [a.stems for a in analysed]
    if len(talks) < 2 or not any(docs):
        return None
    wm, vocabulary = tfidf(docs)
    cm, _ = tfidf([char_ngrams(" ".join(d)) for d in docs])
    return TextModel(analysed, wm, vocabulary, cm)


def char_ngrams(text: str, low: int = 4, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, each word padded by a space (what
    scikit-learn's ``char_wb`` analyzer makes of lower-case text)."""
    out = []
    for w in text.split():
        w = f" {w} "
        for n in range(low, high + 1):
            if len(w) <= n:
                out.append(w)   # a short word counts once, whole
                break
            out += [w[i:i + n] for i in range(len(w) - n + 1)]
    return out


def tfidf(docs: list[list[str]]):
    """TF-IDF rows of token lists: sublinear term frequency (1 + ln count), smoothed
    inverse document frequency (ln((1 + n) / (1 + df)) + 1), each row of unit length;
    columns in sorted token order. The figures of scikit-learn's TfidfVectorizer with
    ``sublinear_tf=True`` (a test holds them equal), without loading scikit-learn, whose
    import costs more CPU time than a small programme's whole solve."""
    from scipy.sparse import csr_matrix

    vocabulary = sorted({t for d in docs for t in d})
    column = {t: j for j, t in enumerate(vocabulary)}
    rows, cols, counts = [], [], []
    for i, d in enumerate(docs):
        seen: dict[int, int] = {}
        for t in d:
            j = column[t]
            seen[j] = seen.get(j, 0) + 1
        for j in sorted(seen):
            rows.append(i)
            cols.append(j)
            counts.append(seen[j])
    n = len(docs)
    tf = np.log(np.asarray(counts, dtype=float)) + 1.0
    df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary))
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    values = tf * idf[np.asarray(cols, dtype=np.int64)]
    matrix = csr_matrix((values, (rows, cols)), shape=(n, len(vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = np.repeat(1.0 / norms, np.diff(matrix.indptr))
    matrix.data *= scale
    return matrix, vocabulary


def text_similarity(talks: list[Talk]) -> np.ndarray:
    """Text similarity 0..1 of every pair (diagonal zero), language-neutral (see above)."""
    n = len(talks)
    model = text_model(talks)
    if model is None:
        return np.zeros((n, n))
    sim = 0.5 * (model.words @ model.words.T).toarray() + 0.5 * (model.chars @ model.chars.T).toarray()
    np.fill_diagonal(sim, 0.0)
    sim = _language_neutral(sim, model.languages)
    sim = np.clip(_boost_weak_talks(sim), 0.0, None)
    np.fill_diagonal(sim, 0.0)
    return np.clip(np.sqrt(sim * np.clip(_profile_correlation(sim), 0.0, None)), 0.0, 1.0)


def _profile_correlation(sim: np.ndarray) -> np.ndarray:
    """Pearson correlation of the talks' similarity rows (each without its own diagonal)."""
    n = len(sim)
    if n < 3:
        return np.ones((n, n))
    m = sim.copy()
    np.fill_diagonal(m, np.nan)
    m = np.nan_to_num(m - np.nanmean(m, axis=1, keepdims=True))
    norm = np.linalg.norm(m, axis=1, keepdims=True)
    m = np.divide(m, norm, out=np.zeros_like(m), where=norm > 0)
    corr = m @ m.T
    np.fill_diagonal(corr, 0.0)
    return corr


def _language_neutral(sim: np.ndarray, langs: list[str]) -> np.ndarray:
    """Standardise each block of pairs of the same two languages to the overall spread."""
    n = len(langs)
    codes = sorted(set(langs))
    if len(codes) < 2:
        return sim
    upper = np.triu_indices(n, 1)
    mean, spread = sim[upper].mean(), sim[upper].std()
    rows = {c: np.array([i for i, x in enumerate(langs) if x == c]) for c in codes}
    out = sim.copy()
    for i, a in enumerate(codes):
        for b in codes[i:]:
            block = sim[np.ix_(rows[a], rows[b])]
            values = block[np.triu_indices(len(rows[a]), 1)] if a == b else block.ravel()
            if len(values) < MIN_BLOCK_PAIRS or values.std() == 0:
                continue
            scaled = (block - values.mean()) / values.std() * spread + mean
            out[np.ix_(rows[a], rows[b])] = scaled
            out[np.ix_(rows[b], rows[a])] = scaled.T
    return out


def _boost_weak_talks(sim: np.ndarray) -> np.ndarray:
    """Scale up talks whose best matches are weak (title only) towards the typical best match."""
    n = len(sim)
    k = min(BEST_MATCHES, n - 1)
    best = np.sort(sim, axis=1)[:, -k:].mean(axis=1)
    typical = np.median(best)
    if typical <= 0:
        return sim
    factor = np.clip(typical / np.maximum(best, 1e-9), 1.0, MAX_BOOST)
    return sim * np.sqrt(np.outer(factor, factor))


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
    return instance.derived("relatedness", lambda: _relatedness(instance.talks))


def _relatedness(talks: list[Talk]) -> np.ndarray:
    text = text_similarity(talks)
    jac, both = topic_similarity(talks)
    return np.where(both, TOPIC_SHARE * jac + (1 - TOPIC_SHARE) * text, text)


def neighbour_count(n: int, parallel: bool = False) -> int:
    """Neighbours kept per talk in a programme of ``n`` talks.

    Three (six for parallel talks) in a small programme, where they already reach a
    tenth of it and more pairs only slow the proof (the workshop: 0.9 s to optimality
    with three, 2.2 s with six). Six (twenty) from LARGE_PROGRAMME talks: with the tracks
    of cccamp 2019 and 31C3 hidden, sessions built on six neighbours match the tracks
    better (31C3 adjusted mutual information 0.149 against 0.113 over five seeds; five
    or eight neighbours were worse again), and twenty parallel neighbours keep the
    share of same-track talks in parallel below random on every one of ten seeds
    (ten: up to 0.208 against a random mean of 0.189).
    """
    counts = PARALLEL_NEIGHBOURS if parallel else NEIGHBOURS
    return counts[n >= LARGE_PROGRAMME]


def related_pairs(instance: Instance, neighbours: int | None = None) -> list[RelatedPair]:
    """The sparse related-pair graph: each talk's strongest neighbours (by default as
    many as ``neighbour_count`` says), in sheet order."""
    k = neighbour_count(len(instance.talks)) if neighbours is None else neighbours
    return list(instance.derived(f"related_pairs/{k}", lambda: _related_pairs(instance, k)))


def parallel_pairs(instance: Instance) -> list[RelatedPair]:
    """The pairs that should not run at the same time: a wider neighbourhood than sessions
    hold, so that two sessions of one subject are not put in parallel either."""
    return related_pairs(instance, neighbour_count(len(instance.talks), parallel=True))


def _related_pairs(instance: Instance, k: int) -> tuple[RelatedPair, ...]:
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
            if taken >= k:
                break
            if j == i or (joint[i] and joint[i] == joint[j]):
                continue
            if round(100 * sim[i, j]) < MIN_STRENGTH:
                break
            keep.add((min(i, j), max(i, j)))
            taken += 1
    pairs = [RelatedPair(talks[i].id, talks[j].id, int(round(100 * min(1.0, sim[i, j])))) for i, j in sorted(keep)]
    return tuple(p for p in pairs if p.strength > 0)


def default_clusters(n: int) -> int:
    """About 1.2 x the square root of the number of talks (a track's worth of talks each)."""
    return max(1, min(n, round(1.2 * sqrt(n))))


def cluster_labels(sim: np.ndarray, k: int) -> np.ndarray:
    """Spectral clustering (scikit-learn) of a similarity matrix into ``k`` groups, deterministic."""
    n = len(sim)
    if k <= 1 or n < 3:
        return np.zeros(n, dtype=int)
    from sklearn.cluster import SpectralClustering

    affinity = np.clip(sim, 0.0, None) + 1e-6   # connected, so every talk gets a cluster
    np.fill_diagonal(affinity, 1.0)
    return SpectralClustering(n_clusters=k, affinity="precomputed", assign_labels="cluster_qr",
                              random_state=0).fit_predict(affinity)


def topic_clusters(instance: Instance) -> list[list[str]]:
    """The talks grouped by subject (clusters of the relatedness), each in sheet order;
    largest first. Used for topic_clash and shown by ``sessionplan topics``."""
    return instance.derived("topic_clusters", lambda: _topic_clusters(instance))


def _topic_clusters(instance: Instance) -> list[list[str]]:
    talks = instance.talks
    n = len(talks)
    if n == 0:
        return []
    sim = relatedness(instance) if n > 1 else np.zeros((n, n))
    return [[talks[i].id for i in idx] for idx in groups_of(cluster_labels(sim, default_clusters(n)), sim)]


def clash_clusters(instance: Instance) -> list[list[str]]:
    """Broad subject areas for ``topic_clash``: coarser than ``topic_clusters`` (about
    half the square root of the number of talks), since people follow an area, not a
    session's worth of talks, and should not have to choose between two of its talks."""
    return instance.derived("clash_clusters", lambda: _clash_clusters(instance))


def clash_cluster_count(n: int) -> int:
    """Two areas at least (one would only count how full the rooms are)."""
    return max(2, min(n, round(CLASH_SCALE * sqrt(n))))


def _clash_clusters(instance: Instance) -> list[list[str]]:
    talks = instance.talks
    n = len(talks)
    if n < 3:
        return [[t.id for t in talks]] if talks else []
    sim = relatedness(instance)
    return [[talks[i].id for i in idx] for idx in groups_of(cluster_labels(sim, clash_cluster_count(n)), sim)]


def groups_of(labels: np.ndarray, sim: np.ndarray) -> list[list[int]]:
    """Talk indices per cluster label, largest first; a talk related to no other member of
    its cluster (below the weakest kept pair) is a group of its own."""
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    out = []
    for idx in groups.values():
        keep = [i for i in idx if any(round(100 * sim[i, j]) >= MIN_STRENGTH for j in idx if j != i)]
        out += [keep] if keep else []
        out += [[i] for i in idx if i not in keep]
    return sorted(out, key=lambda idx: (-len(idx), idx[0]))
