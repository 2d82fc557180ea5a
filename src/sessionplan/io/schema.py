"""The sheets and columns of the conference workbook (FORMATS.md), with their help texts.

The reader checks against this, the template writer uses the help texts as header
notes, and the solved-workbook writer adds the ``scheduled_*`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import kinds_help, target_help


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


@dataclass(frozen=True)
class SheetSpec:
    name: str
    required: bool
    columns: tuple[Column, ...]
    help: str

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


PERIOD_HELP = (
    "';'-separated periods: a date (2027-03-08), a weekday (Mon), a range (Mon-Wed), "
    "a half day (Mon AM, Tue PM), a time range (Mon 14:00-18:00) or a session label"
)

SHEETS: dict[str, SheetSpec] = {
    s.name: s
    for s in [
        SheetSpec(
            "Talks",
            True,
            (
                Column("id", True, "unique talk id (text), e.g. T01"),
                Column("title", True, "title as printed in the programme"),
                Column("speakers", True, "speaker names separated by ';', each listed in Speakers"),
                Column("duration", False, "minutes; empty = one slot. Longer talks take consecutive slots of one session"),
                Column("topics", False, "keywords separated by ';'. Empty: inferred from title and abstract"),
                Column("abstract", False, "free text; used to find related talks"),
                Column("joint", False, "a label shared by the parts of a joint talk: back to back, one room, one session, sheet order"),
                Column("audience", False, "expected attendance (whole number), compared with room capacity"),
                Column("room", False, "the room this talk must be in"),
                Column("pinned", False, "yes: when re-planning, this talk never moves"),
            ),
            "One row per talk.",
        ),
        SheetSpec(
            "Speakers",
            True,
            (
                Column("name", True, "unique name, as used in Talks"),
                Column("affiliation", False, "institution"),
                Column("unavailable", False, "periods the speaker cannot present. " + PERIOD_HELP),
                Column("prefers", False, "periods the speaker would rather present in (soft). " + PERIOD_HELP),
            ),
            "One row per speaker.",
        ),
        SheetSpec(
            "Rooms",
            True,
            (
                Column("name", True, "unique room name"),
                Column("capacity", False, "seats (whole number)"),
                Column("changeover", False, "minutes the room needs between two talks (default 0)"),
            ),
            "One row per room.",
        ),
        SheetSpec(
            "Slots",
            True,
            (
                Column("day", True, "date (2027-03-08 or an Excel date)"),
                Column("start", True, "HH:MM or an Excel time"),
                Column("end", True, "HH:MM or an Excel time"),
                Column("session", True, "session label; the slots of a session on a day follow each other without a break"),
                Column("rooms", False, "';'-separated rooms open in this slot; empty = all rooms"),
            ),
            "One row per time slot.",
        ),
        SheetSpec(
            "Constraints",
            False,
            (
                Column("kind", True, kinds_help()),
                Column("talk", True, "talk id"),
                Column("target", False, target_help()),
                Column("hard", False, "yes (default) or no"),
                Column("weight", False, "penalty of a violated soft row (default: the soft_constraints weight)"),
                Column("room", False, "pin: the room (alternative to '@ room' in target)"),
            ),
            "Extra rules, hard or soft.",
        ),
        SheetSpec(
            "Weights",
            False,
            (
                Column("term", True, "a soft term name (sessionplan weights lists them)"),
                Column("weight", True, "its weight (number >= 0)"),
            ),
            "Weights of the soft objective terms.",
        ),
    ]
}

# Columns a solved workbook adds to Talks: the schedule itself, so that an edited
# output can be read back as a baseline or compared.
SCHEDULE_COLUMNS = ("scheduled_day", "scheduled_start", "scheduled_end", "scheduled_room", "scheduled_session")
