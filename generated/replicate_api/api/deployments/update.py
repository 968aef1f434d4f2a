from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deployment import Deployment
from ...models.deployment_update_request import DeploymentUpdateRequest
from ...types import UNSET, Response, Unset


def build_request(
    deployment_owner: str,
    deployment_name: str,
    *,
    body: DeploymentUpdateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "PATCH",
        "url": "/deployments/{deployment_owner}/{deployment_name}".format(
            deployment_owner=quote(str(deployment_owner), safe=""),
            deployment_name=quote(str(deployment_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Deployment | None:
    if response.status_code == 200:
        response_200 = Deployment.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Deployment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentUpdateRequest | Unset = UNSET,
) -> Response[Deployment]:
    """Change a deployment's version or scaling; each change makes a new release.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentUpdateRequest | Unset): Body for changing a deployment; only the given
            fields change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deployment]
    """

    kwargs = build_request(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentUpdateRequest | Unset = UNSET,
) -> Deployment | None:
    """Change a deployment's version or scaling; each change makes a new release.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentUpdateRequest | Unset): Body for changing a deployment; only the given
            fields change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deployment
    """

    return sync_detailed(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentUpdateRequest | Unset = UNSET,
) -> Response[Deployment]:
    """Change a deployment's version or scaling; each change makes a new release.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentUpdateRequest | Unset): Body for changing a deployment; only the given
            fields change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Deployment]
    """

    kwargs = build_request(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentUpdateRequest | Unset = UNSET,
) -> Deployment | None:
    """Change a deployment's version or scaling; each change makes a new release.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentUpdateRequest | Unset): Body for changing a deployment; only the given
            fields change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Deployment
    """

    return (
        await asyncio_detailed(
            deployment_owner=deployment_owner,
            deployment_name=deployment_name,
            client=client,
            body=body,
        )
    ).parsed
