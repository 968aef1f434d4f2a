# Cog's API declares inputs with calls in argument defaults, and ships no type information.
# ruff: noqa: B008
# mypy: disable-error-code="import-untyped,misc"
"""Cog predictors served by the local server (the ``cog`` package from PyPI, public API only)."""

from __future__ import annotations

import tempfile
import time

from cog import BasePredictor, ConcatenateIterator, Input, Path


class Predictor(BasePredictor):
    """Reverses text, optionally prefixing the size of a given file."""

    def setup(self) -> None:
        self.calls = 0
        self.ready_at = time.time()

    def predict(
        self,
        text: str = Input(description="Text to reverse", min_length=1),
        times: int = Input(description="Repetitions", default=1, ge=1, le=3),
        mode: str = Input(default="plain", choices=["plain", "shout"]),
        attachment: Path | None = Input(description="Any file", default=None),
    ) -> str:
        self.calls += 1
        result = text[::-1] * times
        if mode == "shout":
            result = result.upper()
        if attachment is not None:
            result = f"{attachment.stat().st_size}:{result}"
        return result


class Streamer(BasePredictor):
    def predict(self, words: int = Input(default=3, ge=0)) -> ConcatenateIterator[str]:
        for i in range(words):
            yield f"w{i} "


class Flipper(BasePredictor):
    def predict(self, image: Path = Input(description="A file to copy backwards")) -> Path:
        out = Path(tempfile.mkdtemp()) / "flipped.bin"
        out.write_bytes(image.read_bytes()[::-1])
        return out
