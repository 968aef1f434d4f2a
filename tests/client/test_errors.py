"""HTTP error responses become typed errors with the server's title/detail."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

import replicate_ext
from replicate_ext._errors import error_from_response, parse_retry_after

from .conftest import TOKEN, mock_async_client, mock_client


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, replicate_ext.BadRequestError),
        (401, replicate_ext.AuthenticationError),
        (403, replicate_ext.PermissionDeniedError),
        (404, replicate_ext.NotFoundError),
        (409, replicate_ext.ConflictError),
        (422, replicate_ext.UnprocessableEntityError),
        (429, replicate_ext.RateLimitError),
        (500, replicate_ext.InternalServerError),
        (503, replicate_ext.InternalServerError),
        (418, replicate_ext.APIError),
    ],
)
def test_each_status_maps_to_its_error(status: int, error_type: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            headers={"content-type": "application/problem+json", "x-request-id": "req-1"},
            json={"title": "Something", "detail": f"detail {status}", "status": status},
        )

    with mock_client(handler, max_retries=0) as client, pytest.raises(error_type) as caught:
        client.predictions.get("p1")
    error = caught.value
    assert type(error) is error_type
    assert isinstance(error, replicate_ext.APIError)
    assert isinstance(error, replicate_ext.ReplicateError)
    assert error.status == status
    assert error.title == "Something"
    assert error.detail == f"detail {status}"
    assert error.body["status"] == status
    assert error.response is not None and error.request_id == "req-1"
    assert str(error) == f"{status} Something: detail {status}"


def test_plain_detail_body() -> None:
    response = httpx.Response(
        422, json={"detail": "Invalid version or not permitted"}, request=httpx.Request("GET", "/")
    )
    error = error_from_response(response)
    assert isinstance(error, replicate_ext.UnprocessableEntityError)
    assert error.title is None
    assert error.detail == "Invalid version or not permitted"
    assert "Invalid version or not permitted" in str(error)


def test_structured_detail_is_rendered_as_json() -> None:
    response = httpx.Response(422, json={"detail": [{"loc": ["input", "name"], "msg": "required"}]})
    error = error_from_response(response)
    assert error.detail is not None and '"msg":"required"' in error.detail


def test_non_json_body_keeps_a_short_snippet() -> None:
    page = "<html><body>" + "Bad gateway from the proxy. " * 50 + "</body></html>"
    error = error_from_response(httpx.Response(502, text=page))
    assert isinstance(error, replicate_ext.InternalServerError)
    assert error.detail is not None
    assert error.detail.startswith("<html><body>Bad gateway")
    assert len(error.detail) <= 201
    assert len(str(error)) < 300
    assert error.body == page.strip()


def test_empty_body_uses_the_reason_phrase() -> None:
    error = error_from_response(httpx.Response(404))
    assert str(error) == "404 Not Found"
    assert error.detail is None and error.body is None


def test_token_echoed_by_a_server_is_scrubbed() -> None:
    body = {"title": "Unauthorized", "detail": f"token {TOKEN} is invalid"}
    error = error_from_response(httpx.Response(401, json=body), api_token=TOKEN)
    assert TOKEN not in str(error)
    assert error.detail is not None and TOKEN not in error.detail
    assert "***" in str(error)


def test_an_echoed_token_is_scrubbed_from_the_body_and_where_the_snippet_is_cut() -> None:
    # The token straddles the snippet's cut: no prefix of it may survive the truncation.
    page = "x" * 190 + f" {TOKEN} " + "y" * 300
    error = error_from_response(httpx.Response(502, text=page), api_token=TOKEN)
    for text in (str(error), error.detail or "", str(error.body)):
        assert TOKEN[:8] not in text
    assert str(error).startswith("502 Bad Gateway: xxx")

    body = {"detail": {"errors": [f"bad token {TOKEN}"]}, "echo": TOKEN}
    error = error_from_response(httpx.Response(401, json=body), api_token=TOKEN)
    assert TOKEN not in repr(error.body) and TOKEN not in str(error)
    assert error.body == {"detail": {"errors": ["bad token ***"]}, "echo": "***"}


def test_retry_after_parsing() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_model_error_and_wait_timeout_carry_the_prediction() -> None:
    failed = replicate_ext.Prediction.from_dict({"id": "p9", "status": "failed", "error": "OOM"})
    error = replicate_ext.ModelError(failed)
    assert error.prediction is failed
    assert str(error) == "Prediction p9 failed: OOM"
    canceled = replicate_ext.Prediction.from_dict({"id": "p8", "status": "canceled"})
    assert "canceled" in str(replicate_ext.ModelError(canceled))
    timeout = replicate_ext.WaitTimeoutError(canceled, 2.04)
    assert timeout.prediction.id == "p8" and "2.0s" in str(timeout)


def test_connection_errors_are_typed(sleeps: list[float]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with (
        mock_client(refuse, max_retries=1) as client,
        pytest.raises(replicate_ext.APIConnectionError) as caught,
    ):
        client.predictions.get("p1")
    assert not isinstance(caught.value, replicate_ext.APITimeoutError)
    assert "ConnectError" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with mock_client(slow, max_retries=0) as client, pytest.raises(replicate_ext.APITimeoutError):
        client.predictions.get("p1")


def test_redirect_loops_and_undecodable_bodies_are_typed_too() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": str(request.url)})

    with mock_client(loop) as client, pytest.raises(replicate_ext.APIConnectionError) as caught:
        client.predictions.get("p1")
    assert isinstance(caught.value.__cause__, httpx.TooManyRedirects)
    assert TOKEN not in str(caught.value)

    def bad_gzip(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip", headers={"content-encoding": "gzip"})

    with mock_client(bad_gzip) as client, pytest.raises(replicate_ext.APIConnectionError) as caught:
        client.predictions.get("p1")
    assert isinstance(caught.value.__cause__, httpx.DecodingError)


async def test_async_redirect_loops_are_typed_too() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": str(request.url)})

    async with mock_async_client(loop) as client:
        with pytest.raises(replicate_ext.APIConnectionError) as caught:
            await client.predictions.get("p1")
    assert isinstance(caught.value.__cause__, httpx.TooManyRedirects)


# -- success statuses with a body that is not JSON ---------------------------------------------

PROXY_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sign in to the corporate proxy</title></head>\n"
    "<body><p>Your session expired.</p></body></html>"
)


def proxy_page(request: httpx.Request) -> httpx.Response:
    status = 201 if request.method == "POST" else 200
    return httpx.Response(status, text=PROXY_PAGE, headers={"content-type": "text/html"})


SYNC_READS: list[tuple[str, Callable[[replicate_ext.Client], object]]] = [
    ("predictions.get", lambda client: client.predictions.get("p1")),
    ("predictions.list", lambda client: client.predictions.list()),
    ("models.get", lambda client: client.models.get("demo/hello")),
    ("account.get", lambda client: client.account.get()),
    ("files.get", lambda client: client.files.get("f1")),
    ("webhooks.default_secret", lambda client: client.webhooks.default_secret()),
    ("stream(prediction=...)", lambda client: next(iter(client.stream(prediction="p1")))),
]


@pytest.mark.parametrize(("name", "call"), SYNC_READS, ids=[name for name, _ in SYNC_READS])
def test_a_non_json_success_body_is_a_typed_error(
    name: str, call: Callable[[replicate_ext.Client], object]
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return proxy_page(request)

    with mock_client(handler) as client, pytest.raises(replicate_ext.APIResponseDecodeError) as e:
        call(client)
    error = e.value
    assert isinstance(error, replicate_ext.APIError)
    assert error.status == 200 and error.response is not None
    assert error.response.status_code == 200
    assert isinstance(error.body, str) and error.body.startswith("<!DOCTYPE html> <html>")
    assert "Sign in to the corporate proxy" in str(error) and "text/html" in str(error)
    assert f"GET {requests[0].url.path}" in str(error)
    assert "may have taken effect" not in str(error)  # a read changes nothing
    assert len(requests) == 1  # the server answered: not retried


def test_a_create_answered_with_a_non_json_body_says_it_may_have_created_something() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return proxy_page(request)

    with mock_client(handler) as client:
        with pytest.raises(replicate_ext.APIResponseDecodeError) as caught:
            client.predictions.create(model="demo/hello", input={"name": "Ada"})
        with pytest.raises(replicate_ext.APIResponseDecodeError) as from_run:
            client.run("demo/hello", input={"name": "Ada"})
    for error in (caught.value, from_run.value):
        message = str(error)
        assert error.status == 201
        assert message.startswith("201 response to POST /v1/models/demo/hello/predictions")
        assert "may have taken effect" in message and "prediction" in message
        assert "check before sending it again" in message
    assert [r.method for r in requests] == ["POST", "POST"]  # never re-sent on our own


async def test_async_non_json_success_bodies_are_typed_errors() -> None:
    async with mock_async_client(proxy_page) as client:
        with pytest.raises(replicate_ext.APIResponseDecodeError) as read:
            await client.predictions.get("p1")
        with pytest.raises(replicate_ext.APIResponseDecodeError) as create:
            await client.predictions.create(model="demo/hello", input={})
    assert read.value.status == 200 and "may have taken effect" not in str(read.value)
    assert create.value.status == 201 and "may have taken effect" in str(create.value)


def test_a_non_json_body_never_shows_the_token() -> None:
    echo = f"<html><pre>Authorization: Bearer {TOKEN}</pre></html>"
    # Only the first 800 characters are decoded; the token straddles that cut, and the
    # whitespace before it collapses, so half a token would fit in the snippet.
    straddling = "<html>" + " " * 784 + TOKEN + "</html>"

    for page in (echo, straddling):

        def handler(request: httpx.Request, page: str = page) -> httpx.Response:
            return httpx.Response(200, text=page, headers={"content-type": "text/html"})

        with (
            mock_client(handler) as client,
            pytest.raises(replicate_ext.APIResponseDecodeError) as e,
        ):
            client.predictions.get("p1")
        error = e.value
        for text in (str(error), error.detail or "", str(error.body)):
            assert TOKEN not in text and TOKEN[:6] not in text
        assert str(error.body).startswith("<html>")
        if page is echo:
            assert "Bearer ***" in str(error)


def test_an_empty_success_body_is_a_typed_error_too() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    with mock_client(handler) as client, pytest.raises(replicate_ext.APIResponseDecodeError) as e:
        client.predictions.get("p1")
    assert "(empty body)" in str(e.value) and e.value.detail is None
