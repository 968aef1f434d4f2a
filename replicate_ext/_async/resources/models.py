"""``client.models``: models, their versions, examples, readme and search."""

from __future__ import annotations

from typing import Any, Unpack

from replicate_api.api.models import delete as _delete
from replicate_api.api.models import examples_list as _examples
from replicate_api.api.models import get as _get
from replicate_api.api.models import list as _list
from replicate_api.api.models import readme_get as _readme
from replicate_api.api.models import versions_delete as _versions_delete
from replicate_api.api.models import versions_get as _versions_get
from replicate_api.api.models import versions_list as _versions_list

from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ..._refs import ModelLike, VersionLike, parse_model_name
from ...resources._base import as_dict, optional
from ...resources.models import (
    create_request,
    latest_version_of,
    search_request,
    to_model,
    to_prediction,
    to_version,
    update_request,
    version_path,
)
from ...types import Model, Prediction, Version
from ._base import AsyncResource


class AsyncVersions(AsyncResource):
    """``client.models.versions``: the versions of one model (``"owner/name"``)."""

    async def list(self, model: ModelLike, **options: Unpack[RequestOptions]) -> AsyncPage[Version]:
        request = _versions_list.build_request(*parse_model_name(model))
        return await self._page(request, to_version, options)

    async def get(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> Version:
        request = _versions_get.build_request(*version_path(model, version_id))
        return Version.from_dict(as_dict(await self._json(request, options)))

    async def delete(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> None:
        await self._send(_versions_delete.build_request(*version_path(model, version_id)), options)


class AsyncModels(AsyncResource):
    """Models by ``"owner/name"``.

    >>> await client.models.get("demo/hello").latest_version.id  # doctest: +SKIP
    """

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
        return await self._page(request, to_model, options)

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
        request = create_request(
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
        request = update_request(
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
        """Models matching a free-text query."""
        return await self._page(search_request(query), to_model, options)

    async def examples(
        self, model: ModelLike, **options: Unpack[RequestOptions]
    ) -> AsyncPage[Prediction]:
        """The example predictions shown on a model's page."""
        request = _examples.build_request(*parse_model_name(model))
        return await self._page(request, to_prediction, options)

    async def readme(self, model: ModelLike, **options: Unpack[RequestOptions]) -> str:
        """The model's README (Markdown)."""
        request = _readme.build_request(*parse_model_name(model))
        return (await self._send(request, options)).text

    async def get_latest_version(
        self, model: ModelLike, **options: Unpack[RequestOptions]
    ) -> Version | None:
        """The model's latest version, or None if it has none (e.g. an official model)."""
        return latest_version_of(await self.get(model, **options))

    async def get_version(
        self, model: ModelLike, version_id: VersionLike, **options: Unpack[RequestOptions]
    ) -> Version:
        """One version of a model (same as ``models.versions.get``)."""
        return await self.versions.get(model, version_id, **options)
