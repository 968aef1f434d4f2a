from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DeploymentCreateRequest")


@_attrs_define
class DeploymentCreateRequest:
    """Body for creating a deployment.

    Attributes:
        hardware (str): SKU from `GET /hardware`.
        max_instances (int):
        min_instances (int):
        model (str): `owner/name` of the model.
        name (str):
        version (str): Version id to serve.
    """

    hardware: str
    max_instances: int
    min_instances: int
    model: str
    name: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        max_instances = self.max_instances

        min_instances = self.min_instances

        model = self.model

        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "hardware": hardware,
                "max_instances": max_instances,
                "min_instances": min_instances,
                "model": model,
                "name": name,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hardware = d.pop("hardware")

        max_instances = d.pop("max_instances")

        min_instances = d.pop("min_instances")

        model = d.pop("model")

        name = d.pop("name")

        version = d.pop("version")

        deployment_create_request = cls(
            hardware=hardware,
            max_instances=max_instances,
            min_instances=min_instances,
            model=model,
            name=name,
            version=version,
        )

        return deployment_create_request
