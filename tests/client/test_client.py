"""Client behaviour: config, auth scoping, token secrecy, with_options, raw responses, logging,
injected httpx pieces, lifecycle."""

from __future__ import annotations

import logging
import threading

import httpx
import pytest

import replicate_ext
from replicate_ext import _config

from .conftest import BASE_URL, TOKEN, mock_async_client, mock_client, prediction_json


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=prediction_json(), headers={"x-ratelimit-remaining": "42"})


# -- configuration ----------------------------------------------------------------------------


def test_settings_come_from_arguments_then_environment_then_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    monkeypatch.delenv("REPLICATE_BASE_URL", raising=False)
    assert _config.resolve_api_token(None) is None
    assert _config.resolve_base_url(None) == "https://api.replicate.com/v1"
    monkeypatch.setenv("REPLICATE_API_TOKEN", "env-token")
    monkeypatch.setenv("REPLICATE_BASE_URL", "http://127.0.0.1:9/v1/")
    assert _config.resolve_api_token(None) == "env-token"
    assert _config.resolve_api_token("arg-token") == "arg-token"
    assert _config.resolve_base_url(None) == "http://127.0.0.1:9/v1"
    assert _config.resolve_base_url("https://proxy.example/replicate/v1") == (
        "https://proxy.example/replicate/v1"
    )
    assert _config.resolve_api_token("  ") is None


def test_default_timeout_is_finite_and_numbers_are_accepted() -> None:
    timeout = _config.resolve_timeout(None)
    for phase in (timeout.connect, timeout.read, timeout.write, timeout.pool):
        assert phase is not None and 0 < phase <= 120
    assert _config.resolve_timeout(5).read == 5.0
    custom = httpx.Timeout(3.0, connect=1.0)
    assert _config.resolve_timeout(custom) is custom
    for bad in (0, -1, "5", True):
        with pytest.raises(ValueError):
            _config.resolve_timeout(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        replicate_ext.Client(api_token="t", max_retries=-1)


def test_each_request_uses_the_client_timeout() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return ok(request)

    with mock_client(handler, timeout=httpx.Timeout(7.0, connect=2.0)) as client:
        client.predictions.get("p1")
    assert seen == [{"connect": 2.0, "read": 7.0, "write": 7.0, "pool": 7.0}]


# -- auth and token secrecy --------------------------------------------------------------------


def test_auth_and_user_agent_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(request)

    with mock_client(handler, user_agent="my-app/1.0") as client:
        client.predictions.get("p1")
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].headers["user-agent"] == "my-app/1.0"
    with mock_client(handler) as client:
        client.predictions.get("p1")
    assert seen[1].headers["user-agent"].startswith("replicate-ext/")


def test_token_is_only_sent_to_the_api_origin() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"data")

    with mock_client(handler) as client:
        client._client.request("GET", "https://files.example.com/output.png")
        client._client.request("GET", "http://api.test:8080/v1/other-port")
        client._client.request("GET", "http://api.test/v1/predictions/p1")
        client._client.request("GET", "/predictions/p1")
    assert "authorization" not in seen[0].headers
    assert "authorization" not in seen[1].headers
    assert seen[2].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[3].url == httpx.URL(f"{BASE_URL}/predictions/p1")


def test_missing_token_is_a_clear_error_at_the_first_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return ok(request)

    client = replicate_ext.Client(base_url=BASE_URL, transport=httpx.MockTransport(handler))
    with client, pytest.raises(replicate_ext.MissingAPITokenError, match="REPLICATE_API_TOKEN"):
        client.predictions.get("p1")
    assert requests == []


