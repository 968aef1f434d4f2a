"""Fault injection: status codes with Retry-After, connection resets, delays, Prefer: wait caps,
through the constructor, LocalServer methods and the admin endpoint."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from replicate_ext.local import Fault, FaultInjector, LocalServer

from .conftest import api_client


def test_no_faults_by_default(server: LocalServer, api: httpx.Client) -> None:
    assert api.get(f"{server.url}/_admin/faults").json() == {"faults": [], "wait_cap": None}
    assert all(api.get("/account").status_code == 200 for _ in range(5))


def test_constructor_faults_apply_to_the_next_matching_requests(
    make_server: Callable[..., LocalServer],
) -> None:
    server = make_server(
        faults=[Fault.status(429, retry_after=0.5, times=2, method="POST", path="/v1/predictions*")]
    )
    with api_client(server) as api:
        assert api.get("/account").status_code == 200  # does not match
        for _ in range(2):
            limited = api.post("/predictions", json={"version": "x", "input": {}})
            assert limited.status_code == 429
            assert limited.headers["retry-after"] == "0.5"
            assert limited.json()["status"] == 429
        assert api.post("/predictions", json={"version": "x", "input": {}}).status_code == 422


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(server: LocalServer, api: httpx.Client, status: int) -> None:
    server.inject(Fault.status(status))
    response = api.get("/account")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert api.get("/account").status_code == 200


def test_connection_reset(server: LocalServer, api: httpx.Client) -> None:
    server.inject(Fault.reset(path="/v1/account"))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.get("/account")
    assert api.get("/account").status_code == 200


def test_delay(server: LocalServer, api: httpx.Client) -> None:
    server.inject(Fault.delay(0.4, path="/v1/hardware"))
    started = time.monotonic()
    assert api.get("/hardware").status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    api.get("/hardware")
    assert time.monotonic() - started < 0.4


def test_wait_cap_and_ignore(server: LocalServer, api: httpx.Client) -> None:
    server.set_wait_cap(0.2)
    started = time.monotonic()
    body = api.post(
        "/models/demo/sleep/predictions",
        json={"input": {"seconds": 2}},
        headers={"Prefer": "wait=30"},
    ).json()
    assert 0.2 <= time.monotonic() - started < 1.5
    assert body["status"] == "starting"
    server.set_wait_cap(0)
    started = time.monotonic()
    body = api.post(
        "/models/demo/sleep/predictions", json={"input": {"seconds": 2}}, headers={"Prefer": "wait"}
    ).json()
    assert time.monotonic() - started < 0.3
    assert body["status"] == "starting"


def test_admin_endpoint(server: LocalServer, api: httpx.Client) -> None:
    admin = httpx.Client(
        base_url=server.url, headers={"authorization": f"Bearer {server.token}"}, timeout=5
    )
    with admin:
        assert admin.get("/_admin/faults").status_code == 200
        added = admin.post(
            "/_admin/faults",
            json={"action": "status", "status_code": 503, "times": 2, "path": "/v1/account"},
        )
        assert added.status_code == 201
        assert admin.get("/_admin/faults").json()["faults"][0]["times"] == 2
        assert api.get("/account").status_code == 503
        assert admin.get("/_admin/faults").json()["faults"][0]["times"] == 1
        assert admin.delete("/_admin/faults").status_code == 204
        assert api.get("/account").status_code == 200
        bad = admin.post("/_admin/faults", json={"action": "explode"})
        assert bad.status_code == 422
        assert admin.put("/_admin/wait-cap", json={"seconds": 0}).json() == {"wait_cap": 0.0}
        assert server.faults.wait_cap == 0.0
        assert httpx.get(f"{server.url}/_admin/faults").status_code == 401


def test_fault_rules_validate_and_match() -> None:
    with pytest.raises(ValueError):
        Fault("status", status_code=200)
    with pytest.raises(ValueError):
        Fault.from_json({"action": "reset", "bogus": 1})
    injector = FaultInjector([Fault.status(500, method="GET", path="/v1/models/*")])
    assert injector.take("POST", "/v1/models/a/b", ["status"]) is None
    assert injector.take("GET", "/v1/account", ["status"]) is None
    assert injector.take("GET", "/v1/models/a/b", ["status"]) is not None
    assert injector.take("GET", "/v1/models/a/b", ["status"]) is None
    assert injector.effective_wait(10) == 10
    injector.wait_cap = 3
    assert injector.effective_wait(10) == 3
