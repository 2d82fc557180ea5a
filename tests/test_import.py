"""Importing published schedules (frab/pretalx JSON and XML, pretalx widget JSON, CSV)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.api import import_schedule
from sessionplan.cli import app
from sessionplan.io.frab import write_imported

from .conftest import SHARED
from .helpers import cpu_seconds

FIXTURES = Path(__file__).parent / "fixtures"
FRAB = SHARED / "data" / "frab"
runner = CliRunner()


def imported_book(tmp_path, source, name="conf.xlsx"):
    res = runner.invoke(app, ["import", str(source), "--out", str(tmp_path / name)])
    assert res.exit_code == 0, res.output
    return tmp_path / name, res.output


def refused(tmp_path, name: str, text: str) -> str:
    """Write ``text`` to ``name``, import it, and return the problems it was refused with."""
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    with pytest.raises(sp.InputError) as exc:
        import_schedule(src)
    return str(exc.value)


def talks_sheet(path):
    ws = load_workbook(path)["Talks"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# -- frab / pretalx schedule.json -----------------------------------------------------

def test_c3voc_json_talks_rooms_slots_and_baseline(tmp_path):
    path, output = imported_book(tmp_path, FIXTURES / "camp2019_day2.json")
    inst = sp.load(path)
    # the overflow copy of OpenCodes is dropped, and the user is told so
    assert sorted(t.id for t in inst.talks) == ["10181", "10298", "10368", "10380", "10389", "10400"]
    assert "Curie Overflow" in output and "copy" in output
    assert [r.name for r in inst.rooms] == ["Curie", "Meitner"]
    t = inst.talk_by_id["10380"]
    assert (t.title, t.speakers, t.duration, t.topics) == ("Lightning Talks", ("bigalex", "honky"), 180, ("CCC",))
    assert inst.talk_by_id["10400"].abstract.startswith("Computer können Kunst erzeugen.")
    # titles are written exactly as published (this one ends with a space)
    rows = {r["id"]: r for r in talks_sheet(path)}
    assert rows["10389"]["title"] == "Hambacher Forst #hambibleibt "
    # Curie: 12:00, 13:00, 14:00 with 15-minute gaps is one session of three slots that follow each other;
    # Meitner: 11:00, 12:00-15:00 then 16:00 after an hour is two sessions
    curie = [(s.start, s.end, s.session) for s in inst.slots if s.rooms == ("Curie",)]
    assert curie == [(720, 780, "Curie #1"), (780, 840, "Curie #1"), (840, 885, "Curie #1")]
    meitner = [(s.start, s.end, s.session) for s in inst.slots if s.rooms == ("Meitner",)]
    assert meitner == [(660, 720, "Meitner #1"), (720, 900, "Meitner #1"), (960, 1005, "Meitner #2")]
    # the published schedule is the baseline: it scores with no hard violation
    ev = sp.score(inst, path)
    assert ev.hard_violations == 0
    placed = {a.talk: a for a in sp.read_schedule(path, inst)}
    assert (placed["10380"].room, placed["10380"].start, placed["10380"].end) == ("Meitner", "12:00", "15:00")
    assert placed["10380"].day == date(2019, 8, 22)


def test_imported_workbook_passes_check_and_score(tmp_path):
    path, _ = imported_book(tmp_path, FIXTURES / "camp2019_day2.json")
    res = runner.invoke(app, ["check", str(path)])
    assert res.exit_code == 0 and "6 talks" in res.output
    res = runner.invoke(app, ["score", str(path), str(path)])
    assert res.exit_code == 0 and "hard violations: 0" in res.output


def test_never_overwrites_without_force(tmp_path):
    out = tmp_path / "conf.xlsx"
    out.write_bytes(b"keep me")
    res = runner.invoke(app, ["import", str(FIXTURES / "camp2019_day2.json"), "--out", str(out)])
    assert res.exit_code == 2 and "exists" in res.output
    assert out.read_bytes() == b"keep me"
    res = runner.invoke(app, ["import", str(FIXTURES / "camp2019_day2.json"), "--out", str(out), "--force"])
    assert res.exit_code == 0 and len(sp.load(out).talks) == 6


def test_bad_json_names_file_and_paths_and_writes_nothing(tmp_path):
    doc = json.loads((FIXTURES / "camp2019_day2.json").read_text())
    evs = doc["schedule"]["conference"]["days"][0]["rooms"]["Curie"]
    evs[0]["duration"] = "soon"
    del evs[1]["title"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    out = tmp_path / "conf.xlsx"
    res = runner.invoke(app, ["import", str(bad), "--out", str(out)])
    assert res.exit_code == 2
    assert "2 problems" in res.output
    assert "bad.json schedule.conference.days[0].rooms['Curie'][0]" in res.output and "duration" in res.output
    assert "rooms['Curie'][1]" in res.output and "no title" in res.output
    assert "Traceback" not in res.output and not out.exists()


def test_not_json_reports_the_line(tmp_path):
    msg = refused(tmp_path, "broken.json", '{"schedule":\n {"conference": [}\n}')
    assert "broken.json line 2" in msg and "not valid JSON" in msg


# -- frab schedule.xml ----------------------------------------------------------------

def test_xml_night_stream_copy_and_midnight(tmp_path):
    path, output = imported_book(tmp_path, FIXTURES / "31c3_night.xml")
    inst = sp.load(path)
    assert "6606" not in inst.talk_by_id and "(Stream)" in output     # the stream copy
    fnord = inst.talk_by_id["6109"]
    assert fnord.speakers == ("frank", "Fefe") and fnord.topics == ("Entertainment",)
    rows = {r["id"]: r for r in talks_sheet(path)}
    assert rows["6212"]["title"].startswith(" Heartache and Heartbleed")   # unchanged, leading space
    placed = {a.talk: a for a in sp.read_schedule(path, inst)}
    # after midnight is the next calendar day, its own session
    assert (placed["6109"].day, placed["6109"].start) == (date(2014, 12, 29), "00:15")
    assert placed["6321"].session == placed["6212"].session == "Saal 1 #1"
    assert sp.score(inst, path).hard_violations == 0


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE schedule [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<schedule><day date="2020-01-01"><room name="A"><event id="1"><title>&lol3;</title>
<start>10:00</start><duration>00:30</duration><room>A</room></event></room></day></schedule>
"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE schedule [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<schedule><day date="2020-01-01"><room name="A"><event id="1"><title>&secret;</title>
<start>10:00</start><duration>00:30</duration><room>A</room></event></room></day></schedule>
"""


