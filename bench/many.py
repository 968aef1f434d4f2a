"""Many predictions at once: 200 concurrent runs, and a 1,000-input batch under rate limits.

Concurrent: 200 ``AsyncClient.run`` calls of a 0.5 s model at once (the server holds each
create until the prediction finishes), against the official client's ``async_run`` and raw
httpx posting the 200 creates with ``Prefer: wait``; each client is fresh, rounds alternate
between clients and the best round counts. Goal: no errors, wall time ≤ half the official
client's. Our client on an httpx client with httpx's default pool (100 connections) shows what
the larger pool buys; raw httpx with our pool limits shows what httpcore's pool costs, which
the async client avoids by sending through its own (replicate_ext/_transport.py).

Batch: 1,000 inputs of a 0.2 s model at concurrency 100, against a server enforcing rate limits
(the API's 600 creates / 3,000 other requests a minute scaled x10 with a 1 % burst, so the limit
binds at 100 creates a second yet the run stays ~10 s): ``AsyncClient.run_many`` with the
client paced to the same limits, and a naive ``asyncio.gather`` over ``AsyncClient.run`` (a
semaphore of 100, no pacing). Every input gets its own ``seconds`` (0.2 s + index µs), so the
server's list of predictions shows whether one was lost or ran twice. Goal for run_many: every
input succeeds exactly once.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from common import Row, ServerProcess, log
from replicate.client import Client as OfficialClient

import replicate_ext
from replicate_ext._base_client import DEFAULT_LIMITS

CONCURRENT = 200
CONCURRENT_SECONDS = 0.5
MAX_RATIO = 0.5
BATCH_INPUTS = 1000
BATCH_CONCURRENCY = 100
BATCH_SECONDS = 0.2
HTTPX_POOL = httpx.Limits(max_connections=100, max_keepalive_connections=20)
LIMITS = {"creates_per_minute": 6000, "requests_per_minute": 30000, "burst_fraction": 0.01}


@dataclass
class Burst:
    wall: float
    errors: int
    requests: int


async def _burst(run: Callable[[str, dict[str, Any]], Awaitable[Any]]) -> tuple[float, int]:
    """A warm-up run, then the timed burst: (wall seconds, runs that raised)."""
    await run("demo/hello", {"name": "warm-up"})
    started = time.perf_counter()
    outcomes = await asyncio.gather(
        *(run("demo/sleep", {"seconds": CONCURRENT_SECONDS}) for _ in range(CONCURRENT)),
        return_exceptions=True,
    )
    return time.perf_counter() - started, sum(isinstance(o, BaseException) for o in outcomes)


async def _ours(server: ServerProcess, pool: httpx.Limits | None) -> tuple[float, int]:
    http = None if pool is None else httpx.AsyncClient(limits=pool, timeout=120)
    async with replicate_ext.AsyncClient(
        api_token=server.token, base_url=server.base_url, http_client=http
    ) as client:
        outcome = await _burst(lambda ref, payload: client.run(ref, input=payload))
    if http is not None:
        await http.aclose()
    return outcome


async def _official(server: ServerProcess) -> tuple[float, int]:
    client = OfficialClient(api_token=server.token, base_url=server.url)
    return await _burst(lambda ref, payload: client.async_run(ref, input=payload))


async def _raw(server: ServerProcess, pool: httpx.Limits) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {server.token}", "Prefer": "wait"}
    url = f"{server.base_url}/models/demo/sleep/predictions"
    body = {"input": {"seconds": CONCURRENT_SECONDS}}
    async with httpx.AsyncClient(headers=headers, timeout=120, limits=pool) as http:
        started = time.perf_counter()
        responses = await asyncio.gather(
            *(http.post(url, json=body) for _ in range(CONCURRENT)), return_exceptions=True
        )
        wall = time.perf_counter() - started
    errors = sum(
        isinstance(r, BaseException) or r.json().get("status") != "succeeded" for r in responses
    )
    return wall, errors


CONCURRENT_CLIENTS: dict[str, Callable[[ServerProcess], Coroutine[Any, Any, tuple[float, int]]]] = {
    "replicate_ext async": lambda server: _ours(server, None),
    "replicate_ext async, httpx's default pool (100)": lambda server: _ours(server, HTTPX_POOL),
    "official 1.0.7 async": _official,
    "raw httpx, Prefer: wait, httpx's default pool": lambda server: _raw(server, HTTPX_POOL),
    "raw httpx, Prefer: wait, our pool": lambda server: _raw(server, DEFAULT_LIMITS),
}


def run_concurrent(*, quick: bool) -> list[Row]:
    rounds = 2 if quick else 3
    best: dict[str, Burst] = {}
    with ServerProcess() as server:
        for round_ in range(rounds):
            for name, measure in CONCURRENT_CLIENTS.items():
                log(f"  {CONCURRENT} concurrent runs, {name}, round {round_ + 1}/{rounds}")
                server.request_counts()  # reset
                wall, errors = asyncio.run(measure(server))
                counts = server.request_counts(reset=False)
                requests = counts["creates"] + counts["others"] + counts["unmetered"]
                burst = Burst(wall, errors, requests)
                if name not in best or (burst.errors, burst.wall) < (
                    best[name].errors,
                    best[name].wall,
                ):
                    best[name] = burst
    rows: list[Row] = []
    for name, burst in best.items():
        rows.append(
            Row(
                f"{CONCURRENT} runs of {CONCURRENT_SECONDS:g}s, {name}: wall (best of {rounds})",
                f"{burst.wall:.2f} s, {burst.errors} errors, {burst.requests} requests",
            )
        )
    ours, official = best["replicate_ext async"], best["official 1.0.7 async"]
    ratio = ours.wall / official.wall
    rows.append(
        Row(
            f"{CONCURRENT} concurrent runs: replicate_ext / official wall, errors",
            f"{ratio:.2f}x, {ours.errors} errors",
            f"≤ {MAX_RATIO:g}x, 0 errors",
            ratio <= MAX_RATIO and ours.errors == 0,
        )
    )
    return rows


# --- the batch ------------------------------------------------------------------------------


def _inputs() -> list[dict[str, Any]]:
    return [{"seconds": round(BATCH_SECONDS + index * 1e-6, 6)} for index in range(BATCH_INPUTS)]


async def _run_many(server: ServerProcess) -> int:
    """Failed inputs of ``run_many`` with the client paced to the server's limits."""
    async with replicate_ext.AsyncClient(
        api_token=server.token,
        base_url=server.base_url,
        rate_limits=replicate_ext.RateLimits(**LIMITS),
    ) as client:
        failed = 0
        results = client.run_many("demo/sleep", _inputs(), concurrency=BATCH_CONCURRENCY)
        async for result in results:
            failed += not result.ok
        return failed


