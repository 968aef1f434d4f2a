"""Clients beyond one process: pickling, fork, and a batch across Dask process workers."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext.local import LocalServer
from replicate_ext.local.pytest_plugin import LocalServerFactory

from . import models
from .conftest import creates_by_input
from .models import MODELS, REF, run_chunk


@pytest.fixture
def private_server(local_server_factory: LocalServerFactory) -> LocalServer:
    """A server that accepts one token only, so a working copy proves the token travelled."""
    return local_server_factory(models=MODELS, token="r8_only_this_token")


def test_a_client_pickles_as_its_settings(private_server: LocalServer) -> None:
    client = replicate_ext.Client(
        api_token=private_server.token, base_url=private_server.base_url, timeout=7
    )
    assert client.run(REF, input={"n": 2}) == 4  # a live pool with a connection in it
    copy = pickle.loads(pickle.dumps(client))
    assert copy._client._http is not client._client._http
    assert (copy.base_url, copy.timeout) == (client.base_url, client.timeout)
    assert copy.run(REF, input={"n": 3}) == 9
    client.close()
    copy.close()


async def test_an_async_client_pickles(private_server: LocalServer) -> None:
    client = replicate_ext.AsyncClient(
        api_token=private_server.token, base_url=private_server.base_url
    )
    copy = pickle.loads(pickle.dumps(client))
    assert await copy.run(REF, input={"n": 4}) == 16
    await copy.close()


def test_a_client_on_its_own_transport_does_not_pickle() -> None:
    client = replicate_ext.Client(
        api_token="t", transport=httpx.MockTransport(lambda request: httpx.Response(200))
    )
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client)


def _in_child(client: replicate_ext.Client, parent_pool: int, queue: Any) -> None:
    fresh_pool = id(client._client._pool()) != parent_pool
    try:
        output = client.run(REF, input={"n": 5})
    except Exception as error:
        output = repr(error)
    async_client: replicate_ext.AsyncClient = queue.get(timeout=10)
    async_output = asyncio.run(async_client.run(REF, input={"n": 6}))
    queue.put((fresh_pool, output, async_output))


def test_a_forked_child_gets_its_own_pool(server: LocalServer) -> None:
    client = replicate_ext.Client(api_token=server.token, base_url=server.base_url, timeout=10)
    assert client.run(REF, input={"n": 1}) == 1
    async_client = replicate_ext.AsyncClient(api_token=server.token, base_url=server.base_url)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    queue.put(async_client)  # pickled through the queue; the child unpickles it
    child = context.Process(target=_in_child, args=(client, id(client._client._http), queue))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child did not finish")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == (True, 25, 36)
    assert client.run(REF, input={"n": 7}) == 49  # the parent's pool still works
    client.close()


def test_a_batch_across_dask_process_workers(
    server: LocalServer, client: replicate_ext.Client
) -> None:
    import cloudpickle  # type: ignore[import-untyped]
    from distributed import Client as DaskClient
    from distributed import LocalCluster

    # Workers need no access to the tests package: the worker function travels by value.
    cloudpickle.register_pickle_by_value(models)
    inputs = [{"n": n, "seconds": 0.05} for n in range(8)]
    chunks = [list(enumerate(inputs))[start : start + 2] for start in range(0, 8, 2)]
    try:
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
                timeout=60,
            ) as cluster,
            DaskClient(cluster, timeout=60) as dask,  # type: ignore[no-untyped-call]
        ):
            futures = [dask.submit(run_chunk, client, REF, chunk) for chunk in chunks]
            rows = [row for future in futures for row in future.result(timeout=120)]
    finally:
        cloudpickle.unregister_pickle_by_value(models)
    assert sorted(row["index"] for row in rows) == list(range(8))
    assert all(row["output"] == row["index"] ** 2 and row["error"] is None for row in rows)
    assert os.getpid() not in {row["pid"] for row in rows}
    assert creates_by_input(client) == {n: 1 for n in range(8)}
