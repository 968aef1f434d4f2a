"""Replicate-like rate limits of the local server: off by default, 429 with Retry-After once a
kind of request is over its budget, counted per kind (creates, other API requests)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from replicate_ext import RateLimits
from replicate_ext.cli.app import build_parser
from replicate_ext.local import LocalServer
from replicate_ext.local.cli import rate_limits_of
from replicate_ext.local.rate_limits import RequestMeter, request_kind

from .conftest import api_client

HELLO = "/models/demo/hello/predictions"
# a burst of 3 creates and 5 other requests, refilled far too slowly to matter in a test
TIGHT = RateLimits(creates_per_minute=3, requests_per_minute=5, burst_fraction=1.0)


def create(api: httpx.Client) -> httpx.Response:
    return api.post(HELLO, json={"input": {"name": "x"}})


def test_creates_over_the_limit_get_429_with_retry_after(
    make_server: Callable[..., LocalServer],
) -> None:
    server = make_server(rate_limits=TIGHT)
    with api_client(server) as api:
        assert [create(api).status_code for _ in range(4)] == [201, 201, 201, 429]
        limited = create(api)
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        # 3 a minute: the next token is ~20 s away, and Retry-After says so in whole seconds
        assert 15 <= int(limited.headers["retry-after"]) <= 20
        assert limited.json()["status"] == 429
        assert "throttled" in limited.json()["detail"]
        # creates and other requests have separate budgets
        assert api.get("/predictions").status_code == 200
    assert server.request_counts == {
        "creates": 5,
        "others": 1,
        "unmetered": 0,
        "throttled_creates": 2,
        "throttled_others": 0,
    }


def test_other_requests_have_their_own_budget(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(rate_limits=TIGHT)
    with api_client(server) as api:
        statuses = [api.get("/account").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        assert int(api.get("/hardware").headers["retry-after"]) >= 1
        assert create(api).status_code == 201  # the create budget is untouched
    counts = server.request_counts
    assert (counts["others"], counts["throttled_others"], counts["creates"]) == (7, 2, 1)


def test_streams_downloads_and_admin_routes_are_not_metered(
    make_server: Callable[..., LocalServer],
) -> None:
    server = make_server(rate_limits=RateLimits(requests_per_minute=1, burst_fraction=1.0))
    with api_client(server) as api:
        created = api.post(HELLO, json={"input": {"name": "x"}, "stream": True}).json()
        for _ in range(3):
            with api.stream("GET", created["urls"]["stream"]) as stream:
                assert stream.status_code == 200
            assert api.get(f"{server.url}/_admin/faults").status_code == 200
        assert api.get("/account").status_code == 200
        assert api.get("/account").status_code == 429
    counts = server.request_counts
    assert (counts["others"], counts["unmetered"], counts["throttled_others"]) == (2, 3, 1)


def test_no_limits_by_default_but_requests_are_counted(server: LocalServer) -> None:
    with api_client(server) as api:
        for _ in range(30):
            assert create(api).status_code == 201
        for _ in range(40):
            assert api.get("/account").status_code == 200
        assert api.get(f"{server.url}/_admin/requests").json() == {
            "creates": 30,
            "others": 40,
            "unmetered": 0,
            "throttled_creates": 0,
            "throttled_others": 0,
        }
        assert api.delete(f"{server.url}/_admin/requests").status_code == 204
    assert server.request_counts["creates"] == 0
    server.reset_request_counts()


def test_deployment_and_version_creates_count_as_creates() -> None:
    assert request_kind("POST", "/v1/predictions") == "creates"
    assert request_kind("POST", "/v1/deployments/o/d/predictions") == "creates"
    assert request_kind("GET", "/v1/predictions") == "others"
    assert request_kind("POST", "/v1/predictions/abc/cancel") == "others"
    assert request_kind("GET", "/v1/files/abc/download") == "unmetered"
    assert request_kind("GET", "/v1/predictions/abc/stream") == "unmetered"
    assert request_kind("GET", "/p/abc") is None


def test_bucket_refills_at_the_minute_rate() -> None:
    moment = [0.0]
    meter = RequestMeter(
        RateLimits(creates_per_minute=60, burst_fraction=1 / 60), clock=lambda: moment[0]
    )
    assert meter.admit("creates") == 0.0
    assert meter.admit("creates") == pytest.approx(1.0)
    moment[0] = 0.5
    assert meter.admit("creates") == pytest.approx(0.5)
    moment[0] = 1.0
    assert meter.admit("creates") == 0.0
    assert meter.counts["throttled_creates"] == 2


def test_local_server_rejects_a_non_ratelimits_value() -> None:
    with pytest.raises(TypeError, match="RateLimits"):
        LocalServer(rate_limits=600)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], None),
        (["--rate-limits"], RateLimits()),
        (["--creates-per-minute", "60"], RateLimits(creates_per_minute=60)),
        (
            ["--rate-limits", "--requests-per-minute", "100"],
            RateLimits(requests_per_minute=100),
        ),
    ],
)
def test_serve_options_build_the_limits(argv: list[str], expected: RateLimits | None) -> None:
    args = build_parser().parse_args(["serve", *argv])
    assert rate_limits_of(args) == expected
