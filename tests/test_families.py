"""Each constraint family on small cases: one that holds, one that cannot."""

from __future__ import annotations

import pytest

import sessionplan as sp
from sessionplan.model import constraint_row

from .helpers import solve_checked, where


def load(book, sheets):
    return sp.load(book(sheets))


def two_rooms(mini):
    mini["Rooms"].append(["Annex", 20])
    return mini


def add_tuesday(mini):
    mini["Slots"] += [["2027-03-09", "09:00", "09:30", "Tue-1", None], ["2027-03-09", "09:30", "10:00", "Tue-1", None]]
    return mini


# -- placement -------------------------------------------------------------------

def test_every_talk_once_and_one_per_room_slot(mini, book):
    sol = solve_checked(load(book, mini))
    assert sol.status == "optimal"
    w = where(sol)
    assert sorted(w) == ["T1", "T2", "T3", "T4"]
    assert len({(d, s, r) for d, s, r, _ in w.values()}) == 4


def test_required_room(mini, book):
    two_rooms(mini)
    mini["Talks"][2][8] = "Annex"
    sol = solve_checked(load(book, mini))
    assert where(sol)["T3"][2] == "Annex"


def test_long_talk_takes_consecutive_slots_of_one_session(mini, book):
    mini["Talks"][0][3] = 60
    mini["Talks"].pop()  # three talks, 4 slots: the 60-minute talk takes a whole session
    sol = solve_checked(load(book, mini))
    d, start, room, session = where(sol)["T1"]
    a = next(a for a in sol.assignments if a.talk == "T1")
    assert (a.start, a.end) in {("09:00", "10:00"), ("10:30", "11:30")}
    others = [x for x in sol.assignments if x.talk != "T1"]
    assert all(x.session != session for x in others)


# -- speakers ----------------------------------------------------------------------

def test_availability_is_respected(mini, book):
    mini["Speakers"][0][2] = "Mon 09:00-10:00"
    sol = solve_checked(load(book, mini))
    assert where(sol)["T1"][3] == "Mon-2"


def test_speaker_available_nowhere_is_infeasible(mini, book):
    mini["Speakers"][0][2] = "Mon"
    sol = solve_checked(load(book, mini))
    assert sol.status == "infeasible" and not sol.assignments


def test_co_speaker_never_in_two_rooms_at_once(mini, book):
    two_rooms(mini)
    mini["Talks"][1][2] = "Bea; Ada"  # Ada co-presents T2 and presents T1
    mini["Slots"] = mini["Slots"][:2]  # two slots x two rooms for four talks
    sol = solve_checked(load(book, mini))
    w = where(sol)
    assert w["T1"][1] != w["T2"][1]


def test_co_speaker_conflict_infeasible(mini, book):
    two_rooms(mini)
    mini["Slots"] = mini["Slots"][:2]
    mini["Talks"][1][2] = "Ada"
    mini["Talks"][2][2] = "Ada"  # three talks of Ada in two time slots
    assert solve_checked(load(book, mini)).status == "infeasible"


def test_prefers_is_soft(mini, book):
    mini["Speakers"][0][3] = "Mon-2"
    sol = solve_checked(load(book, mini))
    assert where(sol)["T1"][3] == "Mon-2"
    assert sol.evaluation.terms["speaker_prefers"].penalty == 0


# -- joint groups -----------------------------------------------------------------

def test_joint_group_back_to_back_in_sheet_order(mini, book):
    mini["Talks"][3][6] = "duo"
    mini["Talks"][0][6] = "duo"  # T1 then T4, although unrelated
    sol = solve_checked(load(book, mini))
    w = where(sol)
    assert w["T1"][3] == w["T4"][3] and w["T1"][2] == w["T4"][2]
    assert w["T1"][1] in ("09:00", "10:30") and int(w["T4"][1][:2]) * 60 + int(w["T4"][1][3:]) == \
        int(w["T1"][1][:2]) * 60 + int(w["T1"][1][3:]) + 30


def test_joint_group_against_order_is_infeasible(mini, book):
    mini["Talks"][0][6] = mini["Talks"][1][6] = "duo"
    mini["Constraints"] = [["before", "T2", "T1", "yes", None]]
    assert solve_checked(load(book, mini)).status == "infeasible"


# -- constraint rows ----------------------------------------------------------------

