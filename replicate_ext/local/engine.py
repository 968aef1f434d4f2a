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
import json
import logging
import secrets
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx

from .._ratelimit import RateLimits
from .faults import FaultInjector
from .json_values import scrub_text
from .models import JSON, LocalModel, ModelFailure
from .rate_limits import RequestMeter
from .run_context import ModelContext, require_json
from .store import FILE_REF_PREFIX, TERMINAL, Record, Store, iso, new_id, now, parse_iso
from .stored_files import StoredFiles
from .webhook_sender import WebhookSender

log = logging.getLogger("replicate_ext.local")

WEBHOOK_EVENTS = ("start", "output", "logs", "completed")
DEFAULT_WEBHOOK_EVENTS = ("output", "completed")  # Replicate's default without a filter
TRAINER = "__trainer__"
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
    max_body_bytes: int = 10 * 1024 * 1024
    start_delay: float = 0.0
    min_cancel_after: float = 5.0
    webhook_retries: int = 3
    webhook_retry_delay: float = 0.5
    webhook_throttle: float = 0.5
    webhook_timeout: float = 5.0
    rate_limits: RateLimits | None = None


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
        self._background: set[asyncio.Task[Any]] = set()
        # blocking model code runs here, not in the loop's default executor, so that shutdown
        # never waits for a function that will not return
        self._threads = ThreadPoolExecutor(max_workers=32, thread_name_prefix="local-model")
        self.requests = RequestMeter(settings.rate_limits)
        secret = store.meta("webhook_secret")
        if secret is None:
            secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
            store.set_meta("webhook_secret", secret)
        self.webhook_secret = secret
        self.webhooks = WebhookSender(
            secret=secret,
            retries=settings.webhook_retries,
            retry_delay=settings.webhook_retry_delay,
            throttle=settings.webhook_throttle,
            new_id=new_id,
            spawn=self._spawn,
        )
        self.files = StoredFiles(store, settings.files_dir or _files_dir_next_to(settings.db_path))
        self.files_dir = self.files.directory
        self._sync_models()

    # --- lifecycle of the engine ------------------------------------------------------------

    async def startup(self) -> None:
        self.webhooks.http = httpx.AsyncClient(timeout=self.settings.webhook_timeout)
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
        if self.webhooks.http is not None:
            await self.webhooks.http.aclose()
        self.store.close()
        self.files.close()

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
        self.send_webhook(rec, "start")
        self._start(rec)
        return rec

    def _bump_run_count(self, model: str) -> None:
        owner, _, name = model.partition("/")
        self.store.bump_run_count(owner, name)

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

    def save(self, rec: Record) -> None:
        self.store.save_prediction(rec)
        self._notify(rec["id"])

    def _emit_event(self, rec: Record, event: str, data: str) -> None:
        rid = rec["id"]
        seq = self._event_seq.get(rid)
        if seq is None:
            seq = self.store.last_event_seq(rid)
        seq += 1
        self._event_seq[rid] = seq
        self.store.add_event(rid, seq, event, data)

    def record_change(self, rec: Record, event: str, data: str) -> None:
        """A running model logged a line or emitted an output item: store, stream, notify."""
        self._emit_event(rec, event, data)
        self.save(rec)
        self.send_webhook(rec, event)

    async def run_blocking(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking model code in the engine's own threads, never on the event loop."""
        loop = asyncio.get_running_loop()
        call = functools.partial(function, *args, **kwargs)
        return await loop.run_in_executor(self._threads, call)

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
        ctx = ModelContext(self, rec)
        try:
            if self.settings.start_delay > 0:
                await asyncio.sleep(self.settings.start_delay)
            rec["status"] = "processing"
            rec["started_at"] = iso(now())
            self.save(rec)
            if rec["_runner"] == TRAINER:
                await self._train(rec, ctx)
            else:
                model = self.models[rec["_runner"]]
                run_input: JSON = rec.get("_run_input") or rec["input"]
                result = require_json(await model.run(run_input, ctx))
                if model.iterator:
                    if rec["output"] is None:
                        rec["output"] = []
                elif rec["status"] == "processing":
                    rec["output"] = result
                    text = result if isinstance(result, str) else json.dumps(result)
                    self._emit_event(rec, "output", text)
                    self.send_webhook(rec, "output")
            if rec["status"] == "processing":
                self._finish(rec, "succeeded")
        except asyncio.CancelledError:
            raise
        except ModelFailure as exc:
            rec["error"] = scrub_text(str(exc))
            self._finish(rec, "failed")
        except Exception as exc:
            rec["error"] = scrub_text(f"{type(exc).__name__}: {exc}")
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
            self._emit_event(rec, "error", json.dumps({"detail": rec["error"]}))
            self._emit_event(rec, "done", json.dumps({"reason": "error"}))
        elif status in ("canceled", "aborted"):
            self._emit_event(rec, "done", json.dumps({"reason": "canceled"}))
        else:
            self._emit_event(rec, "done", "{}")
        self.save(rec)
        self.send_webhook(rec, "completed")
        self._live.pop(rid, None)
        self._tasks.pop(rid, None)
        self._event_seq.pop(rid, None)
        handle = self._deadlines.pop(rid, None)
        if handle is not None:
            handle.cancel()

    # --- trainings --------------------------------------------------------------------------

    async def _train(self, rec: Record, ctx: ModelContext) -> None:
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

    def send_webhook(self, rec: Record, event: str) -> None:
        """Queue ``event`` for the prediction's webhook, if it has one and wants the event."""
        url = rec.get("webhook")
        if not url or event not in rec.get("webhook_events_filter", ()):
            return
        origin = rec["_origin"]
        body = json.dumps(public_prediction(rec, origin, self.files.url_builder(origin)))
        self.webhooks.enqueue(rec["id"], str(url), event, body)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every delivery attempt (the latest 10,000): url, event, attempt, outcome."""
        return self.webhooks.deliveries


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


def _files_dir_next_to(db_path: Path | None) -> Path | None:
    return None if db_path is None else db_path.with_name(db_path.name + ".files")
