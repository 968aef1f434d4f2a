from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_input import ModelInput
    from ..models.prediction_metrics import PredictionMetrics
    from ..models.prediction_urls import PredictionUrls
    from ..models.training_output import TrainingOutput


T = TypeVar("T", bound="Training")


@_attrs_define
class Training:
    """A fine-tuning job. Fields fill in as it progresses; unknown fields are kept.

    Attributes:
        id (str):
        status (str): Same values as a prediction's status; a plain string.
        completed_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | None | Unset):
        error (None | str | Unset):
        input_ (ModelInput | None | Unset):
        logs (None | str | Unset):
        metrics (None | PredictionMetrics | Unset):
        model (None | str | Unset):
        output (None | TrainingOutput | Unset):
        source (None | str | Unset):
        started_at (datetime.datetime | None | Unset):
        urls (None | PredictionUrls | Unset):
        version (None | str | Unset):
        webhook (None | str | Unset):
        webhook_completed (None | str | Unset): When the last webhook was delivered; null until then. Observed in live
            responses; not in the upstream spec.
    """

    id: str
    status: str
    completed_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    error: None | str | Unset = UNSET
    input_: ModelInput | None | Unset = UNSET
    logs: None | str | Unset = UNSET
    metrics: None | PredictionMetrics | Unset = UNSET
    model: None | str | Unset = UNSET
    output: None | TrainingOutput | Unset = UNSET
    source: None | str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    urls: None | PredictionUrls | Unset = UNSET
    version: None | str | Unset = UNSET
    webhook: None | str | Unset = UNSET
    webhook_completed: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_input import ModelInput  # noqa: PLC0415
        from ..models.prediction_metrics import PredictionMetrics  # noqa: PLC0415
        from ..models.prediction_urls import PredictionUrls  # noqa: PLC0415
        from ..models.training_output import TrainingOutput  # noqa: PLC0415

        id = self.id

        status = self.status

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        input_: dict[str, Any] | None | Unset
        if isinstance(self.input_, Unset):
            input_ = UNSET
        elif isinstance(self.input_, ModelInput):
            input_ = self.input_.to_dict()
        else:
            input_ = self.input_

        logs: None | str | Unset
        if isinstance(self.logs, Unset):
            logs = UNSET
        else:
            logs = self.logs

        metrics: dict[str, Any] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, PredictionMetrics):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        output: dict[str, Any] | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        elif isinstance(self.output, TrainingOutput):
            output = self.output.to_dict()
        else:
            output = self.output

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        urls: dict[str, Any] | None | Unset
        if isinstance(self.urls, Unset):
            urls = UNSET
        elif isinstance(self.urls, PredictionUrls):
            urls = self.urls.to_dict()
        else:
            urls = self.urls

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        webhook: None | str | Unset
        if isinstance(self.webhook, Unset):
            webhook = UNSET
        else:
            webhook = self.webhook

        webhook_completed: None | str | Unset
        if isinstance(self.webhook_completed, Unset):
            webhook_completed = UNSET
        else:
            webhook_completed = self.webhook_completed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
            }
        )
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if error is not UNSET:
            field_dict["error"] = error
        if input_ is not UNSET:
            field_dict["input"] = input_
        if logs is not UNSET:
            field_dict["logs"] = logs
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if model is not UNSET:
            field_dict["model"] = model
        if output is not UNSET:
            field_dict["output"] = output
        if source is not UNSET:
            field_dict["source"] = source
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if urls is not UNSET:
            field_dict["urls"] = urls
        if version is not UNSET:
            field_dict["version"] = version
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_completed is not UNSET:
            field_dict["webhook_completed"] = webhook_completed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_input import ModelInput  # noqa: PLC0415
        from ..models.prediction_metrics import PredictionMetrics  # noqa: PLC0415
        from ..models.prediction_urls import PredictionUrls  # noqa: PLC0415
        from ..models.training_output import TrainingOutput  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        status = d.pop("status")

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_input_(data: object) -> ModelInput | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_type_0 = ModelInput.from_dict(data)

                return input_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelInput | None | Unset, data)

        input_ = _parse_input_(d.pop("input", UNSET))

        def _parse_logs(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        logs = _parse_logs(d.pop("logs", UNSET))

        def _parse_metrics(data: object) -> None | PredictionMetrics | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = PredictionMetrics.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PredictionMetrics | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_output(data: object) -> None | TrainingOutput | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = TrainingOutput.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrainingOutput | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_urls(data: object) -> None | PredictionUrls | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                urls_type_0 = PredictionUrls.from_dict(data)

                return urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PredictionUrls | Unset, data)

        urls = _parse_urls(d.pop("urls", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_webhook(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook = _parse_webhook(d.pop("webhook", UNSET))

        def _parse_webhook_completed(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        webhook_completed = _parse_webhook_completed(d.pop("webhook_completed", UNSET))

        training = cls(
            id=id,
            status=status,
            completed_at=completed_at,
            created_at=created_at,
            error=error,
            input_=input_,
            logs=logs,
            metrics=metrics,
            model=model,
            output=output,
            source=source,
            started_at=started_at,
            urls=urls,
            version=version,
            webhook=webhook,
            webhook_completed=webhook_completed,
        )

        training.additional_properties = d
        return training

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
