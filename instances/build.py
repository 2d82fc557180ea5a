"""Regenerate instances/workshop.xlsx from the readable sources in instances/workshop/.

    python instances/build.py

The sources are TOML so that every change to a talk, a speaker's availability or the
frame of the week shows as a plain diff.
"""

from __future__ import annotations

import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from sessionplan.io.atomic import write_with
from sessionplan.io.template import input_rows, write_input_sheets
from sessionplan.model import Instance, Room, Slot, Speaker, Talk
from sessionplan.periods import WEEKDAYS, parse_periods, parse_time

HERE = Path(__file__).resolve().parent


def load(folder: Path) -> Instance:
    talks = tomllib.loads((folder / "talks.toml").read_text(encoding="utf-8"))["talk"]
    speakers = tomllib.loads((folder / "speakers.toml").read_text(encoding="utf-8"))["speaker"]
    frame = tomllib.loads((folder / "frame.toml").read_text(encoding="utf-8"))
    first = date.fromisoformat(frame["first_day"])
    slots, labels = [], []
    for d in range(frame["days"]):
        day = first + timedelta(days=d)
        for n, (start, end) in enumerate(frame["sessions"], start=1):
            label = f"{WEEKDAYS[day.weekday()].title()}-{n}"
            labels.append(label.casefold())
            t, stop = parse_time(start), parse_time(end)
            while t + frame["talk_minutes"] <= stop:
                slots.append((day, t, t + frame["talk_minutes"], label))
                t += frame["talk_minutes"]
    rooms = [Room(**r) for r in frame["room"]]

    def periods(text: str) -> tuple:
        found, errors = parse_periods(text, frozenset(labels))
        if errors:
            sys.exit(f"speakers.toml: {errors}")
        return tuple(found)

    return Instance(
        name=frame["name"],
        talks=[
            Talk(
                id=t["id"], title=t["title"], speakers=tuple(t["speakers"]), joint=t.get("joint"),
                abstract="\n\n".join(" ".join(p.split()) for p in t.get("abstract", "").strip().split("\n\n")),
            )
            for t in talks
        ],
        speakers=[
            Speaker(name=s["name"], affiliation=s.get("affiliation", ""),
                    unavailable=periods(s.get("unavailable", "")), prefers=periods(s.get("prefers", "")))
            for s in speakers
        ],
        rooms=rooms,
        slots=[Slot(index=i, day=d, start=s, end=e, session=label, rooms=tuple(r.name for r in rooms))
               for i, (d, s, e, label) in enumerate(slots)],
    )


def main() -> None:
    instance = load(HERE / "workshop")
    wb = Workbook()
    wb.remove(wb.active)
    write_input_sheets(wb, input_rows(instance))
    target = HERE / "workshop.xlsx"
    write_with(target, wb.save)
    print(f"wrote {target} ({len(instance.talks)} talks, {len(instance.slots)} slots)")


if __name__ == "__main__":
    main()
