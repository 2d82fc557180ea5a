"""Programmes people have: EuroPython's schedule XML, Indico's JSON exports, a wiki's CSV
with rooms and times, speakers written id:name, and published programmes that break rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan.api import import_schedule
from sessionplan.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def imported(tmp_path, name):
    out = tmp_path / "conf.xlsx"
    res = runner.invoke(app, ["import", str(FIXTURES / name), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return sp.load(out), out, res.output


def test_europython_schedule_xml(tmp_path):
    inst, path, output = imported(tmp_path, "europython_schedule_small.xml")
    assert sorted(t.id for t in inst.talks) == ["238", "301", "302", "303", "401", "402"]   # breaks are not talks
    t = inst.talk_by_id["303"]
    assert t.title == "NumPy internals: strides and views" and t.duration == 30
    assert t.speakers == ("Jaime Fernández del Río", "Ana Balica")
    assert t.topics == ("Science", "Performance")
    assert [r.name for r in inst.rooms] == ["A1", "Barria 1", "Barria 2"]
    placed = {a.talk: a for a in sp.read_schedule(path, inst)}
    assert (placed["402"].day, placed["402"].start, placed["402"].end, placed["402"].room) == \
        (date(2015, 7, 22), "13:30", "16:30", "Barria 2")
    assert sp.score(inst, path).hard_violations == 0


def test_an_unknown_xml_says_what_it_is(tmp_path):
    src = tmp_path / "talks.xml"
    src.write_text("<programme><session><talk>x</talk></session></programme>")
    with pytest.raises(sp.InputError) as exc:
        import_schedule(src)
    assert "not a frab schedule.xml" in str(exc.value) and "<programme> with <session>" in str(exc.value)


@pytest.mark.parametrize("name", ["indico_sessions.json", "indico_timetable.json"])
def test_indico_exports(tmp_path, name):
    inst, path, output = imported(tmp_path, name)
    talks = inst.talk_by_id
    first = talks["1"] if "1" in talks else talks["12"]
    assert first.title == "Opening remarks" and first.speakers == ("Anna Maier",) and first.duration == 15
    tv = talks["2"] if "2" in talks else talks["13"]
    assert tv.speakers == ("Claire Dubois",)   # the primary author when no speaker is named
    assert tv.topics == (("Theory",) if name == "indico_sessions.json" else ("Regularisation",))
    assert "graph" in tv.abstract and "<b>" not in tv.abstract
    assert "Coffee" not in {t.title for t in inst.talks}
    if name == "indico_sessions.json":
        assert len(inst.talks) == 5 and "1 contributions have no time" in output
        assert talks["4"].speakers == ("Anna Maier", "Kenji Nakamura")
        # the published programme has Anna Maier in two rooms at 10:00: said at import and by check
        assert "breaks a hard rule" in output and "Anna Maier" in output
        res = runner.invoke(app, ["check", str(path)])
        assert "breaks a hard rule" in res.output and "Anna Maier gives" in res.output
    placed = {a.talk: a for a in sp.read_schedule(path, inst)}
    assert placed[tv.id].room == "Auditorium" and placed[tv.id].start == "09:30"


def test_csv_with_rooms_and_times_keeps_the_published_programme(tmp_path):
    inst, path, output = imported(tmp_path, "wiki_programme.csv")
    assert "unknown column" not in output and "Rooms and Slots are empty" not in output
    assert [r.name for r in inst.rooms] == ["Tent A", "Tent B"]
    assert inst.talk_by_id["104"].speakers == ("Dana Ivanova", "Chris Lee")     # two people, not one
    assert {s.name for s in inst.speakers} == {"Anna Schmidt", "Ben Okoro", "Chris Lee", "Dana Ivanova"}
    placed = {a.talk: a for a in sp.read_schedule(path, inst)}
    assert (placed["102"].day, placed["102"].start, placed["102"].end, placed["102"].room) == \
        (date(2027, 8, 12), "10:30", "11:30", "Tent B")
    # Ben Okoro is in Tent A until 10:45 and in Tent B from 10:30
    assert "breaks a hard rule" in output and "Ben Okoro" in output
    ev = sp.score(inst, path)
    assert [v.rule for v in ev.violations] == ["speaker_conflict"]
    # the speakers' clash rule holds in a new plan: shared speakers are separate people
    sol = sp.solve(inst, workers=1, time_limit=20)
    assert sol.evaluation.hard_violations == 0


def test_speakers_written_id_name_are_split_in_a_talks_csv(tmp_path):
    src = tmp_path / "talks.csv"
    src.write_text("id,title,speakers\nA,Soldering,12:Ben Okoro|31:Chris Lee\nB,Mesh,31:Chris Lee\n")
    inst = import_schedule(src).instance
    assert inst.talk_by_id["A"].speakers == ("Ben Okoro", "Chris Lee")
    assert inst.talks_of_speaker["Chris Lee"] == ["A", "B"]
