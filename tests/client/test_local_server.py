"""End to end against the local Replicate-compatible server (real HTTP over loopback)."""

from __future__ import annotations

import time

import pytest

import replicate_ext
from replicate_ext.local import LocalServer
from replicate_ext.local.faults import Fault


def _client(server: LocalServer, **options: object) -> replicate_ext.Client:
    return replicate_ext.Client(api_token=server.token, base_url=server.base_url, **options)  # type: ignore[arg-type]


def _async_client(server: LocalServer, **options: object) -> replicate_ext.AsyncClient:
    return replicate_ext.AsyncClient(api_token=server.token, base_url=server.base_url, **options)  # type: ignore[arg-type]


def test_run_by_model_version_and_version_id(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        assert "Ada" in client.run("demo/hello", input={"name": "Ada"})
        version = client.models.get_latest_version("demo/hello")
        assert version is not None
        assert "Bob" in client.run(f"demo/hello:{version.id}", input={"name": "Bob"})
        assert "Cy" in client.run(version.id, input={"name": "Cy"})
        assert client.models.get_version("demo/hello", version.id).id == version.id


def test_run_by_deployment(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        version = client.models.get_latest_version("demo/hello")
        assert version is not None
        created = client.deployments.create(
            name="greeter",
            model="demo/hello",
            version=version.id,
            hardware="cpu",
            min_instances=0,
            max_instances=1,
        )
        ref = created.full_name
        assert client.deployments.get(ref).name == "greeter"
        assert "Dee" in client.run(deployment=ref, input={"name": "Dee"})
        prediction = client.deployments.predictions.create(ref, input={"name": "Eve"}, wait=10)
        assert "Eve" in client.wait(prediction, timeout=10).output


def test_failed_model_raises_model_error_with_the_prediction(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        with pytest.raises(replicate_ext.ModelError) as caught:
            client.run("demo/fail", input={})
        prediction = caught.value.prediction
        assert prediction.status == "failed"
        assert prediction.error
        assert client.predictions.get(prediction.id).status == "failed"


def test_wait_timeout_keeps_the_id_and_can_cancel(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        started = time.monotonic()
        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            client.run("demo/sleep", input={"seconds": 30}, timeout=1.5, cancel_on_timeout=True)
        assert time.monotonic() - started < 10
        prediction_id = caught.value.prediction.id
        assert prediction_id
        deadline = time.monotonic() + 10
        status = client.predictions.get(prediction_id).status
        while status != "canceled" and time.monotonic() < deadline:
            time.sleep(0.05)
            status = client.predictions.get(prediction_id).status
        assert status == "canceled"


@pytest.mark.local_server(wait_cap=0)
def test_run_returns_promptly_when_prefer_wait_is_ignored(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        started = time.monotonic()
        assert client.run("demo/sleep", input={"seconds": 1}) is not None
        elapsed = time.monotonic() - started
    # Sync mode was ignored, so polling alone saw the end (its latency is benchmarked, not here).
    assert 1.0 <= elapsed < 5.0


@pytest.mark.local_server(page_size=2)
def test_pagination_walks_every_page(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        created = {
            client.predictions.create(model="demo/hello", input={"name": str(i)}).id
            for i in range(5)
        }
        first = client.predictions.list()
        assert len(first.results) == 2 and first.next is not None
        listed = [p.id for p in client.paginate(client.predictions.list)]
    assert created <= set(listed)
    assert len(listed) == len(set(listed))


def test_retries_against_injected_faults(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        prediction = client.predictions.create(model="demo/hello", input={"name": "F"}, wait=5)
        local_server.inject(Fault.status(503, times=2, method="GET"))
        assert client.predictions.get(prediction.id).id == prediction.id
        local_server.inject(Fault.status(429, retry_after=0.1, method="POST"))
        assert client.predictions.create(model="demo/hello", input={"name": "G"}).id


def test_post_is_not_repeated_after_a_reset(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        before = len(list(client.predictions.list()))
        local_server.inject(Fault.reset(method="POST", path="/v1/models/*"))
        with pytest.raises(replicate_ext.APIConnectionError):
            client.predictions.create(model="demo/hello", input={"name": "H"})
        after = len(list(client.predictions.list()))
    assert after - before <= 1


def test_errors_from_the_server_are_typed(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        with pytest.raises(replicate_ext.NotFoundError):
            client.predictions.get("does-not-exist")
        with pytest.raises(replicate_ext.NotFoundError):
            client.models.get("nobody/nothing")
        with pytest.raises(replicate_ext.UnprocessableEntityError):
            client.predictions.create(model="demo/hello", input={"unknown_field": 1})
    with (
        replicate_ext.Client(api_token="", base_url=local_server.base_url) as anonymous,
        pytest.raises(replicate_ext.MissingAPITokenError),
    ):
        anonymous.account.get()


def test_resources_against_the_server(local_server: LocalServer) -> None:
    with _client(local_server) as client:
        assert client.account.get().username
        assert any(h.sku for h in client.hardware.list())
        assert client.models.get("demo/hello").full_name == "demo/hello"
        assert "demo/hello" in client.models.readme("demo/hello")
        assert any(m.name == "hello" for m in client.models.search("hello"))
        assert any(m.model.name == "hello" for m in client.search("hello").models)
        collections = list(client.collections.list())
        assert collections and client.collections.get(collections[0].slug).slug
        raw = client.with_raw_response.models.get("demo/hello")
        assert raw.status_code == 200 and raw.headers["content-type"].startswith("application/json")


async def test_async_run_fail_timeout_and_deployment(local_server: LocalServer) -> None:
    async with _async_client(local_server) as client:
        assert "Ada" in await client.run("demo/hello", input={"name": "Ada"})
        version = await client.models.get_latest_version("demo/hello")
        assert version is not None
        assert "Bo" in await client.run(version.id, input={"name": "Bo"})
        with pytest.raises(replicate_ext.ModelError):
            await client.run("demo/fail", input={})
        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            await client.run("demo/sleep", input={"seconds": 30}, timeout=1.2)
        assert caught.value.prediction.id
        await client.predictions.cancel(caught.value.prediction.id)
        deployment = await client.deployments.create(
            name="async-greeter",
            model="demo/hello",
            version=version.id,
            hardware="cpu",
            min_instances=0,
            max_instances=1,
        )
        assert "Cid" in await client.run(deployment=deployment.full_name, input={"name": "Cid"})
        page = await client.predictions.list()
        assert [p.id async for p in page]


def test_module_run_and_paginate_use_the_environment(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from replicate_ext import _client

    monkeypatch.setattr(_client, "_default", None)
    monkeypatch.setenv("REPLICATE_API_TOKEN", local_server.token)
    monkeypatch.setenv("REPLICATE_BASE_URL", local_server.base_url)
    try:
        assert "Zed" in replicate_ext.run("demo/hello", input={"name": "Zed"})
        client = replicate_ext.default_client()
        assert any(p.status == "succeeded" for p in replicate_ext.paginate(client.predictions.list))
    finally:
        replicate_ext.default_client().close()
