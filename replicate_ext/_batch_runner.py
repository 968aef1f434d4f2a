"""The schedulers of ``run_many``: keep at most ``concurrency`` inputs in flight and hand back
each result as it completes.

The per-input work is generated (``_async/batch.py`` → ``_sync/batch.py``); scheduling is not,
because the two worlds differ in kind: asyncio tasks for the async client, a thread pool for
the sync one (its blocking calls need threads to overlap).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncGenerator, Generator, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from ._batch import (
    BatchOptions,
    BatchResult,
    BatchTask,
    OnProgress,
    ProgressTracker,
    check_concurrency,
    plan_batch,
    with_attachments,
)
from ._journal import JournalFile
from ._refs import DeploymentLike, Ref

if TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from ._files import FileEncoding
    from .types import Prediction


class BatchStopped(Exception):
    """Raised inside a worker thread to abandon its wait when the batch is closed early."""


def prepare(
    ref: Ref | None,
    inputs: Iterable[Mapping[str, Any]],
    *,
    deployment: DeploymentLike | None,
    concurrency: int,
    journal: str | os.PathLike[str] | None,
    timeout: float | None,
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
    use_file_output: bool,
    file_encoding: FileEncoding,
) -> tuple[BatchOptions, list[BatchTask], JournalFile | None]:
    """Validate everything and open (or resume) the journal; no network I/O."""
    check_concurrency(concurrency)
    options, tasks = plan_batch(
        ref,
        deployment,
        inputs,
        timeout=timeout,
        webhook=webhook,
        webhook_events_filter=webhook_events_filter,
        use_file_output=use_file_output,
        file_encoding=file_encoding,
    )
    journal_file = None
    if journal is not None:
        hashes = [task.input_hash for task in tasks]
        journal_file = JournalFile.open(journal, options.ref_key, hashes)
        tasks = with_attachments(tasks, journal_file.attach)
    return options, tasks, journal_file


def run_many_threads(
    client: Client,
    options: BatchOptions,
    tasks: list[BatchTask],
    journal: JournalFile | None,
    concurrency: int,
    on_progress: OnProgress | None,
) -> Generator[BatchResult, None, None]:
    from ._sync.batch import run_task

    tracker = ProgressTracker(len(tasks), on_progress)
    stop = threading.Event()

    def stop_requested(_prediction: Prediction) -> None:
        if stop.is_set():
            raise BatchStopped

    queue = iter(tasks)
    pending: set[Future[BatchResult]] = set()
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="replicate-batch")
    try:
        while True:
            while len(pending) < concurrency and (task := next(queue, None)) is not None:
                pending.add(pool.submit(run_task, client, task, options, journal, stop_requested))
                tracker.started()
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda future: future.result().index):
                result = future.result()
                tracker.finished(result)
                yield result
    finally:
        # Closed early (break, Ctrl-C, an error in the caller): waiting workers give up at
        # their next poll; what they created is in the journal.
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


async def run_many_tasks(
    client: AsyncClient,
    options: BatchOptions,
    tasks: list[BatchTask],
    journal: JournalFile | None,
    concurrency: int,
    on_progress: OnProgress | None,
) -> AsyncGenerator[BatchResult, None]:
    from ._async.batch import run_task

    tracker = ProgressTracker(len(tasks), on_progress)
    queue = iter(tasks)
    pending: set[asyncio.Task[BatchResult]] = set()
    try:
        while True:
            while len(pending) < concurrency and (task := next(queue, None)) is not None:
                pending.add(asyncio.ensure_future(run_task(client, task, options, journal)))
                tracker.started()
            if not pending:
                return
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for finished in sorted(done, key=lambda finished: finished.result().index):
                result = finished.result()
                tracker.finished(result)
                yield result
    finally:
        for running in pending:
            running.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
