"""What model code sees while it runs (the ``RunContext`` protocol of ``models.py``): logs,
streamed output items, output files, local copies of input files, and a thread for blocking
work."""

from __future__ import annotations

import base64
import json
import mimetypes
import re
import shutil
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .http_urls import http_url_problem
from .json_values import dumps_record, scrub_text
from .models import ModelFailure
from .store import FILE_REF_PREFIX, TERMINAL, Record

if TYPE_CHECKING:
    from .engine import Engine

_FILE_PATH = re.compile(r"^/v1/files/([a-z0-9]+)(?:/download)?$")


class ModelContext:
    """One per run; calls after the prediction reached a terminal status are ignored."""

    def __init__(self, engine: Engine, rec: Record) -> None:
        self._engine = engine
        self._rec = rec
        self._fetched = 0

    def _active(self) -> bool:
        return self._rec["status"] not in TERMINAL

    def log(self, line: str) -> None:
        if not self._active():
            return
        line = scrub_text(line)
        self._rec["logs"] = (self._rec.get("logs") or "") + line + "\n"
        self._engine.record_change(self._rec, "logs", line)

    def emit(self, item: Any) -> None:
        if not self._active():
            return
        item = require_json(item)
        self._rec["output"] = [*(self._rec.get("output") or []), item]
        text = item if isinstance(item, str) else json.dumps(item)
        self._engine.record_change(self._rec, "output", text)

    def save_file(self, data: bytes, *, filename: str, content_type: str) -> str:
        file_id = self._engine.files.save_bytes(data, filename=filename, content_type=content_type)
        return FILE_REF_PREFIX + file_id

    async def fetch_file(self, url: str) -> Path:
        engine = self._engine
        folder: Path = engine.files_dir / "inputs" / str(self._rec["id"])
        folder.mkdir(parents=True, exist_ok=True)
        self._fetched += 1
        if url.startswith("data:"):
            header, _, payload = url.partition(",")
            mime = header[len("data:") :].split(";")[0]
            if header.endswith(";base64"):
                data = base64.b64decode(payload)
            else:
                data = urllib.parse.unquote_to_bytes(payload)
            path = folder / f"input{self._fetched}{mimetypes.guess_extension(mime) or ''}"
            await self.run_in_thread(path.write_bytes, data)
            return path
        parsed = urllib.parse.urlsplit(url)
        own = _FILE_PATH.match(parsed.path)
        found = engine.store.get_file(own.group(1)) if own else None
        if found is not None:
            record, stored = found
            path = folder / f"{self._fetched}-{Path(record['name']).name}"
            await self.run_in_thread(shutil.copyfile, stored, path)
            return path
        http = engine.webhooks.http
        if http_url_problem(url) is not None or http is None:
            raise ModelFailure(f"cannot fetch input file {url[:100]}")
        path = folder / f"{self._fetched}-{Path(parsed.path).name or 'input'}"
        async with http.stream("GET", url) as response:
            if response.status_code >= 400:
                raise ModelFailure(f"fetching {url} failed with HTTP {response.status_code}")
            with path.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
        return path

    def cleanup(self) -> None:
        if self._fetched:
            shutil.rmtree(self._engine.files_dir / "inputs" / self._rec["id"], ignore_errors=True)

    async def run_in_thread(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self._engine.run_blocking(function, *args, **kwargs)


def require_json(value: Any) -> Any:
    """``value`` if responses can carry it; a model output that cannot be fails its run rather
    than poisoning the record."""
    try:
        dumps_record(value)
    except (TypeError, ValueError) as exc:
        raise ModelFailure(f"the output cannot be represented as JSON: {exc}") from None
    return value
