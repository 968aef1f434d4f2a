from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.model_visibility import ModelVisibility, check_model_visibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelCreateRequest")


@_attrs_define
class ModelCreateRequest:
    """Body for creating a model.

    Attributes:
        hardware (str): SKU from `GET /hardware`.
        name (str): Lowercase name
        owner (str): User or organization that will own it.
        visibility (ModelVisibility):
        cover_image_url (str | Unset):
        description (str | Unset):
        github_url (str | Unset):
        license_url (str | Unset):
        paper_url (str | Unset):
    """

    hardware: str
    name: str
    owner: str
    visibility: ModelVisibility
    cover_image_url: str | Unset = UNSET
    description: str | Unset = UNSET
    github_url: str | Unset = UNSET
    license_url: str | Unset = UNSET
    paper_url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        name = self.name

        owner = self.owner

        visibility: str = self.visibility

        cover_image_url = self.cover_image_url

        description = self.description

        github_url = self.github_url

        license_url = self.license_url

        paper_url = self.paper_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "hardware": hardware,
                "name": name,
                "owner": owner,
                "visibility": visibility,
            }
        )
        if cover_image_url is not UNSET:
            field_dict["cover_image_url"] = cover_image_url
        if description is not UNSET:
            field_dict["description"] = description
        if github_url is not UNSET:
            field_dict["github_url"] = github_url
        if license_url is not UNSET:
            field_dict["license_url"] = license_url
        if paper_url is not UNSET:
            field_dict["paper_url"] = paper_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hardware = d.pop("hardware")

        name = d.pop("name")

        owner = d.pop("owner")

        visibility = check_model_visibility(d.pop("visibility"))

        cover_image_url = d.pop("cover_image_url", UNSET)

        description = d.pop("description", UNSET)

        github_url = d.pop("github_url", UNSET)

        license_url = d.pop("license_url", UNSET)

        paper_url = d.pop("paper_url", UNSET)

        model_create_request = cls(
            hardware=hardware,
            name=name,
            owner=owner,
            visibility=visibility,
            cover_image_url=cover_image_url,
            description=description,
            github_url=github_url,
            license_url=license_url,
            paper_url=paper_url,
        )

        return model_create_request
