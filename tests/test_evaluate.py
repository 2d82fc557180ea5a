"""The evaluator on schedules made by hand: each hard rule is caught and named."""

from __future__ import annotations

from datetime import date

import pytest

import sessionplan as sp
from sessionplan.model import Assignment

MON = date(2027, 3, 8)


def a(talk, start, end, session="Mon-1", room="Hall", day=MON):
    return Assignment(talk=talk, room=room, day=day, start=start, end=end, session=session)


GOOD = [a("T1", "09:00", "09:30"), a("T2", "09:30", "10:00"),
        a("T3", "10:30", "11:00", "Mon-2"), a("T4", "11:00", "11:30", "Mon-2")]


@pytest.fixture
def inst(mini, book):
    mini["Rooms"].append(["Annex", 20])
    mini["Talks"][0][6] = mini["Talks"][1][6] = "duo"
    mini["Talks"][3][7] = 50
    mini["Speakers"][2][2] = "Mon 11:00-12:00"
    mini["Speakers"][3][3] = "Mon-2"
    mini["Constraints"] = [["before", "T3", "T4", "yes", None], ["pin", "T4", "Mon-2", "no", 7]]
    return sp.load(book(mini))


def rules(ev):
    return sorted(v.rule for v in ev.violations)


def test_good_schedule_has_no_violation(inst):
    ev = sp.evaluate(inst, GOOD)
    assert ev.violations == []


def test_missing_and_duplicate_talks(inst):
    ev = sp.evaluate(inst, GOOD[:3] + [GOOD[0]])
    msgs = [v.message for v in ev.violations]
    assert any("T4" in m and "not scheduled" in m for m in msgs)
    assert any("T1" in m and "more than once" in m for m in msgs)


def test_room_double_booked(inst):
    sched = GOOD[:3] + [a("T4", "10:30", "11:00", "Mon-2")]
    assert "room_conflict" in rules(sp.evaluate(inst, sched))


def test_off_grid_start(inst):
    sched = GOOD[:3] + [a("T4", "11:10", "11:40", "Mon-2")]
    ev = sp.evaluate(inst, sched)
    assert any(v.rule == "placement" and "slot grid" in v.message for v in ev.violations)


def test_unavailable_speaker_named_with_row(inst):
    sched = [GOOD[0], GOOD[1], a("T3", "11:00", "11:30", "Mon-2"), a("T4", "10:30", "11:00", "Mon-2")]
    ev = sp.evaluate(inst, sched)
    (v,) = [v for v in ev.violations if v.rule == "unavailable"]
    assert "Cy" in v.message and "Speakers row 4" in v.message


def test_joint_group_split(inst):
    sched = [a("T1", "09:00", "09:30"), a("T3", "09:30", "10:00"),
             a("T2", "10:30", "11:00", "Mon-2"), a("T4", "11:00", "11:30", "Mon-2")]
    assert "joint" in rules(sp.evaluate(inst, sched))


def test_joint_group_wrong_order(inst):
    sched = [a("T2", "09:00", "09:30"), a("T1", "09:30", "10:00")] + GOOD[2:]
    ev = sp.evaluate(inst, sched)
    assert any(v.rule == "joint" and "does not directly follow" in v.message for v in ev.violations)


def test_hard_row_and_soft_row(inst):
    sched = GOOD[:2] + [a("T4", "10:30", "11:00", "Mon-2"), a("T3", "10:30", "11:00", "Mon-2", room="Annex")]
    ev = sp.evaluate(inst, sched)
    assert rules(ev) == ["constraint"] and "Constraints row 2: T3 before T4" in ev.violations[0].message
    sched2 = GOOD[:2] + [a("T3", "09:00", "09:30", room="Annex"), a("T4", "09:30", "10:00", room="Annex")]
    ev2 = sp.evaluate(inst, sched2)
    assert ev2.violations == []
    assert ev2.terms["soft_constraints"].penalty == 7
    assert ev2.terms["room_capacity"].amount == 30  # 50 expected in a 20-seat room
    assert ev2.terms["speaker_prefers"].amount == 1


def test_speaker_double_booked(mini, book):
    mini["Rooms"].append(["Annex", 20])
    mini["Talks"][1][2] = "Ada"
    inst = sp.load(book(mini))
    sched = [a("T1", "09:00", "09:30"), a("T2", "09:00", "09:30", room="Annex")] + GOOD[2:]
    ev = sp.evaluate(inst, sched)
    assert rules(ev) == ["speaker_conflict"]


def test_score_reads_json_and_workbook(inst, tmp_path):
    from sessionplan.io.atomic import write_text
    from sessionplan.io.schedule_json import dumps, schedule_document

    doc = schedule_document(instance="x", status="feasible", objective=None, bound=None, assignments=GOOD,
                            score={}, solve={})
    path = tmp_path / "s.json"
    write_text(path, dumps(doc))
    assert sp.score(inst, path).violations == []


def test_bad_schedule_json_names_the_line(inst, tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"assignments": [\n {"talk": "T1", "room": "Hall", "day": "2027-03-08", "start": "09:00",'
                    ' "end": "09:30", "session": "Mon-1"},\n {"talk": "T2", "room": "Hall", "day": "someday"}\n]}')
    with pytest.raises(sp.InputError) as info:
        sp.score(inst, path)
    located = {(p.row, p.column) for p in info.value.problems}
    assert (3, "assignments[1].day") in located and (3, "assignments[1].start") in located
