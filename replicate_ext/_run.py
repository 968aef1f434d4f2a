"""Pure parts of ``run()``: validate and route the call, and turn the final prediction into
its output. Shared by Client.run and AsyncClient.run."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import attrs

from ._deadline import Deadline
from ._errors import APITimeoutError, ModelError
from ._refs import DeploymentLike, ModelRef, Ref, parse_deployment, parse_ref
from ._wait import prefer_wait_seconds

if TYPE_CHECKING:
    from .types import Prediction

_ENCODINGS = ("auto", "data_uri", "upload")


class CreateTarget(TypedDict):
    """Where a create goes: exactly one of these is set (see ``build_create_request``)."""

    version: str | None
    model: str | None
    deployment: str | None


@attrs.frozen
class RunPlan:
    """What ``run()`` will do, decided before any request."""

    # exactly one of these is set
    version: str | None
    model: str | None
    deployment: str | None
    prefer_wait: int | None  # seconds for `Prefer: wait=N`, None for no header
    timeout: float | None
    started: float  # time.monotonic() when run() began

    @property
    def label(self) -> str | None:
        """What runs, for logs and traces (no input values)."""
        return self.deployment or self.model or self.version

    @property
    def target(self) -> CreateTarget:
        return CreateTarget(version=self.version, model=self.model, deployment=self.deployment)

    @property
    def deadline(self) -> Deadline | None:
        """When the whole run must be over."""
        return None if self.timeout is None else Deadline(self.started + self.timeout)

    def remaining(self) -> float | None:
        deadline = self.deadline
        return None if deadline is None else deadline.remaining()

    def prefer_wait_now(self) -> int | None:
        """The ``Prefer: wait`` window for a create sent now: what is left of the timeout
        (after uploading input files, say) may be shorter than planned. Raises
        APITimeoutError when nothing is left: a create is never sent after the deadline."""
        deadline = self.deadline
        if deadline is not None and deadline.expired:
            raise APITimeoutError(
                f"run() timed out after {self.timeout:g}s before its create was sent; "
                "it was not sent, no prediction was created"
            )
        if self.prefer_wait is None:
            return None
        return prefer_wait_seconds(self.prefer_wait, self.remaining())


def plan_run(
    ref: Ref | None,
    deployment: DeploymentLike | None,
    input: Mapping[str, Any] | None,
    *,
    wait: bool | int,
    timeout: float | None,
    file_encoding: str,
    webhook_events_filter: Sequence[str] | None,
) -> RunPlan:
    """Validate every argument of ``run()``; raises ValueError/TypeError before any I/O."""
    started = time.monotonic()
    if (ref is None) == (deployment is None):
        raise ValueError("pass a model reference or deployment=..., not both and not neither")
    if input is not None and not isinstance(input, Mapping):
        raise TypeError(f"input must be a mapping of input names to values, got {input!r}")
    if timeout is not None and (isinstance(timeout, bool) or timeout <= 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if file_encoding not in _ENCODINGS:
        raise ValueError(f"file_encoding must be one of {', '.join(_ENCODINGS)}")
    if isinstance(webhook_events_filter, str):
        raise TypeError("webhook_events_filter must be a list of event names, not a string")
    if isinstance(wait, bool | int):
        prefer_wait = prefer_wait_seconds(wait, timeout)
    else:
        raise TypeError(f"wait must be True, False or a number of seconds, got {wait!r}")
    version = model = deployment_name = None
    if deployment is not None:
        deployment_name = str(parse_deployment(deployment))
    else:
        assert ref is not None
        target = parse_ref(ref)
        if isinstance(target, ModelRef):
            model = str(target)
        else:
            version = target.id
    return RunPlan(
        version=version,
        model=model,
        deployment=deployment_name,
        prefer_wait=prefer_wait,
        timeout=timeout,
        started=started,
    )


def output_of(prediction: Prediction) -> Any:
    """The output of a finished prediction; ModelError unless it succeeded."""
    if prediction.status != "succeeded":
        raise ModelError(prediction)
    return prediction.output
