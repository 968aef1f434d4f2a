"""Webhooks: signed like Replicate, filtered by event, retried a bounded number of times."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

import httpx

from replicate_ext.local import LocalServer

from .conftest import Received, api_client


def expected_signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def wait_for_deliveries(server: LocalServer, count: int, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while len(server.webhook_deliveries) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_completed_webhook_is_signed_with_the_default_secret(
    api: httpx.Client, webhook_receiver: tuple[str, Received]
) -> None:
    url, received = webhook_receiver
    secret = api.get("/webhooks/default/secret").json()["key"]
    assert secret.startswith("whsec_")
    prediction = api.post(
        "/models/demo/hello/predictions",
        json={"input": {"name": "hook"}, "webhook": url, "webhook_events_filter": ["completed"]},
    ).json()
    received.wait_for(lambda bodies: any(b["status"] == "succeeded" for b in bodies))
    assert len(received.requests) == 1
    headers, body = received.requests[0]
    assert headers["webhook-signature"] == expected_signature(secret, headers, body)
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert headers["webhook-id"]
    payload = received.bodies()[0]
    assert payload["id"] == prediction["id"]
    assert payload["output"] == "hello hook"
    assert payload["webhook"] == url


def test_filter_selects_events(api: httpx.Client, webhook_receiver: tuple[str, Received]) -> None:
    url, received = webhook_receiver
    api.post(
        "/models/demo/stream/predictions",
        json={
            "input": {"prompt": "x y z", "delay": 0.1},
            "webhook": url,
            "webhook_events_filter": ["start", "output", "completed"],
        },
    )
    received.wait_for(lambda bodies: any(b["status"] == "succeeded" for b in bodies))
    statuses = [b["status"] for b in received.bodies()]
    assert statuses[0] == "starting"  # the start event
    assert statuses[-1] == "succeeded"
    outputs = [b["output"] for b in received.bodies() if b["status"] == "processing"]
    assert outputs, "output events were requested"
    assert all(o for o in outputs)


def test_default_filter_is_output_and_completed(
    api: httpx.Client, webhook_receiver: tuple[str, Received]
) -> None:
    url, received = webhook_receiver
    api.post("/models/demo/fail/predictions", json={"input": {}, "webhook": url})
    received.wait_for(lambda bodies: any(b["status"] == "failed" for b in bodies))
    # demo/fail has logs but no output; start and logs are not sent without a filter
    assert [b["status"] for b in received.bodies()] == ["failed"]


def test_failed_deliveries_are_retried_a_bounded_number_of_times(
    make_server: Callable[..., LocalServer], webhook_receiver: tuple[str, Received]
) -> None:
    url, received = webhook_receiver
    server = make_server(webhook_retries=2)
    with api_client(server) as api:
        received.fail_next = 2
        api.post(
            "/models/demo/hello/predictions",
            json={"input": {"name": "r"}, "webhook": url, "webhook_events_filter": ["completed"]},
        )
        received.wait_for(lambda bodies: len(bodies) == 1)
        wait_for_deliveries(server, 3)
        attempts = [(d["attempt"], d["outcome"]) for d in server.webhook_deliveries]
        assert attempts == [(1, "500"), (2, "500"), (3, "204")]
        received.fail_next = 10
        api.post(
            "/models/demo/hello/predictions",
            json={"input": {"name": "r"}, "webhook": url, "webhook_events_filter": ["completed"]},
        )
        wait_for_deliveries(server, 6)
        time.sleep(0.3)
        assert len(server.webhook_deliveries) == 6  # 1 + 2 retries, then it gives up
        assert received.fail_next == 7


def test_invalid_webhook_options_are_422(api: httpx.Client) -> None:
    bad_url = api.post(
        "/models/demo/hello/predictions", json={"input": {"name": "x"}, "webhook": "ftp://x"}
    )
    assert bad_url.status_code == 422
    assert "webhook" in bad_url.json()["detail"]
    bad_filter = api.post(
        "/models/demo/hello/predictions",
        json={
            "input": {"name": "x"},
            "webhook": "http://127.0.0.1:9/",
            "webhook_events_filter": ["nope"],
        },
    )
    assert bad_filter.status_code == 422
    assert "webhook_events_filter" in bad_filter.json()["detail"]
