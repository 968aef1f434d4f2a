"""Deadlines bound the whole call: every wait-style call (run, wait, predictions.wait,
trainings.wait; sync and async) returns or raises within its timeout plus a small margin, under
every stalling fault: slow poll responses, Retry-After: 60 on 429 and 503, a server that never
answers. Without the deadline each of these took 15-60 s.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext._deadline import DEADLINE_GRACE, Deadline
from replicate_ext._sync import api_client as sync_api_client
from replicate_ext._wait import WaitState
from replicate_ext.local import Fault, LocalServer
from replicate_ext.types import Prediction, Training

from .conftest import mock_client, prediction_json

TIMEOUT = 0.8
MARGIN = 0.5

# -- the pure piece --------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_deadline_counts_down_and_clamps() -> None:
    clock = FakeClock()
    deadline = Deadline.after(2.0, clock=clock)
    assert deadline is not None
    assert deadline.remaining() == 2.0 and not deadline.expired
    assert deadline.clamp(60.0) == 2.0 and deadline.clamp(0.5) == 0.5
    clock.now += 1.5
    cut = deadline.clamp_timeout(httpx.Timeout(30.0, connect=0.2))
    assert (cut.connect, cut.read, cut.write, cut.pool) == (0.2, 0.5, 0.5, 0.5)
    unlimited = deadline.clamp_timeout(httpx.Timeout(None))
    assert unlimited.read == 0.5
    assert deadline.extended(1.0).remaining() == 1.5
    clock.now += 0.5
    assert deadline.expired and deadline.remaining() == 0.0


@pytest.mark.parametrize("bad", [-1.0, float("nan"), True])
def test_deadline_rejects_bad_timeouts(bad: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        Deadline.after(bad)


def test_no_deadline_for_none_or_infinity() -> None:
    assert Deadline.after(None) is None
    assert Deadline.after(float("inf")) is None


def test_a_failed_poll_ends_the_wait_only_past_the_timeout() -> None:
    clock = FakeClock()
    state = WaitState(Prediction.from_dict(prediction_json()), timeout=1.0, clock=clock)
    early = replicate_ext.APITimeoutError("slow")
    with pytest.raises(replicate_ext.APITimeoutError):
        state.poll_failed(early)
    assert not state.timed_out and state.next_delay() is not None
    clock.now += 1.0
    late = replicate_ext.APITimeoutError("cut at the deadline")
    state.poll_failed(late)
    assert state.timed_out and state.cause is late and state.next_delay() is None


def test_a_retry_pause_ends_at_the_deadline_and_no_retry_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(sync_api_client, "sleep", slept.append)
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, headers={"Retry-After": "20"}, json={"detail": "slow down"})

    with mock_client(handler) as client:
        deadline = Deadline.after(3.0)
        with pytest.raises(replicate_ext.RateLimitError):
            client._client.request("GET", "/predictions/p1", deadline=deadline)
    assert calls == 1
    assert len(slept) == 1 and 2.5 < slept[0] <= 3.0


def test_a_request_is_not_sent_after_the_deadline() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json=prediction_json())

    with (
        mock_client(handler) as client,
        pytest.raises(replicate_ext.APITimeoutError, match="not sent"),
    ):
        client._client.request("POST", "/predictions", json={}, deadline=Deadline.after(0))
    assert sent == []


def test_each_attempt_gets_at_most_the_time_left() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client:
        client._client.request("GET", "/predictions/p1", deadline=Deadline.after(2.0))
        client._client.request("GET", "/predictions/p1")
    assert all(0 < value <= 2.0 for value in seen[0].values())
    assert seen[1]["read"] == 30.0


def test_run_does_not_create_once_its_timeout_ran_out(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(201, json=prediction_json())

    with mock_client(handler) as client:

        def slow_upload(source: Any) -> str:  # the input files took the whole budget
            time.sleep(0.4)
            return "https://files.test/f"

        monkeypatch.setattr(client.files, "upload_input", slow_upload)
        with pytest.raises(replicate_ext.APITimeoutError, match="not sent"):
            client.run("demo/hello", input={"f": b"x"}, timeout=0.3, file_encoding="upload")
    assert sent == []


# -- every wait-style call under every stalling fault, at the server --------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    # start_delay: nothing finishes while a test waits on it
    with LocalServer(start_delay=120) as running:
        yield running


@pytest.fixture(scope="module")
def silent_url() -> Iterator[str]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        sock.close()


FAULTS: dict[str, Fault | None] = {
    "slow polls": Fault.delay(8, method="GET", times=10_000),
    "429 Retry-After 60": Fault.status(429, retry_after=60, method="GET", times=10_000),
    "503 Retry-After 60": Fault.status(503, retry_after=60, method="GET", times=10_000),
    "server not answering": None,
}
CALLS = ["run", "client.wait", "predictions.wait(id)", "trainings.wait"]


def _targets(server: LocalServer, call: str) -> Any:
    """What the call waits on, created before the fault starts."""
    with replicate_ext.Client(api_token=server.token, base_url=server.base_url) as client:
        if call == "trainings.wait":
            model = client.models.get("demo/hello")
            assert model.latest_version is not None
            version = f"demo/hello:{model.latest_version.id}"
            return client.trainings.create(version, destination="demo/hello", input={})
        if call == "run":
            return None
        return client.predictions.create(model="demo/sleep", input={"seconds": 60})


def _offline_target(call: str) -> Any:
    if call == "trainings.wait":
        return Training.from_dict(prediction_json("t1", "processing"))
    return None if call == "run" else Prediction.from_dict(prediction_json("p1", "processing"))


def _call(client: Any, call: str, target: Any) -> Any:
    """The call on a Client (its result) or an AsyncClient (an awaitable)."""
    if call == "run":
        return client.run("demo/sleep", input={"seconds": 60}, timeout=TIMEOUT)
    if call == "client.wait":
        return client.wait(target, timeout=TIMEOUT)
    if call == "predictions.wait(id)":
        return client.predictions.wait(target.id, timeout=TIMEOUT)
    return client.trainings.wait(target, timeout=TIMEOUT)


@pytest.fixture
def setup(
    request: pytest.FixtureRequest, server: LocalServer, silent_url: str
) -> Iterator[Callable[[str, str], tuple[str, str, Any]]]:
    def prepare(fault_name: str, call: str) -> tuple[str, str, Any]:
        fault = FAULTS[fault_name]
        if fault is None:
            return silent_url, "any-token", _offline_target(call)
        target = _targets(server, call)
        server.inject(fault)
        return server.base_url, server.token, target

    yield prepare
    server.clear_faults()


def _check(error: BaseException, elapsed: float, target: Any, server: LocalServer) -> None:
    assert isinstance(error, replicate_ext.ReplicateError), repr(error)
    assert elapsed <= TIMEOUT + MARGIN, f"took {elapsed:.2f}s: {error!r}"
    if target is not None:
        assert target.id in str(error) or error.prediction_id == target.id
    if isinstance(error, replicate_ext.WaitTimeoutError):
        assert error.prediction_id is not None
        assert elapsed >= TIMEOUT - 0.05  # waited as long as allowed, not less


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("fault_name", list(FAULTS))
def test_sync_wait_calls_end_within_their_timeout(
    setup: Callable[[str, str], tuple[str, str, Any]],
    server: LocalServer,
    fault_name: str,
    call: str,
) -> None:
    base_url, token, target = setup(fault_name, call)
    with replicate_ext.Client(api_token=token, base_url=base_url) as client:
        started = time.monotonic()
        with pytest.raises(replicate_ext.ReplicateError) as info:
            _call(client, call, target)
        elapsed = time.monotonic() - started
    _check(info.value, elapsed, target, server)
    if call == "run" and FAULTS[fault_name] is not None:
        assert isinstance(info.value, replicate_ext.WaitTimeoutError)
        assert info.value.prediction.id == info.value.prediction_id


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("fault_name", list(FAULTS))
async def test_async_wait_calls_end_within_their_timeout(
    setup: Callable[[str, str], tuple[str, str, Any]],
    server: LocalServer,
    fault_name: str,
    call: str,
) -> None:
    base_url, token, target = setup(fault_name, call)
    async with replicate_ext.AsyncClient(api_token=token, base_url=base_url) as client:
        started = time.monotonic()
        with pytest.raises(replicate_ext.ReplicateError) as info:
            await _call(client, call, target)
        elapsed = time.monotonic() - started
    _check(info.value, elapsed, target, server)
    if call == "run" and FAULTS[fault_name] is not None:
        assert isinstance(info.value, replicate_ext.WaitTimeoutError)


def test_run_with_a_prefer_wait_window_still_ends_in_time(server: LocalServer) -> None:
    # 2.5 s leaves a 1 s window; the slow polls after it are cut at the deadline.
    server.inject(Fault.delay(15, method="GET", times=10_000))
    try:
        with replicate_ext.Client(api_token=server.token, base_url=server.base_url) as client:
            started = time.monotonic()
            with pytest.raises(replicate_ext.WaitTimeoutError) as info:
                client.run("demo/sleep", input={"seconds": 60}, timeout=2.5)
            elapsed = time.monotonic() - started
    finally:
        server.clear_faults()
    assert 2.5 - 0.05 <= elapsed <= 2.5 + MARGIN
    assert info.value.prediction_id is not None


def test_a_timeout_reports_a_fresh_state_and_cancels_within_the_grace(server: LocalServer) -> None:
    with replicate_ext.Client(api_token=server.token, base_url=server.base_url) as client:
        created = client.predictions.create(model="demo/sleep", input={"seconds": 60})
        started = time.monotonic()
        with pytest.raises(replicate_ext.WaitTimeoutError) as info:
            client.wait(created, timeout=TIMEOUT, cancel_on_timeout=True)
        elapsed = time.monotonic() - started
        assert elapsed <= TIMEOUT + DEADLINE_GRACE + 0.25
        assert info.value.prediction.status == "canceled"
        assert client.predictions.get(created.id).status == "canceled"
