"""Does learning many statuses per request (GET /predictions) beat polling each prediction?

    .venv/bin/python -m tools.measure_list_polling [N ...]

Against the local server: N predictions of a 3 s model (``MODEL_SECONDS``) without a stream
URL are created at once (no held create), then waited on by one async client in two ways,
both within the same client-wide poll budget (``PollBudget``, 2,400 polls a minute):

- ``per-id``: ``predictions.wait`` for each (what the SDK does), every poll a GET by id;
- ``list``: one loop on the same schedule lists the predictions created since the first one
  (``created_after``, following pages until every waited id was seen), then GETs each finished
  prediction once for its final state (the list's items are not guaranteed complete).

It prints, per way: how long the creates took, seconds from the first create until every
final state is known, and the requests sent besides the creates. The result is discussed in
docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
from collections import Counter

import httpx

import replicate_ext
from replicate_ext._wait import DEFAULT_POLL_SCHEDULE, is_terminal
from replicate_ext.local.server import LocalServer
from replicate_ext.types import Prediction

SECONDS = float(os.environ.get("MODEL_SECONDS", "3"))


class Counting(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__(limits=httpx.Limits(max_connections=100))
        self.counts: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        kind = "get"
        if request.method == "POST":
            kind = "create"
        elif path == "/v1/predictions":
            kind = "list"
        self.counts[kind] += 1
        return await super().handle_async_request(request)


async def _create(client: replicate_ext.AsyncClient, n: int) -> list[Prediction]:
    return list(
        await asyncio.gather(
            *(
                client.predictions.create(model="demo/sleep", input={"seconds": SECONDS})
                for _ in range(n)
            )
        )
    )


async def _per_id(client: replicate_ext.AsyncClient, created: list[Prediction]) -> None:
    await asyncio.gather(*(client.predictions.wait(p, timeout=120) for p in created))


async def _by_list(client: replicate_ext.AsyncClient, created: list[Prediction]) -> None:
    budget = client._client.poll_budget
    pending = {p.id for p in created}
    since = min(p.created_at for p in created if p.created_at) - dt.timedelta(seconds=1)
    started = time.monotonic()
    last = started
    while pending:
        gap = DEFAULT_POLL_SCHEDULE.delay(last - started)
        await asyncio.sleep(max(last + gap - time.monotonic(), 0.0))
        last = time.monotonic()
        finished: list[str] = []
        unseen = set(pending)
        await asyncio.sleep(budget.reserve())
        page = await client.predictions.list(created_after=since)
        while True:
            for item in page.results:
                unseen.discard(item.id)
                if item.id in pending and is_terminal(item.status):
                    finished.append(item.id)
            if not unseen or not page.has_next:
                break
            await asyncio.sleep(budget.reserve())
            following = await page.next_page()
            if following is None:
                break
            page = following
        pending.difference_update(finished)
        await asyncio.gather(*(client.predictions.get(pid) for pid in finished))


async def _measure(server: LocalServer, n: int, how: str) -> tuple[float, float, Counter[str]]:
    transport = Counting()
    async with replicate_ext.AsyncClient(
        api_token=server.token, base_url=server.base_url, transport=transport
    ) as client:
        started = time.monotonic()
        created = await _create(client, n)
        creating = time.monotonic() - started
        await (_per_id if how == "per-id" else _by_list)(client, created)
        return creating, time.monotonic() - started, transport.counts


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [20, 200]
    with LocalServer() as server:
        for n in sizes:
            for how in ("per-id", "list"):
                creating, took, counts = _measure_sync(server, n, how)
                others = counts["get"] + counts["list"]
                print(
                    f"n={n:4d} {how:6s} creates {creating:5.2f} s, wall {took:6.2f} s, "
                    f"requests besides creates {others:5d} (list {counts['list']}, "
                    f"get {counts['get']}), {others / n:.1f} per prediction"
                )


def _measure_sync(server: LocalServer, n: int, how: str) -> tuple[float, float, Counter[str]]:
    return asyncio.run(_measure(server, n, how))


if __name__ == "__main__":
    main(sys.argv[1:])
