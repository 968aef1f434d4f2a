"""The batch journal: which prediction each input of a ``run_many`` became, kept on disk so a
rerun resumes instead of running inputs twice.

One JSON object a line, appended and fsynced as things happen::

    {"journal": 1, "ref": "demo/hello", "inputs": 3, "digest": "…"}   # first line
    {"index": 0, "id": "p1", "input": "…"}                              # prediction created
    {"index": 0, "id": "p1", "status": "succeeded"}                     # prediction finished

A crash can only tear the last line (it is ignored and cut off before the next append). On a
rerun every input with a prediction is re-attached by id, finished or not; the rest are
created. The header's ``digest`` (over every input's hash) and ``ref`` detect a journal that
belongs to other inputs. Parsing and planning are pure; :class:`JournalFile` does the I/O.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ._errors import ReplicateError

FORMAT_VERSION = 1
# How many differing input indexes an error message lists.
_SHOWN_MISMATCHES = 5


class JournalMismatchError(ReplicateError, ValueError):
    """The journal was written for another model or other inputs: resuming from it would
    attach inputs to predictions of different ones."""


def _canonical(value: Any) -> Any:
    """JSON-able stand-in of an input value whose hash is stable across runs."""
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, bytes):
        return {"bytes-sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, os.PathLike):
        return {"path": os.fspath(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return {"repr": repr(value)}


def input_hash(input: Mapping[str, Any]) -> str:
    """A short, stable fingerprint of one input (key order does not matter)."""
    text = json.dumps(_canonical(input), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def inputs_digest(hashes: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()[:16]


@attrs.frozen
class JournalState:
    """What a journal file says (an empty file says nothing)."""

    header: Mapping[str, Any] | None = None
    created: Mapping[int, tuple[str, str]] = attrs.Factory(dict)  # index -> (id, input hash)
    finished: Mapping[int, str] = attrs.Factory(dict)  # index -> final status
    valid_length: int = 0  # bytes up to the end of the last complete line


def parse_journal(data: bytes) -> JournalState:
    """Read a journal; a torn last line (a crash mid-append) is ignored, a broken line before
    it is an error."""
    header: dict[str, Any] | None = None
    created: dict[int, tuple[str, str]] = {}
    finished: dict[int, str] = {}
    valid_length = 0
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]  # tail: b"" or a torn line
    for number, line in enumerate(complete, start=1):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            if header is None:
                if entry.get("journal") != FORMAT_VERSION:
                    raise ValueError("not a replicate_ext journal header")
                header = entry
            elif "status" in entry:
                finished[int(entry["index"])] = str(entry["status"])
            else:
                created[int(entry["index"])] = (str(entry["id"]), str(entry["input"]))
        except (ValueError, KeyError, TypeError) as error:
            if number == len(complete) and not tail:
                break  # a torn last line that happens to end in a newline byte
            raise JournalMismatchError(
                f"journal line {number} is not a journal entry ({error}); "
                "is this file a replicate_ext batch journal?"
            ) from None
        valid_length += len(line) + 1
    return JournalState(header, created, finished, valid_length)


def new_header(ref: str, hashes: Sequence[str]) -> dict[str, Any]:
    return {
        "journal": FORMAT_VERSION,
        "ref": ref,
        "inputs": len(hashes),
        "digest": inputs_digest(hashes),
    }


def resume_plan(state: JournalState, ref: str, hashes: Sequence[str], path: str) -> dict[int, str]:
    """Index → prediction id to re-attach; raises JournalMismatchError when the journal was
    written for another model or other inputs."""
    if state.header is None:
        return {}
    advice = f"use another journal file, or delete {path} to start over"
    if state.header.get("ref") != ref:
        raise JournalMismatchError(
            f"the journal {path} is for {state.header.get('ref')!r}, not {ref!r}: {advice}"
        )
    if state.header.get("digest") != inputs_digest(hashes):
        changed = [
            index
            for index, (_id, digest) in sorted(state.created.items())
            if index >= len(hashes) or hashes[index] != digest
        ]
        detail = f"{state.header.get('inputs')} inputs then, {len(hashes)} now"
        if changed:
            shown = ", ".join(str(index) for index in changed[:_SHOWN_MISMATCHES])
            more = "…" if len(changed) > _SHOWN_MISMATCHES else ""
            detail += f"; inputs already started differ at index {shown}{more}"
        raise JournalMismatchError(
            f"the inputs changed since the journal {path} was written ({detail}): {advice}"
        )
    return {index: prediction_id for index, (prediction_id, _hash) in state.created.items()}


class JournalFile:
    """The journal on disk: opened (and checked) once per batch, appended to from any thread.

    >>> journal = JournalFile.open("run.journal", "demo/hello", hashes)   # doctest: +SKIP
    """

    def __init__(self, path: Path, state: JournalState, attach: Mapping[int, str]) -> None:
        self.path = path
        self.state = state
        self.attach = dict(attach)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | os.PathLike[str], ref: str, hashes: Sequence[str]) -> JournalFile:
        target = Path(path)
        data = target.read_bytes() if target.exists() else b""
        state = parse_journal(data)
        attach = resume_plan(state, ref, hashes, str(target))
        journal = cls(target, state, attach)
        if state.valid_length != len(data):  # cut off a torn last line before appending
            with target.open("r+b") as file:
                file.truncate(state.valid_length)
        if state.header is None:
            journal._append(new_header(ref, hashes))
        return journal

    def created(self, index: int, prediction_id: str, input_digest: str) -> None:
        self._append({"index": index, "id": prediction_id, "input": input_digest})

    def finished(self, index: int, prediction_id: str, status: str) -> None:
        self._append({"index": index, "id": prediction_id, "status": status})

    def _append(self, entry: Mapping[str, Any]) -> None:
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
        with self._lock, self.path.open("ab") as file:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())
