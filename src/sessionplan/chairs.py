"""Chairs for the session cells of a schedule, assigned after solving.

Every cell in use that holds a track gets one chair from the people who chair tracks
(Tracks column ``chairs``, People column ``chairs``): a chair never presents in a cell
parallel to the one they chair (their own cell is fine) and never chairs two cells of
one block. The choice (a small CP-SAT model, one worker, deterministic) leaves as few
cells without a chair as it can, then gives each cell one of its own track's chairs
where it can, then spreads the cells fairly (the sum of squared loads is least).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import Assignment, Instance
from .structure import blocks, chairs_of

UNCHAIRED = 1000     # a cell without a chair
FOREIGN = 10         # a chair from another track
SECONDS = 5.0


@dataclass(frozen=True)
class ChairAssignment:
    day: str
    session: str
    room: str
    track: str
    chair: str | None   # None: nobody can chair it

    def to_json(self) -> dict:
        return {"day": self.day, "session": self.session, "room": self.room, "track": self.track, "chair": self.chair}


def assign_chairs(instance: Instance, assignments: list[Assignment] | tuple[Assignment, ...]) -> list[ChairAssignment]:
    """A chair for each cell holding a track (empty when no track has chairs)."""
    chairs = chairs_of(instance)
    pool = list(dict.fromkeys(c for t in instance.tracks for c in chairs.get(t.name, ())))
    if not pool:
        return []
    track_of = {t.id: t.track for t in instance.talks}
    cells: dict[tuple, str] = {}
    presents: dict[tuple[str, tuple], set[str]] = {}   # (person, block) -> rooms they present in
    for a in assignments:
        if a.talk not in instance.talk_by_id:
            continue
        track = track_of[a.talk]
        if track:
            cells.setdefault((a.day, a.session, a.room), track)
        for s in instance.talk_by_id[a.talk].speakers:
            presents.setdefault((s, (a.day, a.session)), set()).add(a.room)
    if not cells:
        return []
    order = blocks(instance)
    rooms = {r.name: n for n, r in enumerate(instance.rooms)}
    keys = sorted(cells, key=lambda c: (order.get((c[0], c[1]), 0), rooms.get(c[2], 0)))
    m = cp_model.CpModel()
    y: dict[tuple[tuple, str], cp_model.IntVar] = {}
    terms = []
    for cell in keys:
        block, room = (cell[0], cell[1]), cell[2]
        options = []
        for person in pool:
            if presents.get((person, block), set()) - {room}:
                continue   # presents in a parallel cell
            x = m.new_bool_var(f"chair[{cell[0]},{cell[1]},{room},{person}]")
            y[(cell, person)] = x
            options.append(x)
            if person not in chairs.get(cells[cell], ()):
                terms.append(FOREIGN * x)
        none = m.new_bool_var(f"unchaired[{cell[0]},{cell[1]},{room}]")
        m.add_exactly_one([*options, none])
        terms.append(UNCHAIRED * none)
    by_block: dict[tuple[str, tuple], list] = {}
    load: dict[str, list] = {}
    for (cell, person), x in y.items():
        by_block.setdefault((person, (cell[0], cell[1])), []).append(x)
        load.setdefault(person, []).append(x)
    for key in sorted(by_block, key=lambda k: (k[0], str(k[1][0]), k[1][1])):
        if len(by_block[key]) > 1:
            m.add_at_most_one(by_block[key])
    for person in pool:
        xs = load.get(person, [])
        if not xs:
            continue
        n = m.new_int_var(0, len(xs), f"load[{person}]")
        m.add(n == sum(xs))
        sq = m.new_int_var(0, len(xs) ** 2, f"load2[{person}]")
        m.add_multiplication_equality(sq, [n, n])
        terms.append(sq)
    m.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = SECONDS
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(m)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    out = []
    for cell in keys:
        chosen = next((p for p in pool if (cell, p) in y and found and solver.boolean_value(y[(cell, p)])), None)
        out.append(ChairAssignment(cell[0].isoformat(), cell[1], cell[2], cells[cell], chosen))
    return out
