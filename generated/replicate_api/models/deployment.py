from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.deployment_release import DeploymentRelease


T = TypeVar("T", bound="Deployment")


@_attrs_define
class Deployment:
    """A named, scalable endpoint for one model version.

    Attributes:
        name (str):
        owner (str):
        current_release (DeploymentRelease | None | Unset):
    """

    name: str
    owner: str
    current_release: DeploymentRelease | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.deployment_release import DeploymentRelease  # noqa: PLC0415

        name = self.name

        owner = self.owner

        current_release: dict[str, Any] | None | Unset
        if isinstance(self.current_release, Unset):
            current_release = UNSET
        elif isinstance(self.current_release, DeploymentRelease):
            current_release = self.current_release.to_dict()
        else:
            current_release = self.current_release

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "owner": owner,
            }
        )
        if current_release is not UNSET:
            field_dict["current_release"] = current_release

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deployment_release import DeploymentRelease  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        owner = d.pop("owner")

        def _parse_current_release(data: object) -> DeploymentRelease | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                current_release_type_0 = DeploymentRelease.from_dict(data)

                return current_release_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeploymentRelease | None | Unset, data)

        current_release = _parse_current_release(d.pop("current_release", UNSET))

        deployment = cls(
            name=name,
            owner=owner,
            current_release=current_release,
        )

        deployment.additional_properties = d
        return deployment

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
