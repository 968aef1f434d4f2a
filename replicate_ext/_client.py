"""``Client`` and ``AsyncClient``: the public entry points.

Both hold a base client (``_client``: :class:`SyncAPIClient` / :class:`AsyncAPIClient`) that owns
the connection pool, auth, timeouts and retries. Resources are created on first access (their
modules import the generated bindings, which ``import replicate_ext`` must not pay for).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, Unpack

import httpx

from . import _config
from ._async.api_client import AsyncAPIClient
from ._async.pagination import ListCall
from ._base_client import RawResponseProxy
from ._deadline import with_grace
from ._errors import ReplicateError, keep_prediction_id
from ._options import RequestOptions, decode_body, prepare_request
from ._pagination import AsyncPage, Page, apaginate
from ._pagination import paginate as _paginate
from ._refs import DeploymentLike, Ref
from ._run import output_of, plan_run
from ._sync.api_client import SyncAPIClient
from ._wait import DEFAULT_PREDICTION_TIMEOUT, is_terminal

if TYPE_CHECKING:
    from ._async.resources.account import AsyncAccountResource
    from ._async.resources.collections import AsyncCollections
    from ._async.resources.deployments import AsyncDeployments
    from ._async.resources.files import AsyncFiles
    from ._async.resources.hardware import AsyncHardwareResource
    from ._async.resources.models import AsyncModels
    from ._async.resources.predictions import AsyncPredictions
    from ._async.resources.trainings import AsyncTrainings
    from ._async.resources.webhooks import AsyncWebhooks
    from ._batch import BatchResult, OnProgress
    from ._files import FileEncoding, FileSource
    from ._ratelimit import RateLimits
    from ._streaming import ServerSentEvent
    from ._sync.resources.account import AccountResource
    from ._sync.resources.collections import Collections
    from ._sync.resources.deployments import Deployments
    from ._sync.resources.files import Files
    from ._sync.resources.hardware import HardwareResource
    from ._sync.resources.models import Models
    from ._sync.resources.predictions import Predictions
    from ._sync.resources.trainings import Trainings
    from ._sync.resources.webhooks import Webhooks
    from ._use import AsyncTypedModel, SchemaCache, TypedModel
    from .types import Prediction, SearchResult

__all__ = ["AsyncClient", "Client", "default_client", "paginate", "run", "stream"]

T = TypeVar("T")
# A progress hook: called with each state of the prediction seen while waiting.
OnUpdate: TypeAlias = "Callable[[Prediction], object]"


def _file_url(created: Any) -> str:
    urls = getattr(created, "urls", None) or {}
    url = urls.get("get") if isinstance(urls, Mapping) else None
    if not isinstance(url, str):
        raise ReplicateError("the uploaded file has no URL to pass as input")
    return url


def _given(**options: Any) -> dict[str, Any]:
    """The options actually passed (None means "keep the current value")."""
    return {key: value for key, value in options.items() if value is not None}


class Client:
    """A synchronous Replicate client. Thread-safe; use one per application.

    >>> with replicate_ext.Client() as client:   # doctest: +SKIP
    ...     greeting = client.run("demo/hello", input={"name": "Ada"})

    ``api_token`` defaults to ``$REPLICATE_API_TOKEN``, ``base_url`` to ``$REPLICATE_BASE_URL`` or
    the public API. ``timeout`` (seconds or an httpx.Timeout) is always finite. Pass
    ``http_client`` or ``transport`` to bring your own httpx pieces; auth, timeouts and retries
    stay ours. ``rate_limits=RateLimits()`` paces requests under the API's per-minute limits
    and pauses the whole client after a 429.

    A client pickles (for process pools, Dask or Ray workers) as its settings: the API token
    travels with it, the connection pool does not (each process opens its own, as a forked
    child does on its first request). One built with its own ``http_client`` or ``transport``
    does not pickle.
    """

    _client: SyncAPIClient

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        user_agent: str | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        self._client = SyncAPIClient(
            api_token=api_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            user_agent=user_agent,
            headers=headers,
            http_client=http_client,
            transport=transport,
            rate_limits=rate_limits,
        )

    # -- lifecycle -------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Client(base_url={str(self._client.base_url)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return self._client.settings()

    def __setstate__(self, settings: dict[str, Any]) -> None:
        self.__init__(**settings)  # type: ignore[misc]

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (unless it was passed in, or belongs to a parent client)."""
        self._client.close()

    @property
    def base_url(self) -> httpx.URL:
        return self._client.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._client.timeout

    @property
    def max_retries(self) -> int:
        return self._client.max_retries

    def with_options(
        self,
        *,
        api_token: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        user_agent: str | None = None,
    ) -> Client:
        """A client with some settings changed, sharing this one's connection pool (e.g. one
        per tenant token). Arguments left as None keep the current value.

        >>> tenant = client.with_options(api_token=tenant_token, timeout=5)  # doctest: +SKIP
        """
        clone = object.__new__(type(self))
        clone._client = self._client.copy(
            **_given(
                api_token=api_token,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                user_agent=user_agent,
            )
        )
        return clone

    @property
    def with_raw_response(self) -> Any:
        """``client.with_raw_response.predictions.get(id)`` returns a RawResponse whose
        ``.headers`` are the HTTP response's and ``.parse()`` the usual result."""
        return RawResponseProxy(self, is_async=False)

    def request(
        self,
        method: str | Mapping[str, Any],
        path: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Any:
        """Call any API operation, including one this SDK has no method for yet, with the
        client's auth, retries, timeouts, logging and typed errors. Returns the decoded JSON
        (None for an empty body, the text of a ``text/*`` body).

        Pass a method and a path relative to ``base_url``, or what a generated operation's
        ``build_request(...)`` returns (keywords then add to it, like ``extra_query``,
        ``extra_body`` and ``extra_headers``):

        >>> client.request("GET", "/account")["username"]  # doctest: +SKIP
        >>> from replicate_api.api.predictions import get  # doctest: +SKIP
        >>> client.request(get.build_request("abc123"))["status"]  # doctest: +SKIP
        """
        request = prepare_request(
            method, path, params=params, json=json, headers=headers, timeout=timeout
        )
        return decode_body(self._client.request(**request))

    # -- resources -------------------------------------------------------------------------

    @cached_property
    def predictions(self) -> Predictions:
        from ._sync.resources.predictions import Predictions

        return Predictions(self._client)

    @cached_property
    def models(self) -> Models:
        from ._sync.resources.models import Models

        return Models(self._client)

    @cached_property
    def deployments(self) -> Deployments:
        from ._sync.resources.deployments import Deployments

        return Deployments(self._client)

    @cached_property
    def trainings(self) -> Trainings:
        from ._sync.resources.trainings import Trainings

        return Trainings(self._client)

    @cached_property
    def hardware(self) -> HardwareResource:
        from ._sync.resources.hardware import HardwareResource

        return HardwareResource(self._client)

    @cached_property
    def collections(self) -> Collections:
        from ._sync.resources.collections import Collections

        return Collections(self._client)

    @cached_property
    def account(self) -> AccountResource:
        from ._sync.resources.account import AccountResource

        return AccountResource(self._client)

    @cached_property
    def files(self) -> Files:
        from ._sync.resources.files import Files

        return Files(self._client)

    @cached_property
    def webhooks(self) -> Webhooks:
        from ._sync.resources.webhooks import Webhooks

        return Webhooks(self._client)

    def stream(
        self,
        ref: Ref | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        deployment: DeploymentLike | None = None,
        prediction: Prediction | str | None = None,
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        file_encoding: FileEncoding = "auto",
        max_reconnects: int = 5,
        on_update: OnUpdate | None = None,
    ) -> Iterator[ServerSentEvent]:
        """Run a model with streaming and yield its server-sent events as they arrive.

        Or follow an existing prediction: ``stream(prediction=p_or_id)``. Output events print
        as their text; an ``error`` event raises ModelError; iteration ends after ``done``. A
        dropped stream resumes (Last-Event-ID), at most ``max_reconnects`` times in a row.
        ``on_update`` is called with the prediction once it is created (or fetched).

        >>> for event in client.stream("demo/stream", input={"prompt": "hi"}):  # doctest: +SKIP
        ...     print(event, end="")
        """
        from ._streaming import stream_run

        return stream_run(
            self,
            ref,
            input,
            deployment=deployment,
            prediction=prediction,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            file_encoding=file_encoding,
            max_reconnects=max_reconnects,
            on_update=on_update,
        )

    def use(self, ref: str) -> TypedModel:
        """A model as a validated callable (see docs/typed-models.md); its schema is fetched
        once per client.

        >>> hello = client.use("demo/hello")   # doctest: +SKIP
        >>> hello(name="Ada")                   # doctest: +SKIP
        'hello Ada'
        """
        from ._use import use

        return use(self, ref)

    @cached_property
    def _schemas(self) -> SchemaCache:
        from ._use import SchemaCache

        return SchemaCache()

    def search(
        self, query: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> SearchResult:
        """Search models, collections and docs."""
        from ._sync.resources.search import SearchResource

        return SearchResource(self._client)(query, limit=limit, **options)

    # -- run / wait / paginate -------------------------------------------------------------

    def run(
        self,
        ref: Ref | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        deployment: DeploymentLike | None = None,
        wait: bool | int = True,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        use_file_output: bool = True,
        file_encoding: FileEncoding = "auto",
        cancel_on_timeout: bool = False,
        on_update: OnUpdate | None = None,
    ) -> Any:
        """Run a model and return its output.

        ``ref`` is ``"owner/name"`` (official-model route), ``"owner/name:version"``, a
        version id, or a Model or Version the SDK returned; or pass ``deployment="owner/name"``
        (or a Deployment). ``on_update`` is called with the created prediction and each state
        polled while waiting. The prediction is created in sync mode
        (``Prefer: wait``) and then polled until it finishes. A failed prediction raises
        ModelError; after ``timeout`` seconds (30 minutes unless given; ``None`` waits without
        limit) WaitTimeoutError (with the prediction) is raised.
        Files in ``input`` are sent as data URIs or uploaded; file URLs in the output come back
        as FileOutput objects unless ``use_file_output=False``.

        >>> client.run("demo/hello", input={"name": "Ada"})   # doctest: +SKIP
        'hello Ada'
        """
        plan = plan_run(
            ref,
            deployment,
            input,
            wait=wait,
            timeout=timeout,
            file_encoding=file_encoding,
            webhook_events_filter=webhook_events_filter,
        )
        from ._files import encode_inputs, wrap_outputs
        from .resources.predictions import build_create_request

        encoded = encode_inputs(dict(input or {}), strategy=file_encoding, upload=self._upload)
        created_at = time.monotonic()
        prefer_wait = plan.prefer_wait_now()
        request = build_create_request(
            version=plan.version,
            model=plan.model,
            deployment=plan.deployment,
            input=encoded,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            prefer_wait=prefer_wait,
        )
        # Not sent when the timeout already ran out (uploads); cut off at the deadline.
        prediction = self.predictions._create(request, prefer_wait, with_grace(plan.deadline))
        if is_terminal(prediction.status):
            if on_update is not None:
                on_update(prediction)
        else:
            try:
                prediction = self.predictions.wait(
                    prediction,
                    timeout=plan.remaining(),
                    cancel_on_timeout=cancel_on_timeout,
                    already_waited=time.monotonic() - created_at if prefer_wait else 0.0,
                    on_update=on_update,
                )
            except (Exception, KeyboardInterrupt) as error:
                keep_prediction_id(error, prediction.id)
                raise
        output = output_of(prediction)
        return wrap_outputs(output, self._client) if use_file_output else output

    def run_many(
        self,
        ref: Ref | None,
        inputs: Iterable[Mapping[str, Any]],
        *,
        deployment: DeploymentLike | None = None,
        concurrency: int = _config.DEFAULT_BATCH_CONCURRENCY,
        journal: str | os.PathLike[str] | None = None,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        use_file_output: bool = True,
        file_encoding: FileEncoding = "auto",
        on_progress: OnProgress | None = None,
    ) -> Generator[BatchResult, None, None]:
        """Run a model once per input, at most ``concurrency`` at a time (in threads), and
        yield a :class:`BatchResult` per input as each finishes (not in input order). A
        failing input is a result with ``error`` set; it never stops the others.

        With ``journal=path`` every created prediction id is recorded at once (fsynced): a
        rerun with the same inputs after a crash re-attaches to those predictions instead of
        creating them again; other inputs raise JournalMismatchError. ``timeout`` applies per
        input; ``on_progress`` gets a BatchProgress on every change. See docs/batch.md.

        >>> inputs = [{"name": name} for name in ("Ada", "Grace")]   # doctest: +SKIP
        >>> for result in client.run_many("demo/hello", inputs, concurrency=4):  # doctest: +SKIP
        ...     print(result.index, result.output)
        """
        from ._batch_runner import prepare, run_many_threads

        options, tasks, journal_file = prepare(
            ref,
            inputs,
            deployment=deployment,
            concurrency=concurrency,
            journal=journal,
            timeout=timeout,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            use_file_output=use_file_output,
            file_encoding=file_encoding,
        )
        return run_many_threads(self, options, tasks, journal_file, concurrency, on_progress)

    def wait(
        self,
        prediction: Prediction | str,
        *,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        cancel_on_timeout: bool = False,
        on_update: OnUpdate | None = None,
    ) -> Prediction:
        """Poll a prediction (or id) until succeeded, failed, canceled or aborted.

        WaitTimeoutError (carrying the last state) after ``timeout`` seconds (30 minutes unless
        given; ``None`` waits without limit); with ``cancel_on_timeout`` the prediction is
        canceled first. ``on_update`` is called with the starting state and each polled one.

        >>> client.wait(p, on_update=lambda p: print(p.status))  # doctest: +SKIP
        """
        return self.predictions.wait(
            prediction, timeout=timeout, cancel_on_timeout=cancel_on_timeout, on_update=on_update
        )

    def paginate(self, source: Page[T] | Callable[[], Page[T]]) -> Iterator[T]:
        """Every item of a list call or page, fetching following pages lazily.

        >>> for p in client.paginate(client.predictions.list): ...   # doctest: +SKIP
        """
        return _paginate(source)

    def wrap_outputs(self, output: Any) -> Any:
        """Replace file URLs anywhere in a prediction's output by FileOutput objects that fetch
        through this client (what ``run()`` returns unless ``use_file_output=False``).

        >>> prediction = client.predictions.get("abc")   # doctest: +SKIP
        >>> client.wrap_outputs(prediction.output).save("out.png")   # doctest: +SKIP
        """
        from ._files import wrap_outputs

        return wrap_outputs(output, self._client)

    def _upload(self, source: FileSource) -> str:
        """Upload one input file and return the URL to pass as input."""
        return _file_url(
            self.files.create(
                source.content, filename=source.filename, content_type=source.content_type
            )
        )


class AsyncClient:
    """The asyncio twin of :class:`Client`: same surface, ``async def`` methods and ``async
    for`` pagination.

    >>> async with replicate_ext.AsyncClient() as client:   # doctest: +SKIP
    ...     greeting = await client.run("demo/hello", input={"name": "Ada"})
    """

    _client: AsyncAPIClient

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        user_agent: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        self._client = AsyncAPIClient(
            api_token=api_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            user_agent=user_agent,
            headers=headers,
            http_client=http_client,
            transport=transport,
            rate_limits=rate_limits,
        )

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={str(self._client.base_url)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return self._client.settings()

    def __setstate__(self, settings: dict[str, Any]) -> None:
        self.__init__(**settings)  # type: ignore[misc]

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._client.close()

    @property
    def base_url(self) -> httpx.URL:
        return self._client.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._client.timeout

    @property
    def max_retries(self) -> int:
        return self._client.max_retries

    def with_options(
        self,
        *,
        api_token: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        user_agent: str | None = None,
    ) -> AsyncClient:
        """See :meth:`Client.with_options`."""
        clone = object.__new__(type(self))
        clone._client = self._client.copy(
            **_given(
                api_token=api_token,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                user_agent=user_agent,
            )
        )
        return clone

    @property
    def with_raw_response(self) -> Any:
        """See :attr:`Client.with_raw_response` (the wrapped methods are awaited)."""
        return RawResponseProxy(self, is_async=True)

    async def request(
        self,
        method: str | Mapping[str, Any],
        path: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Any:
        """See :meth:`Client.request`: ``await client.request(get.build_request("abc"))``."""
        request = prepare_request(
            method, path, params=params, json=json, headers=headers, timeout=timeout
        )
        return decode_body(await self._client.request(**request))

    @cached_property
    def predictions(self) -> AsyncPredictions:
        from ._async.resources.predictions import AsyncPredictions

        return AsyncPredictions(self._client)

    @cached_property
    def models(self) -> AsyncModels:
        from ._async.resources.models import AsyncModels

        return AsyncModels(self._client)

    @cached_property
    def deployments(self) -> AsyncDeployments:
        from ._async.resources.deployments import AsyncDeployments

        return AsyncDeployments(self._client)

    @cached_property
    def trainings(self) -> AsyncTrainings:
        from ._async.resources.trainings import AsyncTrainings

        return AsyncTrainings(self._client)

    @cached_property
    def hardware(self) -> AsyncHardwareResource:
        from ._async.resources.hardware import AsyncHardwareResource

        return AsyncHardwareResource(self._client)

    @cached_property
    def collections(self) -> AsyncCollections:
        from ._async.resources.collections import AsyncCollections

        return AsyncCollections(self._client)

    @cached_property
    def account(self) -> AsyncAccountResource:
        from ._async.resources.account import AsyncAccountResource

        return AsyncAccountResource(self._client)

    @cached_property
    def files(self) -> AsyncFiles:
        from ._async.resources.files import AsyncFiles

        return AsyncFiles(self._client)

    @cached_property
    def webhooks(self) -> AsyncWebhooks:
        from ._async.resources.webhooks import AsyncWebhooks

        return AsyncWebhooks(self._client)

    def stream(
        self,
        ref: Ref | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        deployment: DeploymentLike | None = None,
        prediction: Prediction | str | None = None,
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        file_encoding: FileEncoding = "auto",
        max_reconnects: int = 5,
        on_update: OnUpdate | None = None,
    ) -> AsyncIterator[ServerSentEvent]:
        """See :meth:`Client.stream`: ``async for event in client.stream(...)``."""
        from ._streaming import stream_run_async

        return stream_run_async(
            self,
            ref,
            input,
            deployment=deployment,
            prediction=prediction,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            file_encoding=file_encoding,
            max_reconnects=max_reconnects,
            on_update=on_update,
        )

    async def use(self, ref: str) -> AsyncTypedModel:
        """See :meth:`Client.use`: ``model = await client.use(ref)``, then ``await model(...)``."""
        from ._use import use_async

        return await use_async(self, ref)

    @cached_property
    def _schemas(self) -> SchemaCache:
        from ._use import SchemaCache

        return SchemaCache()

    async def search(
        self, query: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> SearchResult:
        from ._async.resources.search import AsyncSearchResource

        return await AsyncSearchResource(self._client)(query, limit=limit, **options)

    async def run(
        self,
        ref: Ref | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        deployment: DeploymentLike | None = None,
        wait: bool | int = True,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        use_file_output: bool = True,
        file_encoding: FileEncoding = "auto",
        cancel_on_timeout: bool = False,
        on_update: OnUpdate | None = None,
    ) -> Any:
        """See :meth:`Client.run`; file outputs come back as AsyncFileOutput."""
        plan = plan_run(
            ref,
            deployment,
            input,
            wait=wait,
            timeout=timeout,
            file_encoding=file_encoding,
            webhook_events_filter=webhook_events_filter,
        )
        from ._files import encode_inputs_async, wrap_outputs_async
        from .resources.predictions import build_create_request

        encoded = await encode_inputs_async(
            dict(input or {}), strategy=file_encoding, upload=self._upload
        )
        created_at = time.monotonic()
        prefer_wait = plan.prefer_wait_now()
        request = build_create_request(
            version=plan.version,
            model=plan.model,
            deployment=plan.deployment,
            input=encoded,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            prefer_wait=prefer_wait,
        )
        # Not sent when the timeout already ran out (uploads); cut off at the deadline.
        prediction = await self.predictions._create(request, prefer_wait, with_grace(plan.deadline))
        if is_terminal(prediction.status):
            if on_update is not None:
                from ._io import call_hook_async

                await call_hook_async(on_update, prediction)
        else:
            try:
                prediction = await self.predictions.wait(
                    prediction,
                    timeout=plan.remaining(),
                    cancel_on_timeout=cancel_on_timeout,
                    already_waited=time.monotonic() - created_at if prefer_wait else 0.0,
                    on_update=on_update,
                )
            except (Exception, KeyboardInterrupt) as error:
                keep_prediction_id(error, prediction.id)
                raise
        output = output_of(prediction)
        return wrap_outputs_async(output, self._client) if use_file_output else output

    def run_many(
        self,
        ref: Ref | None,
        inputs: Iterable[Mapping[str, Any]],
        *,
        deployment: DeploymentLike | None = None,
        concurrency: int = _config.DEFAULT_BATCH_CONCURRENCY,
        journal: str | os.PathLike[str] | None = None,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        use_file_output: bool = True,
        file_encoding: FileEncoding = "auto",
        on_progress: OnProgress | None = None,
    ) -> AsyncGenerator[BatchResult, None]:
        """See :meth:`Client.run_many`: ``async for result in client.run_many(...)``; the
        inputs run as asyncio tasks."""
        from ._batch_runner import prepare, run_many_tasks

        options, tasks, journal_file = prepare(
            ref,
            inputs,
            deployment=deployment,
            concurrency=concurrency,
            journal=journal,
            timeout=timeout,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            use_file_output=use_file_output,
            file_encoding=file_encoding,
        )
        return run_many_tasks(self, options, tasks, journal_file, concurrency, on_progress)

    async def wait(
        self,
        prediction: Prediction | str,
        *,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        cancel_on_timeout: bool = False,
        on_update: OnUpdate | None = None,
    ) -> Prediction:
        """See :meth:`Client.wait` (``on_update`` may also be an async function)."""
        return await self.predictions.wait(
            prediction, timeout=timeout, cancel_on_timeout=cancel_on_timeout, on_update=on_update
        )

    def paginate(self, source: AsyncPage[T] | ListCall[T]) -> AsyncIterator[T]:
        """``async for item in client.paginate(client.models.list)``."""
        return apaginate(source)

    def wrap_outputs(self, output: Any) -> Any:
        """Replace file URLs anywhere in a prediction's output by AsyncFileOutput objects that
        fetch through this client (what ``run()`` returns unless ``use_file_output=False``)."""
        from ._files import wrap_outputs_async

        return wrap_outputs_async(output, self._client)

    async def _upload(self, source: FileSource) -> str:
        return _file_url(
            await self.files.create(
                source.content, filename=source.filename, content_type=source.content_type
            )
        )


# -- module-level functions over a lazily created default client ------------------------------

_default: Client | None = None
_default_lock = threading.Lock()


def default_client() -> Client:
    """The client behind ``replicate_ext.run`` & co, created on first use from the
    environment."""
    global _default
    client = _default
    if client is None:
        with _default_lock:
            if _default is None:
                _default = Client()
            client = _default
    return client


def run(
    ref: Ref | None = None,
    input: Mapping[str, Any] | None = None,
    *,
    deployment: DeploymentLike | None = None,
    wait: bool | int = True,
    timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
    webhook: str | None = None,
    webhook_events_filter: Sequence[str] | None = None,
    use_file_output: bool = True,
    file_encoding: FileEncoding = "auto",
    cancel_on_timeout: bool = False,
    on_update: OnUpdate | None = None,
) -> Any:
    """:meth:`Client.run` on the default client (configured from the environment).

    >>> replicate_ext.run("demo/hello", input={"name": "Ada"})   # doctest: +SKIP
    """
    return default_client().run(
        ref,
        input,
        deployment=deployment,
        wait=wait,
        timeout=timeout,
        webhook=webhook,
        webhook_events_filter=webhook_events_filter,
        use_file_output=use_file_output,
        file_encoding=file_encoding,
        cancel_on_timeout=cancel_on_timeout,
        on_update=on_update,
    )


def stream(
    ref: str | None = None,
    input: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Iterator[ServerSentEvent]:
    """:meth:`Client.stream` on the default client.

    >>> for event in replicate_ext.stream("demo/stream", input={"prompt": "hi"}):  # doctest: +SKIP
    ...     print(event, end="")
    """
    return default_client().stream(ref, input, **kwargs)


def paginate(source: Page[T] | Callable[[], Page[T]]) -> Iterator[T]:
    """Every item of a list call or page, lazily (see :meth:`Client.paginate`)."""
    return _paginate(source)
