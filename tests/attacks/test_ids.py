"""Ids: ``T1`` and ``t1`` are one id given twice (the day grids and every reader compare
ids without case), and an id holding the day grid's separator " · " could not be read
back from a grid cell. Both are located errors of ``check``, ``solve`` and ``import``;
references in another case resolve to the talk.
"""

from __future__ import annotations

import copy
import json

import pytest

from ..conftest import MINI, write_book
from .harness import Case, check_all, run_all


@pytest.fixture(scope="module")
def books(arena):
    here = arena / "ids"
    here.mkdir()
    twice = copy.deepcopy(MINI)
    twice["Talks"][1][0] = "t1"
    spaced = copy.deepcopy(MINI)
    spaced["Talks"][1][0] = "T 2 · B"
    rooms = copy.deepcopy(MINI)
    rooms["Rooms"] = [["Hall", 100], ["hall", 50]]
    speakers = copy.deepcopy(MINI)
    speakers["Speakers"].append(["ada", "U9", None, None])
    refs = copy.deepcopy(MINI)
    refs["Constraints"] = [["before", "t4", "T1", "yes", None], ["not_parallel", "t2", "t3", "yes", None]]
    made = {name: write_book(here / f"{name}.xlsx", sheets) for name, sheets in
            (("twice", twice), ("spaced", spaced), ("rooms", rooms), ("speakers", speakers), ("refs", refs))}
    return here, made


def test_ids_are_compared_one_way(books, arena):
    here, made = books
    (here / "twice.csv").write_text("id,title,speakers\nT1,A,Ana\nt1,B,Ben\n")
    (here / "dot.csv").write_text("id,title,speakers\nT1 · x,A,Ana\n")
    widget = {"talks": [{"code": c, "title": f"Talk {i}", "speakers": ["S"], "room": 1, "start": "2025-05-10T09:00:00+02:00",
                         "duration": 30} for i, c in enumerate(("AB", "ab"))], "rooms": [{"id": 1, "name": "R"}],
              "speakers": [{"code": "S", "name": "Ana"}]}
    (here / "twice.json").write_text(json.dumps(widget))
    out = arena / "ids-out"
    cases = [
        Case("check T1 and t1", ["check", str(made["twice"])], here, (2,),
             ("Talks, row 3, column 'id': duplicate id 't1'", "case and spacing are ignored")),
        Case("solve T1 and t1", ["solve", str(made["twice"]), "--out", str(out), "-q"], here, (2,),
             ("duplicate id 't1'",)),
        Case("check an id with the grid separator", ["check", str(made["spaced"])], here, (2,),
             ("Talks, row 3, column 'id'", "·")),
        Case("check Hall and hall", ["check", str(made["rooms"])], here, (2,), ("Rooms, row 3, column 'name'",)),
        Case("check Ada and ada", ["check", str(made["speakers"])], here, (2,), ("Speakers, row 6, column 'name'",)),
        Case("constraints name t4 for T4", ["solve", str(made["refs"]), "--out", str(out / "refs"), "-q"], here,
             (0,), ("status optimal",)),
        Case("import a CSV with T1 and t1", ["import", str(here / "twice.csv"), "--out", str(out / "c.xlsx")], here,
             (2,), ("line 3: talk id 't1' is used twice",)),
        Case("import a CSV id with the separator", ["import", str(here / "dot.csv"), "--out", str(out / "d.xlsx")],
             here, (2,), ("line 2", "·")),
        Case("import a widget with AB and ab", ["import", str(here / "twice.json"), "--out", str(out / "w.xlsx")],
             here, (2,), ("talks[1]: talk id 'ab' is used twice",)),
    ]
    results = run_all(cases)
    check_all(results)
    assert sorted(p.name for p in out.iterdir()) == ["refs"]
    doc = json.loads((out / "refs" / "schedule.json").read_text())
    placed = {a["talk"]: (a["day"], a["start"]) for a in doc["assignments"]}
    assert placed["T4"] < placed["T1"]  # "t4 before T1" holds for the talk T4