def test_pin_to_a_time_and_room(mini, book):
    two_rooms(mini)
    mini["Constraints"] = [["pin", "T3", "Mon 10:30 @ Annex", None, None]]
    sol = solve_checked(load(book, mini))
    assert where(sol)["T3"][1:3] == ("10:30", "Annex")


def test_two_pins_on_one_slot_infeasible(mini, book):
    mini["Constraints"] = [["pin", "T1", "Mon 09:00", None, None], ["pin", "T2", "Mon 09:00", None, None]]
    assert solve_checked(load(book, mini)).status == "infeasible"


def test_forbid(mini, book):
    mini["Constraints"] = [["forbid", "T1", "Mon-1", None, None], ["forbid", "T2", "Mon-1", None, None]]
    sol = solve_checked(load(book, mini))
    assert where(sol)["T1"][3] == where(sol)["T2"][3] == "Mon-2"


def test_forbid_everywhere_infeasible(mini, book):
    mini["Constraints"] = [["forbid", "T1", "Mon", None, None]]
    assert solve_checked(load(book, mini)).status == "infeasible"


def test_before(mini, book):
    mini["Constraints"] = [["before", "T4", "T1", None, None], ["before", "T1", "T3", None, None]]
    w = where(solve_checked(load(book, mini)))
    assert w["T4"][1] < w["T1"][1] < w["T3"][1]


def test_before_cycle_infeasible(mini, book):
    """The reader refuses a cycle of hard before rows (naming them); given such rows
    directly (by an importer, say), the solver proves them infeasible."""
    mini["Constraints"] = [["before", "T1", "T2", None, None], ["before", "T2", "T1", None, None]]
    with pytest.raises(sp.InputError) as info:
        load(book, mini)
    (problem,) = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Constraints", 3, "target")
    assert "T1 before T2 (row 2), T2 before T1 (row 3)" in problem.message
    rows = [constraint_row(kind="before", talk=a, target=b, other=b, row=r) for a, b, r in (("T1", "T2", 2), ("T2", "T1", 3))]
    inst = load(book, {**mini, "Constraints": []}).model_copy(update={"constraints": rows})
    assert solve_checked(inst).status == "infeasible"


def test_soft_before_cycle_is_a_choice(mini, book):
    mini["Constraints"] = [["before", "T1", "T2", None, None], ["before", "T2", "T1", "no", 3]]
    sol = solve_checked(load(book, mini))
    assert sol.status == "optimal" and sol.result.terms["soft_constraints"] == 3


def test_same_session(mini, book):
    mini["Constraints"] = [["same_session", "T1", "T3", None, None]]
    w = where(solve_checked(load(book, mini)))
    assert w["T1"][3] == w["T3"][3]


def test_same_session_over_capacity_infeasible(mini, book):
    mini["Constraints"] = [["same_session", "T1", "T2", None, None], ["same_session", "T1", "T3", None, None]]
    assert solve_checked(load(book, mini)).status == "infeasible"


def test_different_day(mini, book):
    add_tuesday(mini)
    mini["Constraints"] = [["different_day", "T1", "T2", None, None]]
    w = where(solve_checked(load(book, mini)))
    assert w["T1"][0] != w["T2"][0]


def test_different_day_with_one_day_infeasible(mini, book):
    mini["Constraints"] = [["different_day", "T1", "T2", None, None]]
    assert solve_checked(load(book, mini)).status == "infeasible"


def test_same_day(mini, book):
    add_tuesday(mini)
    mini["Constraints"] = [["same_day", "T1", "T2", None, None], ["forbid", "T1", "Mon", None, None]]
    w = where(solve_checked(load(book, mini)))
    assert w["T1"][0] == w["T2"][0] == "2027-03-09"


def test_same_day_against_different_day_infeasible(mini, book):
    add_tuesday(mini)
    mini["Constraints"] = [["same_day", "T1", "T2", None, None], ["different_day", "T1", "T2", None, None]]
    sol = solve_checked(load(book, mini))
    assert sol.status == "infeasible"
    assert sorted(r.row for r in sol.explanation.reasons) == [2, 3]


