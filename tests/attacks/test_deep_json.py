"""Deep or odd JSON: nesting 10,000 levels deep, numbers beyond a float (``1e999``,
``Infinity``, ``NaN``, an integer of 5,000 digits), dates in the year 9999 or 0001, and
values of the wrong shape in every importer format (``rooms: 5``, ``persons: 7``, a room
or a speaker given as a list or an object, ``by_room`` as a list), in schedule JSON and
baselines too. Each is exit 2 with the file and the path in the document (or its line),
never a RecursionError, OverflowError, TypeError or AttributeError.
"""

from __future__ import annotations

import copy
import json

import pytest

from .conftest import FIXTURES
from .harness import Case, check_all, run_all

DEEP = 10_000


def _camp() -> dict:
    return json.loads((FIXTURES / "camp2019_day2.json").read_text())


def _first_event(doc: dict) -> dict:
    return doc["schedule"]["conference"]["days"][0]["rooms"]["Curie"][0]


def _widget_grid() -> dict:
    return json.loads((FIXTURES / "pyconfr2024_widget_small.json").read_text())


WIDGET_LIST = {
    "talks": [{"code": "AB12", "title": "Typed pipelines", "speakers": ["S1"], "room": 7,
               "start": "2025-05-10T09:00:00+02:00", "end": "2025-05-10T09:30:00+02:00"}],
    "rooms": [{"id": 7, "name": "Main room"}], "speakers": [{"code": "S1", "name": "Ana"}],
}
EMF = {"talks": [{"id": 1, "duration": 30, "speakers": [1], "title": "Radio",
                  "venue_times": [{"venue": 1, "times": [{"start": "2022-06-03 10:00:00",
                                                          "end": "2022-06-03 12:00:00"}]}]}]}


def _with(doc: dict, change) -> dict:
    doc = copy.deepcopy(doc)
    change(doc)
    return doc


def _set_event(**fields):
    return lambda d: _first_event(d).update(fields)


def _importer_files() -> dict[str, tuple[object, str]]:
    """file name -> (document or raw text, what the message must say)"""
    deep_list = "[" * DEEP + "]" * DEEP
    camp = _camp()
    return {
        "deep-frab.json": ('{"schedule": {"conference": {"days": ' + deep_list + "}}}", "nested more than"),
        "deep-widget.json": ('{"talks": ' + deep_list + "}", "nested more than"),
        "deep-150.json": ("{\"talks\": " + "[" * 150 + "]" * 150 + "}", "nested more than 100"),
        "infinite-duration.json": (json.dumps(_with(camp, _set_event(duration=1.0))).replace('"duration": 1.0',
                                                                                               '"duration": Infinity'),
                                   "not a number json allows"),
        "nan-duration.json": (json.dumps(_with(camp, _set_event(duration=1.0))).replace('"duration": 1.0',
                                                                                          '"duration": NaN'),
                              "not a number json allows"),
        "1e999-duration.json": (json.dumps(_with(camp, _set_event(duration=1.0))).replace('"duration": 1.0',
                                                                                            '"duration": 1e999'),
                                "too large"),
        "5000-digits.json": (json.dumps(_with(camp, _set_event(duration=1.0))).replace('"duration": 1.0',
                                                                                         '"duration": ' + "9" * 5000),
                             "not valid json"),
        "huge-duration.json": (_with(camp, _set_event(duration=1e300)), "duration"),
        "year-9999.json": (_with(camp, _set_event(date="9999-12-31T23:30:00+00:00")), "outside what a workbook holds"),
        "year-0001.json": (_with(camp, _set_event(date="0001-01-01T10:00:00+00:00")), "outside what a workbook holds"),
        "day-9999.json": (_with(camp, lambda d: (d["schedule"]["conference"]["days"][0].update(
            date="9999-12-31", day_start="9999-12-31T23:00:00+00:00"),
            _first_event(d).update(date=None, start="01:00"))), "outside what a workbook holds"),
        "rooms-5.json": (_with(camp, lambda d: d["schedule"]["conference"].update(rooms=5)),
                         "schedule.conference.rooms: expected a list"),
        "persons-7.json": (_with(camp, _set_event(persons=7)), "].persons: expected a list"),
        "room-list.json": (_with(camp, _set_event(room=["Curie"])), "].room: expected a text"),
        "room-object.json": (_with(camp, _set_event(room={"name": ["x"]})), "].room: expected translations"),
        "person-list.json": (_with(camp, _set_event(persons=[["Ana"]])), "].persons[0]: expected an object"),
        "day-rooms-list.json": (_with(camp, lambda d: d["schedule"]["conference"]["days"][0].update(rooms=[1])),
                                "days[0].rooms: expected an object"),
        "days-missing.json": (_with(camp, lambda d: d["schedule"]["conference"].pop("days")),
                              "schedule.conference.days: missing"),
        "conference-5.json": ({"schedule": {"conference": 5}}, "schedule.conference: expected an object"),
        "by-room-list.json": (_with(_widget_grid(), lambda d: d["schedule"]["2024-11-03"].update({"600": [1, 2]})),
                              "['2024-11-03']['600']: expected an object"),
        "widget-speaker-list.json": (_with(_widget_grid(), lambda d: next(iter(
            d["schedule"]["2024-11-03"]["600"].values())).update(speakers=[["Ines"]])), "speakers[0]: expected an object"),
        "widget-talks-5.json": ({**WIDGET_LIST, "talks": 5}, "talks: expected a list"),
        "widget-room-id-list.json": (_with(WIDGET_LIST, lambda d: d["rooms"][0].update(id=[7])),
                                     "rooms[0].id: expected a text or a number"),
        "widget-track-list.json": (_with(WIDGET_LIST, lambda d: d["talks"][0].update(track=[3])),
                                   "talks[0].track"),
        "widget-capacity-object.json": (_with(WIDGET_LIST, lambda d: d["rooms"][0].update(capacity={"n": 1})),
                                        "rooms[0].capacity"),
        "emf-venue-times-5.json": (_with(EMF, lambda d: d["talks"][0].update(venue_times=5)),
                                   "talks[0].venue_times"),
        "emf-duration-text.json": (_with(EMF, lambda d: d["talks"][0].update(duration="30")),
                                   "talks[0].duration"),
        "emf-venue-true.json": (_with(EMF, lambda d: d["talks"][0]["venue_times"][0].update(venue=True)),
                                "venue_times[0].venue"),
        "emf-year-9999.json": (_with(EMF, lambda d: d["talks"][0]["venue_times"][0]["times"][0].update(
            end="9999-12-31 23:00:00")), "outside what a workbook holds"),
        "top-level-text.json": ('"just a text"', "not a schedule"),
        "top-level-list.json": ("[1, 2, 3]", "not a schedule"),
    }


