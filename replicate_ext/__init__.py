"""replicate_ext: a typed, fast, hang-proof Python SDK for the Replicate HTTP API."""

from ._version import __version__

__all__ = ["__version__"]
