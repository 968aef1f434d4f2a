from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeploymentUpdateRequest")


@_attrs_define
class DeploymentUpdateRequest:
    """Body for changing a deployment; only the given fields change.

    Attributes:
        hardware (str | Unset):
        max_instances (int | Unset):
        min_instances (int | Unset):
        version (str | Unset):
    """

    hardware: str | Unset = UNSET
    max_instances: int | Unset = UNSET
    min_instances: int | Unset = UNSET
    version: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        max_instances = self.max_instances

        min_instances = self.min_instances

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if hardware is not UNSET:
            field_dict["hardware"] = hardware
        if max_instances is not UNSET:
            field_dict["max_instances"] = max_instances
        if min_instances is not UNSET:
            field_dict["min_instances"] = min_instances
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hardware = d.pop("hardware", UNSET)

        max_instances = d.pop("max_instances", UNSET)

        min_instances = d.pop("min_instances", UNSET)

        version = d.pop("version", UNSET)

        deployment_update_request = cls(
            hardware=hardware,
            max_instances=max_instances,
            min_instances=min_instances,
            version=version,
        )

        return deployment_update_request
