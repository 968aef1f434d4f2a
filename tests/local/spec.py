"""Checks local-server responses against our openapi.yaml with openapi-core."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
QUERY_STAND_IN = "options"


@cache
def spec_dict() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    # the spec names api.replicate.com; the same paths live under /v1 on any host
    data["servers"] = [{"url": "/v1"}]
    # OpenAPI 3.1 has no QUERY method, so the spec keeps it as x-query; openapi-core only
    # validates standard methods, so check it under a method the path does not use
    for item in data["paths"].values():
        if "x-query" in item:
            assert QUERY_STAND_IN not in item
            item[QUERY_STAND_IN] = item["x-query"]
    return data


@cache
def openapi() -> OpenAPI:
    # openapi-core only parses application/json out of the box
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(spec_dict(), config=config)


class _Request:
    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        query = ImmutableMultiDict(list(request.url.params.multi_items()))
        self.parameters = RequestParameters(query=query, header=Headers(dict(request.headers)))

    @property
    def host_url(self) -> str:
        url = self._request.url
        return f"{url.scheme}://{url.netloc.decode()}"

    @property
    def path(self) -> str:
        return self._request.url.path

    @property
    def method(self) -> str:
        method = self._request.method.lower()
        return QUERY_STAND_IN if method == "query" else method

    @property
    def body(self) -> bytes | None:
        try:
            return self._request.content
        except httpx.RequestNotRead:
            return None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("content-type", "")).lower()


class _Response:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return str(self._response.headers.get("content-type", "")).lower()

    @property
    def headers(self) -> Headers:
        return Headers(dict(self._response.headers))

    @property
    def data(self) -> bytes:
        return self._response.content


def _template_for(path: str) -> tuple[str, dict[str, Any]] | None:
    for template, item in spec_dict()["paths"].items():
        pattern = "^/v1" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template, item
    return None


def declared_statuses(method: str, path: str) -> set[str] | None:
    """Statuses the spec declares for this operation, or None if it has no such operation."""
    found = _template_for(path)
    if found is None:
        return None
    method = method.lower()
    operation = found[1].get(QUERY_STAND_IN if method == "query" else method)
    if operation is None:
        return None
    return set(operation.get("responses", {}))


def check_response(response: httpx.Response) -> None:
    """Raise if the response disagrees with openapi.yaml (or, for an undeclared error status,
    if it is not a problem+json document {title, detail, status})."""
    request = response.request
    statuses = declared_statuses(request.method, request.url.path)
    if statuses is None:
        return
    if str(response.status_code) in statuses or "default" in statuses:
        openapi().validate_response(_Request(request), _Response(response))
    elif response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert isinstance(body.get("title"), str) and body["title"], body
        assert isinstance(body.get("detail"), str) and body["detail"], body
        assert body.get("status") == response.status_code, body
    else:
        raise AssertionError(
            f"{request.method} {request.url.path} answered {response.status_code}, "
            f"openapi.yaml declares {sorted(statuses)}"
        )
