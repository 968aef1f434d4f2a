from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.search_collection import SearchCollection
    from ..models.search_model_result import SearchModelResult
    from ..models.search_page_result import SearchPageResult


T = TypeVar("T", bound="SearchResponse")


@_attrs_define
class SearchResponse:
    """Results of a search across models, collections and docs pages.

    Attributes:
        query (str):
        collections (list[SearchCollection] | Unset):
        models (list[SearchModelResult] | Unset):
        pages (list[SearchPageResult] | Unset):
    """

    query: str
    collections: list[SearchCollection] | Unset = UNSET
    models: list[SearchModelResult] | Unset = UNSET
    pages: list[SearchPageResult] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        query = self.query

        collections: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.collections, Unset):
            collections = []
            for collections_item_data in self.collections:
                collections_item = collections_item_data.to_dict()
                collections.append(collections_item)

        models: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = []
            for models_item_data in self.models:
                models_item = models_item_data.to_dict()
                models.append(models_item)

        pages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.pages, Unset):
            pages = []
            for pages_item_data in self.pages:
                pages_item = pages_item_data.to_dict()
                pages.append(pages_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "query": query,
            }
        )
        if collections is not UNSET:
            field_dict["collections"] = collections
        if models is not UNSET:
            field_dict["models"] = models
        if pages is not UNSET:
            field_dict["pages"] = pages

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_collection import SearchCollection  # noqa: PLC0415
        from ..models.search_model_result import SearchModelResult  # noqa: PLC0415
        from ..models.search_page_result import SearchPageResult  # noqa: PLC0415

        d = dict(src_dict)
        query = d.pop("query")

        _collections = d.pop("collections", UNSET)
        collections: list[SearchCollection] | Unset = UNSET
        if _collections is not UNSET:
            collections = []
            for collections_item_data in _collections:
                collections_item = SearchCollection.from_dict(collections_item_data)

                collections.append(collections_item)

        _models = d.pop("models", UNSET)
        models: list[SearchModelResult] | Unset = UNSET
        if _models is not UNSET:
            models = []
            for models_item_data in _models:
                models_item = SearchModelResult.from_dict(models_item_data)

                models.append(models_item)

        _pages = d.pop("pages", UNSET)
        pages: list[SearchPageResult] | Unset = UNSET
        if _pages is not UNSET:
            pages = []
            for pages_item_data in _pages:
                pages_item = SearchPageResult.from_dict(pages_item_data)

                pages.append(pages_item)

        search_response = cls(
            query=query,
            collections=collections,
            models=models,
            pages=pages,
        )

        search_response.additional_properties = d
        return search_response

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
