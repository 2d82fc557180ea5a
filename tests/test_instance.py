"""An Instance checks its own invariants: built in Python, a bad one is an InputError naming
sheet and row, like the workbook reader's, never a KeyError inside the solver."""

from __future__ import annotations

from datetime import date

import pytest

import sessionplan as sp
from sessionplan.model import Instance, Room, Slot, Speaker, Talk, constraint_row


def parts(**change):
    fields = {
        "name": "built",
        "talks": [Talk(id="T1", title="One", speakers=("Ada",), row=2),
                  Talk(id="T2", title="Two", speakers=("Bea",), row=3)],
        "speakers": [Speaker(name="Ada", row=2), Speaker(name="Bea", row=3)],
        "rooms": [Room(name="Hall", row=2)],
        "slots": [Slot(index=0, day=date(2027, 3, 8), start=540, end=570, session="Mon-1", rooms=("Hall",), row=2),
                  Slot(index=1, day=date(2027, 3, 8), start=570, end=600, session="Mon-1", rooms=("Hall",), row=3)],
    }
    fields.update(change)
    return fields


def problems(**change) -> list[tuple]:
    with pytest.raises(sp.InputError) as info:
        Instance(**parts(**change))
    return [(p.sheet, p.row, p.column) for p in info.value.problems]


def test_a_valid_instance_solves():
    inst = Instance(**parts())
    assert sp.solve(inst, time_limit=10, workers=1).status == "optimal"


def test_unknown_speaker():
    talks = parts()["talks"] + [Talk(id="T3", title="Three", speakers=("Cy",), row=4)]
    assert problems(talks=talks) == [("Talks", 4, "speakers")]


def test_duplicate_talk_id():
    talks = parts()["talks"] + [Talk(id="T1", title="Again", speakers=("Ada",), row=4)]
    assert problems(talks=talks) == [("Talks", 4, "id")]


def test_pair_row_without_partner_or_with_an_unknown_one():
    with pytest.raises(sp.InputError) as info:
        constraint_row("before", "T1", row=5)
    assert [(p.sheet, p.row) for p in info.value.problems] == [("Constraints", 5)]
    assert "needs another talk" in info.value.problems[0].message
    row = constraint_row("same_day", "T1", target="T9", row=6)
    assert problems(constraints=[row]) == [("Constraints", 6, "target")]


def test_unknown_rooms_of_talks_slots_and_rows():
    talks = [Talk(id="T1", title="One", speakers=("Ada",), room="Annex", row=2), parts()["talks"][1]]
    slots = parts()["slots"][:1] + [Slot(index=1, day=date(2027, 3, 8), start=570, end=600, session="Mon-1",
                                         rooms=("Cellar",), row=3)]
    pin = constraint_row("pin", "T2", target="Attic", room="Attic", row=4)
    assert problems(talks=talks, slots=slots, constraints=[pin]) == [
        ("Constraints", 4, "room"), ("Slots", 3, "rooms"), ("Talks", 2, "room")]


def test_slots_out_of_order_and_every_problem_at_once():
    first, second = parts()["slots"]
    swapped = [second.model_copy(update={"index": 0}), first.model_copy(update={"index": 1})]
    talks = parts()["talks"] + [Talk(id="T2", title="Dup", speakers=("Zed",), row=4)]
    assert problems(slots=swapped, talks=talks) == [("Slots", 2, "start"), ("Talks", 4, "id"), ("Talks", 4, "speakers")]


def test_a_slot_past_midnight_is_located():
    """A slot lies within its day: one running to 24:10 would be written as a time of
    day no reader accepts, so the instance names its row instead."""
    first, second = parts()["slots"]
    late = second.model_copy(update={"start": 23 * 60 + 50, "end": 24 * 60 + 10})
    assert problems(slots=[first, late]) == [("Slots", late.row, "end")]
    midnight = second.model_copy(update={"start": 23 * 60 + 30, "end": 24 * 60})
    assert Instance(**parts(slots=[first, midnight])).slots[1].end == 24 * 60


def test_unknown_weight_term():
    assert problems(weights_given={"no_such_term": 1.0}) == [("Weights", None, "term")]
