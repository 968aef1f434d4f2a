"""``client.trainings``: fine-tune a model version into a destination model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from replicate_api.api.trainings import cancel as _cancel
from replicate_api.api.trainings import create as _create
from replicate_api.api.trainings import get as _get
from replicate_api.models.training_request import TrainingRequest

from .._deadline import Deadline
from .._refs import (
    ModelLike,
    VersionLike,
    id_of,
    parse_model_name,
    parse_versioned_model,
    version_id_of,
)
from ..types import Training, Version
from ._base import checked_run_fields, optional, within_deadline

__all__ = ["cancel_request", "create_request", "get_request", "to_training"]


def to_training(data: Mapping[str, Any]) -> Training:
    return Training.from_dict(data)


def create_request(
    version: VersionLike,
    model: ModelLike | None,
    *,
    destination: ModelLike,
    input: Mapping[str, Any],
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
) -> dict[str, Any]:
    if model is None:
        if isinstance(version, Version):
            raise ValueError("pass model= with a Version: a Version does not name its model")
        ref = parse_versioned_model(version)
        owner, name, version_id = ref.owner or "", ref.name or "", ref.id
    else:
        owner, name = parse_model_name(model)
        version_id = version_id_of(version)
    destination = "/".join(parse_model_name(destination))
    body_input, events = checked_run_fields(input, webhook_events_filter)
    return _create.build_request(
        owner,
        name,
        version_id,
        body=TrainingRequest(
            destination=destination,
            input_=body_input,
            webhook=optional(webhook),
            webhook_events_filter=events,
        ),
    )


def _id(training: str | Training) -> str:
    return id_of(training, Training, "training id")


def get_request(training_id: str | Training, deadline: Deadline | None) -> dict[str, Any]:
    return within_deadline(_get.build_request(_id(training_id)), deadline)


def cancel_request(training_id: str | Training, deadline: Deadline | None) -> dict[str, Any]:
    return within_deadline(_cancel.build_request(_id(training_id)), deadline, idempotent=True)
