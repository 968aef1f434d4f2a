"""run_many against the local server: every input once, failures isolated, journal reruns."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import replicate_ext
from replicate_ext import BatchProgress, BatchResult, JournalMismatchError, ModelError
from replicate_ext.local import LocalServer

from .conftest import creates_by_input
from .models import REF

INPUTS: list[dict[str, Any]] = [{"n": n, "seconds": 0.05, "fail": n == 5} for n in range(12)]


def check_results(results: list[BatchResult]) -> None:
    assert sorted(result.index for result in results) == list(range(len(INPUTS)))
    by_index = {result.index: result for result in results}
    for n, result in by_index.items():
        if n == 5:
            assert not result.ok and isinstance(result.error, ModelError)
            assert result.prediction is not None and result.prediction.status == "failed"
            assert result.error.prediction_id == result.prediction_id
        else:
            assert result.ok, result.error
            assert result.output == n * n
            assert result.prediction is not None and result.prediction.status == "succeeded"


def test_every_input_runs_once_and_a_failure_stops_nothing(
    client: replicate_ext.Client,
) -> None:
    progress: list[BatchProgress] = []
    results = list(client.run_many(REF, INPUTS, concurrency=4, on_progress=progress.append))
    check_results(results)
    assert creates_by_input(client) == {n: 1 for n in range(len(INPUTS))}
    assert max(snapshot.in_flight for snapshot in progress) == 4
    last = progress[-1]
    assert (last.total, last.done, last.failed, last.in_flight) == (12, 12, 1, 0)
    assert last.rate > 0 and last.eta == 0


async def test_async_twin(server: LocalServer, client: replicate_ext.Client) -> None:
    async with replicate_ext.AsyncClient(
        api_token=server.token, base_url=server.base_url, timeout=30
    ) as async_client:
        results = [result async for result in async_client.run_many(REF, INPUTS, concurrency=5)]
    check_results(results)
    assert creates_by_input(client) == {n: 1 for n in range(len(INPUTS))}


async def test_the_async_twin_writes_its_journal_off_the_event_loop(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each journal line is fsynced: in a worker thread, so other inputs keep running."""
    from replicate_ext._journal import JournalFile

    threads: list[int] = []
    append = JournalFile._append

    def recording_append(journal: JournalFile, entry: Any) -> None:
        threads.append(threading.get_ident())
        append(journal, entry)

    monkeypatch.setattr(JournalFile, "_append", recording_append)
    journal = tmp_path / "async.journal"
    async with replicate_ext.AsyncClient(
        api_token=server.token, base_url=server.base_url, timeout=30
    ) as async_client:
        loop_thread = threading.get_ident()
        runs = async_client.run_many(REF, INPUTS, concurrency=5, journal=journal)
        results = [result async for result in runs]
    check_results(results)
    lines = journal.read_text().splitlines()
    assert len(lines) == 1 + 2 * len(INPUTS)  # the header, then created and finished per input
    assert len(threads) == len(lines)
    assert threads.count(loop_thread) == 1  # only the header, written before anything runs


def test_a_journaled_rerun_attaches_instead_of_creating(
    client: replicate_ext.Client, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.journal"
    first = {r.index: r for r in client.run_many(REF, INPUTS, concurrency=6, journal=journal)}
    second = {r.index: r for r in client.run_many(REF, INPUTS, concurrency=6, journal=journal)}
    assert creates_by_input(client) == {n: 1 for n in range(len(INPUTS))}
    assert all(result.attached for result in second.values())
    assert not any(result.attached for result in first.values())
    for index, result in second.items():
        assert result.prediction_id == first[index].prediction_id
        assert result.ok == first[index].ok and result.output == first[index].output


def test_changed_inputs_are_refused_before_any_request(
    client: replicate_ext.Client, tmp_path: Path
) -> None:
    journal = tmp_path / "batch.journal"
    list(client.run_many(REF, INPUTS[:3], journal=journal))
    changed = [*INPUTS[:2], {"n": 7}]
    with pytest.raises(JournalMismatchError, match="index 2"):
        client.run_many(REF, changed, journal=journal)
    with pytest.raises(JournalMismatchError, match="demo/hello"):
        client.run_many("demo/hello", INPUTS[:3], journal=journal)
    assert creates_by_input(client) == {0: 1, 1: 1, 2: 1}


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"concurrency": 0}, ValueError),
        ({"concurrency": 2.5}, ValueError),
        ({"inputs": [{"n": 1}, "n=2"]}, TypeError),
        ({"inputs": {"n": 1}}, TypeError),
        ({"ref": "not a ref!"}, ValueError),
        ({"timeout": -1}, ValueError),
    ],
)
def test_bad_arguments_fail_before_any_request(
    client: replicate_ext.Client, tmp_path: Path, arguments: dict[str, Any], error: type
) -> None:
    call: dict[str, Any] = {"ref": REF, "inputs": [{"n": 1}], "journal": tmp_path / "j"}
    call.update(arguments)
    with pytest.raises(error):
        client.run_many(call.pop("ref"), call.pop("inputs"), **call)
    assert creates_by_input(client) == {}
    assert not (tmp_path / "j").exists()


def test_leaving_early_stops_the_workers(client: replicate_ext.Client) -> None:
    slow = [{"n": n, "seconds": 0.2 if n == 0 else 30} for n in range(4)]
    started = time.monotonic()
    batch = client.run_many(REF, slow, concurrency=4, timeout=60)
    first = next(iter(batch))
    assert first.index == 0 and first.output == 0
    batch.close()
    # The three 30 s predictions are abandoned (their waits stop at the next poll).
    assert time.monotonic() - started < 10


def test_a_timed_out_input_keeps_its_prediction(client: replicate_ext.Client) -> None:
    inputs = [{"n": 0}, {"n": 1, "seconds": 20}]
    results = {r.index: r for r in client.run_many(REF, inputs, concurrency=2, timeout=1.0)}
    assert results[0].ok and results[0].output == 0
    late = results[1]
    assert isinstance(late.error, replicate_ext.WaitTimeoutError)
    assert late.prediction is not None and late.prediction.status in {"starting", "processing"}
    assert late.error.prediction_id == late.prediction_id


async def test_closing_the_async_iteration_cancels_the_rest(server: LocalServer) -> None:
    slow = [{"n": n, "seconds": 0.2 if n == 0 else 30} for n in range(4)]
    started = time.monotonic()
    async with (
        replicate_ext.AsyncClient(api_token=server.token, base_url=server.base_url) as async_client,
        contextlib.aclosing(async_client.run_many(REF, slow, concurrency=4, timeout=60)) as batch,
    ):
        async for result in batch:
            assert result.index == 0 and result.output == 0
            break
    assert time.monotonic() - started < 10
