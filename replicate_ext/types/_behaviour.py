"""Hand-written behaviour of the public types; their fields are generated from openapi.yaml.

``tools/emit_types.py`` declares each public class in ``_generated.py`` and makes it inherit
``<PublicName>Behaviour`` from this module when such a class exists, else ``APIObject``. To give
a type a method or property, add it to (or create) its ``...Behaviour`` class here, then run
``make generate``. Mixins are plain slotted classes: attrs owns the fields, and annotations here
only tell the type checker which generated attributes a method relies on.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs

from .._wait import TERMINAL_STATUSES

_T = TypeVar("_T", bound="APIObject")


class APIObject:
    """Base of every public type: a frozen attrs class parsed from and back to JSON."""

    __slots__ = ()
    if TYPE_CHECKING:  # set by attrs on each generated subclass
        __attrs_attrs__: ClassVar[tuple[attrs.Attribute[Any], ...]]

    @classmethod
    def from_dict(cls: type[_T], data: Mapping[str, Any]) -> _T:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Back to a JSON-ready dict (datetimes as ISO strings; ``extra`` merged in)."""
        out: dict[str, Any] = {}
        for field in attrs.fields(type(self)):
            if field.name == "extra":
                continue
            value = getattr(self, field.name)
            if value is not None:
                out[field.name] = _to_jsonable(value)
        extra = getattr(self, "extra", None)
        if extra:
            out.update(extra)
        return out


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, APIObject):
        return value.to_dict()
    if isinstance(value, _dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, list):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_jsonable(v) for k, v in value.items()}
    return value


class _RunBehaviour(APIObject):
    __slots__ = ()
    status: str

    @property
    def is_terminal(self) -> bool:
        """True once the status is succeeded, failed, canceled or aborted."""
        return self.status in TERMINAL_STATUSES


class PredictionBehaviour(_RunBehaviour):
    __slots__ = ()


class TrainingBehaviour(_RunBehaviour):
    __slots__ = ()


class _OwnedBehaviour(APIObject):
    __slots__ = ()
    owner: str
    name: str

    @property
    def full_name(self) -> str:
        """``"owner/name"``, the form every model or deployment reference takes."""
        return f"{self.owner}/{self.name}"


class ModelBehaviour(_OwnedBehaviour):
    __slots__ = ()


class DeploymentBehaviour(_OwnedBehaviour):
    __slots__ = ()
