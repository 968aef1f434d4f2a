from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model import Model
    from ..models.search_model_metadata import SearchModelMetadata


T = TypeVar("T", bound="SearchModelResult")


@_attrs_define
class SearchModelResult:
    """A model that matches a search, with why it matched.

    Attributes:
        model (Model): A model and its metadata; unknown fields are kept.
        metadata (None | SearchModelMetadata | Unset):
    """

    model: Model
    metadata: None | SearchModelMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.search_model_metadata import SearchModelMetadata  # noqa: PLC0415

        model = self.model.to_dict()

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, SearchModelMetadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model import Model  # noqa: PLC0415
        from ..models.search_model_metadata import SearchModelMetadata  # noqa: PLC0415

        d = dict(src_dict)
        model = Model.from_dict(d.pop("model"))

        def _parse_metadata(data: object) -> None | SearchModelMetadata | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = SearchModelMetadata.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SearchModelMetadata | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        search_model_result = cls(
            model=model,
            metadata=metadata,
        )

        search_model_result.additional_properties = d
        return search_model_result

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
