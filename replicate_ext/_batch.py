"""Value types and pure decisions of ``run_many``: options, per-input tasks, results and
progress. The schedulers are in ``_batch_runner.py``, one input's run in ``_async/batch.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._journal import input_hash
from ._refs import DeploymentLike, Ref
from ._run import RunPlan, plan_run
from .types import Prediction

if TYPE_CHECKING:
    from ._files import FileEncoding


@attrs.frozen
class BatchOptions:
    """What every input of one batch shares."""

    plan: RunPlan
    timeout: float | None
    webhook: str | None = None
    webhook_events_filter: Sequence[str] | None = None
    use_file_output: bool = True
    file_encoding: FileEncoding = "auto"

    @property
    def ref_key(self) -> str:
        """The model the batch runs, as the journal records it."""
        if self.plan.deployment is not None:
            return f"deployment:{self.plan.deployment}"
        return self.plan.version or self.plan.model or ""

    def remaining(self, started: float) -> float | None:
        """Seconds an input that started at ``started`` (monotonic) may still wait."""
        if self.timeout is None:
            return None
        return max(self.timeout - (time.monotonic() - started), 0.0)


@attrs.frozen
class BatchTask:
    """One input to run, or to re-attach to the prediction a journal names."""

    index: int
    input: Mapping[str, Any]
    input_hash: str
    attach_id: str | None = None

    @property
    def attached(self) -> bool:
        return self.attach_id is not None


@attrs.frozen
class BatchResult:
    """The outcome of one input of :meth:`Client.run_many`.

    ``index`` is the input's position; ``prediction`` its last known state (None when it was
    never created, e.g. the create request failed); ``output`` is set when it succeeded,
    ``error`` otherwise (ModelError for a failed prediction, or the API/network error).
    ``attached`` tells that a journal's prediction was followed instead of creating one.

    >>> for result in client.run_many("demo/hello", inputs):   # doctest: +SKIP
    ...     print(result.index, result.output if result.ok else result.error)
    """

    index: int
    prediction: Prediction | None
    output: Any = None
    error: Exception | None = None
    attached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def prediction_id(self) -> str | None:
        return self.prediction.id if self.prediction is not None else None


@attrs.frozen
class BatchProgress:
    """Where a batch stands; passed to ``on_progress`` whenever it changes.

    ``done`` counts finished inputs (succeeded or not), ``failed`` those among them that did
    not succeed. ``rate`` (inputs a second) and ``eta`` (seconds) cover this run only.
    """

    total: int
    done: int
    failed: int
    in_flight: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None


OnProgress = Callable[[BatchProgress], object]


class ProgressTracker:
    """Counts starts and finishes and tells ``on_progress``; used by one scheduler thread."""

    def __init__(self, total: int, on_progress: OnProgress | None) -> None:
        self.total = total
        self.done = self.failed = self.in_flight = 0
        self._on_progress = on_progress
        self._started = time.monotonic()

    def snapshot(self) -> BatchProgress:
        return BatchProgress(
            total=self.total,
            done=self.done,
            failed=self.failed,
            in_flight=self.in_flight,
            elapsed=time.monotonic() - self._started,
        )

    def started(self) -> None:
        self.in_flight += 1
        self._notify()

    def finished(self, result: BatchResult) -> None:
        self.in_flight -= 1
        self.done += 1
        self.failed += 0 if result.ok else 1
        self._notify()

    def _notify(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self.snapshot())


def check_concurrency(concurrency: int) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive int, got {concurrency!r}")
    return concurrency


def plan_batch(
    ref: Ref | None,
    deployment: DeploymentLike | None,
    inputs: Iterable[Mapping[str, Any]],
    *,
    timeout: float | None,
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
    use_file_output: bool,
    file_encoding: FileEncoding,
) -> tuple[BatchOptions, list[BatchTask]]:
    """Validate a batch before any I/O: TypeError/ValueError name the first bad input."""
    if isinstance(inputs, Mapping | str | bytes):
        raise TypeError("inputs must be an iterable of input mappings (one per prediction)")
    tasks: list[BatchTask] = []
    for index, item in enumerate(inputs):
        if not isinstance(item, Mapping):
            raise TypeError(f"input {index} must be a mapping of input names, got {item!r}")
        tasks.append(BatchTask(index, item, input_hash(item)))
    plan = plan_run(
        ref,
        deployment,
        None,
        wait=False,
        timeout=timeout,
        file_encoding=file_encoding,
        webhook_events_filter=webhook_events_filter,
    )
    options = BatchOptions(
        plan, timeout, webhook, webhook_events_filter, use_file_output, file_encoding
    )
    return options, tasks


def with_attachments(tasks: list[BatchTask], attach: Mapping[int, str]) -> list[BatchTask]:
    """The tasks with the journal's prediction ids filled in."""
    return [
        attrs.evolve(task, attach_id=attach[task.index]) if task.index in attach else task
        for task in tasks
    ]
