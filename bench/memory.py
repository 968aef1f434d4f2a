"""Memory: peak RSS growth while a 200 MB file goes up (files.create) and comes back down
(files.download to a path or as chunks, and a run() output FileOutput.save).

Each transfer runs in a fresh child process that holds only the client (the server runs in
another process), so the numbers are the client's alone. The child warms up first (imports,
connection pool), then resets the kernel's peak-RSS mark (``/proc/self/clear_refs``) and reads
``VmHWM`` afterwards: the exact peak, no sampling gaps.

Child usage: ``python bench/memory.py SCENARIO BASE_URL TOKEN PATH [FILE_ID]``; prints JSON.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from common import REPO_DIR, Row, ServerProcess, child_env, log, mib

SIZE = 200 * 1024 * 1024
LIMIT = 64 * 1024 * 1024
SCENARIOS = ("upload", "download_to_path", "download_chunks", "file_output_save")


# -- child side -----------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


class PeakRSS:
    """Peak RSS of this process during a ``with`` block, in bytes.

    Resets the kernel's high-water mark when allowed; otherwise samples every 2 ms.
    """

    def __init__(self) -> None:
        self.baseline = _status_kib("VmRSS") * 1024
        self.peak = self.baseline
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None

    def __enter__(self) -> PeakRSS:
        try:
            with open("/proc/self/clear_refs", "w") as clear_refs:
                clear_refs.write("5")  # 5: reset the peak RSS (VmHWM) to the current RSS
        except OSError:
            self._sampler = threading.Thread(target=self._sample, daemon=True)
            self._sampler.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, _status_kib("VmRSS") * 1024)

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join(timeout=5)
        self.peak = max(self.peak, _status_kib("VmHWM") * 1024 if self._sampler is None else 0)

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def child(scenario: str, base_url: str, token: str, path: Path, file_id: str) -> dict[str, Any]:
    import replicate_ext

    with replicate_ext.Client(api_token=token, base_url=base_url, timeout=120) as client:
        # Warm every code path on a small file, so imports and the pool are not counted.
        warm = client.files.create(b"warm-up" * 1000, filename="warm.bin")
        warm_url = f"{base_url}/files/{warm.id}/download"
        assert b"".join(client.files.download(warm.id)) == b"warm-up" * 1000
        warm_output = client.run("bench/echo-url", input={"url": warm_url})
        assert warm_output.read() == b"warm-up" * 1000
        result: dict[str, Any] = {"scenario": scenario}
        with PeakRSS() as peak:
            if scenario == "upload":
                created = client.files.create(path)
                result["file_id"] = created.id
                result["size"] = created.size
                result["sha256"] = (created.checksums or {}).get("sha256")
            elif scenario == "download_to_path":
                client.files.download(file_id, path)
                result["size"] = path.stat().st_size
            elif scenario == "download_chunks":
                digest = hashlib.sha256()
                size = 0
                for chunk in client.files.download(file_id):
                    digest.update(chunk)
                    size += len(chunk)
                result["size"] = size
                result["sha256"] = digest.hexdigest()
            elif scenario == "file_output_save":
                url = f"{base_url}/files/{file_id}/download"
                output = client.run("bench/echo-url", input={"url": url})
                result["type"] = type(output).__name__
                output.save(path)
                result["size"] = path.stat().st_size
            else:
                raise ValueError(f"unknown scenario {scenario!r}")
        result.update(baseline=peak.baseline, peak=peak.peak, growth=peak.growth)
        if scenario in ("download_to_path", "file_output_save"):
            result["sha256"] = _sha256_file(path)
        return result


# -- parent side ----------------------------------------------------------------------------


def write_big_file(path: Path) -> str:
    """SIZE bytes that differ per MiB (so nothing can be deduplicated); returns the sha256."""
    digest = hashlib.sha256()
    block = bytes(range(256)) * 4096
    with path.open("wb") as handle:
        for index in range(SIZE // len(block)):
            chunk = index.to_bytes(4, "big") + block[4:]
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def run_child(scenario: str, base_url: str, token: str, path: Path, file_id: str = "") -> Any:
    completed = subprocess.run(
        [sys.executable, __file__, scenario, base_url, token, str(path), file_id],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        env=child_env(),
        timeout=150,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"memory child {scenario} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_memory(*, quick: bool) -> list[Row]:
    scenarios = SCENARIOS[:2] + SCENARIOS[3:] if quick else SCENARIOS
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="replicate-ext-bench-") as tmp,
        ServerProcess(max_upload_bytes=SIZE + (1 << 20)) as server,
    ):
        source = Path(tmp) / "big.bin"
        log(f"  writing a {mib(SIZE)} file")
        expected = write_big_file(source)
        file_id = ""
        for scenario in scenarios:
            log(f"  {scenario} of {mib(SIZE)} in a child process")
            target = source if scenario == "upload" else Path(tmp) / f"{scenario}.bin"
            result = run_child(scenario, server.base_url, server.token, target, file_id)
            if scenario == "upload":
                file_id = result["file_id"]
            else:
                target.unlink(missing_ok=True)
            intact = result["size"] == SIZE and result.get("sha256", expected) == expected
            if scenario == "file_output_save":
                intact = intact and result["type"] == "FileOutput"
            note = "" if intact else " (transfer INCOMPLETE or corrupted)"
            rows.append(
                Row(
                    f"memory: peak RSS growth, {scenario.replace('_', ' ')} {mib(SIZE)}",
                    mib(result["growth"]) + note,
                    f"< {mib(LIMIT)}",
                    intact and result["growth"] < LIMIT,
                )
            )
    return rows


def main(argv: list[str]) -> None:
    scenario, base_url, token, path = argv[:4]
    file_id = argv[4] if len(argv) > 4 else ""
    print(json.dumps(child(scenario, base_url, token, Path(path), file_id)))


if __name__ == "__main__":
    main(sys.argv[1:])
