"""The pytest fixtures other test suites use."""

from __future__ import annotations

import httpx
import pytest

from replicate_ext.local import Fault, LocalServer
from replicate_ext.local.pytest_plugin import LocalServerFactory


def test_local_server_fixture_is_running(local_server: LocalServer) -> None:
    assert local_server.base_url == f"http://127.0.0.1:{local_server.port}/v1"
    assert local_server.url == f"http://127.0.0.1:{local_server.port}"
    response = httpx.get(
        f"{local_server.base_url}/account",
        headers={"authorization": f"Bearer {local_server.token}"},
    )
    assert response.status_code == 200


@pytest.mark.local_server(page_size=1, token="marked")
def test_marker_options_reach_the_server(local_server: LocalServer) -> None:
    assert local_server.token == "marked"
    headers = {"authorization": "Bearer marked"}
    page = httpx.get(f"{local_server.base_url}/collections", headers=headers).json()
    assert len(page["results"]) == 1


def test_factory_starts_independent_servers(local_server_factory: LocalServerFactory) -> None:
    first = local_server_factory()
    second = local_server_factory(faults=[Fault.status(503)])
    assert first.port != second.port
    headers = {"authorization": "Bearer t"}
    assert httpx.get(f"{first.base_url}/account", headers=headers).status_code == 200
    assert httpx.get(f"{second.base_url}/account", headers=headers).status_code == 503


def test_stopped_server_has_no_address() -> None:
    server = LocalServer()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with server:
        port = server.port
        assert port is not None
    assert server.port is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    with pytest.raises(ValueError):
        LocalServer(page_size=0)
