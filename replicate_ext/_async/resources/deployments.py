"""``client.deployments``: deployments by ``"owner/name"`` and predictions on them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from replicate_api.api.deployments import delete as _delete
from replicate_api.api.deployments import get as _get
from replicate_api.api.deployments import list as _list

from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ..._refs import (
    DeploymentLike,
    ModelLike,
    VersionLike,
    parse_deployment,
)
from ...resources._base import as_dict
from ...resources.deployments import create_request, to_deployment, update_request
from ...resources.predictions import CreateOptions
from ...types import Deployment, Prediction
from ._base import AsyncResource
from .predictions import AsyncPredictions


class AsyncDeploymentPredictions(AsyncResource):
    """``client.deployments.predictions``."""

    def __init__(self, client: Any, predictions: AsyncPredictions) -> None:
        super().__init__(client)
        self._predictions = predictions

    async def create(
        self,
        deployment: DeploymentLike,
        *,
        input: Mapping[str, Any],
        wait: bool | int | None = None,
        **options: Unpack[CreateOptions],
    ) -> Prediction:
        """Start a prediction on a deployment (``"owner/name"``); the keywords are those of
        ``predictions.create``."""
        return await self._predictions.create(
            deployment=deployment, input=input, wait=wait, **options
        )


class AsyncDeployments(AsyncResource):
    """Deployments: a model version on dedicated hardware, addressed as ``"owner/name"``."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.predictions = AsyncDeploymentPredictions(client, AsyncPredictions(client))

    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[Deployment]:
        return await self._page(_list.build_request(), to_deployment, options)

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
        request = create_request(name, model, version, hardware, min_instances, max_instances)
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
        request = update_request(deployment, version, hardware, min_instances, max_instances)
        return Deployment.from_dict(as_dict(await self._json(request, options)))

    async def delete(self, deployment: DeploymentLike, **options: Unpack[RequestOptions]) -> None:
        ref = parse_deployment(deployment)
        await self._send(_delete.build_request(ref.owner, ref.name), options)
