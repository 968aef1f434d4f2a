"""Hot path: ``client.predictions.get(id)`` against a raw ``httpx.Client.get(url).json()``.

Two measurements:

- loopback: both fetch the same finished prediction from a local server in another process,
  in interleaved rounds (the order alternates per round, so drift hits both sides alike);
- client-side only: both talk to an ``httpx.MockTransport`` returning the same prediction JSON,
  so the extra cost of our layer is visible without any server or socket noise.
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from common import Deadline, Row, ServerProcess, log, median, p90, us

import replicate_ext

MAX_RATIO = 1.05


@dataclass(frozen=True)
class Samples:
    raw: list[float]
    client: list[float]

    @property
    def ratio(self) -> float:
        return median(self.client) / median(self.raw)

    @property
    def p90_ratio(self) -> float:
        return p90(self.client) / p90(self.raw)


def _time_calls(
    call: Callable[[], object], count: int, into: list[float], clock: Callable[[], float]
) -> None:
    for _ in range(count):
        started = clock()
        call()
        into.append(clock() - started)


def interleave(
    raw_call: Callable[[], object],
    client_call: Callable[[], object],
    *,
    rounds: int,
    block: int,
    warmup: int,
    deadline: Deadline,
    clock: Callable[[], float] = time.perf_counter,
) -> Samples:
    """Alternate small blocks of raw and client calls (ABBA order), so load from anything else
    on the machine falls on both sides alike; returns every per-call duration."""
    _time_calls(raw_call, warmup, [], clock)
    _time_calls(client_call, warmup, [], clock)
    samples = Samples(raw=[], client=[])
    gc.collect()
    for index in range(rounds):
        if deadline.expired and index >= 10:
            log(f"  time budget reached after {index} of {rounds} rounds")
            break
        blocks = [(raw_call, samples.raw), (client_call, samples.client)]
        if index % 2:
            blocks.reverse()
        for call, into in blocks:
            _time_calls(call, block, into, clock)
    return samples


def _finished_prediction(server: ServerProcess) -> tuple[str, bytes]:
    """Create a demo/hello prediction, wait until it finished; returns (id, its JSON body)."""
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        created = http.post(
            "/models/demo/hello/predictions",
            json={"input": {"name": "benchmark"}},
            headers={"Prefer": "wait=10"},
        ).raise_for_status()
        prediction_id = created.json()["id"]
        for _ in range(200):
            response = http.get(f"/predictions/{prediction_id}").raise_for_status()
            if response.json()["status"] == "succeeded":
                return prediction_id, response.content
            time.sleep(0.05)
    raise RuntimeError("the benchmark prediction did not finish")


def _rows(label: str, samples: Samples, *, goal: bool) -> list[Row]:
    ratio_goal = f"≤ {MAX_RATIO:.2f}" if goal else ""
    passed = samples.ratio <= MAX_RATIO if goal else None
    return [
        Row(
            f"{label}: raw httpx get+json (median / p90)",
            f"{us(median(samples.raw))} / {us(p90(samples.raw))}",
        ),
        Row(
            f"{label}: predictions.get (median / p90)",
            f"{us(median(samples.client))} / {us(p90(samples.client))}",
        ),
        Row(
            f"{label}: overhead per call (median)",
            us(median(samples.client) - median(samples.raw)),
        ),
        Row(
            f"{label}: ratio of medians (n={len(samples.raw)})",
            f"{samples.ratio:.3f}",
            ratio_goal,
            passed,
        ),
        Row(f"{label}: ratio of p90s", f"{samples.p90_ratio:.3f}"),
    ]


def _mock_clients(body: bytes) -> tuple[httpx.Client, replicate_ext.Client, str]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    base_url = "http://127.0.0.1:9/v1"
    raw = httpx.Client(
        transport=httpx.MockTransport(handler), headers={"Authorization": "Bearer bench"}
    )
    client = replicate_ext.Client(
        api_token="bench", base_url=base_url, transport=httpx.MockTransport(handler)
    )
    return raw, client, base_url


def run_hot_path(*, quick: bool, budget: float) -> tuple[list[Row], bytes, str]:
    """Returns the report rows, and the prediction JSON and id used (for profiling)."""
    rounds, block = (100, 10) if quick else (300, 10)
    deadline = Deadline(budget)
    with ServerProcess() as server:
        prediction_id, body = _finished_prediction(server)
        url = f"{server.base_url}/predictions/{prediction_id}"
        with (
            httpx.Client(headers={"Authorization": f"Bearer {server.token}"}) as raw,
            replicate_ext.Client(api_token=server.token, base_url=server.base_url) as client,
        ):
            fetched = client.predictions.get(prediction_id)
            if fetched.id != prediction_id or raw.get(url).json()["id"] != prediction_id:
                raise RuntimeError("the two paths did not fetch the same prediction")
            log(f"  predictions.get over loopback: {rounds} rounds of {block} calls per side")
            loopback = interleave(
                lambda: raw.get(url).json(),
                lambda: client.predictions.get(prediction_id),
                rounds=rounds,
                block=block,
                warmup=100,
                deadline=deadline,
            )
    raw_mock, client_mock, base_url = _mock_clients(body)
    mock_url = f"{base_url}/predictions/{prediction_id}"
    with raw_mock, client_mock:
        log("  predictions.get client-side only (MockTransport, thread CPU time)")
        mocked = interleave(
            lambda: raw_mock.get(mock_url).json(),
            lambda: client_mock.predictions.get(prediction_id),
            rounds=rounds,
            block=block * 2,
            warmup=500,
            deadline=Deadline(budget / 2),
            clock=time.thread_time,
        )
    rows = _rows("get, loopback server", loopback, goal=True)
    rows += _rows("get, MockTransport (CPU)", mocked, goal=False)
    return rows, body, prediction_id


def _interleave_many(
    variants: dict[str, Callable[[], object]], *, rounds: int, block: int = 10
) -> dict[str, float]:
    """Median thread CPU time per call of each variant, measured in interleaved blocks."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for call in variants.values():
        _time_calls(call, 300, [], time.thread_time)
    for index in range(rounds):
        items = list(variants.items())
        if index % 2:
            items.reverse()
        for name, call in items:
            _time_calls(call, block, samples[name], time.thread_time)
    return {name: median(values) for name, values in samples.items()}


