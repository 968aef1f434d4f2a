"""replicate_ext: a typed, fast, hang-proof Python SDK for the Replicate HTTP API.

>>> import replicate_ext
>>> output = replicate_ext.run("demo/hello", input={"name": "Ada"})   # doctest: +SKIP
"""

import ast
import inspect
import sys
import typing
from typing import TYPE_CHECKING, Any

from ._client import AsyncClient, Client, default_client, paginate, run, stream
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseDecodeError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MissingAPITokenError,
    ModelError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReplicateError,
    UnprocessableEntityError,
    WaitTimeoutError,
)
from ._options import RequestOptions
from ._pagination import AsyncPage, Page, apaginate
from ._raw_response import RawResponse, async_with_raw_response, with_raw_response
from ._version import __version__

if TYPE_CHECKING:
    from . import webhooks
    from ._batch import BatchProgress, BatchResult
    from ._files import AsyncFileOutput, FileOutput
    from ._journal import JournalMismatchError
    from ._ratelimit import RateLimits
    from ._schema import InputValidationError
    from ._streaming import ServerSentEvent, StreamUnavailableError
    from ._use import AsyncTypedModel, TypedModel
    from .types import (
        Account,
        Collection,
        Deployment,
        File,
        Hardware,
        Model,
        Prediction,
        SearchResult,
        Training,
        Version,
    )

# Loaded on first access: file handling is not needed to import the package, and creating the
# value classes costs more than the rest of the package together (the first response needs them).
_LAZY = {
    **dict.fromkeys(
        [
            "Account",
            "Collection",
            "Deployment",
            "File",
            "Hardware",
            "Model",
            "Prediction",
            "SearchResult",
            "Training",
            "Version",
        ],
        ".types",
    ),
    "FileOutput": "._files",
    "AsyncFileOutput": "._files",
    "ServerSentEvent": "._streaming",
    "StreamUnavailableError": "._streaming",
    "webhooks": ".webhooks",
    "InputValidationError": "._schema",
    "TypedModel": "._use",
    "AsyncTypedModel": "._use",
    "BatchResult": "._batch",
    "BatchProgress": "._batch",
    "JournalMismatchError": "._journal",
    "RateLimits": "._ratelimit",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    imported = import_module(module, __name__)
    value = imported if name == "webhooks" else _shown_as_public(getattr(imported, name))
    globals()[name] = value
    return value


def _shown_as_public(value: Any) -> Any:
    """Make reprs and tracebacks say ``replicate_ext.NotFoundError``, the name users import,
    rather than the private module it is defined in (as httpx does).

    A class's string annotations are resolved in the module named by ``__module__``, so they
    are resolved first, where they were written; a class whose annotations need names that
    exist only for type checkers keeps its module, so ``typing.get_type_hints`` never breaks.
    """
    if isinstance(value, type):
        own = inspect.get_annotations(value)
        if not all(_means_the_same_here(annotation, value) for annotation in own.values()):
            try:
                resolved = typing.get_type_hints(value, include_extras=True)
            except NameError:
                return value
            value.__annotations__ = {name: resolved[name] for name in own if name in resolved}
        value.__module__ = __name__
    elif callable(value):
        value.__module__ = __name__
    return value


def _means_the_same_here(annotation: object, owner: type) -> bool:
    """Whether a string annotation's names are the same objects in this module as where it was
    written, so it resolves here unchanged. ``types.Prediction`` (the lazily loaded
    ``replicate_ext.types``) then stays unresolved until someone asks, instead of loading now."""
    if not isinstance(annotation, str):
        return True
    written_in = vars(sys.modules[owner.__module__])
    here = globals()
    try:
        tree = ast.parse(annotation, mode="eval")
    except SyntaxError:
        return False
    return all(
        node.id in here and written_in.get(node.id) is here[node.id]
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
    )


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseDecodeError",
    "APITimeoutError",
    "Account",
    "AsyncClient",
    "AsyncFileOutput",
    "AsyncPage",
    "AsyncTypedModel",
    "AuthenticationError",
    "BadRequestError",
    "BatchProgress",
    "BatchResult",
    "Client",
    "Collection",
    "ConflictError",
    "Deployment",
    "File",
    "FileOutput",
    "Hardware",
    "InputValidationError",
    "InternalServerError",
    "JournalMismatchError",
    "MissingAPITokenError",
    "Model",
    "ModelError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "Prediction",
    "RateLimitError",
    "RateLimits",
    "RawResponse",
    "ReplicateError",
    "RequestOptions",
    "SearchResult",
    "ServerSentEvent",
    "StreamUnavailableError",
    "Training",
    "TypedModel",
    "UnprocessableEntityError",
    "Version",
    "WaitTimeoutError",
    "__version__",
    "apaginate",
    "async_with_raw_response",
    "default_client",
    "paginate",
    "run",
    "stream",
    "webhooks",
    "with_raw_response",
]

for _name in __all__:
    if _name in globals() and _name not in ("webhooks", "__version__"):
        _shown_as_public(globals()[_name])
del _name
