"""Small cases for the export tests: two rooms, topics, a two-slot talk, a hostile title."""

from __future__ import annotations

import copy

from .conftest import MINI

HOSTILE_TITLE = '<script>alert("x")</script> & <b>bold</b>'


def multi_room() -> dict[str, list[list]]:
    """Seven talks in two rooms over two sessions of two 30-minute slots; T5 takes an hour."""
    s = copy.deepcopy(MINI)
    s["Rooms"] = [["Hall", 100], ["Annex", 30]]
    s["Talks"] = [
        ["T1", "Convex optimisation methods", "Ada", None, "optimisation", None, None, None, None],
        ["T2", "Stochastic gradient methods", "Bea", None, "optimisation; learning", None, None, None, None],
        ["T3", "Medieval manuscripts", "Cy", None, "history", None, None, None, None],
        ["T4", HOSTILE_TITLE, "Dee", None, "History", None, None, None, None],
        ["T5", "A long tutorial on solvers", "Eve; Ada", 60, "optimisation", "Two slots of hands-on work.",
         None, None, "Hall"],
        ["T6", "Untagged remarks", "Fay", None, None, None, None, None, None],
    ]
    s["Speakers"] += [["Eve", "U5", None, None], ["Fay", "U6", None, None]]
    return s