def test_soft_same_day_costs_its_weight_when_broken(mini, book):
    add_tuesday(mini)
    mini["Constraints"] = [["same_day", "T1", "T2", "no", 7], ["forbid", "T1", "Tue", None, None],
                           ["forbid", "T2", "Mon", None, None]]
    sol = solve_checked(load(book, mini))
    assert sol.status == "optimal" and sol.result.terms["soft_constraints"] == 7
    term = sol.evaluation.terms["soft_constraints"]
    assert term.penalty == 7 and "T1 on the same day as T2" in term.items[0]


def test_soft_rows_trade_off_by_weight(mini, book):
    mini["Constraints"] = [["pin", "T1", "Mon 09:00", "no", 5], ["pin", "T2", "Mon 09:00", "no", 8]]
    sol = solve_checked(load(book, mini))
    assert where(sol)["T2"][1] == "09:00"
    term = sol.evaluation.terms["soft_constraints"]
    assert term.penalty == 5 and term.amount == 1 and "row 2" in term.items[0]


# -- topics and rooms -----------------------------------------------------------------

def test_related_talks_share_sessions(mini, book):
    # T1/T2 are about optimisation, T3/T4 about manuscripts: put each pair together
    mini["Talks"][0][5] = "gradient methods for convex optimisation problems"
    mini["Talks"][1][5] = "stochastic gradient methods for optimisation"
    mini["Talks"][2][5] = "medieval manuscripts and their scribes"
    mini["Talks"][3][5] = "illuminated medieval manuscripts"
    mini["Talks"][0], mini["Talks"][2] = mini["Talks"][2], mini["Talks"][0]  # no help from sheet order
    sol = solve_checked(load(book, mini))
    w = where(sol)
    assert w["T1"][3] == w["T2"][3] and w["T3"][3] == w["T4"][3]
    assert sol.evaluation.terms["topic_cohesion"].penalty == 0


def test_topics_keep_related_talks_out_of_parallel(mini, book):
    two_rooms(mini)
    mini["Slots"] = mini["Slots"][:2]  # 2 times x 2 rooms
    mini["Weights"] = [["topic_cohesion", 0]]
    for row, topic in zip(mini["Talks"], ["optim", "optim", "history", "history"]):
        row[4] = topic
    sol = solve_checked(load(book, mini))
    w = where(sol)
    assert w["T1"][1] != w["T2"][1] and w["T3"][1] != w["T4"][1]
    assert sol.evaluation.terms["topic_parallel"].penalty == 0


def test_audience_goes_to_the_big_room(mini, book):
    two_rooms(mini)
    mini["Talks"][2][7] = 90
    sol = solve_checked(load(book, mini))
    assert where(sol)["T3"][2] == "Hall"
    assert sol.evaluation.terms["room_capacity"].penalty == 0


def test_capacity_penalty_counts_missing_seats(mini, book):
    mini["Rooms"] = [["Hall", 30]]
    mini["Talks"][0][7] = 45
    sol = solve_checked(load(book, mini))
    assert sol.evaluation.terms["room_capacity"].amount == 15


def test_not_parallel(mini, book):
    two_rooms(mini)
    mini["Slots"] = mini["Slots"][:2]  # 2 times x 2 rooms: T1 and T2 must take different times
    mini["Constraints"] = [["not_parallel", "T1", "T2", None, None]]
    w = where(solve_checked(load(book, mini)))
    assert w["T1"][1] != w["T2"][1]


def test_not_parallel_infeasible(mini, book):
    two_rooms(mini)
    mini["Slots"] = mini["Slots"][:2]
    mini["Constraints"] = [["not_parallel", "T1", "T2", None, None], ["not_parallel", "T1", "T3", None, None],
                           ["not_parallel", "T2", "T3", None, None]]  # three talks, two times
    sol = solve_checked(load(book, mini))
    assert sol.status == "infeasible"
    assert sorted(r.row for r in sol.explanation.reasons) == [2, 3, 4]


def test_soft_not_parallel_costs_its_weight(mini, book):
    two_rooms(mini)
    mini["Slots"] = mini["Slots"][:2]
    mini["Constraints"] = [["not_parallel", "T1", "T2", "no", 3], ["not_parallel", "T1", "T3", "no", 4],
                           ["not_parallel", "T2", "T3", "no", 5]]
    mini["Weights"] = [["topic_cohesion", 0], ["topic_parallel", 0], ["topic_clash", 0]]
    sol = solve_checked(load(book, mini))
    assert sol.evaluation.terms["soft_constraints"].penalty == 3
