"""Pure parsing of model references into API routes.

- ``"owner/name"``            → the official-model route ``POST /models/owner/name/predictions``
- ``"owner/name:version"``    → ``POST /predictions`` with that version
- ``"<version id>"``          → ``POST /predictions`` with that version (64-hex or ids like
  ``dp-…``)
- deployment ``"owner/name"`` → ``POST /deployments/owner/name/predictions``

Malformed references raise ValueError, before any request is made.
"""

from __future__ import annotations

import re

import attrs

# Owners and model names: letters, digits, "-", "_" and "." (not leading "." or "-").
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,139}"
_VERSION = r"[A-Za-z0-9][A-Za-z0-9_\-]{0,127}"
_OWNER_NAME_RE = re.compile(rf"({_NAME})/({_NAME})")
_VERSIONED_RE = re.compile(rf"({_NAME})/({_NAME}):({_VERSION})")
_VERSION_RE = re.compile(_VERSION)
# A bare string without "/" is only taken as a version id when it looks like one: the usual
# 64-hex id, or a longer prefixed id such as "dp-…". A short word like "flux" is a mistake.
_BARE_VERSION_RE = re.compile(
    r"[0-9a-f]{64}|[a-z]{1,8}-[A-Za-z0-9]{16,120}|(?=\D*\d)[A-Za-z0-9]{16,128}"
)


@attrs.frozen
class ModelRef:
    """An ``owner/name`` model, run through the official-model route."""

    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"


@attrs.frozen
class VersionRef:
    """A specific version, optionally with the model it belongs to."""

    id: str
    owner: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        if self.owner is None:
            return self.id
        return f"{self.owner}/{self.name}:{self.id}"


@attrs.frozen
class DeploymentRef:
    """An ``owner/name`` deployment."""

    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__}")
    return value


def parse_ref(ref: str) -> ModelRef | VersionRef:
    """Parse what ``run()`` accepts as a model reference.

    >>> parse_ref("demo/hello")
    ModelRef(owner='demo', name='hello')
    """
    ref = _require_str(ref, "model reference")
    if m := _VERSIONED_RE.fullmatch(ref):
        return VersionRef(id=m.group(3), owner=m.group(1), name=m.group(2))
    if m := _OWNER_NAME_RE.fullmatch(ref):
        return ModelRef(owner=m.group(1), name=m.group(2))
    if _BARE_VERSION_RE.fullmatch(ref):
        return VersionRef(id=ref)
    raise ValueError(
        f"invalid model reference {ref!r}: expected 'owner/name', 'owner/name:version' "
        "or a version id"
    )


def parse_model_name(model: str) -> tuple[str, str]:
    """Split ``"owner/name"`` (no version) into its parts."""
    model = _require_str(model, "model")
    if m := _OWNER_NAME_RE.fullmatch(model):
        return m.group(1), m.group(2)
    raise ValueError(f"invalid model name {model!r}: expected 'owner/name'")


def parse_versioned_model(ref: str) -> VersionRef:
    """``"owner/name:version"`` with all three parts (e.g. what a training starts from)."""
    ref = _require_str(ref, "model version reference")
    if m := _VERSIONED_RE.fullmatch(ref):
        return VersionRef(id=m.group(3), owner=m.group(1), name=m.group(2))
    raise ValueError(f"invalid model version reference {ref!r}: expected 'owner/name:version'")


def parse_deployment(deployment: str) -> DeploymentRef:
    """Parse a deployment ``"owner/name"``."""
    deployment = _require_str(deployment, "deployment")
    if m := _OWNER_NAME_RE.fullmatch(deployment):
        return DeploymentRef(owner=m.group(1), name=m.group(2))
    raise ValueError(f"invalid deployment {deployment!r}: expected 'owner/name'")


def validate_version_id(version_id: str) -> str:
    version_id = _require_str(version_id, "version id")
    if not _VERSION_RE.fullmatch(version_id):
        raise ValueError(f"invalid version id {version_id!r}")
    return version_id


def validate_id(value: str, what: str) -> str:
    """A path-segment id (prediction, training, file, collection slug): non-empty, no "/"."""
    value = _require_str(value, what)
    if not value or "/" in value or value.strip() != value or value in (".", ".."):
        raise ValueError(f"invalid {what} {value!r}")
    return value
