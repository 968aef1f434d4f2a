"""Bearer auth and problem+json errors."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import api_client


def test_missing_token_is_401_problem(server: LocalServer) -> None:
    response = httpx.get(f"{server.base_url}/account")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401 and problem["title"] and problem["detail"]
    assert "bearer" in response.headers["www-authenticate"].lower()


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Token"])
def test_malformed_authorization_is_401(server: LocalServer, header: str) -> None:
    response = httpx.get(f"{server.base_url}/account", headers={"authorization": header})
    assert response.status_code == 401


def test_any_token_is_accepted_without_configuration(server: LocalServer) -> None:
    with api_client(server, token="anything-at-all") as api:
        assert api.get("/account").json()["username"] == "local"


def test_configured_token_is_the_only_one(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(token="s3cret")
    assert server.token == "s3cret"
    with api_client(server, token="wrong") as api:
        assert api.get("/account").status_code == 401
        assert api.post("/models/demo/hello/predictions", json={"input": {}}).status_code == 401
    with api_client(server, token="s3cret") as api:
        assert api.get("/account").status_code == 200
    token_scheme = httpx.get(
        f"{server.base_url}/account", headers={"authorization": "Token s3cret"}
    )
    assert token_scheme.status_code == 200


def test_unknown_endpoint_is_problem_404(api: httpx.Client) -> None:
    response = api.get("/nothing/here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "/v1/nothing/here" in response.json()["detail"]
