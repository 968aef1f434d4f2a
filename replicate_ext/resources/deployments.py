"""``client.deployments``: deployments by ``"owner/name"`` and predictions on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from replicate_api.api.deployments import create as _create
from replicate_api.api.deployments import delete as _delete
from replicate_api.api.deployments import get as _get
from replicate_api.api.deployments import list as _list
from replicate_api.api.deployments import update as _update
from replicate_api.models.deployment_create_request import DeploymentCreateRequest
from replicate_api.models.deployment_update_request import DeploymentUpdateRequest

from .._pagination import AsyncPage, Page
from .._refs import parse_deployment, parse_model_name
from ..types import Deployment, Prediction
from ._base import AsyncResource, SyncResource, as_dict, optional
from .predictions import AsyncPredictions, Predictions

__all__ = ["AsyncDeploymentPredictions", "AsyncDeployments", "DeploymentPredictions", "Deployments"]


def _deployment(data: Mapping[str, Any]) -> Deployment:
    return Deployment.from_dict(data)


def _create_request(
    *, name: str, model: str, version: str, hardware: str, min_instances: int, max_instances: int
) -> dict[str, Any]:
    parse_model_name(model)
    return _create.build_request(
        body=DeploymentCreateRequest(
            name=name,
            model=model,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
    )


def _update_request(
    deployment: str,
    *,
    version: str | None,
    hardware: str | None,
    min_instances: int | None,
    max_instances: int | None,
) -> dict[str, Any]:
    ref = parse_deployment(deployment)
    request = _update.build_request(
        ref.owner,
        ref.name,
        body=DeploymentUpdateRequest(
            version=optional(version),
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
        deployment: str,
        *,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        stream: bool | None = None,
        wait: bool | int | None = None,
        cancel_after: str | None = None,
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
        )


class Deployments(SyncResource):
    """Deployments: a model version on dedicated hardware, addressed as ``"owner/name"``."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.predictions = DeploymentPredictions(client, Predictions(client))

    def list(self) -> Page[Deployment]:
        return self._page(_list.build_request(), _deployment)

    def get(self, deployment: str) -> Deployment:
        ref = parse_deployment(deployment)
        return Deployment.from_dict(as_dict(self._json(_get.build_request(ref.owner, ref.name))))

    def create(
        self,
        *,
        name: str,
        model: str,
        version: str,
        hardware: str,
        min_instances: int,
        max_instances: int,
    ) -> Deployment:
        request = _create_request(
            name=name,
            model=model,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(self._json(request)))

    def update(
        self,
        deployment: str,
        *,
        version: str | None = None,
        hardware: str | None = None,
        min_instances: int | None = None,
        max_instances: int | None = None,
    ) -> Deployment:
        request = _update_request(
            deployment,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(self._json(request)))

    def delete(self, deployment: str) -> None:
        ref = parse_deployment(deployment)
        self._send(_delete.build_request(ref.owner, ref.name))


class AsyncDeploymentPredictions(AsyncResource):
    """Async twin of :class:`DeploymentPredictions`."""

    def __init__(self, client: Any, predictions: AsyncPredictions) -> None:
        super().__init__(client)
        self._predictions = predictions

    async def create(
        self,
        deployment: str,
        *,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        stream: bool | None = None,
        wait: bool | int | None = None,
        cancel_after: str | None = None,
    ) -> Prediction:
        return await self._predictions.create(
            deployment=deployment,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=stream,
            wait=wait,
            cancel_after=cancel_after,
        )


class AsyncDeployments(AsyncResource):
    """Async twin of :class:`Deployments`."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.predictions = AsyncDeploymentPredictions(client, AsyncPredictions(client))

    async def list(self) -> AsyncPage[Deployment]:
        return await self._page(_list.build_request(), _deployment)

    async def get(self, deployment: str) -> Deployment:
        ref = parse_deployment(deployment)
        data = await self._json(_get.build_request(ref.owner, ref.name))
        return Deployment.from_dict(as_dict(data))

    async def create(
        self,
        *,
        name: str,
        model: str,
        version: str,
        hardware: str,
        min_instances: int,
        max_instances: int,
    ) -> Deployment:
        request = _create_request(
            name=name,
            model=model,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(await self._json(request)))

    async def update(
        self,
        deployment: str,
        *,
        version: str | None = None,
        hardware: str | None = None,
        min_instances: int | None = None,
        max_instances: int | None = None,
    ) -> Deployment:
        request = _update_request(
            deployment,
            version=version,
            hardware=hardware,
            min_instances=min_instances,
            max_instances=max_instances,
        )
        return Deployment.from_dict(as_dict(await self._json(request)))

    async def delete(self, deployment: str) -> None:
        ref = parse_deployment(deployment)
        await self._send(_delete.build_request(ref.owner, ref.name))
