"""People beyond speakers (attendees, chairs), conflict levels, the not_parallel_session
kind and local hours: a case that holds and one that cannot per rule."""

from __future__ import annotations

from datetime import date

import pytest

import sessionplan as sp
from sessionplan.structure import Window, in_window, local_minute, parse_zone

from .helpers import solve_checked
from .test_tracks import HEADERS, conference, reasons


@pytest.fixture
def load(book):
    def make(sheets):
        return sp.load(book(sheets, headers=HEADERS))
    return make


def untracked(c):
    c["Tracks"] = []
    for row in c["Talks"]:
        row[5] = None
    return c


def pin(c, talk: str, target: str) -> None:
    c["Constraints"].append(["pin", talk, target, "yes", None])


def place(sol) -> dict[str, tuple[str, str, str]]:
    return {a.talk: (a.session, a.start, a.room) for a in sol.assignments}


# -- attendees ---------------------------------------------------------------------------

@pytest.mark.parametrize("level,feasible", [("time", True), ("slot", True), ("session", False)])
def test_attendee_conflict_levels(load, level, feasible):
    c = untracked(conference({"A": 1, "B": 1}, rooms=2, blocks=1))
    pin(c, "A1", "Mon-1 @ R1")
    pin(c, "B1", "Mon-1 @ R2")
    c["People"] = [["Quinn", "A1; B1", None]]
    c["Conflicts"] = [["attendees", level, None]]
    inst = load(c)
    sol = solve_checked(inst)   # one block, A1 and B1 in parallel cells
    if feasible:
        assert sol.status == "optimal"
        assert place(sol)["A1"][1] != place(sol)["B1"][1]
    else:
        assert sol.status == "infeasible"
        assert ("People", 2, "attends") in reasons(inst)


def test_attendee_conflicts_are_soft_with_a_weight_per_pair(load):
    c = untracked(conference({"A": 1, "B": 1}, rooms=2, blocks=1))
    pin(c, "A1", "Mon-1 @ R1")
    pin(c, "B1", "Mon-1 @ R2")
    c["People"] = [["Quinn", "A1; B1", None], ["Rita", "B1; A1", None]]
    c["Conflicts"] = [["attendees", "session", 40], ["attendees", "slot", 1]]
    sol = solve_checked(load(c))
    # one pair however many people share it; apart in time within the block
    assert sol.result.objective == pytest.approx(40)
    assert sol.evaluation.terms["attendee_conflicts"].penalty == pytest.approx(40)


def test_an_attendee_who_presents_conflicts_with_their_own_talk(load):
    c = conference({"A": 1, "B": 1}, rooms=2, blocks=1, slots=1)
    c["People"] = [["PA1", "B1", None]]                   # the speaker of A1 attends B1
    inst = load(c)
    assert sp.solve(inst, time_limit=20, workers=1).status == "infeasible"
    c["Conflicts"] = [["attendees", "none", None]]
    assert solve_checked(load(c)).status == "optimal"


# -- presenters and chairs ------------------------------------------------------------------

def test_a_chair_does_not_present_while_their_track_runs(load):
    c = conference({"A": 1, "B": 1}, rooms=2, blocks=1, slots=1)
    c["Tracks"][1][1] = "PA1"              # A1's speaker chairs track B
    inst = load(c)
    assert sp.solve(inst, time_limit=20, workers=1).status == "infeasible"
    assert ("Tracks", 3, "chairs") in reasons(inst)
    c["Slots"].append(["2027-03-08", "09:30", "10:00", "Mon-1", None])
    assert solve_checked(load(c)).status == "optimal"


def test_presenters_at_session_level_replace_the_speakers_rule(load):
    c = conference({"A": 2}, rooms=2, blocks=2, slots=1)
    c["Talks"][1][2] = "PA1"                # one speaker gives both talks
    c["Conflicts"] = [["presenters", "session", 100]]
    pin(c, "A1", "Mon-1")
    pin(c, "A2", "Mon-1")
    sol = solve_checked(load(c))
    assert sol.status == "optimal" and sol.result.objective == pytest.approx(100)   # soft: both in Mon-1
    c["Conflicts"] = [["presenters", "session", None]]
    inst = load(c)
    assert sp.solve(inst, time_limit=20, workers=1).status == "infeasible"
    assert any(sheet in ("Speakers", "Constraints") for sheet, _, _ in reasons(inst))


@pytest.mark.parametrize("weight,expect", [(None, None), (6, 6.0)])
def test_tracks_sharing_a_chair_are_not_in_parallel(load, weight, expect):
    c = conference({"A": 1, "B": 1}, rooms=2, blocks=1, slots=1)
    c["People"] = [["Quinn", None, "A; B"]]
    if weight is not None:
        c["Conflicts"] = [["chairs", "session", weight]]
    inst = load(c)
    sol = solve_checked(inst)
    if expect is None:
        assert sol.status == "infeasible"
        assert ("Tracks", 2, "chairs") in reasons(inst)
    else:
        assert sol.result.objective == pytest.approx(expect)


