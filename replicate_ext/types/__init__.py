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

from .._pagination import AsyncPage, Page
from ._behaviour import APIObject
from ._generated import *  # noqa: F403  (a schema made public in openapi.yaml is public here)
from ._generated import __all__ as _generated_names
from ._parse import parse_datetime as parse_datetime

__all__ = ["APIObject", "AsyncPage", "Page", *_generated_names]
