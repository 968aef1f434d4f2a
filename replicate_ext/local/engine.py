"""The local server's behaviour without HTTP: prediction lifecycle, stream events, waiting,
cancellation, deadlines, trainings, webhooks, files and crash recovery.

Everything runs on the server's event loop; model code never blocks it (demo models await,
plain functions run in worker threads).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import json
import logging
import mimetypes
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx

from .._wait import TERMINAL_STATUSES
from .faults import FaultInjector
from .models import JSON, LocalModel, ModelFailure
from .store import Record, Store

log = logging.getLogger("replicate_ext.local")

ACCOUNT_USERNAME = "local"
TERMINAL = TERMINAL_STATUSES  # the one set the client and CLI use too
FILE_REF_PREFIX = "replicate-ext-local-file:"
WEBHOOK_EVENTS = ("start", "output", "logs", "completed")
DEFAULT_WEBHOOK_EVENTS = ("output", "completed")  # Replicate's default without a filter
TRAINER = "__trainer__"
_FILE_PATH = re.compile(r"^/v1/files/([a-z0-9]+)(?:/download)?$")
# versions here are not built by Cog, but clients expect a version string in this field
COG_VERSION = "0.0.0+replicate-ext"


@attrs.define
class Settings:
    """Server options (see LocalServer for what each one does)."""

    token: str | None = None
    page_size: int = 100
    db_path: Path | None = None
    files_dir: Path | None = None
    max_upload_bytes: int = 100 * 1024 * 1024
    start_delay: float = 0.0
    min_cancel_after: float = 5.0
    webhook_retries: int = 3
    webhook_retry_delay: float = 0.5
    webhook_throttle: float = 0.5
    webhook_timeout: float = 5.0
    rate_limit: int | None = None


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def new_id() -> str:
    """26 lowercase base32 characters, the shape of Replicate ids."""
    return base64.b32encode(os.urandom(16)).decode().rstrip("=").lower()


def render_value(value: Any, file_url: Callable[[str], str]) -> Any:
    """Replace stored file references with absolute URLs for the current request."""
    if isinstance(value, str):
        if value.startswith(FILE_REF_PREFIX):
            return file_url(value[len(FILE_REF_PREFIX) :])
        return value
    if isinstance(value, list):
        return [render_value(v, file_url) for v in value]
    if isinstance(value, dict):
        return {k: render_value(v, file_url) for k, v in value.items()}
    return value


def sign_webhook(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256>`` over ``{id}.{timestamp}.{body}``, as Replicate signs."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


class Engine:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        models: list[LocalModel],
        faults: FaultInjector,
    ) -> None:
        self.settings = settings
        self.store = store
        self.faults = faults
        self.models: dict[str, LocalModel] = {m.ref: m for m in models}
        self._live: dict[str, Record] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._deadlines: dict[str, asyncio.TimerHandle] = {}
        self._changed: dict[str, asyncio.Event] = {}
        self._event_seq: dict[str, int] = {}
        self._webhook_queues: dict[str, asyncio.Queue[tuple[str, str]]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._http: httpx.AsyncClient | None = None
        # blocking model code runs here, not in the loop's default executor, so that shutdown
        # never waits for a function that will not return
        self._threads = ThreadPoolExecutor(max_workers=32, thread_name_prefix="local-model")
        self._rate_window: list[float] = []
        # read from other threads (LocalServer.webhook_deliveries), hence the lock
        self._deliveries: deque[dict[str, Any]] = deque(maxlen=10_000)
        self._deliveries_lock = threading.Lock()
        secret = store.meta("webhook_secret")
        if secret is None:
            secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
            store.set_meta("webhook_secret", secret)
        self.webhook_secret = secret
        key = store.meta("file_signing_key")
        if key is None:
            key = secrets.token_hex(32)
            store.set_meta("file_signing_key", key)
        self._file_key = key.encode()
        self._own_files_dir: tempfile.TemporaryDirectory[str] | None = None
        if settings.files_dir is not None:
            self.files_dir = settings.files_dir
        elif settings.db_path is not None:
            self.files_dir = settings.db_path.with_name(settings.db_path.name + ".files")
        else:
            self._own_files_dir = tempfile.TemporaryDirectory(prefix="replicate-ext-files-")
            self.files_dir = Path(self._own_files_dir.name)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._sync_models()

    # --- lifecycle of the engine ------------------------------------------------------------

    async def startup(self) -> None:
        self._http = httpx.AsyncClient(timeout=self.settings.webhook_timeout)
        self._recover()

    async def shutdown(self) -> None:
        """Stop running models without finishing them: with a database file, a restart
        picks them up (see _recover)."""
        for handle in self._deadlines.values():
            handle.cancel()
        tasks = [*self._tasks.values(), *self._background]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._http is not None:
            await self._http.aclose()
        self.store.close()
        if self._own_files_dir is not None:
            self._own_files_dir.cleanup()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _recover(self) -> None:
        """Predictions left unfinished by a previous process: those that never started run now;
        those cut off mid-run are marked failed (their partial output cannot be trusted)."""
        for rec in self.store.unfinished_predictions():
            self._live[rec["id"]] = rec
            runnable = rec["_runner"] == TRAINER or rec["_runner"] in self.models
            if rec["status"] == "starting" and runnable:
                deadline = rec.get("_deadline_ts")
                if deadline is not None and deadline <= time.time():
                    self._finish(rec, "aborted")
                    continue
                self._start(rec)
            else:
                reason = (
                    "the local server restarted while this prediction was running"
                    if runnable
                    else f"model {rec['_runner']} is not served by this server any more"
                )
                rec["error"] = reason
                self._finish(rec, "failed")

    # --- models -----------------------------------------------------------------------------

    def _sync_models(self) -> None:
        for model in self.models.values():
            record = self.store.get_model(model.owner, model.name)
            if record is None:
                record = new_model_record(model.owner, model.name, is_official=True)
            record["description"] = model.description
            record["_readme"] = model.readme
            self.store.upsert_model(record)
            version = {
                "id": model.version_id,
                "created_at": iso(now()),
                "cog_version": COG_VERSION,
                "openapi_schema": model.openapi_schema(),
                "_runner": model.ref,
            }
            self.store.add_version(model.owner, model.name, version)

    def model_for_runner(self, runner: str) -> LocalModel | None:
        return self.models.get(runner)

    # --- predictions and trainings ----------------------------------------------------------

    def check_rate_limit(self) -> float | None:
        """Seconds to wait when the configured creations-per-second limit is reached."""
        limit = self.settings.rate_limit
        if limit is None:
            return None
        moment = time.monotonic()
        self._rate_window = [t for t in self._rate_window if moment - t < 1.0]
        if len(self._rate_window) >= limit:
            return max(0.05, 1.0 - (moment - self._rate_window[0]))
        self._rate_window.append(moment)
        return None

    def create(
        self,
        *,
        kind: str,
        model: str,
        version: str,
        runner: str,
        inputs: JSON,
        origin: str,
        run_inputs: JSON | None = None,
        webhook: str | None = None,
        events_filter: list[str] | None = None,
        stream: bool = False,
        deployment: str | None = None,
        cancel_after: float | None = None,
        destination: str | None = None,
    ) -> Record:
        created = now()
        rec: Record = {
            "id": new_id(),
            "model": model,
            "version": version,
            "input": inputs,
            "logs": "",
            "output": None,
            "error": None,
            "status": "starting",
            "created_at": iso(created),
            "data_removed": False,
            "source": "api",
            "metrics": {},
            "_kind": kind,
            "_runner": runner,
            "_origin": origin,
            "_stream": stream,
            "_iterator": runner in self.models and self.models[runner].iterator,
            # what the model runs with: the input plus schema defaults
            "_run_input": inputs if run_inputs is None else run_inputs,
        }
        if kind == "training":
            del rec["output"]
            rec["_destination"] = destination
        if deployment is not None:
            rec["deployment"] = deployment
        if webhook is not None:
            rec["webhook"] = webhook
            rec["webhook_events_filter"] = (
                list(events_filter) if events_filter is not None else list(DEFAULT_WEBHOOK_EVENTS)
            )
        if cancel_after is not None:
            deadline = created + timedelta(seconds=cancel_after)
            rec["deadline"] = iso(deadline)
            rec["_deadline_ts"] = deadline.timestamp()
        self.store.insert_prediction(kind, rec)
        self._live[rec["id"]] = rec
        self._event_seq[rec["id"]] = -1
        self._bump_run_count(model)
        self._webhook(rec, "start")
        self._start(rec)
        return rec

    def _bump_run_count(self, model: str) -> None:
        owner, _, name = model.partition("/")
        record = self.store.get_model(owner, name)
        if record is not None:
            record["run_count"] = int(record.get("run_count", 0)) + 1
            self.store.upsert_model(record)

    def _start(self, rec: Record) -> None:
        rid = rec["id"]
        deadline = rec.get("_deadline_ts")
        if deadline is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, deadline - time.time())
            self._deadlines[rid] = loop.call_later(delay, self._deadline_reached, rid)
        self._tasks[rid] = asyncio.ensure_future(self._run(rec))

    def _deadline_reached(self, rid: str) -> None:
        self._deadlines.pop(rid, None)
        self.cancel(rid, deadline=True)

    def get(self, kind: str, rid: str) -> Record | None:
        live = self._live.get(rid)
        if live is not None:
            return live if live["_kind"] == kind else None
        return self.store.get_prediction(kind, rid)

    async def wait(self, kind: str, rid: str, timeout: float) -> Record | None:
        """Until the prediction is terminal or ``timeout`` seconds have passed."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            rec = self.get(kind, rid)
            if rec is None or rec["status"] in TERMINAL:
                return rec
            remaining = end - loop.time()
            if remaining <= 0:
                return rec
            await self.wait_change(rid, remaining)

    async def wait_change(self, rid: str, timeout: float) -> None:
        event = self._changed.setdefault(rid, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def _notify(self, rid: str) -> None:
        event = self._changed.pop(rid, None)
        if event is not None:
            event.set()

    def _save(self, rec: Record) -> None:
        self.store.save_prediction(rec)
        self._notify(rec["id"])

    def _emit(self, rec: Record, event: str, data: str) -> None:
        rid = rec["id"]
        seq = self._event_seq.get(rid)
        if seq is None:
            seq = self.store.last_event_seq(rid)
        seq += 1
        self._event_seq[rid] = seq
        self.store.add_event(rid, seq, event, data)

    def cancel(self, rid: str, *, deadline: bool = False) -> Record | None:
        rec = self._live.get(rid)
        if rec is None:
            return None
        status = "aborted" if deadline and rec["status"] == "starting" else "canceled"
        task = self._tasks.pop(rid, None)
        if task is not None:
            task.cancel()
        self._finish(rec, status)
        return rec

    async def _run(self, rec: Record) -> None:
        ctx = _Context(self, rec)
        try:
            if self.settings.start_delay > 0:
                await asyncio.sleep(self.settings.start_delay)
            rec["status"] = "processing"
            rec["started_at"] = iso(now())
            self._save(rec)
            if rec["_runner"] == TRAINER:
                await self._train(rec, ctx)
            else:
                model = self.models[rec["_runner"]]
                run_input: JSON = rec.get("_run_input") or rec["input"]
                result = await model.run(run_input, ctx)
                if model.iterator:
                    if rec["output"] is None:
                        rec["output"] = []
                elif rec["status"] == "processing":
                    rec["output"] = result
                    text = result if isinstance(result, str) else json.dumps(result)
                    self._emit(rec, "output", text)
                    self._webhook(rec, "output")
            if rec["status"] == "processing":
                self._finish(rec, "succeeded")
        except asyncio.CancelledError:
            raise
        except ModelFailure as exc:
            rec["error"] = str(exc)
            self._finish(rec, "failed")
        except Exception as exc:
            rec["error"] = f"{type(exc).__name__}: {exc}"
            ctx.log(traceback.format_exc().rstrip())
            self._finish(rec, "failed")
        finally:
            ctx.cleanup()

    def _finish(self, rec: Record, status: str) -> None:
        if rec["status"] in TERMINAL:
            return
        rid = rec["id"]
        completed = now()
        rec["status"] = status
        rec["completed_at"] = iso(completed)
        metrics: JSON = {"total_time": (completed - parse_iso(rec["created_at"])).total_seconds()}
        if "started_at" in rec:
            metrics["predict_time"] = (completed - parse_iso(rec["started_at"])).total_seconds()
        rec["metrics"] = metrics
        if status == "failed":
            self._emit(rec, "error", json.dumps({"detail": rec["error"]}))
            self._emit(rec, "done", json.dumps({"reason": "error"}))
        elif status in ("canceled", "aborted"):
            self._emit(rec, "done", json.dumps({"reason": "canceled"}))
        else:
            self._emit(rec, "done", "{}")
        self._save(rec)
        self._webhook(rec, "completed")
        self._live.pop(rid, None)
        self._tasks.pop(rid, None)
        self._event_seq.pop(rid, None)
        handle = self._deadlines.pop(rid, None)
        if handle is not None:
            handle.cancel()

    # --- trainings --------------------------------------------------------------------------

    async def _train(self, rec: Record, ctx: _Context) -> None:
        steps = 3
        for step in range(1, steps + 1):
            await asyncio.sleep(0.02)
            ctx.log(f"training step {step}/{steps}")
        owner, _, name = rec["model"].partition("/")
        source = self.store.get_version(owner, name, rec["version"])
        if source is None:
            raise ModelFailure(f"version {rec['version']} of {rec['model']} no longer exists")
        dest_owner, _, dest_name = str(rec["_destination"]).partition("/")
        weights = ctx.save_file(
            json.dumps({"trained_from": rec["version"], "input": rec["input"]}).encode(),
            filename="weights.json",
            content_type="application/json",
        )
        version = {
            "id": hashlib.sha256(rec["id"].encode()).hexdigest(),
            "created_at": iso(now()),
            "cog_version": source.get("cog_version"),
            "openapi_schema": source.get("openapi_schema"),
            "_runner": source["_runner"],
        }
        self.store.add_version(dest_owner, dest_name, version)
        rec["output"] = {"version": version["id"], "weights": weights}

    # --- webhooks ---------------------------------------------------------------------------

    def _webhook(self, rec: Record, event: str) -> None:
        url = rec.get("webhook")
        if not url or event not in rec.get("webhook_events_filter", ()):
            return
        origin = rec["_origin"]
        body = json.dumps(public_prediction(rec, origin, self.file_url_builder(origin)))
        rid = rec["id"]
        queue = self._webhook_queues.get(rid)
        if queue is None:
            queue = asyncio.Queue()
            self._webhook_queues[rid] = queue
            self._spawn(self._webhook_worker(rid, str(url), queue))
        queue.put_nowait((event, body))

    async def _webhook_worker(
        self, rid: str, url: str, queue: asyncio.Queue[tuple[str, str]]
    ) -> None:
        """Sends one prediction's webhooks in order; output/logs at most once per throttle
        interval, keeping only the latest snapshot when several are waiting."""
        loop = asyncio.get_running_loop()
        last_sent = -1e9
        try:
            while True:
                event, body = await queue.get()
                if event in ("output", "logs"):
                    pause = last_sent + self.settings.webhook_throttle - loop.time()
                    if pause > 0:
                        await asyncio.sleep(pause)
                    while not queue.empty():
                        event, body = queue.get_nowait()
                        if event not in ("output", "logs"):
                            break
                await self._deliver(url, event, body)
                last_sent = loop.time()
                if event == "completed":
                    return
        finally:
            self._webhook_queues.pop(rid, None)

    async def _deliver(self, url: str, event: str, body: str) -> None:
        assert self._http is not None
        webhook_id = "msg_" + new_id()
        attempts = 1 + max(0, self.settings.webhook_retries)
        for attempt in range(attempts):
            timestamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "webhook-id": webhook_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign_webhook(self.webhook_secret, webhook_id, timestamp, body),
                "user-agent": "replicate-ext-local-server",
            }
            outcome: str
            try:
                response = await self._http.post(url, content=body, headers=headers)
                outcome = str(response.status_code)
                ok = 200 <= response.status_code < 300
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
                ok = False
            with self._deliveries_lock:
                self._deliveries.append(
                    {"url": url, "event": event, "attempt": attempt + 1, "outcome": outcome}
                )
            if ok:
                return
            if attempt + 1 < attempts:
                await asyncio.sleep(self.settings.webhook_retry_delay * (2**attempt))
        log.warning("webhook %s to %s failed after %d attempts", event, url, attempts)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every delivery attempt (the latest 10,000): url, event, attempt, outcome."""
        with self._deliveries_lock:
            return list(self._deliveries)

    # --- files ------------------------------------------------------------------------------

    def new_file_path(self) -> tuple[str, Path]:
        file_id = new_id()
        return file_id, self.files_dir / file_id

    def register_file(
        self,
        file_id: str,
        path: Path,
        *,
        size: int,
        sha256: str,
        etag: str,
        content_type: str,
        filename: str | None,
        metadata: JSON,
    ) -> Record:
        created = now()
        record: Record = {
            "id": file_id,
            "name": filename or file_id,
            "content_type": content_type,
            "size": size,
            "etag": etag,
            "checksums": {"sha256": sha256},
            "metadata": metadata,
            "created_at": iso(created),
            "expires_at": iso(created + timedelta(days=1)),
        }
        self.store.add_file(record, path)
        return record

    def save_bytes(self, data: bytes, *, filename: str, content_type: str) -> str:
        file_id, path = self.new_file_path()
        path.write_bytes(data)
        self.register_file(
            file_id,
            path,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            etag=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            content_type=content_type,
            filename=filename,
            metadata={},
        )
        return file_id

    def delete_file(self, file_id: str) -> bool:
        path = self.store.delete_file(file_id)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def file_signature(self, file_id: str, owner: str, expiry: int) -> str:
        mac = hmac.new(self._file_key, f"{file_id}:{owner}:{expiry}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")

    def file_url_builder(self, origin: str) -> Callable[[str], str]:
        """A signed download URL per file id, so file outputs work without a token."""

        def build(file_id: str) -> str:
            found = self.store.get_file(file_id)
            expiry = (
                int(parse_iso(found[0]["expires_at"]).timestamp())
                if found is not None
                else int(time.time())
            )
            signature = self.file_signature(file_id, ACCOUNT_USERNAME, expiry)
            query = f"owner={ACCOUNT_USERNAME}&expiry={expiry}&signature={signature}"
            return f"{origin}/v1/files/{file_id}/download?{query}"

        return build


class _Context:
    """What model code sees while it runs (see models.RunContext)."""

    def __init__(self, engine: Engine, rec: Record) -> None:
        self._engine = engine
        self._rec = rec
        self._fetched = 0

    def _active(self) -> bool:
        return self._rec["status"] not in TERMINAL

    def log(self, line: str) -> None:
        if not self._active():
            return
        self._rec["logs"] = (self._rec.get("logs") or "") + line + "\n"
        self._engine._emit(self._rec, "logs", line)
        self._engine._save(self._rec)
        self._engine._webhook(self._rec, "logs")

    def emit(self, item: Any) -> None:
        if not self._active():
            return
        self._rec["output"] = [*(self._rec.get("output") or []), item]
        self._engine._emit(self._rec, "output", item if isinstance(item, str) else json.dumps(item))
        self._engine._save(self._rec)
        self._engine._webhook(self._rec, "output")

    def save_file(self, data: bytes, *, filename: str, content_type: str) -> str:
        file_id = self._engine.save_bytes(data, filename=filename, content_type=content_type)
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
        if parsed.scheme not in ("http", "https") or engine._http is None:
            raise ModelFailure(f"cannot fetch input file {url[:100]}")
        path = folder / f"{self._fetched}-{Path(parsed.path).name or 'input'}"
        async with engine._http.stream("GET", url) as response:
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
        loop = asyncio.get_running_loop()
        call = functools.partial(function, *args, **kwargs)
        return await loop.run_in_executor(self._engine._threads, call)


def new_model_record(owner: str, name: str, *, is_official: bool = False, **fields: Any) -> Record:
    record: Record = {
        "owner": owner,
        "name": name,
        "description": None,
        "visibility": "public",
        "github_url": None,
        "paper_url": None,
        "license_url": None,
        "cover_image_url": None,
        "run_count": 0,
        "is_official": is_official,
        "default_example": None,
        "_readme": "",
        "_created_at": iso(now()),
    }
    record.update(fields)
    return record


def public_prediction(rec: Record, origin: str, file_url: Callable[[str], str]) -> JSON:
    """The API shape of a stored prediction or training, with absolute URLs for ``origin``."""
    out = {k: render_value(v, file_url) for k, v in rec.items() if not k.startswith("_")}
    collection = "trainings" if rec["_kind"] == "training" else "predictions"
    get_url = f"{origin}/v1/{collection}/{rec['id']}"
    urls = {"get": get_url, "cancel": f"{get_url}/cancel", "web": f"{origin}/p/{rec['id']}"}
    if rec["_kind"] == "prediction" and _streamable(rec):
        urls["stream"] = f"{get_url}/stream"
    out["urls"] = urls
    return out


def _streamable(rec: Record) -> bool:
    return bool(rec.get("_stream")) or bool(rec.get("_iterator"))
