"""The shapes of the JSON files ``sessionplan import`` reads, as typed models (pydantic).

frab / pretalx ``schedule.json`` (c3voc), pretalx's widget data (a talk list, or talks
grouped by date, minute and room) and Electromagnetic Field's slotmachine JSON. Real
files are old and new, so the models are lenient about what is missing (nearly every
field is optional) and about spelling (a room's name may be a text or pretalx's
``{"en": ..., "de": ...}``; an id a number or a text), but a value of the wrong *shape*
(``rooms: 5``, a speaker given as a list, ``by_room`` as a list) is refused, located
by its path in the document: see :func:`problems_of`. Values that have the right shape
but a wrong content (a duration ``soon``, a date ``tomorrow``) are the readers' to
report, with the same paths.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .reading import json_path


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def _scalar(value: object) -> object:
    """An id or a name: text or a number (kept as text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a text or a number, found {_kind(value)}")  # noqa: TRY004 (pydantic reports ValueError)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: object) -> object:
    """A text, a number written as text, or pretalx's translations ``{"en": ..., ...}``
    (English first, else the first one given)."""
    if isinstance(value, dict):
        texts = [v for v in value.values() if v not in (None, "")]
        if any(not isinstance(v, str) for v in texts):
            raise ValueError("expected translations of a text ({\"en\": \"...\"}), found other values in it")
        value = value.get("en") or (texts[0] if texts else "")
    return _scalar(value)


def _amount(value: object) -> object:
    """A duration, a capacity, a start: a number or a text ('00:45'); finite."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number or a text such as 00:45, found {_kind(value)}")  # noqa: TRY004
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _whole(value: object) -> object:
    """A whole number (a venue id, EMF's minutes)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, found {_kind(value)}")  # noqa: TRY004
    return value


Scalar = Annotated[str | None, BeforeValidator(_scalar)]
Text = Annotated[str | None, BeforeValidator(_text)]
Amount = Annotated[str | int | float | None, BeforeValidator(_amount)]
Whole = Annotated[int, BeforeValidator(_whole)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Person(_Model):
    """A speaker: an object with a name (frab: ``public_name``), or just the name."""

    public_name: Text = None
    name: Text = None
    full_public_name: Text = None
    code: Scalar = None
    text: Scalar = None     # given as a plain text: a name (frab) or a speaker code (pretalx widget)

    @classmethod
    def _from_text(cls, value: object) -> object:
        return {"text": value} if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value

    @property
    def display(self) -> str:
        return self.public_name or self.name or self.full_public_name or self.text or ""


PersonRef = Annotated[Person, BeforeValidator(Person._from_text)]


# -- frab / pretalx schedule.json (c3voc) ---------------------------------------------

class FrabEvent(_Model):
    id: Scalar = None
    guid: Scalar = None
    title: Text = None
    date: Text = None
    start: Amount = None
    duration: Amount = None
    room: Text = None
    track: Text = None
    abstract: Text = None
    description: Text = None
    persons: list[PersonRef] | None = None


class FrabDay(_Model):
    date: Text = None
    day_start: Text = None
    rooms: dict[str, list[FrabEvent]]


class Named(_Model):
    """Something listed with an id and a name (a pretalx track or room, a track reference)."""

    id: Scalar = None
    name: Text = None


class PublishedRoom(Named):
    """A room as a frab or pretalx file lists it."""

    capacity: Amount = None


class FrabConference(_Model):
    days: list[FrabDay]
    rooms: list[PublishedRoom] | None = None


class FrabSchedule(_Model):
    conference: FrabConference


class FrabDocument(_Model):
    schedule: FrabSchedule


# -- pretalx widget data ---------------------------------------------------------------

class WidgetSlot(_Model):
    start: Text = None
    end: Text = None
    room: Text = None


def _track(value: object) -> object:
    return value if isinstance(value, dict) and "name" in value else {"id": _scalar(value)}


class WidgetTalk(_Model):
    code: Scalar = None
    id: Scalar = None
    title: Text = None
    abstract: Text = None
    description: Text = None
    start: Text = None
    end: Text = None
    duration: Amount = None
    room: Scalar = None
    speakers: list[PersonRef] | None = None
    # a talk's track: an id into ``tracks``, or an object with a name
    track: Annotated[Named | None, BeforeValidator(lambda v: None if v is None else _track(v))] = None
    slot: WidgetSlot | None = None


class WidgetSpeaker(_Model):
    code: Scalar = None
    name: Text = None


class WidgetList(_Model):
    """``talks``, ``rooms``, ``speakers``, ``tracks`` lists, linked by ids."""

    talks: list[WidgetTalk]
    rooms: list[PublishedRoom] | None = None
    speakers: list[WidgetSpeaker] | None = None
    tracks: list[Named] | None = None


class WidgetGrid(_Model):
    """``schedule[date][minute][room id] = talk``, with ``rooms`` and optional ``sprints``."""

    schedule: dict[str, dict[str, dict[str, WidgetTalk] | None]]
    rooms: list[PublishedRoom] | None = None
    sprints: dict[str, dict[str, dict[str, Any] | None]] | None = None


# -- Electromagnetic Field (slotmachine) ---------------------------------------------------

class EmfWindow(_Model):
    start: Text = None
    end: Text = None


class EmfVenueTimes(_Model):
    venue: Whole
    times: list[EmfWindow] = Field(default_factory=list)


class EmfTalk(_Model):
    id: Annotated[str, BeforeValidator(_scalar)]
    duration: Whole
    speakers: list[Annotated[str, BeforeValidator(_scalar)]]
    venue_times: list[EmfVenueTimes]
    time: Text = None
    venue: Annotated[int | None, BeforeValidator(lambda v: v if v is None else _whole(v))] = None
    title: Text = None


class EmfDocument(_Model):
    talks: list[EmfTalk]


# -- errors ------------------------------------------------------------------------------

_EXPECTED = {"model_type": "expected an object", "model_attributes_type": "expected an object",
             "dict_type": "expected an object", "list_type": "expected a list", "string_type": "expected a text",
             "int_type": "expected a whole number"}


def _step(kind, part):
    """The type found at ``part`` inside ``kind``, and whether ``part`` names a field (else a
    key of a mapping or an index of a list)."""
    import typing

    while True:
        origin = typing.get_origin(kind)
        if origin is typing.Annotated:
            kind = typing.get_args(kind)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            kind = next((a for a in typing.get_args(kind) if a is not type(None)), kind)
        else:
            break
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        field = kind.model_fields.get(part) if isinstance(part, str) else None
        return (field.annotation if field else None), field is not None
    args = typing.get_args(kind)
    if typing.get_origin(kind) is dict and len(args) == 2:
        return args[1], False
    if typing.get_origin(kind) is list and args:
        return args[0], False
    return None, False


def problems_of(exc: ValidationError, model: type | None = None, prefix: tuple = ()) -> list[tuple[str, str]]:
    """(path in the document, message) of each shape error: fields as ``.name``, keys of a
    mapping as ``['key']`` (known from ``model``), list items as ``[i]``."""
    out = []
    for err in exc.errors(include_url=False):
        kind = model
        parts = list(prefix)
        for part in err["loc"]:
            kind, is_field = _step(kind, part) if kind is not None else (None, False)
            parts.append(part if is_field or isinstance(part, int) else _Key(part))
        msg, error = err["msg"], err["type"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        elif error == "missing":
            msg = "missing"
        else:
            wanted = _EXPECTED.get(error, f"{msg[0].lower()}{msg[1:]}")
            msg = f"{wanted}, found {_kind(err.get('input'))}"
        out.append((json_path(tuple(parts)), msg))
    return out


class _Key(str):
    """A key of a mapping in a path (shown as ``['key']``, never as a field)."""
