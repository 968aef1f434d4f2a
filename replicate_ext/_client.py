"""``Client`` and ``AsyncClient`` (written once in ``_async/client.py``, the sync one
generated), and the module-level functions over a lazily created default client."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ._async.client import AsyncClient, OnUpdate
from ._sync.client import Client
from ._sync.pagination import ListCall, Page
from ._sync.pagination import paginate as _paginate
from ._wait import DEFAULT_PREDICTION_TIMEOUT

if TYPE_CHECKING:
    from ._files import FileEncoding
    from ._refs import DeploymentLike, Ref
    from ._streaming import ServerSentEvent

__all__ = ["AsyncClient", "Client", "OnUpdate", "default_client", "paginate", "run", "stream"]

T = TypeVar("T")


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


def paginate(source: Page[T] | ListCall[T]) -> Iterator[T]:
    """Every item of a list call or page, lazily (see :meth:`Client.paginate`)."""
    return _paginate(source)
