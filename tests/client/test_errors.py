"""HTTP error responses become typed errors with the server's title/detail."""

from __future__ import annotations

import httpx
import pytest

import replicate_ext
from replicate_ext._errors import error_from_response, parse_retry_after

from .conftest import TOKEN, mock_client


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
