"""The local Replicate-compatible server: the API under ``/v1`` with demo models, your own
Python functions as models, SQLite state and fault injection.

    >>> from replicate_ext.local import LocalServer
    >>> with LocalServer() as server:
    ...     print(server.base_url)
    http://127.0.0.1:54321/v1

Needs the ``server`` extra (``pip install 'replicate-ext[server]'``); importing this package
does not import the server libraries, starting a server does.
"""

from .demo_models import demo_models
from .faults import Fault, FaultInjector
from .models import LocalModel, ModelFailure, RunContext, function_model, predictor_model
from .server import LocalServer

__all__ = [
    "Fault",
    "FaultInjector",
    "LocalModel",
    "LocalServer",
    "ModelFailure",
    "RunContext",
    "demo_models",
    "function_model",
    "predictor_model",
]
