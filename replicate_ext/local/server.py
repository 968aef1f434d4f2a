"""``LocalServer``: the local Replicate-compatible server, in a background thread or in the
foreground (``replicate-ext serve``).

Starlette and uvicorn (the ``server`` extra) are imported only when a server starts, so that
``import replicate_ext`` stays light.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from .._ratelimit import RateLimits
from .demo_models import demo_models
from .faults import Fault, FaultInjector
from .models import LocalModel, coerce_models

DEFAULT_TOKEN = "r8_local_server_token"
# Import name -> distribution, for every library of the ``server`` extra.
SERVER_EXTRA_MODULES = {
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "python_multipart": "python-multipart",
}


def require_server_extra() -> None:
    """Raise ImportError naming the extra to install when a library of the server is missing.

    >>> require_server_extra()  # silent when ``replicate-ext[server]`` is installed
    """
    missing = [
        dist
        for module, dist in SERVER_EXTRA_MODULES.items()
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        raise ImportError(
            f"the local server needs the 'server' extra ({', '.join(missing)} not installed): "
            "pip install 'replicate-ext[server]'"
        )


class LocalServer:
    """A local Replicate-compatible server on 127.0.0.1, for tests, demos and offline work.

    >>> with LocalServer() as server:
    ...     client = replicate_ext.Client(api_token=server.token, base_url=server.base_url)
    ...     client.run("demo/hello", input={"name": "Ada"})
    'hello Ada'

    Options:
        host, port: where to listen (port 0 picks a free port).
        db: SQLite file for the state; None keeps it in memory. With a file, predictions survive
            a restart (unstarted ones run, interrupted ones are marked failed).
        token: accept only this bearer token; None accepts any non-empty token.
        page_size: items per page of every list (small values exercise pagination).
        models: extra models, ``{"owner/name": function}`` or ``["owner/name=pkg.mod:fn"]``.
        faults: faults active from the start (see :class:`Fault`); never any by default.
        wait_cap: cap for ``Prefer: wait`` in seconds (0 ignores the header entirely).
        start_delay: seconds each prediction stays ``starting`` before it runs.
        min_cancel_after: smallest ``Cancel-After`` accepted (Replicate: 5 seconds).
        webhook_retries, webhook_retry_delay, webhook_throttle: webhook delivery tuning.
        rate_limits: Replicate-like request limits (:class:`replicate_ext.RateLimits`:
            creates and other ``/v1`` requests per minute, with short bursts); over them the
            server answers 429 with ``Retry-After``. None (the default) limits nothing;
            ``RateLimits()`` applies the API's published 600 creates and 3,000 other
            requests a minute. Requests are counted either way (:attr:`request_counts`).
        max_upload_bytes: largest accepted file upload (Replicate: 100 MB).
        max_body_bytes: largest accepted request body other than an upload (10 MiB by
            default); larger ones get 413 before they are read.
        files_dir: where uploaded and generated files are kept (default: next to ``db``, or a
            temporary directory removed on shutdown).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str | Path | None = None,
        token: str | None = None,
        page_size: int = 100,
        models: Mapping[str, Callable[..., Any]] | Iterable[str] | None = None,
        faults: Iterable[Fault] = (),
        wait_cap: float | None = None,
        start_delay: float = 0.0,
        min_cancel_after: float = 5.0,
        webhook_retries: int = 3,
        webhook_retry_delay: float = 0.5,
        webhook_throttle: float = 0.5,
        rate_limits: RateLimits | None = None,
        max_upload_bytes: int = 100 * 1024 * 1024,
        max_body_bytes: int = 10 * 1024 * 1024,
        files_dir: str | Path | None = None,
        log_level: str = "warning",
    ) -> None:
        from .engine import Settings

        require_server_extra()
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        if rate_limits is not None and not isinstance(rate_limits, RateLimits):
            raise TypeError(f"rate_limits must be a RateLimits or None, got {rate_limits!r}")
        if max_body_bytes < 1 or max_upload_bytes < 1:
            raise ValueError("max_body_bytes and max_upload_bytes must be >= 1")
        self.host = host
        self._requested_port = port
        self.log_level = log_level
        self.settings = Settings(
            token=token,
            page_size=page_size,
            db_path=None if db is None else Path(db),
            files_dir=None if files_dir is None else Path(files_dir),
            max_upload_bytes=max_upload_bytes,
            max_body_bytes=max_body_bytes,
            start_delay=start_delay,
            min_cancel_after=min_cancel_after,
            webhook_retries=webhook_retries,
            webhook_retry_delay=webhook_retry_delay,
            webhook_throttle=webhook_throttle,
            rate_limits=rate_limits,
        )
        user_models: Any = models
        if models is not None and not isinstance(models, Mapping):
            user_models = list(models)
        self.models: list[LocalModel] = [*demo_models(), *coerce_models(user_models)]
        self.faults = FaultInjector(faults, wait_cap=wait_cap)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._engine: Any = None
        self.port: int | None = None

    # --- addresses --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The root URL, e.g. ``http://127.0.0.1:5555`` (what the official client wants)."""
        if self.port is None:
            raise RuntimeError("the server is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``http://127.0.0.1:5555/v1`` (REPLICATE_BASE_URL)."""
        return f"{self.url}/v1"

    @property
    def token(self) -> str:
        """A token the server accepts: the configured one, or a placeholder."""
        return self.settings.token or DEFAULT_TOKEN

    @property
    def webhook_secret(self) -> str:
        """The signing secret of webhooks (also at ``GET /v1/webhooks/default/secret``)."""
        return str(self._running_engine().webhook_secret)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempt so far: url, event, attempt, outcome."""
        return list(self._running_engine().webhook_deliveries)

    @property
    def request_counts(self) -> dict[str, int]:
        """API requests so far: ``creates``, ``others`` (other ``/v1`` requests except stream
        URLs and downloads, which count as ``unmetered``), and ``throttled_creates`` /
        ``throttled_others``, how many of them were answered 429."""
        return self._running_engine().requests.counts  # type: ignore[no-any-return]

    def reset_request_counts(self) -> None:
        """Count requests from zero again (limits keep their state)."""
        self._running_engine().requests.reset()

    # --- fault injection --------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        """Make the next matching requests fail (see :class:`Fault`)."""
        for fault in faults:
            self.faults.add(fault)

    def clear_faults(self) -> None:
        """Remove pending faults and the ``Prefer: wait`` cap."""
        self.faults.clear()

    def set_wait_cap(self, seconds: float | None) -> None:
        """Cap ``Prefer: wait`` (0 ignores it; None honours it again)."""
        self.faults.wait_cap = seconds

    # --- running ----------------------------------------------------------------------------

    def _running_engine(self) -> Any:
        if self._engine is None:
            raise RuntimeError("the server is not running")
        return self._engine

    def _build(self) -> Any:
        import uvicorn

        from .app import create_app
        from .engine import Engine
        from .store import Store

        store = Store(self.settings.db_path)
        self._engine = Engine(self.settings, store, self.models, self.faults)
        config = uvicorn.Config(
            create_app(self._engine),
            log_level=self.log_level,
            access_log=False,
            http="h11",
            ws="none",
            lifespan="on",
            timeout_graceful_shutdown=1,
            timeout_keep_alive=30,
        )
        return _server_class()(config)

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # An explicit IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted
        # connections of sockets created with it, and without it every response waits ~40 ms
        # for delayed ACKs.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        sock.listen(2048)
        sock.setblocking(False)
        self.port = int(sock.getsockname()[1])
        return sock

    def start(self, timeout: float = 10.0) -> LocalServer:
        """Start serving in a background thread; returns once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        self._socket = self._bind()
        self._server = self._build()
        sockets = [self._socket]
        failure: list[BaseException] = []

        def serve() -> None:
            try:
                asyncio.run(self._server.serve(sockets=sockets))
            except BaseException as exc:  # reported to start() below
                failure.append(exc)

        self._thread = threading.Thread(
            target=serve, name="replicate-ext-local-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if failure or not self._thread.is_alive():
                self._thread.join(1)
                self._cleanup()
                raise RuntimeError(f"the local server failed to start: {failure[:1]}")
            if time.monotonic() >= deadline:
                self.stop()
                raise TimeoutError(f"the local server did not start within {timeout}s")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Shut down: stop accepting, close connections, stop models, close the database."""
        if self._thread is None:
            return
        self._server.request_stop()
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket = None
        self._thread = None
        self._engine = None
        self.port = None

    def serve_forever(self, on_ready: Callable[[LocalServer], None] | None = None) -> None:
        """Serve in the current thread until interrupted (Ctrl-C / SIGTERM)."""
        self._socket = self._bind()
        self._server = self._build()
        if on_ready is not None:
            on_ready(self)
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._cleanup()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.port is not None else "not running"
        return f"<LocalServer {where}>"


def _server_class() -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, woken at once by stop() instead of at its next 0.1 s tick."""

        wake: asyncio.Event | None = None
        loop: asyncio.AbstractEventLoop | None = None

        async def main_loop(self) -> None:
            self.loop = asyncio.get_running_loop()
            self.wake = asyncio.Event()
            counter = 0
            while not await self.on_tick(counter):
                counter = (counter + 1) % 864000
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), 0.1)

        def request_stop(self) -> None:
            self.should_exit = True
            if self.loop is not None and self.wake is not None:
                with contextlib.suppress(RuntimeError):  # the loop may have closed already
                    self.loop.call_soon_threadsafe(self.wake.set)

    return Server
