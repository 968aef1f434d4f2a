"""Does learning many statuses per request (GET /predictions) beat polling each prediction?

    .venv/bin/python -m tools.measure_list_polling [N ...]

Against the local server: N predictions of a 3 s model (``MODEL_SECONDS``) without a stream
URL are created at once (no held create), then waited on by one async client in two ways,
both within the same client-wide poll budget (``PollBudget``, 2,400 polls a minute):

- ``per-id``: ``predictions.wait`` for each with the shared poller turned off: every poll is
  a GET by id;
- ``list``: the same with the shared poller (``replicate_ext._status_board``): one waiting
  task at a time lists the predictions created since the oldest waited one on the usual
  schedule, and each wait GETs its prediction once when the list shows it finished.

It prints, per way: how long the creates took, seconds from the first create until every
final state is known, and the requests sent besides the creates. The result is discussed in
docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter

import httpx

import replicate_ext
from replicate_ext import _status_board
from replicate_ext.local.server import LocalServer
from replicate_ext.types import Prediction

BOARD_MIN_WAITS = _status_board.BOARD_MIN_WAITS
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


async def _wait_all(
    client: replicate_ext.AsyncClient, created: list[Prediction], share: bool
) -> None:
    # The board engages from BOARD_MIN_WAITS waits in flight; an unreachable threshold turns
    # it off, leaving every wait to poll its own id.
    _status_board.BOARD_MIN_WAITS = BOARD_MIN_WAITS if share else 10**9
    await asyncio.gather(*(client.predictions.wait(p, timeout=120) for p in created))


async def _measure(server: LocalServer, n: int, how: str) -> tuple[float, float, Counter[str]]:
    transport = Counting()
    async with replicate_ext.AsyncClient(
        api_token=server.token, base_url=server.base_url, transport=transport
    ) as client:
        started = time.monotonic()
        created = await _create(client, n)
        creating = time.monotonic() - started
        await _wait_all(client, created, share=how == "list")
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
