"""The one reading function, the text cleaning step and the one-way id comparison, in process
(the attack suite in tests/attacks runs the same through real commands)."""

from __future__ import annotations

import os
import threading

import pytest

import sessionplan as sp
from sessionplan.io.reading import MAX_DEPTH, input_at, inputs_protected, load_json, read_input
from sessionplan.io.text import clean, shown
from sessionplan.model import Instance, Room, Slot, Speaker, Talk


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    done = []
    t = threading.Thread(target=lambda: done.append(pytest.raises(sp.InputError, read_input, fifo)), daemon=True)
    t.start()
    t.join(5)
    assert done, "reading a FIFO blocked"
    assert "named pipe" in str(done[0].value)


def test_a_file_reporting_no_size_is_still_read_within_the_limit():
    # /proc files say they are empty; what is read is bounded all the same
    with pytest.raises(sp.InputError) as exc:
        read_input("/proc/self/maps", mb=0.0001)
    assert "grew beyond the limit of 0.0001 MB" in str(exc.value)
    assert read_input("/proc/self/maps", mb=10).data


def test_json_depth_numbers_and_texts(tmp_path):
    path = tmp_path / "doc.json"
    for text, says in ((("[" * (MAX_DEPTH + 1)) + ("]" * (MAX_DEPTH + 1)), "nested more than"),
                       ("[" * 5000 + "]" * 5000, "nested more than"), ('{"d": Infinity}', "not a number JSON allows"),
                       ('{"d": 1e999}', "too large")):
        path.write_text(text)
        with pytest.raises(sp.InputError) as exc:
            load_json(read_input(path))
        assert says in str(exc.value)
    path.write_text('{"a\\u0000": ["x\\ud800y", {"b": "\\u009b[31m"}]}')
    notes = []
    doc = load_json(read_input(path), lambda where, note: notes.append(where))
    assert doc == {"a": ["xy", {"b": "[31m"}]} and sorted(notes) == ["['a\\x00']", "a[0]", "a[1].b"]


def test_clean_and_shown():
    assert clean("a\r\nb\rc") == ("a\nb\nc", None)
    out, note = clean("T\x00i\x1bt\x7fl\x9be\ud800")
    assert out == "Title" and "5 control or invalid characters" in note and "U+001B" in note
    assert shown(os.fsdecode(b"conf\xff\n")) == "conf\\xff\\x0a"


def test_inputs_are_protected_only_while_a_command_runs(tmp_path):
    path = tmp_path / "in.json"
    path.write_text("{}")
    read_input(path)
    assert input_at(path) is None
    with inputs_protected():
        read_input(path)
        os.link(path, tmp_path / "same.json")
        assert input_at(tmp_path / "same.json") == path
    assert input_at(path) is None


def _one_room(durations, session_slots):
    slots = [Slot(index=i, day="2027-03-08", start=540 + 30 * i, end=570 + 30 * i, session="S", rooms=("A",))
             for i in range(session_slots)]
    talks = [Talk(id=f"T{i}", title=f"t{i}", speakers=(f"P{i}",), duration=d, joint="j")
             for i, d in enumerate(durations)]
    return Instance(name="x", talks=talks, speakers=[Speaker(name=f"P{i}") for i in range(len(durations))],
                    rooms=[Room(name="A")], slots=slots)


@pytest.mark.parametrize("durations,slots", [((30, 30), 2), ((30, 30, 30), 2), ((60, 30), 2), ((60, 30), 3),
                                             ((30, 60, 30), 4), ((90, 30), 3)])
def test_a_joint_chain_is_found_exactly_when_one_exists(durations, slots):
    inst = _one_room(durations, slots)
    ids = [t.id for t in inst.talks]
    assert inst.has_joint_chain(ids) == bool(inst.joint_chains(ids))
