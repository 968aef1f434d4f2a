"""``client.deployments``: deployments by ``"owner/name"`` and predictions on them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from replicate_api.api.deployments import create as _create
from replicate_api.api.deployments import update as _update
from replicate_api.models.deployment_create_request import DeploymentCreateRequest
from replicate_api.models.deployment_update_request import DeploymentUpdateRequest

from .._refs import (
    DeploymentLike,
    ModelLike,
    VersionLike,
    parse_deployment,
    parse_model_name,
    version_id_of,
)
from ..types import Deployment
from ._base import optional

__all__ = ["create_request", "to_deployment", "update_request"]


def to_deployment(data: Mapping[str, Any]) -> Deployment:
    return Deployment.from_dict(data)


def create_request(
    name: str,
    model: ModelLike,
    version: VersionLike,
    hardware: str,
    min_instances: int,
    max_instances: int,
) -> dict[str, Any]:
    owner, model_name = parse_model_name(model)
    return _create.build_request(
        body=DeploymentCreateRequest(
            name=name,
            model=f"{owner}/{model_name}",
            version=version_id_of(version),
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
    )


def update_request(
    deployment: DeploymentLike,
    version: VersionLike | None,
    hardware: str | None,
    min_instances: int | None,
    max_instances: int | None,
) -> dict[str, Any]:
    ref = parse_deployment(deployment)
    request = _update.build_request(
        ref.owner,
        ref.name,
        body=DeploymentUpdateRequest(
            version=optional(None if version is None else version_id_of(version)),
            hardware=optional(hardware),
            min_instances=optional(min_instances),
            max_instances=optional(max_instances),
        ),
    )
    request["idempotent"] = True  # the same settings applied twice leave the same release
    return request