def breakdown(body: bytes, prediction_id: str, *, quick: bool) -> list[Row]:
    """Where predictions.get's extra CPU time goes, built up step by step from the raw call
    with public pieces only (MockTransport, interleaved, thread CPU time)."""
    raw_mock, client_mock, base_url = _mock_clients(body)
    url = f"{base_url}/predictions/{prediction_id}"
    # What the base client passes per request (the raw client has Authorization built in).
    headers = {
        "User-Agent": f"replicate-ext/{replicate_ext.__version__}",
        "Authorization": "Bearer bench",
    }
    with raw_mock, client_mock:
        steps = _interleave_many(
            {
                "raw": lambda: raw_mock.get(url).json(),
                "headers": lambda: raw_mock.get(url, headers=headers).json(),
                "parse": lambda: replicate_ext.Prediction.from_dict(
                    raw_mock.get(url, headers=headers).json()
                ),
                "client": lambda: client_mock.predictions.get(prediction_id),
            },
            rounds=100 if quick else 300,
        )
    label = "get breakdown (CPU, MockTransport)"
    return [
        Row(f"{label}: raw httpx get+json", us(steps["raw"])),
        Row(
            f"{label}: + per-request headers= (httpx merges them into the client's)",
            f"+{us(steps['headers'] - steps['raw'])}",
        ),
        Row(
            f"{label}: + Prediction.from_dict",
            f"+{us(steps['parse'] - steps['headers'])}",
        ),
        Row(
            f"{label}: + rest of our layer (request building, base client)",
            f"+{us(steps['client'] - steps['parse'])}",
        ),
        Row(f"{label}: predictions.get", us(steps["client"])),
    ]


def profile_client_get(
    body: bytes, prediction_id: str, *, calls: int = 20000, top: int = 25
) -> str:
    """cProfile of predictions.get over MockTransport: where our layer spends its time."""
    raw_mock, client_mock, _ = _mock_clients(body)
    with raw_mock, client_mock:
        for _ in range(500):
            client_mock.predictions.get(prediction_id)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            client_mock.predictions.get(prediction_id)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
