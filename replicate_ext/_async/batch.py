"""One input of a batch (``run_many``): create its prediction (or re-attach to the one the
journal names), journal the id at once, wait, and turn the outcome into a BatchResult.

Errors become part of the result instead of propagating, so one failing input never stops
the others. The scheduling around it (how many in flight, in what order results come back)
lives in ``replicate_ext/_batch_runner.py``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .._batch import BatchOptions, BatchResult, BatchTask
from .._errors import keep_prediction_id
from .._files import encode_inputs_async
from .._io import run_blocking_async
from .._run import output_of
from ..types import Prediction

if TYPE_CHECKING:
    from .._client import AsyncClient, OnUpdate
    from .._journal import JournalFile


async def run_task(
    client: AsyncClient,
    task: BatchTask,
    options: BatchOptions,
    journal: JournalFile | None = None,
    on_update: OnUpdate | None = None,
) -> BatchResult:
    """Run (or resume) one input; never raises an Exception."""
    prediction: Prediction | None = None
    started = time.monotonic()
    try:
        if task.attach_id is not None:
            current: Prediction | str = task.attach_id
        else:
            encoded = await encode_inputs_async(
                dict(task.input), strategy=options.file_encoding, upload=client.files.upload_input
            )
            # Not held open (no `Prefer: wait`): the id must reach the journal before waiting.
            prediction = await client.predictions.create(
                version=options.plan.version,
                model=options.plan.model,
                deployment=options.plan.deployment,
                input=encoded,
                webhook=options.webhook,
                webhook_events_filter=options.webhook_events_filter,
            )
            if journal is not None:
                # fsynced off the event loop; a cancellation still waits for the line
                await run_blocking_async(
                    journal.created, task.index, prediction.id, task.input_hash
                )
            current = prediction
        prediction = await client.predictions.wait(
            current, timeout=options.remaining(started), on_update=on_update
        )
        if journal is not None:
            await run_blocking_async(journal.finished, task.index, prediction.id, prediction.status)
        output = output_of(prediction)
        if options.use_file_output:
            output = client.wrap_outputs(output)
        return BatchResult(task.index, prediction, output=output, attached=task.attached)
    except Exception as error:
        last_seen = getattr(error, "prediction", None)  # ModelError, WaitTimeoutError
        if isinstance(last_seen, Prediction):
            prediction = last_seen
        prediction_id = prediction.id if prediction is not None else task.attach_id
        if prediction_id is not None:
            keep_prediction_id(error, prediction_id)
        return BatchResult(task.index, prediction, error=error, attached=task.attached)
