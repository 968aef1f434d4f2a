"""The modules around the client reach it through its public API only, not its private
attributes (``client._client``, ``client._upload``, ...)."""

from __future__ import annotations

import re
from pathlib import Path

SDK = Path(__file__).resolve().parents[2] / "replicate_ext"
# A private attribute read off a client object: `client._x`, `self._client._x`, `._upload`.
PRIVATE = re.compile(r"\bclient\._\w+|\._client\._\w+|\._upload\b")


def _callers() -> list[Path]:
    return [
        *(SDK / "cli").glob("*.py"),
        *(SDK / "codegen").glob("*.py"),
        SDK / "_use.py",
        SDK / "_batch.py",
        SDK / "_batch_runner.py",
        SDK / "_async" / "batch.py",
        SDK / "_streaming.py",
        SDK / "_async" / "streaming.py",
        *(SDK / "local").rglob("*.py"),
    ]


def test_callers_of_the_client_use_its_public_api() -> None:
    hits = {
        (path.name, match.group(0))
        for path in _callers()
        for match in PRIVATE.finditer(path.read_text(encoding="utf-8"))
    }
    assert hits == set()


def test_the_pattern_finds_private_reads() -> None:
    sample = "client._upload; self._client._client; client._schemas.get(); x._upload"
    assert len(PRIVATE.findall(sample)) == 4
