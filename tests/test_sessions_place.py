"""The session-level placement (solver/sessions/place.py): whole columns into cells."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings

from sessionplan.budget import Budget
from sessionplan.model import Instance, Room, Slot, Speaker, Talk
from sessionplan.solver import FAMILIES, Options, candidate_places, solve
from sessionplan.solver.sessions import columns_of
from sessionplan.solver.sessions.place import _apart, order_in_cell, place_sessions
from sessionplan.solver.sessions.problem import session_problem

from .test_property import SETTINGS, instances

DAY = date(2027, 3, 8)


def grid(rooms: tuple[str, ...], blocks: int, per_block: int) -> list[Slot]:
    """``blocks`` sessions of ``per_block`` 30-minute slots, every room open in each."""
    slots = []
    for k in range(blocks):
        for j in range(per_block):
            start = 540 + k * (30 * per_block + 30) + 30 * j
            slots.append(Slot(index=len(slots), day=DAY, start=start, end=start + 30, session=f"Mon-{k + 1}",
                              rooms=rooms))
    return slots


def columns_for(problem, groups: list[str]) -> list[tuple[int, frozenset[int]]]:
    """Each group of talk ids as a column of the first class it fits."""
    out = []
    for g in groups:
        members = frozenset(problem.item_of[t] for t in g)
        k = next(c.index for c in problem.classes if problem.fits(c.index, members)
                 and problem.placeable(c.index, members))
        out.append((k, members))
    return out


def check_whole(problem, places, columns, placed, apart: bool = True) -> None:
    """Every talk at one of its places, each column in one cell, no slot of a room twice,
    no speaker in two places at once (when ``apart``)."""
    assert set(placed) == {t.id for t in problem.instance.talks}
    for t, p in placed.items():
        assert p in places[t]
    for _, members in columns:
        talks = [t for i in members for t in problem.items[i].talks]
        assert len({placed[t].session_key for t in talks}) == 1
    used = [(p.room, j) for p in placed.values() for j in p.slots]
    assert len(used) == len(set(used))
    talks = {t.id: t for t in problem.instance.talks}
    for a in placed if apart else ():
        for b in placed:
            if a < b and set(talks[a].speakers) & set(talks[b].speakers):
                assert not placed[a].overlaps(placed[b])


def two_by_two(speakers: dict[str, tuple[str, ...]], weights: dict[str, float] | None = None) -> Instance:
    """Two rooms, two sessions of two slots; talks A-H, topics x (A-D) and y (E-H)."""
    talks = [Talk(id=t, title=f"{'graph kernels' if t < 'E' else 'proof search'} {t}",
                  speakers=speakers.get(t, (t.lower(),)), topics=("x" if t < "E" else "y",))
             for t in "ABCDEFGH"]
    names = sorted({s for t in talks for s in t.speakers})
    return Instance(name="units", talks=talks, speakers=[Speaker(name=n) for n in names],
                    rooms=[Room(name="Hall"), Room(name="Side")], slots=grid(("Hall", "Side"), 2, 2),
                    weights_given=weights or {})


def placed_in_units(inst: Instance, groups: list[str]) -> dict:
    """The groups placed as whole sessions, checked (check_whole)."""
    b, places = candidate_places(inst, FAMILIES)
    problem = session_problem(b, places, FAMILIES)
    columns = columns_for(problem, groups)
    start = place_sessions(problem, b, places, FAMILIES, columns, Budget.of(10))
    assert start is not None and start.apart
    check_whole(problem, places, columns, start.placements)
    return start.placements


def test_a_speaker_s_two_sessions_never_run_at_once():
    # nothing else to choose by: every cell costs the same, so a start with AB beside CD would stay
    inst = two_by_two({"A": ("s",), "C": ("s",)}, {"topic_clash": 0, "topic_parallel": 0})
    placed = placed_in_units(inst, ["AB", "CD", "EF", "GH"])
    assert placed["A"].session != placed["C"].session   # the blocks, not only the slots, differ


def test_sessions_of_one_subject_area_are_not_put_in_parallel():
    placed = placed_in_units(two_by_two({}), ["AB", "CD", "EF", "GH"])
    assert placed["A"].session != placed["C"].session and placed["E"].session != placed["G"].session


def test_related_sessions_side_by_side_pay_topic_parallel():
    # topic_clash off: only topic_parallel keeps the two sessions of each area apart
    placed = placed_in_units(two_by_two({}, {"topic_clash": 0}), ["AB", "CD", "EF", "GH"])
    assert placed["A"].session != placed["C"].session and placed["E"].session != placed["G"].session


def test_a_joint_group_is_ordered_back_to_back_in_its_cell():
    talks = [Talk(id="K", title="keynote", speakers=("k",)),
             Talk(id="J1", title="joint part one", speakers=("j",), joint="J"),
             Talk(id="J2", title="joint part two", speakers=("j",), joint="J")]
    inst = Instance(name="joint", talks=talks, speakers=[Speaker(name="k"), Speaker(name="j")],
                    rooms=[Room(name="Hall")], slots=grid(("Hall",), 1, 3))
    b, places = candidate_places(inst, FAMILIES)
    problem = session_problem(b, places, FAMILIES)
    members = frozenset(problem.item_of[t] for t in ("K", "J1"))
    ordered = order_in_cell(problem, b, places, FAMILIES, members, (DAY, "Mon-1", "Hall"))
    assert ordered is not None and set(ordered) == {"K", "J1", "J2"}
    assert ordered["J2"].slots[0] == ordered["J1"].slots[-1] + 1
    assert ordered["K"].slots[0] not in (*ordered["J1"].slots, *ordered["J2"].slots)


@settings(max_examples=30, **SETTINGS)
@given(instances(max_talks=6))
def test_a_schedule_s_sessions_placed_again_keep_every_talk_at_its_places(inst):
    r = solve(inst, Options(time_limit=5, workers=1, model="talks"))
    if not r.placements:
        return
    b, places = candidate_places(inst, FAMILIES)
    problem = session_problem(b, places, FAMILIES)
    columns = columns_of(problem, dict(r.placements))
    if sum(len(m) for _, m in columns) < len(problem.items):
        return   # a talk in a cell the session view does not know
    start = place_sessions(problem, b, places, FAMILIES, columns, Budget.of(5))
    if start is not None:
        check_whole(problem, places, columns, start.placements, start.apart)


def test_clashing_speakers_in_the_least_cost_assignment_are_moved_apart():
    # cells: two rooms at 9:00 (A9, B9), two at 11:00 (A11, B11); columns 0 and 1 share a
    # speaker and start side by side; either may exchange cells with the column behind it
    spans = {"A9": (540, 660), "B9": (540, 660), "A11": (660, 780), "B11": (660, 780)}
    cells_of = [["A9", "A11"], ["B9", "B11"], ["A9", "A11"], ["B9", "B11"]]
    speakers = [frozenset({"s"}), frozenset({"s"}), frozenset({"t"}), frozenset({"u"})]
    start = {0: "A9", 1: "B9", 2: "A11", 3: "B11"}
    for dearer, moved in ((0, 1), (1, 0)):   # the cheaper exchange is taken, whichever it is
        units = [{c: 0 for c in cells} for cells in cells_of]
        units[dearer]["A11" if dearer == 0 else "B11"] = 5
        apart, ok = _apart(start, cells_of, units, spans, speakers, Budget.of(5))
        assert ok and apart[dearer] == start[dearer] and apart[moved] != start[moved]
        assert spans[apart[0]] != spans[apart[1]] and sorted(apart.values()) == sorted(start.values())


def test_an_exchange_needs_each_column_to_fit_the_other_s_cell():
    # column 1 could go to A11, but column 2 there cannot take B9: the clash stays
    spans = {"A9": (540, 660), "B9": (540, 660), "A11": (660, 780)}
    cells_of = [["A9"], ["B9", "A11"], ["A11"]]
    units = [{c: 0 for c in cells} for cells in cells_of]
    speakers = [frozenset({"s"}), frozenset({"s"}), frozenset({"t"})]
    start = {0: "A9", 1: "B9", 2: "A11"}
    assert _apart(start, cells_of, units, spans, speakers, Budget.of(5)) == (start, False)
    cells_of[2].append("B9")
    units[2]["B9"] = 0
    assert _apart(start, cells_of, units, spans, speakers, Budget.of(5)) == ({0: "A9", 1: "A11", 2: "B9"}, True)
