"""Models the batch tests run on the local server."""

from __future__ import annotations

import os
import time
from typing import Any

import replicate_ext

REF = "test/square"


def square(n: int, seconds: float = 0.0, fail: bool = False) -> int:
    time.sleep(seconds)
    if fail:
        raise ValueError(f"input {n} fails on purpose")
    return n * n


MODELS = {REF: square}


def run_chunk(
    client: replicate_ext.Client, ref: str, chunk: list[tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """What a process worker runs: one chunk of a batch, through a client that came pickled.

    Returns plain data (index into the whole batch, prediction id, output or error text),
    which travels back to the scheduler on any platform."""
    rows = []
    inputs = [item for _index, item in chunk]
    for result in client.run_many(ref, inputs, concurrency=2, use_file_output=False):
        rows.append(
            {
                "index": chunk[result.index][0],
                "id": result.prediction_id,
                "output": result.output,
                "error": None if result.ok else str(result.error),
                "pid": os.getpid(),
            }
        )
    return rows
