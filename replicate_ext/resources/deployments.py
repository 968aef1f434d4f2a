"""``client.deployments``: deployments by ``"owner/name"`` and predictions on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from replicate_api.api.deployments import create as _create
from replicate_api.api.deployments import delete as _delete
from replicate_api.api.deployments import get as _get
from replicate_api.api.deployments import list as _list
from replicate_api.api.deployments import update as _update
from replicate_api.models.deployment_create_request import DeploymentCreateRequest
from replicate_api.models.deployment_update_request import DeploymentUpdateRequest

from .._options import RequestOptions
from .._pagination import AsyncPage, Page
from .._refs import (
    DeploymentLike,
    ModelLike,
    VersionLike,
    parse_deployment,
    parse_model_name,
    version_id_of,
)
from ..types import Deployment, Prediction
from ._base import AsyncResource, SyncResource, as_dict, optional
from .predictions import AsyncPredictions, Predictions

__all__ = ["AsyncDeploymentPredictions", "AsyncDeployments", "DeploymentPredictions", "Deployments"]


def _deployment(data: Mapping[str, Any]) -> Deployment:
    return Deployment.from_dict(data)


def _create_request(
    *,
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


def _update_request(
    deployment: DeploymentLike,
    *,
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


class DeploymentPredictions(SyncResource):
    """``client.deployments.predictions``."""

    def __init__(self, client: Any, predictions: Predictions) -> None:
        super().__init__(client)
        self._predictions = predictions

    def create(
        self,
        deployment: DeploymentLike,
        *,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        stream: bool | None = None,
        wait: bool | int | None = None,
        cancel_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prediction:
        """Start a prediction on a deployment (``"owner/name"``)."""
        return self._predictions.create(
            deployment=deployment,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=stream,
            wait=wait,
            cancel_after=cancel_after,
            **options,
        )


class Deployments(SyncResource):
    """Deployments: a model version on dedicated hardware, addressed as ``"owner/name"``."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.predictions = DeploymentPredictions(client, Predictions(client))

    def list(self, **options: Unpack[RequestOptions]) -> Page[Deployment]:
        return self._page(_list.build_request(), _deployment, options)

    def get(self, deployment: DeploymentLike, **options: Unpack[RequestOptions]) -> Deployment:
        ref = parse_deployment(deployment)
        request = _get.build_request(ref.owner, ref.name)
        return Deployment.from_dict(as_dict(self._json(request, options)))

    def create(
        self,
        *,
        name: str,
        model: ModelLike,
        version: VersionLike,
        hardware: str,
        min_instances: int,
        max_instances: int,
        **options: Unpack[RequestOptions],
    ) -> Deployment:
        request = _create_request(
            name=name,
            model=model,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(self._json(request, options)))

    def update(
        self,
        deployment: DeploymentLike,
        *,
        version: VersionLike | None = None,
        hardware: str | None = None,
        min_instances: int | None = None,
        max_instances: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Deployment:
        request = _update_request(
            deployment,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(self._json(request, options)))

    def delete(self, deployment: DeploymentLike, **options: Unpack[RequestOptions]) -> None:
        ref = parse_deployment(deployment)
        self._send(_delete.build_request(ref.owner, ref.name), options)


class AsyncDeploymentPredictions(AsyncResource):
    """Async twin of :class:`DeploymentPredictions`."""

    def __init__(self, client: Any, predictions: AsyncPredictions) -> None:
        super().__init__(client)
        self._predictions = predictions

    async def create(
        self,
        deployment: DeploymentLike,
        *,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        stream: bool | None = None,
        wait: bool | int | None = None,
        cancel_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prediction:
        return await self._predictions.create(
            deployment=deployment,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=stream,
            wait=wait,
            cancel_after=cancel_after,
            **options,
        )


class AsyncDeployments(AsyncResource):
    """Async twin of :class:`Deployments`."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.predictions = AsyncDeploymentPredictions(client, AsyncPredictions(client))

    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[Deployment]:
        return await self._page(_list.build_request(), _deployment, options)

    async def get(
        self, deployment: DeploymentLike, **options: Unpack[RequestOptions]
    ) -> Deployment:
        ref = parse_deployment(deployment)
        data = await self._json(_get.build_request(ref.owner, ref.name), options)
        return Deployment.from_dict(as_dict(data))

    async def create(
        self,
        *,
        name: str,
        model: ModelLike,
        version: VersionLike,
        hardware: str,
        min_instances: int,
        max_instances: int,
        **options: Unpack[RequestOptions],
    ) -> Deployment:
        request = _create_request(
            name=name,
            model=model,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(await self._json(request, options)))

    async def update(
        self,
        deployment: DeploymentLike,
        *,
        version: VersionLike | None = None,
        hardware: str | None = None,
        min_instances: int | None = None,
        max_instances: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Deployment:
        request = _update_request(
            deployment,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(await self._json(request, options)))

    async def delete(self, deployment: DeploymentLike, **options: Unpack[RequestOptions]) -> None:
        ref = parse_deployment(deployment)
        await self._send(_delete.build_request(ref.owner, ref.name), options)
