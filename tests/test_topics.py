"""Related talks: language-neutral similarity, the topic terms, and the review command."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.cli import app
from sessionplan.model import Instance, Room, Slot, Speaker, Talk
from sessionplan.similarity import (analyse, language, neighbour_count, parallel_pairs, related_pairs, text_similarity,
                                   words)

from .helpers import solve_checked, where

runner = CliRunner()

# Two subjects (smart-card cryptography, satellites), each in English and in German.
MIXED = [
    ("E1", "Breaking cryptography on smartcards", "Side channels leak the keys of cryptographic smartcards. "
     "We attack the implementation with power analysis and fault injection."),
    ("E2", "Smartcard cryptography under attack", "Fault injection and power analysis against the "
     "cryptographic chips of payment cards extract their secret keys."),
    ("E3", "Satellites for everyone", "Building small satellites: orbits, antennas, ground stations and "
     "radio links to the satellite."),
    ("E4", "Tracking satellites with open radio", "Ground stations and antennas receive satellite radio "
     "signals; we decode the telemetry of satellites in orbit."),
    ("E5", "Cryptographic keys in payment cards", "How payment smartcards protect their keys, and how "
     "power analysis and fault attacks break the cryptography."),
    ("E6", "A ground station for satellite radio", "Antennas, orbits and the telemetry of small "
     "satellites, received with an open radio ground station."),
    ("G1", "Kryptographie auf Smartcards brechen", "Seitenkanäle verraten die Schlüssel kryptographischer "
     "Smartcards. Wir greifen die Implementierung mit Power-Analyse und Fault-Injection an."),
    ("G2", "Angriffe auf die Kryptographie von Chipkarten", "Fault-Injection und Power-Analyse gegen die "
     "kryptographischen Chips von Zahlungskarten: wir extrahieren die geheimen Schlüssel."),
    ("G3", "Satelliten für alle", "Wir bauen kleine Satelliten: Orbits, Antennen, Bodenstationen und "
     "Funkverbindungen zum Satelliten."),
    ("G4", "Satelliten verfolgen mit offenem Funk", "Bodenstationen und Antennen empfangen die Signale der "
     "Satelliten; wir dekodieren die Telemetrie im Orbit."),
    ("G5", "Schlüssel in Zahlungskarten", "Wie Smartcards ihre Schlüssel schützen und wie Power-Analyse und "
     "Fault-Angriffe die Kryptographie brechen."),
    ("G6", "Eine Bodenstation für Satellitenfunk", "Antennen, Orbits und die Telemetrie kleiner Satelliten, "
     "empfangen mit einer offenen Bodenstation."),
]
SUBJECT = {tid: ("crypto" if tid[1] in "125" else "space") for tid, _, _ in MIXED}


def talk(tid, title, abstract="", topics=(), speaker=None):
    return Talk(id=tid, title=title, abstract=abstract, topics=tuple(topics), speakers=(speaker or f"S{tid}",))


def instance(talks, rooms=1, days=1, sessions=1, slots=2, weights=None):
    room_names = tuple(f"R{i}" for i in range(rooms))
    grid = []
    for d in range(days):
        for s in range(sessions):
            for k in range(slots):
                start = 9 * 60 + s * 120 + k * 30
                grid.append((date(2027, 3, 8 + d), start, start + 30, f"D{d}S{s}"))
    return Instance(
        name="t", talks=talks, speakers=[Speaker(name=n) for n in sorted({s for t in talks for s in t.speakers})],
        rooms=[Room(name=r) for r in room_names],
        slots=[Slot(index=i, day=d, start=s, end=e, session=lab, rooms=room_names) for i, (d, s, e, lab) in enumerate(grid)],
        weights_given=weights or {},
    )


# -- similarity ----------------------------------------------------------------------

def test_language_of_a_text():
    assert language(words("Der Vortrag zeigt, wie wir die Daten der Stadt nutzen und was sie bedeuten")) == "de"
    assert language(words("Nous verrons comment les données de la ville sont utilisées et pour quoi")) == "fr"
    assert language(words("We show how the city uses the data and what it means")) == "en"
    assert language(words("Rowhammer")) == "en"


def test_elisions_are_split():
    assert words("L'ensemble c'est l’atelier d'Ada, Python's REPL") == ["ensemble", "est", "atelier", "ada", "python", "repl"]


def test_stems_drop_stop_words_of_every_language_and_accents():
    a = analyse("Die Überwachung und die Gesellschaft, oder: the surveillance of la société")
    assert a.language == "de"
    assert "die" not in a.stems and "the" not in a.stems and "la" not in a.stems
    assert any(s.startswith("uberwach") for s in a.stems)


def test_mixed_languages_group_by_subject_not_language():
    talks = [talk(t, ti, ab) for t, ti, ab in MIXED]
    sim = text_similarity(talks)
    ids = [t.id for t in talks]
    nearest = {ids[i]: ids[int(np.argmax(sim[i]))] for i in range(len(ids))}
    assert all(SUBJECT[a] == SUBJECT[b] for a, b in nearest.items()), nearest
    # the three nearest neighbours cross the language line, as often as the languages occur
    top3 = [(ids[i], ids[j]) for i in range(len(ids)) for j in np.argsort(-sim[i])[:3]]
    cross = sum(a[0] != b[0] for a, b in top3) / len(top3)
    assert cross >= 0.3, cross
    assert sum(SUBJECT[a] == SUBJECT[b] for a, b in top3) / len(top3) >= 0.8


def test_title_only_talks_get_neighbours_of_their_subject():
    talks = [talk(t, ti, ab) for t, ti, ab in MIXED if t.startswith("E")]
    talks.append(talk("T1", "Satellite ground station antennas"))
    talks.append(talk("T2", "Smartcard fault injection"))
    inst = instance(talks, slots=8)
    pairs = related_pairs(inst)
    of = {}
    for p in pairs:
        of.setdefault(p.a, []).append((p.strength, p.b))
        of.setdefault(p.b, []).append((p.strength, p.a))
    assert {SUBJECT[o] for _, o in of["T1"] if o in SUBJECT} == {"space"}
    assert {SUBJECT[o] for _, o in of["T2"] if o in SUBJECT} == {"crypto"}
    assert max(of["T1"])[0] >= 10 and max(of["T2"])[0] >= 10


def test_parallel_pairs_reach_further_than_session_pairs():
    assert all(neighbour_count(n, parallel=True) > neighbour_count(n) for n in (10, 200))
    inst = instance([talk(t, ti, ab) for t, ti, ab in MIXED], slots=12)
    nearest = {(p.a, p.b): p.strength for p in related_pairs(inst, 2)}
    session_pairs = {(p.a, p.b): p.strength for p in related_pairs(inst)}
    parallel = {(p.a, p.b): p.strength for p in parallel_pairs(inst)}
    # each wider neighbourhood keeps the narrower one's pairs at the same strength
    assert nearest.items() <= session_pairs.items() <= parallel.items() and len(nearest) < len(session_pairs)


def test_organizer_topics_take_precedence():
    talks = [talk("A", "Smartcard cryptography", topics=["art"]), talk("B", "Smartcard cryptography attacks", topics=["law"]),
             talk("C", "Painting with plotters", topics=["art"]), talk("D", "Contract law", topics=["law"])]
    pairs = {(p.a, p.b): p.strength for p in related_pairs(instance(talks))}
    assert pairs.get(("A", "C"), 0) > pairs.get(("A", "B"), 0)
    assert pairs.get(("B", "D"), 0) > pairs.get(("A", "B"), 0)


# -- objective terms (small cases the solver proves optimal) -----------------------

def paired_talks():
    """Two pairs of related talks (shared organizer topics), four speakers."""
    return [talk("A1", "Alpha one", topics=["alpha"]), talk("B1", "Beta one", topics=["beta"]),
            talk("A2", "Alpha two", topics=["alpha"]), talk("B2", "Beta two", topics=["beta"])]


def test_cohesion_puts_related_talks_in_one_session():
    sol = solve_checked(instance(paired_talks(), sessions=2, slots=2))
    w = where(sol)
    assert sol.status == "optimal"
    assert w["A1"][3] == w["A2"][3] and w["B1"][3] == w["B2"][3]
    assert sol.evaluation.terms["topic_cohesion"].penalty == 0


def test_related_talks_not_in_parallel():
    # two rooms, two times, sessions of one slot: related talks cannot share a session,
    # so they should at least not run at the same time
    sol = solve_checked(instance(paired_talks(), rooms=2, sessions=2, slots=1))
    w = where(sol)
    assert sol.status == "optimal"
    assert w["A1"][1] != w["A2"][1] and w["B1"][1] != w["B2"][1]
    assert sol.evaluation.terms["topic_parallel"].penalty == 0


def test_topic_clusters_keep_a_subject_out_of_parallel():
    inst = instance(paired_talks(), rooms=2, sessions=2, slots=1, weights={"topic_parallel": 0})
    from sessionplan.similarity import clash_clusters, topic_clusters

    assert topic_clusters(inst) == clash_clusters(inst) == [["A1", "A2"], ["B1", "B2"]]
    sol = solve_checked(inst)
    w = where(sol)
    assert sol.status == "optimal"
    assert w["A1"][1] != w["A2"][1] and w["B1"][1] != w["B2"][1]
    assert sol.evaluation.terms["topic_clash"].penalty == 0
    # both alphas at 09:00 (and both betas at 11:00) is one excess talk per cluster
    both = [a.model_copy(update={"start": {"A": "09:00", "B": "11:00"}[a.talk[0]],
                                 "end": {"A": "09:30", "B": "11:30"}[a.talk[0]],
                                 "session": {"A": "D0S0", "B": "D0S1"}[a.talk[0]],
                                 "room": "R0" if a.talk[1] == "1" else "R1"}) for a in sol.assignments]
    ev = sp.evaluate(inst, both)
    assert ev.hard_violations == 0 and ev.terms["topic_clash"].amount == 2


def test_subject_areas_are_coarser_than_topic_clusters():
    from sessionplan.similarity import clash_cluster_count, default_clusters

    assert [clash_cluster_count(n) for n in (4, 79, 136, 870)] == [2, 4, 6, 15]
    assert all(2 <= clash_cluster_count(n) <= max(2, default_clusters(n)) for n in range(3, 2000))


def test_theme_days_gather_related_talks_on_one_day():
    inst = instance(paired_talks(), days=2, sessions=2, slots=1, weights={"topic_day": 2})
    sol = solve_checked(inst)
    w = where(sol)
    assert sol.status == "optimal"
    assert w["A1"][0] == w["A2"][0] and w["B1"][0] == w["B2"][0]
    assert sol.evaluation.terms["topic_day"].penalty == 0
    # a schedule that splits a pair over two days pays for it, in the evaluator too
    split = [a.model_copy(update={"day": date(2027, 3, 9) if a.talk == "A1" and a.day == date(2027, 3, 8)
                                  else date(2027, 3, 8) if a.talk == "B1" and a.day == date(2027, 3, 9) else a.day})
             for a in sol.assignments]
    ev = sp.evaluate(inst, split)
    assert ev.terms["topic_day"].penalty > 0 and ev.hard_violations in (0, 1, 2)


def test_theme_days_off_by_default():
    inst = instance(paired_talks(), days=2, sessions=2, slots=1)
    assert inst.weights["topic_day"] == 0
    sol = solve_checked(inst)
    assert "topic_day" not in sol.result.terms
    assert sol.evaluation.terms["topic_day"].penalty == 0


# -- the review command ---------------------------------------------------------------

@pytest.fixture
def mixed_book(book):
    rows = [[t, ti, f"Sp {t}", None, None, ab, None, None, None] for t, ti, ab in MIXED]
    rows[0][4] = "hardware security"        # typed by an organizer: never overwritten
    sheets = {
        "Talks": rows,
        "Speakers": [[f"Sp {t}", None, None, None] for t, _, _ in MIXED],
        "Rooms": [["Hall", 100]],
        "Slots": [["2027-03-08", f"{9 + i}:00", f"{9 + i}:30", "Mon-1", None] for i in range(12)],
        "Notes": [["keep this"]],
    }
    path = book(sheets, headers={"Notes": ["note"]})
    wb = load_workbook(path)
    wb["Talks"]["B2"].comment = Comment("checked by the chair", "chair")
    wb.save(path)
    return path


def test_topics_shows_clusters_keywords_and_neighbours(mixed_book):
    res = runner.invoke(app, ["topics", str(mixed_book), "--clusters", "2"])
    assert res.exit_code == 0, res.output
    assert res.output.count("cluster ") == 2
    assert res.output.count("(6 talks, area ") == 2
    assert "2 subject areas" in res.output
    assert "E1" in res.output and "%" in res.output


def test_topics_write_fills_only_empty_cells_in_place_with_backup(mixed_book):
    before = mixed_book.read_bytes()
    res = runner.invoke(app, ["topics", str(mixed_book), "--clusters", "2", "--write"])
    assert res.exit_code == 0, res.output
    backup = mixed_book.with_name("conf.backup.xlsx")
    assert backup.read_bytes() == before
    wb = load_workbook(mixed_book)
    ws = wb["Talks"]
    topics = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=5).value for r in range(2, ws.max_row + 1)}
    assert topics["E1"] == "hardware security"
    assert all(topics[t] for t in topics)
    # one cluster per subject: the written keywords tell the subjects apart
    crypto = {topics[t] for t in topics if SUBJECT[t] == "crypto" and t != "E1"}
    space = {topics[t] for t in topics if SUBJECT[t] == "space"}
    assert len(crypto) == 1 and len(space) == 1 and crypto != space
    assert ws["B2"].comment.text == "checked by the chair" and wb["Notes"]["A2"].value == "keep this"
    inst = sp.load(mixed_book)
    assert inst.talk_by_id["E1"].topics == ("hardware security",)


def test_topics_write_to_new_file(mixed_book, tmp_path):
    before = mixed_book.read_bytes()
    out = tmp_path / "reviewed.xlsx"
    res = runner.invoke(app, ["topics", str(mixed_book), "--write", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert mixed_book.read_bytes() == before and not mixed_book.with_name("conf.backup.xlsx").exists()
    assert sp.load(out).talk_by_id["E3"].topics
    res = runner.invoke(app, ["topics", str(mixed_book), "--write", "--out", str(out)])
    assert res.exit_code == 2 and "exists" in res.output


def test_topics_bad_workbook_writes_nothing(mini, book, tmp_path):
    mini["Talks"][0][2] = "Nobody"
    path = book(mini)
    before = path.read_bytes()
    res = runner.invoke(app, ["topics", str(path), "--write"])
    assert res.exit_code == 2 and "unknown speaker" in res.output
    assert path.read_bytes() == before and not list(tmp_path.glob("*.backup*"))


# -- labels that tell clusters apart, with their evidence; title-only talks placed ---------

def camp_without_some_topics(book):
    from .print_cases import camp_sheets

    sheets = camp_sheets()
    for row in sheets["Talks"]:
        if row[0] in ("C02", "C09", "C18"):
            row[4] = None
    return book(sheets, name="camp.xlsx")


def test_cluster_labels_are_terms_that_distinguish_the_cluster(book):
    from sessionplan.topics_review import review

    inst = sp.load(camp_without_some_topics(book))
    rv = review(inst)
    n = len(inst.talks)
    for c in rv.clusters:
        if len(c.talks) < 2:
            continue
        texts = [" ".join([inst.talk_by_id[t].title, *inst.talk_by_id[t].topics]).casefold() for t in c.talks]
        others = [" ".join([t.title, *t.topics]).casefold() for t in inst.talks if t.id not in c.talks]
        for word in c.keywords:
            inside = sum(word.casefold() in x for x in texts)
            outside = sum(word.casefold() in x for x in others)
            assert inside >= 2, (c.number, word, c.talks)                             # shared in the cluster
            assert inside / len(texts) > outside / max(1, n - len(texts)), (c.number, word)   # and commoner there
        assert [e.term for e in c.evidence] == c.keywords
        assert all(e.size == len(c.talks) and e.inside >= 2 for e in c.evidence)


def test_topics_shows_headers_evidence_and_marks_title_only_guesses(book):
    path = camp_without_some_topics(book)
    res = runner.invoke(app, ["topics", str(path)])
    assert res.exit_code == 0, res.output
    assert "here," in res.output and "elsewhere)" in res.output       # each label's evidence
    header = next(line for line in res.output.splitlines() if "title" in line and "nearest" in line)
    assert header.split()[:1] == ["id"]
    assert "C02 ≈" in res.output and "put in its nearest cluster: C02" in res.output
    res = runner.invoke(app, ["topics", str(path), "--write"])
    ws = load_workbook(path)["Talks"]
    topics = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=5).value for r in range(2, ws.max_row + 1)}
    assert topics["C18"]                  # clustered with related talks: labelled
    assert topics["C02"] is None          # a guess too weak to write down (1% related)


def test_a_title_only_talk_joins_its_nearest_cluster_with_a_confidence_mark(book):
    from sessionplan.topics_review import Cluster, Review, _place_title_only, fill_topics

    talks = [talk("A", "Radio beacons", "Beacons and range"), talk("B", "Radio astronomy", "Dishes"),
             talk("C", "Smartcard keys", "Keys and chips"), talk("D", "Payment cards", "Chips"),
             talk("X", "Software radio")]
    inst = instance(talks)
    index = {t.id: i for i, t in enumerate(talks)}
    sim = np.zeros((5, 5))
    sim[4, 0] = sim[0, 4] = 0.30
    sim[4, 1] = sim[1, 4] = 0.20
    sim[4, 2] = sim[2, 4] = 0.04
    groups, nearest = _place_title_only(inst, [["A", "B"], ["C", "D"], ["X"]], sim, index)
    assert groups[0] == ["A", "B", "X"] and nearest == {"X": 25}   # the mean of its matches there
    path = book({"Talks": [[t.id, t.title, t.speakers[0], None, None, t.abstract, None, None, None] for t in talks]})
    rv = Review([Cluster(1, ["A", "B", "X"], ["radio"]), Cluster(2, ["C", "D"], ["chips"])], {}, nearest)
    assert fill_topics(path, path, rv) == 5
    ws = load_workbook(path)["Talks"]
    assert ws["E6"].value == "radio" and "nearest cluster (25% related)" in ws["E6"].comment.text
    assert ws["E2"].comment is None


def test_tf_idf_is_scikit_learns():
    """The similarity's own TF-IDF (it spares loading scikit-learn) gives the figures of
    TfidfVectorizer(sublinear_tf=True) on words and on char_wb 4-5-grams."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from sessionplan.similarity import analyse, char_ngrams, talk_text, tfidf

    inst = sp.load(sp.bundled_workshop())
    docs = [analyse(talk_text(t)).stems for t in inst.talks] + [["ab"], []]
    ours, vocabulary = tfidf(docs)
    theirs = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    expected = theirs.fit_transform(docs)
    assert vocabulary == list(theirs.get_feature_names_out())
    assert np.allclose(ours.toarray(), expected.toarray(), atol=1e-12)
    texts = [" ".join(d) for d in docs]
    ours, vocabulary = tfidf([char_ngrams(t) for t in texts])
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True)
    expected = theirs.fit_transform(texts)
    assert vocabulary == list(theirs.get_feature_names_out())
    assert np.allclose(ours.toarray(), expected.toarray(), atol=1e-12)
