"""Public typed objects returned by the client.

Frozen attrs classes parsed straight from the API's JSON: absent or null fields are ``None``,
timestamps are timezone-aware datetimes, and fields this version does not know are kept in
``extra`` so nothing the server sends is lost. The declarations are generated from openapi.yaml
(``_generated.py``, by ``make generate``); methods such as ``Prediction.is_terminal`` are
hand-written in ``_behaviour.py``.

>>> p = Prediction.from_dict(
...     {"id": "abc", "status": "starting", "created_at": "2024-01-01T00:00:00.123456789Z"}
... )
>>> p.status, p.created_at.year, p.output
('starting', 2024, None)
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .._pagination import AsyncPage, Page

if TYPE_CHECKING:
    from ._behaviour import APIObject as APIObject
    from ._generated import *  # noqa: F403  (a schema made public in openapi.yaml is public here)
    from ._generated import __all__ as _generated_names
    from ._parse import parse_datetime as parse_datetime

    __all__ = ["APIObject", "AsyncPage", "Page", *_generated_names]


def __getattr__(name: str) -> Any:
    """Load the classes on first use: creating them is most of what `import replicate_ext`
    would otherwise cost (tests/client/test_import.py)."""
    if name.startswith("_") and name != "__all__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    generated = import_module("._generated", __name__)
    loaded: dict[str, Any] = {name: getattr(generated, name) for name in generated.__all__}
    loaded["APIObject"] = import_module("._behaviour", __name__).APIObject
    loaded["parse_datetime"] = import_module("._parse", __name__).parse_datetime
    loaded["__all__"] = ["APIObject", "AsyncPage", "Page", *generated.__all__]
    globals().update(loaded)
    _show_as_public(generated.__all__)
    if name not in loaded:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return loaded[name]


def _show_as_public(names: list[str]) -> None:
    """Give the classes replicate_ext also exports their public name there (``replicate_ext.
    Prediction`` in reprs), whichever module touched them first."""
    package = import_module(__name__.rpartition(".")[0])
    for name in names:
        if name in package.__all__:
            getattr(package, name)
