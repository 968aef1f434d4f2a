"""``client.models``: models, their versions, examples, readme and search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from replicate_api.api.models import create as _create
from replicate_api.api.models import delete as _delete
from replicate_api.api.models import examples_list as _examples
from replicate_api.api.models import get as _get
from replicate_api.api.models import list as _list
from replicate_api.api.models import readme_get as _readme
from replicate_api.api.models import search as _search
from replicate_api.api.models import update as _update
from replicate_api.api.models import versions_delete as _versions_delete
from replicate_api.api.models import versions_get as _versions_get
from replicate_api.api.models import versions_list as _versions_list
from replicate_api.models.model_create_request import ModelCreateRequest
from replicate_api.models.model_update_request import ModelUpdateRequest

from .._options import RequestOptions
from .._pagination import AsyncPage, Page
from .._refs import ModelLike, VersionLike, parse_model_name, version_id_of
from ..types import Model, Prediction, Version
from ._base import AsyncResource, SyncResource, as_dict, optional

__all__ = ["AsyncModels", "AsyncVersions", "Models", "Versions"]


def _model(data: Mapping[str, Any]) -> Model:
    return Model.from_dict(data)


def _version(data: Mapping[str, Any]) -> Version:
    return Version.from_dict(data)


def _prediction(data: Mapping[str, Any]) -> Prediction:
    return Prediction.from_dict(data)


def _version_path(model: ModelLike, version: VersionLike) -> tuple[str, str, str]:
    return (*parse_model_name(model), version_id_of(version))


def _create_request(
    owner: str,
    name: str,
    *,
    visibility: str,
    hardware: str,
    description: str | None,
    github_url: str | None,
    paper_url: str | None,
    license_url: str | None,
    cover_image_url: str | None,
) -> dict[str, Any]:
    parse_model_name(f"{owner}/{name}")
    if visibility not in ("public", "private"):
        raise ValueError(f"visibility must be 'public' or 'private', got {visibility!r}")
    return _create.build_request(
        body=ModelCreateRequest(
            owner=owner,
            name=name,
            visibility="public" if visibility == "public" else "private",
            hardware=hardware,
            description=optional(description),
            github_url=optional(github_url),
            paper_url=optional(paper_url),
            license_url=optional(license_url),
            cover_image_url=optional(cover_image_url),
        )
    )


def _update_request(model: ModelLike, fields: dict[str, str | None]) -> dict[str, Any]:
    owner, name = parse_model_name(model)
    request = _update.build_request(
        owner,
        name,
        body=ModelUpdateRequest(**{key: optional(value) for key, value in fields.items()}),
    )
    request["idempotent"] = True  # the same fields set twice leave the same model
    return request


def _search_request(query: str) -> dict[str, Any]:
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    return _search.build_request(body=query)


def _latest(model: Model) -> Version | None:
    return model.latest_version


class Versions(SyncResource):
    """``client.models.versions``: the versions of one model (``"owner/name"``)."""

    def list(self, model: ModelLike, **options: Unpack[RequestOptions]) -> Page[Version]:
        request = _versions_list.build_request(*parse_model_name(model))
        return self._page(request, _version, options)

    def get(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> Version:
        request = _versions_get.build_request(*_version_path(model, version_id))
        return Version.from_dict(as_dict(self._json(request, options)))

    def delete(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> None:
        self._send(_versions_delete.build_request(*_version_path(model, version_id)), options)


class Models(SyncResource):
    """Models by ``"owner/name"``.

    >>> client.models.get("demo/hello").latest_version.id  # doctest: +SKIP
    """

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.versions = Versions(client)

    def get(self, model: ModelLike, **options: Unpack[RequestOptions]) -> Model:
        request = _get.build_request(*parse_model_name(model))
        return Model.from_dict(as_dict(self._json(request, options)))

    def list(
        self,
        *,
        sort_by: str | None = None,
        sort_direction: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Page[Model]:
        request = _list.build_request(
            sort_by=optional(sort_by), sort_direction=optional(sort_direction)
        )
        return self._page(request, _model, options)

    def create(
        self,
        owner: str,
        name: str,
        *,
        visibility: str,
        hardware: str,
        description: str | None = None,
        github_url: str | None = None,
        paper_url: str | None = None,
        license_url: str | None = None,
        cover_image_url: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Model:
        request = _create_request(
            owner,
            name,
            visibility=visibility,
            hardware=hardware,
            description=description,
            github_url=github_url,
            paper_url=paper_url,
            license_url=license_url,
            cover_image_url=cover_image_url,
        )
        return Model.from_dict(as_dict(self._json(request, options)))

    def update(
        self,
        model: ModelLike,
        *,
        description: str | None = None,
        github_url: str | None = None,
        paper_url: str | None = None,
        license_url: str | None = None,
        readme: str | None = None,
        weights_url: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Model:
        request = _update_request(
            model,
            {
                "description": description,
                "github_url": github_url,
                "paper_url": paper_url,
                "license_url": license_url,
                "readme": readme,
                "weights_url": weights_url,
            },
        )
        return Model.from_dict(as_dict(self._json(request, options)))

    def delete(self, model: ModelLike, **options: Unpack[RequestOptions]) -> None:
        self._send(_delete.build_request(*parse_model_name(model)), options)

    def search(self, query: str, **options: Unpack[RequestOptions]) -> Page[Model]:
        """Models matching a free-text query."""
        return self._page(_search_request(query), _model, options)

    def examples(self, model: ModelLike, **options: Unpack[RequestOptions]) -> Page[Prediction]:
        """The example predictions shown on a model's page."""
        request = _examples.build_request(*parse_model_name(model))
        return self._page(request, _prediction, options)

    def readme(self, model: ModelLike, **options: Unpack[RequestOptions]) -> str:
        """The model's README (Markdown)."""
        return self._send(_readme.build_request(*parse_model_name(model)), options).text

    def get_latest_version(
        self, model: ModelLike, **options: Unpack[RequestOptions]
    ) -> Version | None:
        """The model's latest version, or None if it has none (e.g. an official model)."""
        return _latest(self.get(model, **options))

    def get_version(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> Version:
        """One version of a model (same as ``models.versions.get``)."""
        return self.versions.get(model, version_id, **options)


class AsyncVersions(AsyncResource):
    """Async twin of :class:`Versions`."""

    async def list(self, model: ModelLike, **options: Unpack[RequestOptions]) -> AsyncPage[Version]:
        request = _versions_list.build_request(*parse_model_name(model))
        return await self._page(request, _version, options)

    async def get(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> Version:
        request = _versions_get.build_request(*_version_path(model, version_id))
        return Version.from_dict(as_dict(await self._json(request, options)))

    async def delete(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> None:
        await self._send(_versions_delete.build_request(*_version_path(model, version_id)), options)


class AsyncModels(AsyncResource):
    """Async twin of :class:`Models`."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.versions = AsyncVersions(client)

    async def get(self, model: ModelLike, **options: Unpack[RequestOptions]) -> Model:
        request = _get.build_request(*parse_model_name(model))
        return Model.from_dict(as_dict(await self._json(request, options)))

    async def list(
        self,
        *,
        sort_by: str | None = None,
        sort_direction: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPage[Model]:
        request = _list.build_request(
            sort_by=optional(sort_by), sort_direction=optional(sort_direction)
        )
        return await self._page(request, _model, options)

    async def create(
        self,
        owner: str,
        name: str,
        *,
        visibility: str,
        hardware: str,
        description: str | None = None,
        github_url: str | None = None,
        paper_url: str | None = None,
        license_url: str | None = None,
        cover_image_url: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Model:
        request = _create_request(
            owner,
            name,
            visibility=visibility,
            hardware=hardware,
            description=description,
            github_url=github_url,
            paper_url=paper_url,
            license_url=license_url,
            cover_image_url=cover_image_url,
        )
        return Model.from_dict(as_dict(await self._json(request, options)))

    async def update(
        self,
        model: ModelLike,
        *,
        description: str | None = None,
        github_url: str | None = None,
        paper_url: str | None = None,
        license_url: str | None = None,
        readme: str | None = None,
        weights_url: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Model:
        request = _update_request(
            model,
            {
                "description": description,
                "github_url": github_url,
                "paper_url": paper_url,
                "license_url": license_url,
                "readme": readme,
                "weights_url": weights_url,
            },
        )
        return Model.from_dict(as_dict(await self._json(request, options)))

    async def delete(self, model: ModelLike, **options: Unpack[RequestOptions]) -> None:
        await self._send(_delete.build_request(*parse_model_name(model)), options)

    async def search(self, query: str, **options: Unpack[RequestOptions]) -> AsyncPage[Model]:
        return await self._page(_search_request(query), _model, options)

    async def examples(
        self, model: ModelLike, **options: Unpack[RequestOptions]
    ) -> AsyncPage[Prediction]:
        request = _examples.build_request(*parse_model_name(model))
        return await self._page(request, _prediction, options)

    async def readme(self, model: ModelLike, **options: Unpack[RequestOptions]) -> str:
        request = _readme.build_request(*parse_model_name(model))
        return (await self._send(request, options)).text

    async def get_latest_version(
        self, model: ModelLike, **options: Unpack[RequestOptions]
    ) -> Version | None:
        return _latest(await self.get(model, **options))

    async def get_version(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> Version:
        return await self.versions.get(model, version_id, **options)
