"""Bounded memory: a 200 MB file goes up and comes back down while RSS grows < 64 MB.

The local server runs in this process, so the measured RSS covers client and server alike.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from replicate_ext import Client
from replicate_ext.local.pytest_plugin import LocalServerFactory

SIZE = 200 * 1024 * 1024
LIMIT = 64 * 1024 * 1024


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


class PeakRSS:
    """Samples RSS every few milliseconds in a thread and keeps the maximum."""

    def __init__(self) -> None:
        self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak = max(self.peak, rss_bytes())


def write_big_file(path: Path) -> str:
    digest = hashlib.sha256()
    block = bytes(range(256)) * 4096  # 1 MiB
    with path.open("wb") as handle:
        for index in range(SIZE // len(block)):
            chunk = index.to_bytes(4, "big") + block[4:]
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_chunks(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_200mb_upload_and_download_in_bounded_memory(
    local_server_factory: LocalServerFactory, tmp_path: Path
) -> None:
    source = tmp_path / "big.bin"
    expected = write_big_file(source)
    server = local_server_factory(max_upload_bytes=SIZE + 1024 * 1024)
    with Client(api_token="test", base_url=server.base_url, timeout=60) as client:
        # Warm up every code path first, so imports and pools do not count as growth.
        warm = client.files.create(b"warm-up" * 1000, filename="warm.bin")
        assert b"".join(client.files.download(warm.id)) == b"warm-up" * 1000
        baseline = rss_bytes()
        with PeakRSS() as peak:
            created = client.files.create(source)
            assert created.size == SIZE
            assert created.checksums == {"sha256": expected}
            target = client.files.download(created.id, tmp_path / "copy.bin")
            streamed = sha256_of_chunks(client.files.download(created.id))
    growth = peak.peak - baseline
    assert growth < LIMIT, f"RSS grew by {growth / 2**20:.1f} MiB"
    assert sha256_of_file(target) == expected
    assert streamed == expected
