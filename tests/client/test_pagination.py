"""Pages: lazy iteration across three pages; absolute `next` URLs followed on our base URL."""

from __future__ import annotations

import httpx
import pytest

import replicate_ext
from replicate_ext._pagination import next_page_url

from .conftest import mock_async_client, mock_client, prediction_json

PUBLIC_API = "https://api.replicate.com/v1"


def _three_pages(requests: list[httpx.Request]):  # type: ignore[no-untyped-def]
    pages = {
        None: (["p1", "p2"], f"{PUBLIC_API}/predictions?cursor=c2"),
        "c2": (["p3", "p4"], f"{PUBLIC_API}/predictions?cursor=c3"),
        "c3": (["p5"], None),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        ids, nxt = pages[request.url.params.get("cursor")]
        return httpx.Response(
            200,
            json={
                "results": [prediction_json(id=i) for i in ids],
                "next": nxt,
                "previous": None,
            },
        )

    return handler


def test_next_page_url_keeps_only_the_cursor() -> None:
    assert next_page_url("/predictions", f"{PUBLIC_API}/predictions?cursor=abc") == (
        "/predictions?cursor=abc"
    )
    assert next_page_url("/models?sort_by=x", "/v1/models?cursor=z&sort_by=x") == (
        "/models?cursor=z&sort_by=x"
    )
    assert next_page_url("/trainings", "https://api.replicate.com/v1/trainings") == "/trainings"


def test_iterating_a_page_walks_three_pages_lazily_on_our_base_url() -> None:
    requests: list[httpx.Request] = []
    with mock_client(_three_pages(requests)) as client:
        page = client.predictions.list()
        assert [p.id for p in page.results] == ["p1", "p2"]
        assert page.has_next and len(requests) == 1
        iterator = iter(page)
        assert [next(iterator).id for _ in range(3)] == ["p1", "p2", "p3"]
        assert len(requests) == 2  # page 3 not fetched yet
        assert [p.id for p in iterator] == ["p4", "p5"]
    assert len(requests) == 3
    assert {r.url.host for r in requests} == {"api.test"}  # never api.replicate.com
    assert [r.url.path for r in requests] == ["/v1/predictions"] * 3
    assert [r.url.params.get("cursor") for r in requests] == [None, "c2", "c3"]
    assert all(r.headers["authorization"].startswith("Bearer ") for r in requests)


def test_paginate_accepts_a_list_call_or_a_page() -> None:
    requests: list[httpx.Request] = []
    with mock_client(_three_pages(requests)) as client:
        ids = [p.id for p in client.paginate(client.predictions.list)]
        assert ids == ["p1", "p2", "p3", "p4", "p5"]
        ids_from_page = [p.id for p in replicate_ext.paginate(client.predictions.list())]
        assert ids_from_page == ids
        pages = list(client.predictions.list().iter_pages())
        assert [len(p.results) for p in pages] == [2, 2, 1]
        assert pages[-1].next_page() is None


def test_a_server_repeating_its_cursor_does_not_loop_forever() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(
            200,
            json={
                "results": [{"owner": "a", "name": str(calls)}],
                "next": "/v1/models?cursor=same",
            },
        )

    with mock_client(handler) as client:
        names = [m.name for m in client.models.list()]
    assert names == ["1", "2"]
    assert calls == 2


def test_first_request_params_are_not_duplicated_on_later_pages() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if "cursor" in request.url.params:
            return httpx.Response(200, json={"results": [], "next": None})
        return httpx.Response(
            200,
            json={"results": [], "next": f"{PUBLIC_API}/models?cursor=2&sort_by=model_created_at"},
        )

    with mock_client(handler) as client:
        assert list(client.models.list(sort_by="model_created_at")) == []
    assert str(requests[0].url.query, "ascii") == "sort_by=model_created_at"
    assert str(requests[1].url.query, "ascii") == "cursor=2&sort_by=model_created_at"


async def test_async_pages_walk_three_pages() -> None:
    requests: list[httpx.Request] = []
    async with mock_async_client(_three_pages(requests)) as client:
        page = await client.predictions.list()
        assert [p.id async for p in page] == ["p1", "p2", "p3", "p4", "p5"]
        assert [p.id async for p in client.paginate(client.predictions.list)] == [
            "p1",
            "p2",
            "p3",
            "p4",
            "p5",
        ]
        assert [p.id async for p in replicate_ext.apaginate(await client.predictions.list())][
            -1
        ] == "p5"
    assert len(requests) == 9
    assert {r.url.host for r in requests} == {"api.test"}


@pytest.mark.parametrize("body", [{}, {"results": None}, [], {"results": [1, "x"]}])
def test_odd_page_bodies_give_empty_pages(body: object) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    with mock_client(handler) as client:
        page = client.collections.list()
    assert page.results == [] and page.next is None and list(page) == []
