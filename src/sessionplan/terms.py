"""The named soft objective terms, their default weights and meaning.

The solver and the evaluator both count every term in the same unit (``amount``);
its penalty is ``weight * amount``. Weights come from the workbook's ``Weights`` sheet,
falling back to the defaults here. ``sessionplan weights`` prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    name: str
    default: float
    unit: str
    description: str


TERMS: dict[str, Term] = {
    t.name: t
    for t in [
        Term(
            "topic_cohesion",
            10,
            "related pair, weighted by relatedness 0-1",
            "related talks (shared topics or similar title and abstract) placed in different sessions",
        ),
        Term(
            "topic_parallel",
            5,
            "related pair, weighted by relatedness 0-1",
            "related talks at overlapping times in different rooms, so attendees must choose",
        ),
        Term(
            "topic_clash",
            5,
            "talk, per slot start time",
            "talks of one subject area (the coarser clustering that sessionplan topics shows as areas) "
            "running at the same time: at each slot start, the area's talks running beyond the first",
        ),
        Term(
            "topic_day",
            0,
            "related pair, weighted by relatedness 0-1",
            "theme days: related talks on different days (0 = off; a small weight such as 2 gathers related "
            "sessions on one day)",
        ),
        Term(
            "speaker_prefers",
            3,
            "talk",
            "a talk outside every period its speaker prefers (Speakers column 'prefers')",
        ),
        Term(
            "room_capacity",
            1,
            "seat",
            "expected audience above the seats of the talk's room, per missing seat",
        ),
        Term(
            "soft_constraints",
            10,
            "row",
            "a violated soft row of the Constraints sheet (a row's own weight replaces this one)",
        ),
        Term("track_cells", 1, "cell (or talk-slot) x its CellCosts penalty",
             "a cell in use matching a CellCosts row: its penalty (a row with a talk: per slot the talk fills)"),
        Term("track_rooms", 1, "extra room x the track's one_room weight",
             "a track in more than one room: per room beyond the first (Tracks column 'one_room')"),
        Term("track_consecutive", 1, "track x its consecutive weight",
             "a track whose session blocks are not consecutive (Tracks column 'consecutive')"),
        Term("track_parallel", 1, "extra cell x its not_parallel weight",
             "a track in parallel with itself: per session block, its cells beyond the first (Tracks column 'not_parallel')"),
        Term("track_similar", 1, "pair of cells x the similar weight",
             "similar tracks in parallel: per session block, per pair of their cells (Tracks column 'similar')"),
        Term("track_order", 1, "talk x the track's order weight",
             "a talk with an order not at that position in its track (Talks column 'order', Tracks column 'order')"),
        Term("presenter_conflicts", 1, "pair x the Conflicts row's weight",
             "talks in conflict for a presenter (a shared speaker, or a speaker chairing the other's track)"),
        Term("attendee_conflicts", 1, "pair x the Conflicts row's weight",
             "talks in conflict for an attendee (People column 'attends')"),
        Term("chair_conflicts", 1, "pair of cells x the Conflicts row's weight",
             "parallel cells of tracks that share a chair"),
        Term("local_hours", 1, "talk-slot x its Windows penalty",
             "a talk at less suitable local hours of its presenter (sheet Windows, zones in Talks or Speakers)"),
        Term(
            "moved_time",
            100,
            "talk",
            "re-planning: a talk whose day or start time differs from the baseline schedule",
        ),
        Term(
            "moved_room",
            20,
            "talk",
            "re-planning: a talk that keeps its day and time but changes room",
        ),
    ]
}

# the terms that price related talks (by topics or text) apart: what grouping is about
TOPIC_TERMS = tuple(name for name in TERMS if name.startswith("topic_"))


def resolve_weights(given: dict[str, float]) -> dict[str, float]:
    """The weight of every term: the given ones, the defaults for the rest."""
    return {name: float(given.get(name, term.default)) for name, term in TERMS.items()}