@pytest.mark.parametrize("text,line", [(BILLION_LAUGHS, 3), (EXTERNAL, 2)], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(tmp_path, text, line):
    bad = tmp_path / "evil.xml"
    bad.write_text(text)
    out = tmp_path / "conf.xlsx"
    res = runner.invoke(app, ["import", str(bad), "--out", str(out)])
    assert res.exit_code == 2 and not out.exists()
    assert f"evil.xml line {line}" in res.output and "refused" in res.output
    assert "Traceback" not in res.output


def test_xml_problems_name_lines(tmp_path):
    text = (FIXTURES / "31c3_night.xml").read_text()
    text = text.replace("<duration>00:30</duration>", "<duration>half an hour</duration>", 1)
    msg = refused(tmp_path, "bad.xml", text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "<event " in s)
    assert f"bad.xml line {line}" in msg and "bad duration" in msg


def test_xml_not_well_formed(tmp_path):
    msg = refused(tmp_path, "cut.xml", "<schedule>\n<day date='2020-01-01'>\n<room name='A'>\n")
    assert "cut.xml line 4" in msg and "not well-formed" in msg


# -- pretalx widget JSON -----------------------------------------------------------------

def test_pretalx_widget_grid(tmp_path):
    path, _ = imported_book(tmp_path, FIXTURES / "pyconfr2024_widget_small.json")
    inst = sp.load(path)
    assert [r.name for r in inst.rooms] == ["GAM", "C01"]
    assert inst.room_by_name["GAM"].capacity == 300
    t = next(t for t in inst.talks if t.title.startswith("Reality Is Not"))
    assert t.speakers == ("Ines Montani",) and t.duration == 55 and t.topics == ()
    # GAM: 10:00-10:55, 11:00, 11:30 (gaps of 5 minutes) is one session; 14:00 after lunch another
    assert len({s.session for s in inst.slots if s.rooms == ("GAM",)}) == 2
    assert sp.score(inst, path).hard_violations == 0


def test_pretalx_widget_talk_list(tmp_path):
    doc = {
        "talks": [
            {"code": "AB12", "title": "Typed pipelines", "abstract": "<p>Types &amp; data</p>", "speakers": ["S1", "S2"],
             "track": 3, "room": 7, "start": "2025-05-10T09:00:00+02:00", "end": "2025-05-10T09:30:00+02:00"},
            {"code": "CD34", "title": "Async all the way", "abstract": "", "speakers": ["S2"],
             "track": None, "room": 7, "start": "2025-05-10T09:35:00+02:00", "duration": 25},
            {"code": None, "title": "Lunch", "start": "2025-05-10T12:00:00+02:00", "room": None},
        ],
        "rooms": [{"id": 7, "name": {"en": "Main room", "de": "Hauptsaal"}}],
        "speakers": [{"code": "S1", "name": "Ana"}, {"code": "S2", "name": "Ben"}],
        "tracks": [{"id": 3, "name": {"en": "Data"}}],
    }
    src = tmp_path / "widget.json"
    src.write_text(json.dumps(doc))
    imp = import_schedule(src)
    talks = imp.instance.talk_by_id
    assert sorted(talks) == ["AB12", "CD34"]          # the unscheduled break is skipped
    assert talks["AB12"].speakers == ("Ana", "Ben") and talks["AB12"].topics == ("Data",)
    assert talks["AB12"].abstract == "Types & data" and talks["AB12"].duration == 30
    assert [r.name for r in imp.instance.rooms] == ["Main room"]
    assert [(a.start, a.end) for a in imp.assignments] == [("09:00", "09:30"), ("09:35", "10:00")]


def test_widget_unknown_ids_are_problems(tmp_path):
    doc = {"talks": [{"code": "X", "title": "T", "speakers": ["nobody"], "room": 9,
                      "start": "2025-05-10T09:00:00+02:00", "duration": 30},
                     {"code": "Y", "title": "U", "speakers": ["nobody"], "room": 1,
                      "start": "2025-05-10T09:00:00+02:00", "duration": 30}],
           "rooms": [{"id": 1, "name": "R"}], "speakers": []}
    msg = refused(tmp_path, "w.json", json.dumps(doc))
    assert "w.json talks[0]: room id 9" in msg and "w.json talks[1]: speaker code 'nobody'" in msg


# -- CSV of talks ------------------------------------------------------------------------

def test_csv_talks_and_speakers_only(tmp_path):
    src = tmp_path / "talks.csv"
    src.write_text("id,title,speakers,duration,abstract,track\n"
                   "P1,Fast parsers ,Ana; Ben,30,About parsing,Compilers\n"
                   "P2,Slow parsers,ben,00:45,,\n", encoding="utf-8")
    path, output = imported_book(tmp_path, src)
    assert "Rooms and Slots are empty" in output
    rows = talks_sheet(path)
    assert [r["title"] for r in rows] == ["Fast parsers ", "Slow parsers"]
    assert rows[1]["speakers"] == "Ben" and rows[1]["duration"] == 45 and rows[0]["topics"] == "Compilers"
    wb = load_workbook(path)
    assert [r[0] for r in wb["Speakers"].iter_rows(min_row=2, values_only=True)] == ["Ana", "Ben"]
    assert wb["Slots"].max_row == 1 and "Rooms and Slots are empty" in wb["Import"]["A4"].value
    res = runner.invoke(app, ["check", str(path)])
    assert res.exit_code == 2 and "no slots" in res.output


def test_csv_problems_name_lines(tmp_path):
    msg = refused(tmp_path, "talks.csv", "id;title;speakers;duration\nP1;A;Ana;soon\nP1;B;Ben;30\nP3;;;\n")
    assert "talks.csv line 2: bad duration" in msg
    assert "talks.csv line 3: talk id 'P1' is used twice (also line 2)" in msg
    assert "talks.csv line 4: the title is empty" in msg and "talks.csv line 4: no speaker" in msg


def test_csv_without_title_column(tmp_path):
    msg = refused(tmp_path, "talks.csv", "name of talk,who\nA,Ana\n")
    assert "no 'title' column" in msg and "no 'speakers' column" in msg


# -- the real published schedules -------------------------------------------------------

REAL = [("cccamp2019_schedule.json", 79, 2), ("pretalx-democon_SYNTHETIC_schedule.json", 36, 2),
        ("31c3_schedule.xml", 136, 4), ("fosdem-2020_schedule.xml", 872, 35),
        ("pyconfr-2024_pretalx-widget.json", 68, 8)]


@pytest.mark.skipif(not FRAB.is_dir(), reason="shared data not present")
@pytest.mark.parametrize("name,talks,rooms", REAL, ids=[r[0].split("_")[0] for r in REAL])
def test_real_schedules_import(tmp_path, name, talks, rooms):
    with cpu_seconds() as spent:
        imp = import_schedule(FRAB / name)
        out = tmp_path / "conf.xlsx"
        write_imported(imp, out)
    seconds = spent.seconds
    inst = sp.load(out)
    assert (len(inst.talks), len(inst.rooms)) == (talks, rooms)
    assert seconds < 20, seconds   # a loose guard; benchmarks measure speed
    titles = {a.talk: inst.talk_by_id[a.talk].title for a in imp.assignments}
    assert all(titles[t.id] == " ".join(t.title.split()) for t in imp.instance.talks)
    if name.startswith(("cccamp", "31c3")):   # tracks as topics
        assert all(len(t.topics) == 1 for t in inst.talks)
    ev = sp.score(inst, out)
    assert not [v for v in ev.violations if v.rule != "speaker_conflict"]


# -- round trip with sessionplan's own frab export ------------------------------------

@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_exported_programme_imports_back(tmp_path, workshop, workshop_solution, suffix):
    from sessionplan import export

    path = tmp_path / f"schedule{suffix}"
    export.write(workshop, workshop_solution.assignments, path)
    imp = import_schedule(path)
    back = {a.talk: a for a in imp.assignments}
    talks = {t.title: t for t in imp.instance.talks}
    assert len(talks) == len(workshop.talks)
    for a in workshop_solution.assignments:
        t = workshop.talk_by_id[a.talk]
        got = talks[t.title]
        assert got.speakers == t.speakers and got.duration == (t.duration or 45)
        b = back[got.id]
        assert (b.day, b.start, b.end, b.room) == (a.day, a.start, a.end, a.room)


def test_emf_imports_with_its_published_baseline(tmp_path):
    src = SHARED / "data" / "emf" / "emf2020-slotmachine_scheduled_hard.json"
    if not src.exists():
        pytest.skip("shared EMF data not present")
    out = tmp_path / "emf.xlsx"
    res = CliRunner().invoke(app, ["import", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    inst = sp.check(out)
    assert len(inst.talks) == 98 and len(inst.rooms) == 3
    assert all(r.changeover == 10 for r in inst.rooms)
    assert {c.kind for c in inst.constraints} == {"forbid"}
    published = sp.read_schedule(out, inst)
    assert len(published) == 98
    # the published programme breaks some of the changed windows: re-planning repairs it
    assert sp.score(inst, published).hard_violations > 0


def test_a_widget_grid_whose_minute_holds_no_rooms_is_refused_with_its_path(tmp_path):
    # found by the fuzz campaign: a frab key renamed to a date made a string look like a room map
    said = refused(tmp_path, "grid.json", json.dumps({"schedule": {"9999-99-99": {"acronym": "Camp2019"}}}))
    assert "schedule['9999-99-99']['acronym']: expected an object" in said
