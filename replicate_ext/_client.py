"""``Client`` and ``AsyncClient`` (written once in ``_async/client.py``, the sync one
generated), and the module-level functions over a lazily created default client."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Concatenate, ParamSpec, TypeVar

from ._async.client import AsyncClient, OnUpdate
from ._sync.client import Client
from ._sync.pagination import ListCall, Page
from ._sync.pagination import paginate as _paginate

__all__ = ["AsyncClient", "Client", "OnUpdate", "default_client", "paginate", "run", "stream"]

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


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


def _on_default_client(method: Callable[Concatenate[Client, P], R]) -> Callable[P, R]:
    """A module-level function calling ``method`` on the default client: its signature is the
    method's own, declared once."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return method(default_client(), *args, **kwargs)

    parameters = list(inspect.signature(method).parameters.values())[1:]  # without self
    call.__signature__ = inspect.signature(method).replace(parameters=parameters)  # type: ignore[attr-defined]
    call.__name__ = call.__qualname__ = method.__name__
    call.__doc__ = f"On the default client (configured from the environment): {method.__doc__}"
    return call


run = _on_default_client(Client.run)
stream = _on_default_client(Client.stream)


def paginate(source: Page[T] | ListCall[T]) -> Iterator[T]:
    """Every item of a list call or page, lazily (see :meth:`Client.paginate`)."""
    return _paginate(source)
