from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.json_object import JsonObject
    from ..models.version import Version


T = TypeVar("T", bound="Model")


@_attrs_define
class Model:
    """A model and its metadata; unknown fields are kept.

    Attributes:
        name (str):
        owner (str):
        cover_image_url (None | str | Unset):
        created_at (datetime.datetime | None | Unset): Observed in live responses; not in the upstream spec.
        default_example (JsonObject | None | Unset): A prediction shown as an example.
        description (None | str | Unset):
        github_url (None | str | Unset):
        is_official (bool | None | Unset):
        latest_version (None | Unset | Version):
        license_url (None | str | Unset):
        paper_url (None | str | Unset):
        run_count (int | None | Unset):
        url (None | str | Unset):
        visibility (None | str | Unset): `public` or `private`.
        weights_url (None | str | Unset): Where the model's weights live, if published; usually null. Observed in live
            responses; not in the upstream spec.
    """

    name: str
    owner: str
    cover_image_url: None | str | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    default_example: JsonObject | None | Unset = UNSET
    description: None | str | Unset = UNSET
    github_url: None | str | Unset = UNSET
    is_official: bool | None | Unset = UNSET
    latest_version: None | Unset | Version = UNSET
    license_url: None | str | Unset = UNSET
    paper_url: None | str | Unset = UNSET
    run_count: int | None | Unset = UNSET
    url: None | str | Unset = UNSET
    visibility: None | str | Unset = UNSET
    weights_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.json_object import JsonObject  # noqa: PLC0415
        from ..models.version import Version  # noqa: PLC0415

        name = self.name

        owner = self.owner

        cover_image_url: None | str | Unset
        if isinstance(self.cover_image_url, Unset):
            cover_image_url = UNSET
        else:
            cover_image_url = self.cover_image_url

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        default_example: dict[str, Any] | None | Unset
        if isinstance(self.default_example, Unset):
            default_example = UNSET
        elif isinstance(self.default_example, JsonObject):
            default_example = self.default_example.to_dict()
        else:
            default_example = self.default_example

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        github_url: None | str | Unset
        if isinstance(self.github_url, Unset):
            github_url = UNSET
        else:
            github_url = self.github_url

        is_official: bool | None | Unset
        if isinstance(self.is_official, Unset):
            is_official = UNSET
        else:
            is_official = self.is_official

        latest_version: dict[str, Any] | None | Unset
        if isinstance(self.latest_version, Unset):
            latest_version = UNSET
        elif isinstance(self.latest_version, Version):
            latest_version = self.latest_version.to_dict()
        else:
            latest_version = self.latest_version

        license_url: None | str | Unset
        if isinstance(self.license_url, Unset):
            license_url = UNSET
        else:
            license_url = self.license_url

        paper_url: None | str | Unset
        if isinstance(self.paper_url, Unset):
            paper_url = UNSET
        else:
            paper_url = self.paper_url

        run_count: int | None | Unset
        if isinstance(self.run_count, Unset):
            run_count = UNSET
        else:
            run_count = self.run_count

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        visibility: None | str | Unset
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        else:
            visibility = self.visibility

        weights_url: None | str | Unset
        if isinstance(self.weights_url, Unset):
            weights_url = UNSET
        else:
            weights_url = self.weights_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "owner": owner,
            }
        )
        if cover_image_url is not UNSET:
            field_dict["cover_image_url"] = cover_image_url
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if default_example is not UNSET:
            field_dict["default_example"] = default_example
        if description is not UNSET:
            field_dict["description"] = description
        if github_url is not UNSET:
            field_dict["github_url"] = github_url
        if is_official is not UNSET:
            field_dict["is_official"] = is_official
        if latest_version is not UNSET:
            field_dict["latest_version"] = latest_version
        if license_url is not UNSET:
            field_dict["license_url"] = license_url
        if paper_url is not UNSET:
            field_dict["paper_url"] = paper_url
        if run_count is not UNSET:
            field_dict["run_count"] = run_count
        if url is not UNSET:
            field_dict["url"] = url
        if visibility is not UNSET:
            field_dict["visibility"] = visibility
        if weights_url is not UNSET:
            field_dict["weights_url"] = weights_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.json_object import JsonObject  # noqa: PLC0415
        from ..models.version import Version  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        owner = d.pop("owner")

        def _parse_cover_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cover_image_url = _parse_cover_image_url(d.pop("cover_image_url", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_default_example(data: object) -> JsonObject | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                default_example_type_0 = JsonObject.from_dict(data)

                return default_example_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JsonObject | None | Unset, data)

        default_example = _parse_default_example(d.pop("default_example", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_github_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        github_url = _parse_github_url(d.pop("github_url", UNSET))

        def _parse_is_official(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_official = _parse_is_official(d.pop("is_official", UNSET))

        def _parse_latest_version(data: object) -> None | Unset | Version:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_version_type_0 = Version.from_dict(data)

                return latest_version_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | Version, data)

        latest_version = _parse_latest_version(d.pop("latest_version", UNSET))

        def _parse_license_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        license_url = _parse_license_url(d.pop("license_url", UNSET))

        def _parse_paper_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        paper_url = _parse_paper_url(d.pop("paper_url", UNSET))

        def _parse_run_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        run_count = _parse_run_count(d.pop("run_count", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_visibility(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))

        def _parse_weights_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        weights_url = _parse_weights_url(d.pop("weights_url", UNSET))

        model = cls(
            name=name,
            owner=owner,
            cover_image_url=cover_image_url,
            created_at=created_at,
            default_example=default_example,
            description=description,
            github_url=github_url,
            is_official=is_official,
            latest_version=latest_version,
            license_url=license_url,
            paper_url=paper_url,
            run_count=run_count,
            url=url,
            visibility=visibility,
            weights_url=weights_url,
        )

        model.additional_properties = d
        return model

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
