"""The default connection pool lets more runs hold their create open (``Prefer: wait``) at once
than httpx's default of 100 connections, so a burst of concurrent runs goes out in one wave."""

from __future__ import annotations

import asyncio

import replicate_ext
from replicate_ext.local import LocalServer

CONCURRENT = 150  # above httpx's default pool of 100
SECONDS = 1.5  # long enough for every create to arrive before the first run finishes


def test_concurrent_held_creates_beyond_100_all_reach_the_server_at_once(
    local_server: LocalServer,
) -> None:
    async def main() -> list[replicate_ext.Prediction]:
        async with replicate_ext.AsyncClient(
            api_token=local_server.token, base_url=local_server.base_url
        ) as client:
            outputs = await asyncio.wait_for(
                asyncio.gather(
                    *(
                        client.run("demo/sleep", input={"seconds": SECONDS})
                        for _ in range(CONCURRENT)
                    )
                ),
                timeout=60,
            )
            assert outputs == [f"slept {SECONDS:g}s"] * CONCURRENT
            return [p async for p in await client.predictions.list()][:CONCURRENT]

    predictions = asyncio.run(main())
    assert len(predictions) == CONCURRENT
    assert local_server.request_counts["creates"] == CONCURRENT
    last_created = max(p.created_at for p in predictions if p.created_at is not None)
    first_completed = min(p.completed_at for p in predictions if p.completed_at is not None)
    # with a pool of 100, the 101st create could only go out once a run had finished
    assert last_created < first_completed
