"""Pure parsing of model references into API routes.

- ``"owner/name"``            → the official-model route ``POST /models/owner/name/predictions``
- ``"owner/name:version"``    → ``POST /predictions`` with that version
- ``"<version id>"``          → ``POST /predictions`` with that version (64-hex or ids like
  ``dp-…``)
- deployment ``"owner/name"`` → ``POST /deployments/owner/name/predictions``

Wherever an id or reference is expected, the object the SDK returned for it works too
(:func:`id_of`, :func:`parse_model_name`, :func:`parse_deployment`). Malformed references raise
ValueError, a wrong type TypeError, before any request is made.

One rule for ids in URL paths: :func:`validate_id` rejects what cannot be one path segment
(empty, "/", ".", "..", surrounding whitespace), and the generated ``build_request`` percent-escapes
everything else (``quote(id, safe="")``), so ``"a?b"`` is sent as ``a%3Fb``, never as a query.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import attrs

from . import types as _types  # its classes load on first use

if TYPE_CHECKING:
    from .types import Deployment, Model, Version

_O = TypeVar("_O")

# What methods accept where a reference is expected: the string, or the object the SDK returned.
# Strings, so that defining them does not load the classes.
ModelLike: TypeAlias = "str | Model"
VersionLike: TypeAlias = "str | Version"
DeploymentLike: TypeAlias = "str | Deployment"
Ref: TypeAlias = "str | Model | Version"  # what run() and stream() accept as the model to run

# Owners and model names: letters, digits, "-", "_" and "." (not leading "." or "-").
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,139}"
_OWNER_NAME_RE = re.compile(rf"({_NAME})/({_NAME})")
# The version part after ":" is any id (see validate_version_id), not judged by its looks.
_VERSIONED_RE = re.compile(rf"({_NAME})/({_NAME}):(.+)", re.DOTALL)
# A bare string without "/" is only taken as a version id when it looks like one: the usual
# 64-hex id, or a longer prefixed id such as "dp-…". A short word like "flux" is a mistake.
_BARE_VERSION_RE = re.compile(
    r"[0-9a-f]{64}|[a-z]{1,8}-[A-Za-z0-9]{16,120}|(?=\D*\d)[A-Za-z0-9]{16,128}"
)
_WHITESPACE_RE = re.compile(r"\s")


@attrs.frozen
class _OwnerName:
    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"


@attrs.frozen
class ModelRef(_OwnerName):
    """An ``owner/name`` model, run through the official-model route."""


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
class DeploymentRef(_OwnerName):
    """An ``owner/name`` deployment."""


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__}")
    return value


def _sdk_object(value: object, kind: type[_O], what: str) -> _O:
    if isinstance(value, kind):
        return value
    raise TypeError(
        f"{what} must be a string or a {kind.__name__} returned by the SDK, "
        f"got {type(value).__name__}"
    )


def id_of(value: object, kind: type[Any], what: str) -> str:
    """The path-segment id of ``value``: a string as given, or the ``id`` of a ``kind`` object
    the SDK returned (a Prediction, Training, File, Version...). Validated by
    :func:`validate_id`.

    >>> from replicate_ext.types import Prediction
    >>> id_of(Prediction(id="p1", status="starting"), Prediction, "prediction id")
    'p1'
    """
    if isinstance(value, str):
        return validate_id(value, what)
    return validate_id(_sdk_object(value, kind, what).id, what)


def version_id_of(value: str | Version) -> str:
    """A version id from a string or a :class:`~replicate_ext.types.Version`."""
    if isinstance(value, str):
        return validate_version_id(value)
    return validate_version_id(_sdk_object(value, _types.Version, "version id").id)


def _owner_name(
    value: object, kind: type[Model] | type[Deployment], what: str, shown_as: str
) -> tuple[str, str]:
    """``(owner, name)`` of an ``"owner/name"`` string or of a ``kind`` the SDK returned."""
    if not isinstance(value, str):
        found = _sdk_object(value, kind, what)
        value = f"{found.owner}/{found.name}"
    if m := _OWNER_NAME_RE.fullmatch(value):
        return m.group(1), m.group(2)
    raise ValueError(f"invalid {shown_as} {value!r}: expected 'owner/name'")


def parse_ref(ref: str | Model | Version) -> ModelRef | VersionRef:
    """Parse what ``run()`` accepts as a model reference: a string, or a Model or Version the
    SDK returned.

    >>> parse_ref("demo/hello")
    ModelRef(owner='demo', name='hello')
    """
    if not isinstance(ref, str):
        if isinstance(ref, _types.Version):
            return VersionRef(id=version_id_of(ref))
        if isinstance(ref, _types.Model):
            return ModelRef(*parse_model_name(ref))
        raise TypeError(
            f"model reference must be a string, Model or Version, got {type(ref).__name__}"
        )
    if m := _VERSIONED_RE.fullmatch(ref):
        if _is_version_id(m.group(3)):
            return VersionRef(id=m.group(3), owner=m.group(1), name=m.group(2))
    elif m := _OWNER_NAME_RE.fullmatch(ref):
        return ModelRef(owner=m.group(1), name=m.group(2))
    elif _BARE_VERSION_RE.fullmatch(ref):
        return VersionRef(id=ref)
    raise ValueError(
        f"invalid model reference {ref!r}: expected 'owner/name', 'owner/name:version' "
        "or a version id"
    )


def parse_version(version: str | Version) -> ModelRef | VersionRef:
    """What ``predictions.create(version=...)`` accepts: any version id (not judged by its
    looks), ``owner/name:version``, or a Version the SDK returned."""
    if not isinstance(version, str):
        return VersionRef(id=version_id_of(version))
    if "/" not in version:
        return VersionRef(id=validate_version_id(version))
    return parse_ref(version)


def parse_model_name(model: str | Model) -> tuple[str, str]:
    """Split ``"owner/name"`` (no version), or a Model the SDK returned, into its parts."""
    return _owner_name(model, _types.Model, "model", "model name")


def parse_versioned_model(ref: str) -> VersionRef:
    """``"owner/name:version"`` with all three parts (e.g. what a training starts from)."""
    ref = _require_str(ref, "model version reference")
    if (m := _VERSIONED_RE.fullmatch(ref)) and _is_version_id(m.group(3)):
        return VersionRef(id=m.group(3), owner=m.group(1), name=m.group(2))
    raise ValueError(f"invalid model version reference {ref!r}: expected 'owner/name:version'")


def parse_deployment(deployment: str | Deployment) -> DeploymentRef:
    """Parse a deployment ``"owner/name"``, or take a Deployment the SDK returned."""
    return DeploymentRef(*_owner_name(deployment, _types.Deployment, "deployment", "deployment"))


def _is_version_id(value: str) -> bool:
    try:
        validate_version_id(value)
    except ValueError:
        return False
    return True


def validate_version_id(version_id: str) -> str:
    """A version id: a path-segment id (:func:`validate_id`) without whitespace. Its looks are
    not judged otherwise: ids other than 64-hex (``"v2"``, ``"1.0"``) are the server's to
    accept or refuse."""
    version_id = validate_id(version_id, "version id")
    if _WHITESPACE_RE.search(version_id):
        raise ValueError(f"invalid version id {version_id!r}")
    return version_id


def validate_id(value: str, what: str) -> str:
    """A path-segment id (prediction, training, file, collection slug, version): a non-empty
    string, not "." or "..", without "/" or surrounding whitespace. Everything else is the
    generated ``build_request``'s to percent-escape."""
    value = _require_str(value, what)
    if not value or "/" in value or value.strip() != value or value in (".", ".."):
        raise ValueError(f"invalid {what} {value!r}")
    return value