async def _naive_gather(server: ServerProcess) -> int:
    """Failed inputs of ``asyncio.gather`` over ``run()``, at most 100 at a time."""
    async with replicate_ext.AsyncClient(
        api_token=server.token, base_url=server.base_url
    ) as client:
        gate = asyncio.Semaphore(BATCH_CONCURRENCY)

        async def one(payload: dict[str, Any]) -> Any:
            async with gate:
                return await client.run("demo/sleep", input=payload)

        outcomes = await asyncio.gather(*(one(p) for p in _inputs()), return_exceptions=True)
        return sum(isinstance(o, BaseException) for o in outcomes)


def _created_per_input(server: ServerProcess) -> collections.Counter[float]:
    """How many predictions the server holds for each input (a 429 is waited out)."""
    created: collections.Counter[float] = collections.Counter()
    url: str | None = f"{server.base_url}/predictions"
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(headers=headers, timeout=30) as http:
        for _ in range(100):  # pages; bounded
            if url is None:
                return created
            response = http.get(url)
            if response.status_code == 429:
                time.sleep(float(response.headers.get("retry-after", "1")))
                continue
            page = response.raise_for_status().json()
            created.update(float(p["input"]["seconds"]) for p in page["results"])
            url = page.get("next")
    raise RuntimeError("the prediction list did not end")


BATCHES: dict[str, Callable[[ServerProcess], Coroutine[Any, Any, int]]] = {
    "run_many, client paced": _run_many,
    "naive gather over run()": _naive_gather,
}


def run_batch(*, quick: bool) -> list[Row]:
    rows: list[Row] = []
    expected = collections.Counter(p["seconds"] for p in _inputs())
    for name, batch in BATCHES.items():
        with ServerProcess(rate_limits=LIMITS, page_size=BATCH_INPUTS) as server:
            log(f"  {BATCH_INPUTS} inputs at concurrency {BATCH_CONCURRENCY}, {name}")
            started = time.perf_counter()
            failed = asyncio.run(batch(server))
            wall = time.perf_counter() - started
            counts = server.request_counts()
            created = _created_per_input(server)
        lost = sum(1 for key in expected if created[key] == 0)
        twice = sum(1 for key in expected if created[key] > 1)
        sent = counts["creates"] + counts["others"] + counts["unmetered"]
        throttled = counts["throttled_creates"] + counts["throttled_others"]
        label = f"batch of {BATCH_INPUTS}, {BATCH_SECONDS:g}s, {name}"
        rows.append(
            Row(
                f"{label}: wall, requests per prediction, 429s",
                f"{wall:.1f} s, {sent / BATCH_INPUTS:.2f}, {throttled}",
            )
        )
        gated = name.startswith("run_many")
        rows.append(
            Row(
                f"{label}: failed / never created / run twice",
                f"{failed} / {lost} / {twice}",
                "0 / 0 / 0" if gated else "",
                (failed, lost, twice) == (0, 0, 0) if gated else None,
            )
        )
    return rows
