"""The public client, written once: ``AsyncClient`` here, ``Client`` generated from it.

Each client holds a base client (``_client``) that owns the connection pool, auth, timeouts,
retries and tracing. Resources are created on first access (their modules import the generated
bindings, which ``import replicate_ext`` must not pay for).
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, Unpack

import httpx

from .. import _config
from .._deadline import with_grace
from .._errors import keep_prediction_id
from .._io import call_hook_async
from .._options import RequestOptions, decode_body, prepare_request
from .._raw_response import RawResponseProxy
from .._refs import DeploymentLike, Ref
from .._run import output_of, plan_run
from .._tracing import PredictionSpan
from .._wait import DEFAULT_POLLS_PER_MINUTE, DEFAULT_PREDICTION_TIMEOUT, is_terminal
from .api_client import AsyncAPIClient
from .pagination import AsyncPage, ListCall, apaginate

# Imported where used, not here: file handling, streaming and the generated bindings are not
# needed to import replicate_ext.
if TYPE_CHECKING:
    from .._batch import BatchResult, OnProgress
    from .._files import FileEncoding
    from .._ratelimit import RateLimits
    from .._streaming import ServerSentEvent
    from .._use import AsyncTypedModel, SchemaCache
    from ..types import Prediction, SearchResult
    from .resources.account import AsyncAccountResource
    from .resources.collections import AsyncCollections
    from .resources.deployments import AsyncDeployments
    from .resources.files import AsyncFiles
    from .resources.hardware import AsyncHardwareResource
    from .resources.models import AsyncModels
    from .resources.predictions import AsyncPredictions
    from .resources.trainings import AsyncTrainings
    from .resources.webhooks import AsyncWebhooks

__all__ = ["AsyncClient", "OnUpdate"]

T = TypeVar("T")
# A progress hook: called with each state of the prediction seen while waiting.
OnUpdate: TypeAlias = "Callable[[Prediction], object]"


class AsyncClient:
    """A Replicate client. Use one per application: the sync ``Client`` is thread-safe, the
    ``AsyncClient`` (the same surface with ``async def`` methods) safe to share between tasks.

    >>> async with replicate_ext.AsyncClient() as client:   # doctest: +SKIP
    ...     greeting = await client.run("demo/hello", input={"name": "Ada"})

    ``api_token`` defaults to ``$REPLICATE_API_TOKEN``, ``base_url`` to ``$REPLICATE_BASE_URL`` or
    the public API. ``timeout`` (seconds or an httpx.Timeout) is always finite. Pass
    ``http_client`` or ``transport`` to bring your own httpx pieces; auth, timeouts and retries
    stay ours. ``rate_limits=RateLimits()`` paces requests under the API's per-minute limits
    and pauses the whole client after a 429. Waits share one budget of ``polls_per_minute``
    status polls (waits that follow an event stream need none).

    A client pickles (for process pools, Dask or Ray workers) as its settings: the API token
    travels with it, the connection pool does not (each process opens its own, as a forked
    child does on its first request). One built with its own ``http_client`` or ``transport``
    does not pickle.
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
        polls_per_minute: float = DEFAULT_POLLS_PER_MINUTE,
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
            polls_per_minute=polls_per_minute,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self._client.base_url)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return self._client.settings()

    def __setstate__(self, settings: dict[str, Any]) -> None:
        self.__init__(**settings)  # type: ignore[misc]

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in, or belongs to a parent client)."""
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
        """A client with some settings changed, sharing this one's connection pool (e.g. one
        per tenant token). Arguments left as None keep the current value.

        >>> tenant = client.with_options(api_token=tenant_token, timeout=5)  # doctest: +SKIP
        """
        clone = object.__new__(type(self))
        clone._client = self._client.copy(
            api_token=api_token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            user_agent=user_agent,
        )
        return clone

    @property
    def with_raw_response(self) -> Any:
        """``client.with_raw_response.predictions.get(id)`` returns a RawResponse whose
        ``.headers`` are the HTTP response's and ``.parse()`` the usual result."""
        return RawResponseProxy(self)

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
        """Call any API operation, including one this SDK has no method for yet, with the
        client's auth, retries, timeouts, logging and typed errors. Returns the decoded JSON
        (None for an empty body, the text of a ``text/*`` body).

        Pass a method and a path relative to ``base_url``, or what a generated operation's
        ``build_request(...)`` returns (keywords then add to it, like ``extra_query``,
        ``extra_body`` and ``extra_headers``):

        >>> await client.request("GET", "/account")["username"]  # doctest: +SKIP
        >>> from replicate_api.api.predictions import get  # doctest: +SKIP
        >>> await client.request(get.build_request("abc123"))["status"]  # doctest: +SKIP
        """
        request = prepare_request(
            method, path, params=params, json=json, headers=headers, timeout=timeout
        )
        return decode_body(await self._client.request(**request))

    @cached_property
    def predictions(self) -> AsyncPredictions:
        from .resources.predictions import AsyncPredictions

        return AsyncPredictions(self._client)

    @cached_property
    def models(self) -> AsyncModels:
        from .resources.models import AsyncModels

        return AsyncModels(self._client)

    @cached_property
    def deployments(self) -> AsyncDeployments:
        from .resources.deployments import AsyncDeployments

        return AsyncDeployments(self._client)

    @cached_property
    def trainings(self) -> AsyncTrainings:
        from .resources.trainings import AsyncTrainings

        return AsyncTrainings(self._client)

    @cached_property
    def hardware(self) -> AsyncHardwareResource:
        from .resources.hardware import AsyncHardwareResource

        return AsyncHardwareResource(self._client)

    @cached_property
    def collections(self) -> AsyncCollections:
        from .resources.collections import AsyncCollections

        return AsyncCollections(self._client)

    @cached_property
    def account(self) -> AsyncAccountResource:
        from .resources.account import AsyncAccountResource

        return AsyncAccountResource(self._client)

    @cached_property
    def files(self) -> AsyncFiles:
        from .resources.files import AsyncFiles

        return AsyncFiles(self._client)

    @cached_property
    def webhooks(self) -> AsyncWebhooks:
        from .resources.webhooks import AsyncWebhooks

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
        """Run a model with streaming and yield its server-sent events as they arrive.

        Or follow an existing prediction: ``stream(prediction=p_or_id)``. Output events print
        as their text; an ``error`` event raises ModelError; iteration ends after ``done``. A
        dropped stream resumes (Last-Event-ID), at most ``max_reconnects`` times in a row.
        ``on_update`` is called with the prediction once it is created (or fetched).

        >>> async for event in client.stream("demo/stream", {"prompt": "hi"}):  # doctest: +SKIP
        ...     print(event, end="")
        """
        from .._streaming import plan_stream

        plan = plan_stream(
            ref, input, deployment, prediction, file_encoding, webhook_events_filter, max_reconnects
        )
        from .streaming import follow_stream_async

        return follow_stream_async(
            plan,
            predictions=self.predictions,
            requester=self._client,
            upload=self.files.upload_input,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            file_encoding=file_encoding,
            on_update=on_update,
        )

    async def use(self, ref: str) -> AsyncTypedModel:
        """A model as a validated callable (see docs/typed-models.md); its schema is fetched
        once per client.

        >>> hello = await client.use("demo/hello")   # doctest: +SKIP
        >>> await hello(name="Ada")             # doctest: +SKIP
        'hello Ada'
        """
        from .._use import use_async

        return await use_async(self, ref)

    @cached_property
    def schema_cache(self) -> SchemaCache:
        """The model schemas ``use()`` and generated modules fetched through this client, each
        fetched once (``TypedModel.refresh()`` fetches again)."""
        from .._use import SchemaCache

        return SchemaCache()

    async def search(
        self, query: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> SearchResult:
        """Search models, collections and docs."""
        from .resources.search import AsyncSearchResource

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

        >>> await client.run("demo/hello", input={"name": "Ada"})   # doctest: +SKIP
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
        from ..resources.predictions import build_create_request
        from .files import encode_inputs_async, wrap_outputs_async

        with PredictionSpan(self._client.tracer, "run", plan.label) as lifecycle:
            hook = lifecycle.watching(on_update)
            encoded = await encode_inputs_async(
                dict(input or {}), strategy=file_encoding, upload=self.files.upload_input
            )
            created_at = time.monotonic()
            prefer_wait = plan.prefer_wait_now()
            request = build_create_request(
                **plan.target,
                input=encoded,
                webhook=webhook,
                webhook_events_filter=webhook_events_filter,
                prefer_wait=prefer_wait,
            )
            # Not sent when the timeout already ran out (uploads); cut off at the deadline.
            deadline = with_grace(plan.deadline)
            prediction = await self.predictions._create(request, prefer_wait, deadline)
            if is_terminal(prediction.status):
                await call_hook_async(hook, prediction)
            else:
                try:
                    prediction = await self.predictions.wait(
                        prediction,
                        timeout=plan.remaining(),
                        cancel_on_timeout=cancel_on_timeout,
                        already_waited=time.monotonic() - created_at if prefer_wait else 0.0,
                        on_update=hook,
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
        """Run a model once per input, at most ``concurrency`` at a time (threads for the sync
        client, tasks for the async one), and
        yield a :class:`BatchResult` per input as each finishes (not in input order). A
        failing input is a result with ``error`` set; it never stops the others.

        With ``journal=path`` every created prediction id is recorded at once (fsynced): a
        rerun with the same inputs after a crash re-attaches to those predictions instead of
        creating them again; other inputs raise JournalMismatchError. ``timeout`` applies per
        input; ``on_progress`` gets a BatchProgress on every change. See docs/batch.md.

        >>> inputs = [{"name": name} for name in ("Ada", "Grace")]   # doctest: +SKIP
        >>> async for result in client.run_many("demo/hello", inputs):  # doctest: +SKIP
        ...     print(result.index, result.output)
        """
        from .._batch_runner import prepare, run_many_tasks

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
        min_poll_interval: float | None = None,
    ) -> Prediction:
        """Wait until a prediction (or id) is succeeded, failed, canceled or aborted: through its
        event stream when it offers one, else by polling (``min_poll_interval`` keeps polls at
        least that many seconds apart).

        WaitTimeoutError (carrying the last state) after ``timeout`` seconds (30 minutes unless
        given; ``None`` waits without limit); with ``cancel_on_timeout`` the prediction is
        canceled first. ``on_update`` is called with the starting state and each polled one.

        >>> await client.wait(p, on_update=lambda p: print(p.status))  # doctest: +SKIP
        """
        with PredictionSpan(self._client.tracer, "wait", None) as lifecycle:
            return await self.predictions.wait(
                prediction,
                timeout=timeout,
                cancel_on_timeout=cancel_on_timeout,
                on_update=lifecycle.watching(on_update),
                min_poll_interval=min_poll_interval,
            )

    def paginate(self, source: AsyncPage[T] | ListCall[T]) -> AsyncIterator[T]:
        """``async for item in client.paginate(client.models.list)``."""
        return apaginate(source)

    def wrap_outputs(self, output: Any) -> Any:
        """Replace file URLs anywhere in a prediction's output by file output objects that
        fetch through this client (what ``run()`` returns unless ``use_file_output=False``)."""
        from .files import wrap_outputs_async

        return wrap_outputs_async(output, self._client)
