"""run() when the server does not hold the create: how late, and at what cost in requests?

The server ignores ``Prefer: wait`` (``wait_cap=0``), so every client has to find out by itself
when a 0.2 s or 1.0 s model finishes. Measured with and without a stream URL in the prediction
(``bench/sleep-streaming`` is a generator, so its predictions offer one; ``demo/sleep`` does
not), for our sync and async clients, the official client 1.0.7 and, where a stream is offered,
raw httpx reading the stream until its ``done`` event (the floor: create, stream, one GET).

Requests are counted by the server (``/_admin/requests``; stream URLs included) for each run
alone, so "requests per run" includes the create. Goals, from issue 13: with a stream URL,
≤ 20 ms after completion and ≤ 4 requests per run; without one, polling within a budget of 4
requests a second (polls over the run's length, counted over at least one second).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from common import Row, ServerProcess, log, median, ms
from latency import _completed_at, _latest_prediction
from replicate.client import Client as OfficialClient

import replicate_ext

DURATIONS = (0.2, 1.0)
MODELS = {True: "bench/sleep-streaming", False: "demo/sleep"}  # stream URL offered?
MAX_ADDED = 0.020
MAX_REQUESTS_WITH_STREAM = 4
POLLS_PER_SECOND = 4.0
# The polling budget is an average over a prediction's first 10 s (polls may come faster early,
# when a finished prediction is most likely to be noticed late).
BUDGET_WINDOW = 10.0

RunOnce = Callable[[str, float], Any]  # (model, seconds) -> output, blocking
OURS_SYNC = "replicate_ext sync"
RAW_STREAM = "raw httpx + stream"


@dataclass
class Tally:
    added: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    polls_per_second: list[float] = field(default_factory=list)


def _clients(server: ServerProcess, stack: contextlib.ExitStack) -> list[tuple[str, RunOnce]]:
    """(label, blocking run) for each client compared, closed when ``stack`` closes."""
    ours = stack.enter_context(
        replicate_ext.Client(api_token=server.token, base_url=server.base_url)
    )
    ours_async = replicate_ext.AsyncClient(api_token=server.token, base_url=server.base_url)
    loop = asyncio.new_event_loop()
    stack.callback(loop.close)
    stack.callback(lambda: loop.run_until_complete(ours_async.close()))
    official = OfficialClient(api_token=server.token, base_url=server.url)
    http = stack.enter_context(
        httpx.Client(headers={"Authorization": f"Bearer {server.token}"}, timeout=30)
    )

    def raw_stream_run(model: str, seconds: float) -> Any:
        """Create, follow the stream URL to its ``done`` event, fetch the final prediction."""
        created = http.post(
            f"{server.base_url}/models/{model}/predictions", json={"input": {"seconds": seconds}}
        ).json()
        with http.stream("GET", created["urls"]["stream"]) as stream:
            for line in stream.iter_lines():
                if line == "event: done":
                    break
        return http.get(created["urls"]["get"]).json()["output"]

    return [
        (OURS_SYNC, lambda m, s: ours.run(m, input={"seconds": s})),
        (
            "replicate_ext async",
            lambda m, s: loop.run_until_complete(ours_async.run(m, input={"seconds": s})),
        ),
        ("official 1.0.7 sync", lambda m, s: official.run(m, input={"seconds": s})),
        (RAW_STREAM, raw_stream_run),
    ]


def _measure(server: ServerProcess, run: RunOnce, model: str, seconds: float, runs: int) -> Tally:
    tally = Tally()
    run(model, 0.01)  # warm-up: connections, caches
    for _ in range(runs):
        server.request_counts()  # reset
        started = time.time()
        run(model, seconds)
        returned = time.time()
        counts = server.request_counts(reset=False)
        requests = counts["creates"] + counts["others"] + counts["unmetered"]
        tally.requests.append(requests)
        tally.added.append(returned - _completed_at(_latest_prediction(server)))
        # creates excluded; averaged over the budget's window (or the whole wait, if longer)
        tally.polls_per_second.append((requests - 1) / max(returned - started, BUDGET_WINDOW))
    return tally


def _row(metric: str, value: str, goal: str, passed: bool, gated: bool) -> Row:
    return Row(metric, value, goal, passed) if gated else Row(metric, value)


def _rows(label: str, tally: Tally, stream: bool, gated: bool) -> list[Row]:
    worst = max(tally.added)
    most = max(tally.requests)
    requests = f"{median(tally.requests):g} / {most}"
    added = _row(
        f"{label}: after completion (median / max)",
        f"{ms(median(tally.added))} / {ms(worst)}",
        f"max ≤ {MAX_ADDED * 1000:.0f} ms",
        worst <= MAX_ADDED,
        gated and stream,
    )
    if stream:
        goal = f"≤ {MAX_REQUESTS_WITH_STREAM}"
        metric = f"{label}: requests/run (median / max)"
        return [added, _row(metric, requests, goal, most <= MAX_REQUESTS_WITH_STREAM, gated)]
    rate = max(tally.polls_per_second)
    goal = f"≤ {POLLS_PER_SECOND:g} polls/s over {BUDGET_WINDOW:g} s"
    metric = f"{label}: requests/run (median / max), polls/s (first {BUDGET_WINDOW:g} s)"
    value = f"{requests}, {rate:.1f}/s"
    return [added, _row(metric, value, goal, rate <= POLLS_PER_SECOND, gated)]


def run_waiting(*, quick: bool) -> list[Row]:
    runs = 2 if quick else 3
    rows: list[Row] = []
    with ServerProcess(wait_cap=0) as server, contextlib.ExitStack() as stack:
        clients = _clients(server, stack)
        for stream in (True, False):
            model = MODELS[stream]
            offered = "stream URL" if stream else "no stream URL"
            for seconds in DURATIONS:
                for name, run in clients:
                    if name == RAW_STREAM and not stream:
                        continue  # without a stream, raw httpx would just be a poll loop
                    log(f"  run() {seconds:g} s, create not held, {offered}, {name}: {runs} runs")
                    tally = _measure(server, run, model, seconds, runs)
                    label = f"{seconds:g}s not held, {offered}, {name}"
                    rows += _rows(label, tally, stream, gated=name.startswith("replicate_ext"))
    return rows