# -- not_parallel_session ---------------------------------------------------------------

def test_not_parallel_session_kind(load):
    c = untracked(conference({"A": 2}, rooms=2, blocks=2, slots=2))
    pin(c, "A1", "Mon-1 @ R1")
    c["Constraints"].append(["not_parallel_session", "A1", "A2", "yes", None])
    sol = solve_checked(load(c))
    assert place(sol)["A2"][0] == "Mon-2" or place(sol)["A2"][2] == "R1"
    c["Constraints"].append(["pin", "A2", "Mon-1 @ R2", "yes", None])
    inst = load(c)
    assert sp.solve(inst, time_limit=20, workers=1).status == "infeasible"
    assert ("Constraints", 3, "target") in reasons(inst)
    c["Constraints"][1][3], c["Constraints"][1][4] = "no", 8
    assert solve_checked(load(c)).result.objective == pytest.approx(8)


# -- local hours -----------------------------------------------------------------------------

def test_windows_in_the_presenters_zone(load):
    c = conference({"A": 1}, rooms=1, blocks=2, slots=1)    # 09:00 and 11:00 in Lisbon (UTC in March)
    c["Speakers"][0][4] = "Asia/Tokyo"                       # 18:00 and 20:00 there
    c["Windows"] = [["08:00", "19:00", 0], ["07:00", "22:00", 3], [None, None, 50]]
    c["Settings"] = [["zone", "Europe/Lisbon"]]
    sol = solve_checked(load(c))
    assert place(sol)["A1"][1] == "09:00" and sol.result.objective == 0
    pin(c, "A1", "Mon-2")
    assert solve_checked(load(c)).result.objective == pytest.approx(3)
    c["Windows"] = [["08:00", "19:00", 0], [None, None, 50]]
    assert solve_checked(load(c)).result.objective == pytest.approx(50)
    c["Talks"][0][7] = "Europe/Lisbon"                       # the talk's own zone wins
    assert solve_checked(load(c)).result.objective == 0


def test_local_time_follows_daylight_saving_and_windows_past_midnight():
    from sessionplan.model import Instance
    from sessionplan.structure import Settings

    inst = Instance.model_construct(settings=Settings(zone="UTC"))
    assert local_minute(inst, date(2027, 1, 10), 9 * 60, "Europe/Berlin") == 10 * 60
    assert local_minute(inst, date(2027, 7, 10), 9 * 60, "Europe/Berlin") == 11 * 60
    assert local_minute(inst, date(2027, 7, 10), 9 * 60, "GMT-5") == 4 * 60
    night = Window(start=22 * 60, end=2 * 60, penalty=1)
    assert in_window(night, 23 * 60, 120) and not in_window(night, 23 * 60, 181) and not in_window(night, 21 * 60, 30)
    assert in_window(Window(start=0, end=24 * 60), 23 * 60, 60)
    with pytest.raises(ValueError):
        parse_zone("UTC+15")


# -- chairs assigned after solving ----------------------------------------------------------

def test_chairs_are_assigned_to_cells_fairly_and_never_in_parallel(load, tmp_path):
    import json

    from sessionplan.io.outputs import write_outputs

    c = conference({"A": 4, "B": 4}, rooms=2, blocks=2, slots=2)
    c["Tracks"][0][1] = "Quinn; Rita"
    c["Tracks"][1][1] = "PA1"                       # A1's speaker chairs track B
    c["People"] = [["Quinn", None, None], ["Rita", None, None]]
    c["Conflicts"] = [["chairs", "none", None], ["presenters", "time", None]]
    inst = load(c)
    sol = solve_checked(inst)
    chairs = sol.chairs
    cells = {(a.session, a.room) for a in sol.assignments}
    assert {(x.session, x.room) for x in chairs} == cells and all(x.chair for x in chairs)
    where = {a.talk: (a.session, a.room) for a in sol.assignments}
    for x in chairs:
        # never presenting in a parallel cell, never two cells of one block
        assert not any(where[t][0] == x.session and where[t][1] != x.room for t in inst.talks_of_speaker.get(x.chair, []))
        assert sum(1 for y in chairs if y.chair == x.chair and y.session == x.session) == 1
    a_chairs = [x.chair for x in chairs if x.track == "A"]
    assert sorted(a_chairs) == ["Quinn", "Rita"]     # its own chairs, one cell each
    write_outputs(sol, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "schedule.json").read_text())
    assert sorted((x["session"], x["room"], x["chair"]) for x in doc["chairs"]) == \
        sorted((x.session, x.room, x.chair) for x in chairs)
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "out" / "schedule.xlsx")["Chairs"].max_row == len(chairs) + 1


def test_no_chairs_without_chairs(load):
    sol = solve_checked(load(conference({"A": 2})))
    assert sol.chairs == []