def _schedule_files(solved) -> dict[str, tuple[object, str]]:
    good = json.loads((solved / "schedule.json").read_text())
    deep = "[" * DEEP + "]" * DEEP
    return {
        "deep-schedule.json": ('{"assignments": ' + deep + "}", "nested more than"),
        "assignments-5.json": ({**good, "assignments": 5}, "not a schedule"),
        "bad-day.json": (_with(good, lambda d: d["assignments"][0].update(day="9999-99-99")),
                         "assignments[0].day"),
        "talk-list.json": (_with(good, lambda d: d["assignments"][0].update(talk=["T01"])),
                           "assignments[0].talk"),
        "infinite-objective.json": (json.dumps(good).replace('"objective": ', '"objective": Infinity, "x": ', 1),
                                    "not a number json allows"),
    }


@pytest.fixture(scope="module")
def files(arena, solved):
    here = arena / "deep"
    here.mkdir()
    made = {}
    for kind, group in (("import", _importer_files()), ("schedule", _schedule_files(solved))):
        for name, (doc, says) in group.items():
            (here / name).write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
            made[name] = (here / name, says, kind)
    (here / "deep.xml").write_text("<schedule>" + "<x>" * 100_000 + "</x>" * 100_000 + "</schedule>")
    return made


def test_deep_and_odd_json_is_a_located_error(files, arena, workshop):
    out = arena / "deep-out"
    cases = []
    for name, (path, says, kind) in files.items():
        if kind == "schedule":
            cases.append(Case(f"score {name}", ["score", str(workshop), str(path)], arena, (2,), (name, says),
                              (path, workshop)))
            if name in ("deep-schedule.json", "talk-list.json"):  # the same reader as score's
                cases.append(Case(f"baseline {name}", ["solve", str(workshop), "--baseline", str(path), "--out",
                                                       str(out), "-q"], arena, (2,), (name, says), (path, workshop)))
        else:
            cases.append(Case(f"import {name}", ["import", str(path), "--out", str(out / f"{name}.xlsx")], arena,
                              (2,), (name, says), (path,)))
    cases.append(Case("import deep.xml", ["import", str(arena / "deep" / "deep.xml"), "--out", str(out / "x.xlsx")],
                      arena, (2,), ("deep.xml line 1", "nested more than 100")))
    results = run_all(cases)
    check_all(results)
    assert not out.exists(), "something was written"
