"""Exports: frab schedule.json / schedule.xml against the official schemas, iCalendar, HTML."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from icalendar import Calendar
from lxml import etree
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan import export
from sessionplan.cli import app

from .conftest import SHARED, write_book
from .export_cases import HOSTILE_TITLE, multi_room
from .helpers import solve_checked

FRAB = SHARED / "data" / "frab" / "schema"
runner = CliRunner()


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((FRAB / "json_schema.json").read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    # the checks the schema relies on must really run (they need optional packages)
    for fmt, bad in (("uri", "not a uri"), ("date-time", "2027-03-08 09:00"), ("uuid", "T01"), ("date", "2027-13-01")):
        assert not checker.conforms(bad, fmt), fmt
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema, format_checker=checker)


@pytest.fixture(scope="module")
def xsd():
    return etree.XMLSchema(etree.parse(str(FRAB / "xsd_schedule.xml.xsd")))


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    inst = sp.load(write_book(tmp_path_factory.mktemp("multi") / "multi.xlsx", multi_room()))
    sol = solve_checked(inst, time_limit=10)
    assert sol.status == "optimal"
    return inst, sol.assignments


def errors(validator, doc) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(doc)]


def events(doc: dict) -> list[dict]:
    return [ev for day in doc["schedule"]["conference"]["days"] for evs in day["rooms"].values() for ev in evs]


def test_frab_json_of_the_solved_workshop_validates(workshop, workshop_solution, json_validator):
    assignments = workshop_solution.assignments
    doc = export.to_frab_json(workshop, assignments, time_zone="Europe/Berlin", title="Research workshop")
    assert errors(json_validator, doc) == []
    conf = doc["schedule"]["conference"]
    assert conf["daysCount"] == 5 and conf["start"] == "2027-03-08" and conf["end"] == "2027-03-12"
    assert conf["time_zone_name"] == "Europe/Berlin" and conf["timeslot_duration"] == "00:15"
    evs = events(doc)
    assert sorted(e["title"] for e in evs) == sorted(t.title for t in workshop.talks)
    by_title = {e["title"]: e for e in evs}
    berlin = ZoneInfo("Europe/Berlin")
    for a in assignments:
        t = workshop.talk_by_id[a.talk]
        ev = by_title[t.title]
        start = datetime.fromisoformat(ev["date"])
        assert start == datetime.fromisoformat(f"{a.day}T{a.start}").replace(tzinfo=berlin)
        assert ev["date"].endswith("+01:00")  # March 2027 in Berlin: winter time
        assert ev["start"] == a.start and ev["duration"] == "00:45" and ev["room"] == a.room
        assert [p["name"] for p in ev["persons"]] == list(t.speakers)
    # ids and guids are unique, and stable from one export to the next
    assert len({e["guid"] for e in evs}) == len({e["id"] for e in evs}) == len({e["slug"] for e in evs}) == 28
    again = export.to_frab_json(workshop, list(reversed(assignments)), time_zone="Europe/Berlin")
    assert {e["id"]: e["guid"] for e in events(again)} == {e["id"]: e["guid"] for e in evs}


def test_frab_json_multi_room_topics_and_a_negative_control(multi, json_validator):
    inst, assignments = multi
    doc = export.to_frab_json(inst, assignments, base_url="https://conf.example.org/programme.html",
                              acronym="mini2027")
    assert errors(json_validator, doc) == []
    conf = doc["schedule"]["conference"]
    assert [r["name"] for r in conf["rooms"]] == ["Hall", "Annex"]
    assert {t["name"].casefold() for t in conf["tracks"]} == {"history", "optimisation"}
    evs = {e["title"]: e for e in events(doc)}
    long = evs["A long tutorial on solvers"]
    assert long["duration"] == "01:00" and long["room"] == "Hall" and long["track"] == "optimisation"
    assert long["url"] == f"https://conf.example.org/programme.html#talk-{long['id']}"
    assert evs["Untagged remarks"]["track"] is None
    assert doc["schedule"]["base_url"] == "https://conf.example.org/programme.html"
    # the validator does catch what a careless exporter would get wrong
    broken = json.loads(json.dumps(doc))
    first = events(broken)[0]
    first["guid"], first["duration"] = "T1", "60 min"
    assert len(errors(json_validator, broken)) == 2


def test_frab_xml_validates_against_the_xsd(workshop, workshop_solution, multi, xsd):
    xml = export.to_frab_xml(workshop, workshop_solution.assignments, time_zone="Europe/Berlin")
    root = etree.fromstring(xml)
    assert xsd.validate(root), xsd.error_log
    evs = root.findall("day/room/event")
    assert len(evs) == 28 and len(root.findall("day")) == 5
    first = root.find("day/room/event")
    a = workshop_solution.assignments[0]
    assert first.findtext("start") == a.start and first.findtext("room") == a.room
    assert first.findtext("date") == f"{a.day}T{a.start}:00+01:00"
    inst, assignments = multi
    root = etree.fromstring(export.to_frab_xml(inst, assignments, base_url="https://conf.example.org/"))
    assert xsd.validate(root), xsd.error_log
    assert {r.get("name") for r in root.findall("day/room")} == {"Hall", "Annex"}
    long = next(e for e in root.iter("event") if e.findtext("title") == "A long tutorial on solvers")
    assert [p.text for p in long.iter("person")] == ["Eve", "Ada"] and long.findtext("duration") == "01:00"
    assert any(e.findtext("title") == HOSTILE_TITLE for e in root.iter("event"))
    # negative control: a duplicated guid breaks the XSD's uniqueness rule
    events_ = list(root.iter("event"))
    events_[1].set("guid", events_[0].get("guid"))
    assert not xsd.validate(root)


def test_ics_parses_with_one_event_per_talk(workshop, workshop_solution):
    assignments = workshop_solution.assignments
    raw = export.to_ics(workshop, assignments, time_zone="Europe/Berlin")
    cal = Calendar.from_ical(raw)
    evs = cal.walk("VEVENT")
    assert len(evs) == 28 and len(cal.walk("VTIMEZONE")) == 1
    by_summary = {str(e["SUMMARY"]): e for e in evs}
    berlin = ZoneInfo("Europe/Berlin")
    for a in assignments:
        t = workshop.talk_by_id[a.talk]
        ev = by_summary[t.title]
        assert str(ev["LOCATION"]) == a.room
        assert all(name in str(ev["DESCRIPTION"]) for name in t.speakers)
        start = ev.decoded("DTSTART")
        assert start == datetime.fromisoformat(f"{a.day}T{a.start}").replace(tzinfo=berlin)
        assert start.tzinfo is not None and (ev.decoded("DTEND") - start).total_seconds() == 45 * 60
    uids = {str(e["UID"]) for e in evs}
    assert len(uids) == 28
    doc = export.to_frab_json(workshop, assignments)
    assert uids == {f"{e['guid']}@sessionplan" for e in events(doc)}  # the same stable ids


def test_ics_per_speaker(multi):
    inst, assignments = multi
    cal = Calendar.from_ical(export.to_ics(inst, assignments, speaker="ada"))
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["A long tutorial on solvers", "Convex optimisation methods"]
    long = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("A long"))
    assert "Speakers: Eve, Ada" in str(long["DESCRIPTION"]) and "Two slots" in str(long["DESCRIPTION"])
    assert (long.decoded("DTEND") - long.decoded("DTSTART")).total_seconds() == 3600
    with pytest.raises(sp.InputError, match="--speaker: 'Nobody' is not in the Speakers sheet"):
        export.to_ics(inst, assignments, speaker="Nobody")


def test_html_escapes_titles_and_loads_nothing(multi):
    inst, assignments = multi
    html = export.to_html(inst, assignments)
    assert "<script" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)  # no network resources
    assert "@import" not in html and "url(" not in html and "<link" not in html
    assert "@page" in html and "landscape" in html and "break-before: page" in html
    placed = {a.talk: a for a in assignments}
    for talk in inst.talks:
        assert f'data-talk="{talk.id}"' in html
    assert re.search(r'rowspan="2"[^>]*>\s*<div class="talk" id="talk-5" data-talk="T5" data-room="Hall"', html)
    assert placed["T5"].room == "Hall"
    legend = re.findall(r'<span class="swatch" style="background:#(\w+)"></span>([^<]+)</li>', html)
    assert {label for _, label in legend} == {"history", "optimisation", "no topic"}
    assert "Colours: the talk&#39;s first topic." in html


def test_html_colours_sessions_when_no_talk_has_topics(workshop, workshop_solution):
    html = export.to_html(workshop, workshop_solution.assignments, title="Research workshop")
    assert "Colours: sessions (the talks carry no topics)." in html
    assert html.count('<table class="grid"') == 5
    shown = re.findall(r'<span class="swatch" style="background:#\w+"></span>([^<]+)</li>', html)
    used = {(a.day, a.session) for a in workshop_solution.assignments}
    assert sorted(shown) == sorted(session for _day, session in used)  # each session in use, once


def test_export_reports_every_schedule_problem(workshop, workshop_solution):
    bad = [a.model_copy(update={"talk": "T99"}) if i == 0 else a for i, a in enumerate(workshop_solution.assignments)]
    bad[1] = bad[1].model_copy(update={"room": "Attic"})
    with pytest.raises(sp.InputError) as exc:
        export.to_frab_json(workshop, bad)
    text = str(exc.value)
    assert "talk 'T99' is not in the workbook" in text and "room 'Attic' is not in the workbook" in text


def test_cli_export_every_format(workshop_path, workshop_solution, tmp_path, json_validator, xsd):
    sched = tmp_path / "schedule.json"
    sp.write_outputs(workshop_solution, tmp_path)
    for name in ("out.json", "out.xml", "out.ics", "out.html"):
        res = runner.invoke(app, ["export", str(workshop_path), str(sched), "--out", str(tmp_path / name),
                                  "--timezone", "Europe/Berlin"])
        assert res.exit_code == 0, res.output
        assert "28 talks" in res.output
    assert errors(json_validator, json.loads((tmp_path / "out.json").read_text())) == []
    assert xsd.validate(etree.parse(str(tmp_path / "out.xml")))
    # a solved workbook holds its own schedule
    res = runner.invoke(app, ["export", str(tmp_path / "schedule.xlsx"), "--out", str(tmp_path / "me.ics"),
                              "--speaker", "Stanley Osher"])
    assert res.exit_code == 0, res.output
    assert len(Calendar.from_ical((tmp_path / "me.ics").read_bytes()).walk("VEVENT")) == 1


def test_cli_export_bad_input_writes_nothing(workshop_path, workshop_solution, tmp_path):
    sp.write_outputs(workshop_solution, tmp_path)
    sched = tmp_path / "schedule.json"
    out = tmp_path / "x.html"
    res = runner.invoke(app, ["export", str(workshop_path), str(sched), "--out", str(out), "--timezone", "Mars/Base",
                              "--acronym", "A B", "--speaker", "Nobody", "--base-url", "ftp://x"])
    assert res.exit_code == 2
    for opt in ("--timezone", "--acronym", "--speaker", "--base-url"):
        assert opt in res.output
    assert "Traceback" not in res.output and not out.exists()
    doc = json.loads(sched.read_text())
    doc["assignments"][0]["talk"] = "T99"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc))
    res = runner.invoke(app, ["export", str(workshop_path), str(broken), "--out", str(out)])
    assert res.exit_code == 2 and "T99" in res.output and not out.exists()
    res = runner.invoke(app, ["export", str(workshop_path), str(sched), "--out", str(tmp_path / "x.txt")])
    assert res.exit_code == 2 and "--format" in res.output
    doc["assignments"] = []
    broken.write_text(json.dumps(doc))
    res = runner.invoke(app, ["export", str(workshop_path), str(broken), "--out", str(out)])
    assert res.exit_code == 1 and "no schedule" in res.output and not out.exists()


def test_local_times_follow_the_time_zone_rules(multi, json_validator):
    inst, assignments = multi
    prog = export.programme(inst, assignments, time_zone="Europe/Berlin")
    spring = datetime(2027, 3, 28).date()  # clocks go forward at 02:00 that night
    assert prog.at(spring, 60).isoformat() == "2027-03-28T01:00:00+01:00"
    assert prog.at(spring, 9 * 60).isoformat() == "2027-03-28T09:00:00+02:00"
    # a zone the frab schema's name pattern does not admit: offsets stay right, the name is left out
    doc = export.to_frab_json(inst, assignments, time_zone="Etc/GMT-3")
    assert errors(json_validator, doc) == [] and "time_zone_name" not in doc["schedule"]["conference"]
    assert all(e["date"].endswith("+03:00") for e in events(doc))


def test_round_trip_import_solve_export(tmp_path, json_validator, xsd):
    """A real published schedule imported, solved afresh and exported: the frab JSON and
    XML validate, and every talk of the import is in the export."""
    src = SHARED / "data" / "frab" / "cccamp2019_schedule.json"
    if not src.exists():
        pytest.skip("shared frab data not present")
    from sessionplan.io.frab import write_imported

    imported = sp.api.import_schedule(src)
    book = tmp_path / "camp.xlsx"
    write_imported(imported, book)
    inst = sp.load(book)
    sol = sp.solve(inst, workers=2, time_limit=20)
    assert sol.result.has_schedule and sol.evaluation.hard_violations == 0
    doc = export.to_frab_json(inst, sol.assignments)
    assert errors(json_validator, doc) == []
    exported = sorted(ev["title"] for ev in events(doc))
    assert exported == sorted(t.title for t in inst.talks)
    assert len(exported) == len(imported.instance.talks) == 79
    xsd.assertValid(etree.fromstring(export.to_frab_xml(inst, sol.assignments)))
