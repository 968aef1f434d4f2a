"""SDK edges (issue 12, item 8): malformed tokens, echoed tokens in body keys, stream ids,
mixed-case URL schemes, and custom headers that stay on the API's origin."""

from __future__ import annotations

import httpx
import pytest

import replicate_ext
from replicate_ext._errors import error_from_response

from .conftest import BASE_URL, TOKEN, mock_async_client, mock_client, prediction_json

BAD_TOKENS = [
    "r8_abc\r\nX-Injected: yes",
    "r8_abc\ndef",
    "r8_abc\x00def",
    "r8_abc\tdef",
    "r8_äbc_secret",
    "r8_abc\u2028def",
]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_a_token_that_cannot_be_a_header_is_refused_at_construction_without_showing_it(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for make in (
        lambda: replicate_ext.Client(api_token=token),
        lambda: replicate_ext.AsyncClient(api_token=token),
        lambda: replicate_ext.Client(api_token="r8_good").with_options(api_token=token),
    ):
        with pytest.raises(replicate_ext.ReplicateError, match="API token") as info:
            make()
        shown = str(info.value) + repr(info.value)
        assert "abc" not in shown and "secret" not in shown
    if "\x00" in token:
        return  # an environment variable cannot hold a NUL
    monkeypatch.setenv("REPLICATE_API_TOKEN", token)
    with pytest.raises(replicate_ext.ReplicateError, match="REPLICATE_API_TOKEN"):
        replicate_ext.Client()


def test_surrounding_whitespace_is_still_trimmed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler, api_token=f"  {TOKEN}\n") as client:
        client.predictions.get("p1")


def test_an_echoed_token_is_scrubbed_from_body_keys_too() -> None:
    request = httpx.Request("GET", f"{BASE_URL}/predictions/p1")
    body = {"detail": "bad", "headers": {f"Bearer {TOKEN}": "authorization", TOKEN: [TOKEN]}}
    response = httpx.Response(400, json=body, request=request)
    error = error_from_response(response, api_token=TOKEN)
    assert TOKEN not in repr(error.body) and TOKEN not in str(error)
    assert error.body["headers"] == {"Bearer ***": "authorization", "***": ["***"]}


@pytest.mark.parametrize("bad_id", ["a/b", " p1", "..", "p1\n", ""])
def test_stream_validates_a_prediction_id_before_any_request(bad_id: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client, pytest.raises(ValueError, match="prediction id"):
        client.stream(prediction=bad_id)
    with pytest.raises(ValueError, match="prediction id"):
        mock_async_client(handler).stream(prediction=bad_id)
    assert sent == []


@pytest.mark.parametrize(
    "url",
    ["HTTP://api.test/v1/predictions/p1", "Http://API.TEST/v1/predictions/p1"],
)
def test_absolute_urls_are_recognised_whatever_the_scheme_case(url: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client:
        client._client.request("GET", url)
        client._client.request("GET", "HTTPS://files.example.com/out.png")
    ours, foreign = seen
    assert ours.url.path == "/v1/predictions/p1"  # not /v1/HTTP:/...
    assert ours.headers["authorization"] == f"Bearer {TOKEN}"
    assert foreign.url.host == "files.example.com" and foreign.url.path == "/out.png"
    assert "authorization" not in foreign.headers


def test_custom_headers_are_sent_to_the_api_origin_only() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler, headers={"X-Tenant-Key": "tenant-secret"}) as client:
        client.predictions.get("p1")
        client._client.request("GET", "https://files.example.com/out.png")
        client._client.request("GET", "http://api.test:8080/v1/predictions/p1")  # other port
    ours, file_host, other_port = seen
    assert ours.headers["x-tenant-key"] == "tenant-secret"
    assert "x-tenant-key" not in file_host.headers
    assert "x-tenant-key" not in other_port.headers
