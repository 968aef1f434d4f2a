"""Models the batch tests run on the local server."""

from __future__ import annotations

import time

REF = "test/square"


def square(n: int, seconds: float = 0.0, fail: bool = False) -> int:
    time.sleep(seconds)
    if fail:
        raise ValueError(f"input {n} fails on purpose")
    return n * n


MODELS = {REF: square}
