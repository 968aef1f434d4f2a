"""``client.models``: models, their versions, examples, readme and search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from replicate_api.api.models import create as _create
from replicate_api.api.models import search as _search
from replicate_api.api.models import update as _update
from replicate_api.models.model_create_request import ModelCreateRequest
from replicate_api.models.model_update_request import ModelUpdateRequest

from .._refs import ModelLike, VersionLike, parse_model_name, version_id_of
from ..types import Model, Prediction, Version
from ._base import optional

__all__ = [
    "create_request",
    "latest_version_of",
    "search_request",
    "to_model",
    "to_prediction",
    "to_version",
    "update_request",
    "version_path",
]


def to_model(data: Mapping[str, Any]) -> Model:
    return Model.from_dict(data)


def to_version(data: Mapping[str, Any]) -> Version:
    return Version.from_dict(data)


def to_prediction(data: Mapping[str, Any]) -> Prediction:
    return Prediction.from_dict(data)


def version_path(model: ModelLike, version: VersionLike) -> tuple[str, str, str]:
    return (*parse_model_name(model), version_id_of(version))


def create_request(
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


def update_request(model: ModelLike, fields: dict[str, str | None]) -> dict[str, Any]:
    owner, name = parse_model_name(model)
    request = _update.build_request(
        owner,
        name,
        body=ModelUpdateRequest(**{key: optional(value) for key, value in fields.items()}),
    )
    request["idempotent"] = True  # the same fields set twice leave the same model
    return request


def search_request(query: str) -> dict[str, Any]:
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    return _search.build_request(body=query)


def latest_version_of(model: Model) -> Version | None:
    return model.latest_version
