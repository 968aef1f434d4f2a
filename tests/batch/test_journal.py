"""The journal's format, parsing and resume decisions (pure), and its file handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replicate_ext import JournalMismatchError
from replicate_ext._journal import (
    JournalFile,
    input_hash,
    new_header,
    parse_journal,
    resume_plan,
)

HASHES = [input_hash({"n": n}) for n in range(3)]


def lines(*entries: object) -> bytes:
    return b"".join(json.dumps(entry).encode() + b"\n" for entry in entries)


def test_input_hash_is_stable_and_order_independent() -> None:
    assert input_hash({"a": 1, "b": [1, 2]}) == input_hash({"b": [1, 2], "a": 1})
    assert input_hash({"a": 1}) != input_hash({"a": 2})
    assert input_hash({"f": b"abc"}) == input_hash({"f": b"abc"})
    assert input_hash({"f": b"abc"}) != input_hash({"f": b"abd"})
    assert input_hash({"p": Path("a.png")}) != input_hash({"p": "a.png"})


def test_parse_reads_created_and_finished_entries() -> None:
    data = lines(
        new_header("demo/hello", HASHES),
        {"index": 0, "id": "p0", "input": HASHES[0]},
        {"index": 1, "id": "p1", "input": HASHES[1]},
        {"index": 0, "id": "p0", "status": "succeeded"},
    )
    state = parse_journal(data)
    assert state.header is not None and state.header["ref"] == "demo/hello"
    assert state.created == {0: ("p0", HASHES[0]), 1: ("p1", HASHES[1])}
    assert state.finished == {0: "succeeded"}
    assert state.valid_length == len(data)
    assert resume_plan(state, "demo/hello", HASHES, "j") == {0: "p0", 1: "p1"}


def test_a_torn_last_line_is_ignored() -> None:
    good = lines(new_header("demo/hello", HASHES), {"index": 0, "id": "p0", "input": HASHES[0]})
    state = parse_journal(good + b'{"index": 1, "id": "p')
    assert state.created == {0: ("p0", HASHES[0])}
    assert state.valid_length == len(good)


def test_a_broken_line_in_the_middle_is_an_error() -> None:
    data = lines(new_header("demo/hello", HASHES)) + b"garbage\n" + lines({"index": 0})
    with pytest.raises(JournalMismatchError, match="line 2"):
        parse_journal(data)


def test_not_a_journal() -> None:
    with pytest.raises(JournalMismatchError, match="line 1"):
        parse_journal(b'{"some": "json"}\n{"more": 1}\n')


def test_an_empty_journal_resumes_nothing() -> None:
    assert resume_plan(parse_journal(b""), "demo/hello", HASHES, "j") == {}


def test_another_model_is_detected() -> None:
    state = parse_journal(lines(new_header("demo/hello", HASHES)))
    with pytest.raises(JournalMismatchError, match=r"is for 'demo/hello', not 'demo/other'"):
        resume_plan(state, "demo/other", HASHES, "run.journal")


def test_changed_inputs_are_detected_and_explained() -> None:
    state = parse_journal(
        lines(
            new_header("demo/hello", HASHES),
            {"index": 0, "id": "p0", "input": HASHES[0]},
            {"index": 2, "id": "p2", "input": HASHES[2]},
        )
    )
    changed = [HASHES[0], HASHES[1], input_hash({"n": 99})]
    with pytest.raises(JournalMismatchError) as caught:
        resume_plan(state, "demo/hello", changed, "run.journal")
    message = str(caught.value)
    assert "inputs changed" in message and "index 2" in message and "run.journal" in message
    with pytest.raises(JournalMismatchError, match="3 inputs then, 2 now"):
        resume_plan(state, "demo/hello", HASHES[:2], "run.journal")


def test_journal_file_appends_and_cuts_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "run.journal"
    journal = JournalFile.open(path, "demo/hello", HASHES)
    journal.created(0, "p0", HASHES[0])
    journal.finished(0, "p0", "succeeded")
    with path.open("ab") as file:
        file.write(b'{"index": 1, "id"')  # a crash mid-append
    resumed = JournalFile.open(path, "demo/hello", HASHES)
    assert resumed.attach == {0: "p0"}
    assert resumed.state.finished == {0: "succeeded"}
    resumed.created(1, "p1", HASHES[1])
    # The torn line is gone; the file parses as a whole again.
    state = parse_journal(path.read_bytes())
    assert state.created == {0: ("p0", HASHES[0]), 1: ("p1", HASHES[1])}
    assert path.read_bytes().endswith(b"\n")
