"""The openapi.yaml check used by every test client really rejects wrong responses."""

from __future__ import annotations

import httpx
import pytest

from .spec import check_response, declared_statuses


def fake(
    method: str, path: str, status: int, body: object, content_type: str = "application/json"
) -> httpx.Response:
    request = httpx.Request(method, f"http://127.0.0.1:1{path}")
    return httpx.Response(
        status, json=body, headers={"content-type": content_type}, request=request
    )


def test_a_prediction_without_id_is_rejected() -> None:
    with pytest.raises(Exception, match="id"):
        check_response(fake("GET", "/v1/predictions/abc", 200, {"status": "succeeded"}))


def test_undeclared_success_status_is_rejected() -> None:
    with pytest.raises(AssertionError, match="declares"):
        check_response(fake("POST", "/v1/deployments", 201, {"owner": "a", "name": "b"}))


def test_undeclared_errors_must_be_problem_documents() -> None:
    check_response(
        fake(
            "GET",
            "/v1/account",
            401,
            {"title": "t", "detail": "d", "status": 401},
            "application/problem+json",
        )
    )
    with pytest.raises(AssertionError):
        check_response(fake("GET", "/v1/account", 401, {"error": "no"}, "application/problem+json"))


def test_statuses_come_from_openapi_yaml() -> None:
    assert declared_statuses("GET", "/v1/hardware") == {"200"}
    assert declared_statuses("GET", "/v1/not-in-spec") is None


def test_query_method_is_checked_against_x_query() -> None:
    assert declared_statuses("QUERY", "/v1/models") == {"200"}
    with pytest.raises(Exception, match="results"):
        check_response(fake("QUERY", "/v1/models", 200, {"results": "not a list"}))
