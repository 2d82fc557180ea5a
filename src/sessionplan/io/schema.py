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

ZONE_HELP = "time zone: an IANA name (Europe/Berlin) or an offset (UTC+2, GMT-5)"
FLAG_HELP = "yes = hard; no or empty = off; a number = soft, that penalty per violation"

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
                Column("track", False, "the talk's track (a name from Tracks): a session cell holds one track"),
                Column("order", False, "whole number >= 1: the talk's position within its track (Tracks column 'order')"),
                Column("zone", False, ZONE_HELP + "; empty = its first speaker's zone"),
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
                Column("zone", False, ZONE_HELP + " (for the Windows of local hours)"),
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
        SheetSpec(
            "Tracks",
            False,
            (
                Column("name", True, "unique track name, as used in Talks column 'track'"),
                Column("chairs", False, "';'-separated people (People or Speakers names) who chair the track"),
                Column("similar", False, "';'-separated tracks not to run in parallel with this one: 'Track B' (hard) "
                                         "or 'Track B = 5' (penalty 5 per pair of parallel cells)"),
                Column("one_room", False, "the track stays in one room. " + FLAG_HELP + " (per extra room)"),
                Column("consecutive", False, "the track's session blocks follow each other. " + FLAG_HELP),
                Column("not_parallel", False, "the track's own cells never in parallel. " + FLAG_HELP
                       + " (per extra cell in a block)"),
                Column("order", False, "the talks' 'order' is their position in the track: yes or empty = hard, "
                                       "no = ignored, a number = penalty per talk out of place"),
            ),
            "Tracks: a session cell (one room in one session block) holds talks of one track only.",
        ),
        SheetSpec(
            "CellCosts",
            False,
            (
                Column("track", False, "a track (empty: any track; the cost is charged per cell in use)"),
                Column("talk", False, "a talk id instead of a track: charged per slot the talk fills there"),
                Column("period", False, "the cells' period (empty: any). " + PERIOD_HELP),
                Column("room", False, "the cells' room (empty: any)"),
                Column("penalty", True, "a number: charged once per matching cell in use; or 'forbid' (hard)"),
            ),
            "Costs of session cells (per cell in use, not per talk), or forbidden cells.",
        ),
        SheetSpec(
            "People",
            False,
            (
                Column("name", True, "unique name (a speaker's name is the same person)"),
                Column("attends", False, "';'-separated talk ids and/or track names the person attends"),
                Column("chairs", False, "';'-separated tracks the person chairs (as Tracks column 'chairs')"),
            ),
            "Attendees and chairs: their talks must not conflict (see Conflicts).",
        ),
        SheetSpec(
            "Conflicts",
            False,
            (
                Column("who", True, "presenters, attendees or chairs"),
                Column("level", True, "time (own times overlap), slot (per shared slot time), session (same session "
                                      "block, other room, any slot) or none"),
                Column("weight", False, "empty = hard; a number = penalty per conflicting pair"),
            ),
            "When talks conflict for people. Without rows: presenters time, attendees time, chairs session (hard).",
        ),
        SheetSpec(
            "Windows",
            False,
            (
                Column("from", False, "HH:MM local time of the presenter (empty with 'to': the penalty outside every window)"),
                Column("to", False, "HH:MM local time (not after 'from': the window runs past midnight)"),
                Column("penalty", True, "number >= 0 per slot the talk fills; 0 = suitable hours"),
            ),
            "Suitable and less suitable local hours of presenters (zones in Talks or Speakers).",
        ),
        SheetSpec(
            "Settings",
            False,
            (
                Column("key", True, "zone (of the Slots' times; default UTC) or windows_over (talk or session)"),
                Column("value", True, "the setting's value"),
            ),
            "Conference-wide settings.",
        ),
    ]
}

# Columns a solved workbook adds to Talks: the schedule itself, so that an edited
# output can be read back as a baseline or compared.
SCHEDULE_COLUMNS = ("scheduled_day", "scheduled_start", "scheduled_end", "scheduled_room", "scheduled_session")