def test_token_never_appears_in_repr_logs_or_errors(
    caplog: pytest.LogCaptureFixture, sleeps: list[float]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/boom"):
            raise httpx.ConnectError(f"failed with {request.headers['authorization']}")
        return httpx.Response(
            401, json={"title": "Unauthenticated", "detail": f"bad token {TOKEN}"}
        )

    caplog.set_level(logging.DEBUG, logger="replicate_ext")
    messages: list[str] = []
    with mock_client(handler) as client:
        messages += [repr(client), str(client), repr(client._client)]
        messages += [repr(client.with_options(timeout=3)), repr(client.predictions)]
        with pytest.raises(replicate_ext.AuthenticationError) as auth_error:
            client.predictions.get("p1")
        messages += [str(auth_error.value), repr(auth_error.value)]
        with pytest.raises(replicate_ext.APIConnectionError) as conn_error:
            client._client.request("GET", "/boom")
        messages += [str(conn_error.value), repr(conn_error.value)]
    assert caplog.records, "requests should be logged at DEBUG"
    messages += [record.getMessage() for record in caplog.records]
    assert all(TOKEN not in message for message in messages)


def test_logs_carry_method_path_status_attempt_and_elapsed(
    caplog: pytest.LogCaptureFixture, sleeps: list[float]
) -> None:
    answers = [httpx.Response(503), httpx.Response(200, json=prediction_json())]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    caplog.set_level(logging.DEBUG, logger="replicate_ext")
    with mock_client(handler) as client:
        client.predictions.get("p1")
    lines = [r.getMessage() for r in caplog.records if r.name == "replicate_ext"]
    assert any("GET /v1/predictions/p1 -> 503 (attempt 1" in line for line in lines)
    assert any("retrying in" in line for line in lines)
    assert any(
        "GET /v1/predictions/p1 -> 200 (attempt 2" in line and " ms)" in line for line in lines
    )


# -- with_options, raw responses, injected clients ---------------------------------------------


def test_with_options_shares_the_connection_pool() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(request)

    with mock_client(handler) as client:
        tenant = client.with_options(api_token="tenant-token", timeout=3, max_retries=0)
        assert tenant._client._http is client._client._http
        assert tenant.max_retries == 0 and client.max_retries == 2
        assert tenant.timeout.read == 3.0
        tenant.predictions.get("p1")
        client.predictions.get("p1")
        tenant.close()  # a derived client never closes the shared pool
        assert not client._client.is_closed
        client.predictions.get("p1")
    assert client._client.is_closed
    assert [r.headers["authorization"] for r in seen] == [
        "Bearer tenant-token",
        f"Bearer {TOKEN}",
        f"Bearer {TOKEN}",
    ]
    assert seen[0].extensions["timeout"]["read"] == 3.0


def test_with_options_on_another_base_url_never_reuses_the_parents_urls() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(request)

    with mock_client(handler) as client:
        client.predictions.get("p1")
        proxy = client.with_options(base_url="http://proxy.test/replicate/v1", api_token="t2")
        proxy.predictions.get("p1")
        client._client.request("GET", "http://proxy.test/replicate/v1/predictions/p1")
        # Polling one prediction many times, then many others: memory stays bounded.
        for index in range(600):
            client.predictions.get(f"p{index % 300}")
        assert len(client._client._resolved_urls) <= 256
    assert str(seen[1].url) == "http://proxy.test/replicate/v1/predictions/p1"
    assert seen[1].headers["authorization"] == "Bearer t2"
    assert "authorization" not in seen[2].headers  # the proxy is not the parent's origin
    assert [r.url.path for r in seen[-3:]] == [f"/v1/predictions/p{i}" for i in (297, 298, 299)]


def test_raw_response_gives_headers_and_the_parsed_value() -> None:
    with mock_client(ok) as client:
        raw = client.with_raw_response.predictions.get("p1")
        assert raw.headers["x-ratelimit-remaining"] == "42"
        assert raw.status_code == 200
        assert raw.parse().id == "p1"
        typed = replicate_ext.with_raw_response(client.models.versions.get)
        version_raw = typed("demo/hello", "v1")
        assert version_raw.http_response.request.url.path == "/v1/models/demo/hello/versions/v1"


async def test_async_raw_response() -> None:
    async with mock_async_client(ok) as client:
        raw = await client.with_raw_response.predictions.get("p1")
        assert raw.headers["x-ratelimit-remaining"] == "42"
        assert raw.parse().status == "starting"


def test_injected_http_client_keeps_our_auth_timeouts_and_retries(sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503)
        return ok(request)

    http = httpx.Client(transport=httpx.MockTransport(handler), timeout=None)
    client = replicate_ext.Client(api_token=TOKEN, base_url=BASE_URL, http_client=http, timeout=9)
    with client:
        client.predictions.get("p1")
    assert len(seen) == 2  # retried
    assert seen[1].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[1].extensions["timeout"]["read"] == 9.0
    assert not http.is_closed  # the caller owns it
    http.close()
    with pytest.raises(ValueError):
        replicate_ext.Client(http_client=http, transport=httpx.MockTransport(handler))


def test_injected_http_client_keeps_its_own_headers_params_cookies_auth_and_hooks() -> None:
    seen: list[httpx.Request] = []
    hooked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(request)

    def proxy_auth(request: httpx.Request) -> httpx.Request:
        request.headers["x-proxy-auth"] = "signed"
        return request

    http = httpx.Client(
        transport=httpx.MockTransport(handler),
        headers={"x-tenant": "blue", "user-agent": "theirs/1.0"},
        params={"trace": "1"},
        cookies={"session": "s1"},
        auth=proxy_auth,
        event_hooks={"request": [lambda request: hooked.append(request.url.path)]},
    )
    with http, replicate_ext.Client(api_token=TOKEN, base_url=BASE_URL, http_client=http) as client:
        client.predictions.get("p1")
        http.headers["x-tenant"] = "green"  # changed after our client was built
        client._client.request("GET", "/predictions/p2", headers={"x-call": "yes"})
        client._client.request("GET", "https://files.example.com/out.png")
    first, second, foreign = seen
    assert first.headers["x-tenant"] == "blue" and second.headers["x-tenant"] == "green"
    assert first.headers["user-agent"].startswith("replicate-ext/")  # ours wins
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert first.headers["cookie"] == "session=s1" and first.headers["x-proxy-auth"] == "signed"
    assert first.url.params["trace"] == "1"
    assert second.headers["x-call"] == "yes" and "x-call" not in first.headers
    assert "authorization" not in foreign.headers and foreign.headers["x-tenant"] == "green"
    assert hooked == ["/v1/predictions/p1", "/v1/predictions/p2", "/out.png"]


def test_client_is_usable_from_many_threads() -> None:
    count = 0
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal count
        with lock:
            count += 1
        return ok(request)

    errors: list[BaseException] = []
    with mock_client(handler) as client:

        def work() -> None:
            try:
                for _ in range(20):
                    assert client.predictions.get("p1").id == "p1"
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == [] and count == 160


def test_module_functions_use_a_lazily_created_default_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from replicate_ext import _client

    monkeypatch.setattr(_client, "_default", None)
    monkeypatch.setenv("REPLICATE_API_TOKEN", "env-token")
    monkeypatch.setenv("REPLICATE_BASE_URL", "http://127.0.0.1:9/v1")
    first = replicate_ext.default_client()
    assert first is replicate_ext.default_client()
    assert str(first.base_url) == "http://127.0.0.1:9/v1"
    first.close()
