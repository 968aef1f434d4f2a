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


T = TypeVar("T", bound="Prediction")


@_attrs_define
class Prediction:
    """A run of a model. Fields fill in as it progresses; unknown fields are kept.

    Attributes:
        id (str):
        status (str): starting, processing, succeeded, failed, canceled or aborted; kept as a plain string so a new
            value never breaks parsing.
        completed_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | None | Unset):
        data_removed (bool | None | Unset):
        deadline (datetime.datetime | None | Unset):
        deployment (None | str | Unset): `owner/name` of the deployment that ran it, if any.
        error (None | str | Unset):
        input_ (ModelInput | None | Unset):
        logs (None | str | Unset):
        metrics (None | PredictionMetrics | Unset):
        model (None | str | Unset): `owner/name`; absent on old predictions.
        output (Any | Unset): Any JSON value; absent or null until the model produced something.
        source (None | str | Unset): `api` or `web`.
        started_at (datetime.datetime | None | Unset):
        stream (bool | None | Unset): True when the prediction can be streamed (older responses). Observed in live
            responses; not in the upstream spec.
        urls (None | PredictionUrls | Unset):
        version (None | str | Unset): Version id, `hidden`, or another opaque id such as `dp-...`.
        webhook (None | str | Unset):
        webhook_completed (None | str | Unset): When the last webhook was delivered; null until then. Observed in live
            responses; not in the upstream spec.
        webhook_events_filter (list[str] | None | Unset):
    """

    id: str
    status: str
    completed_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    data_removed: bool | None | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    deployment: None | str | Unset = UNSET
    error: None | str | Unset = UNSET
    input_: ModelInput | None | Unset = UNSET
    logs: None | str | Unset = UNSET
    metrics: None | PredictionMetrics | Unset = UNSET
    model: None | str | Unset = UNSET
    output: Any | Unset = UNSET
    source: None | str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    stream: bool | None | Unset = UNSET
    urls: None | PredictionUrls | Unset = UNSET
    version: None | str | Unset = UNSET
    webhook: None | str | Unset = UNSET
    webhook_completed: None | str | Unset = UNSET
    webhook_events_filter: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_input import ModelInput  # noqa: PLC0415
        from ..models.prediction_metrics import PredictionMetrics  # noqa: PLC0415
        from ..models.prediction_urls import PredictionUrls  # noqa: PLC0415

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

        data_removed: bool | None | Unset
        if isinstance(self.data_removed, Unset):
            data_removed = UNSET
        else:
            data_removed = self.data_removed

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        deployment: None | str | Unset
        if isinstance(self.deployment, Unset):
            deployment = UNSET
        else:
            deployment = self.deployment

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

        stream: bool | None | Unset
        if isinstance(self.stream, Unset):
            stream = UNSET
        else:
            stream = self.stream

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

        webhook_events_filter: list[str] | None | Unset
        if isinstance(self.webhook_events_filter, Unset):
            webhook_events_filter = UNSET
        elif isinstance(self.webhook_events_filter, list):
            webhook_events_filter = self.webhook_events_filter

        else:
            webhook_events_filter = self.webhook_events_filter

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
        if data_removed is not UNSET:
            field_dict["data_removed"] = data_removed
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
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
        if stream is not UNSET:
            field_dict["stream"] = stream
        if urls is not UNSET:
            field_dict["urls"] = urls
        if version is not UNSET:
            field_dict["version"] = version
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_completed is not UNSET:
            field_dict["webhook_completed"] = webhook_completed
        if webhook_events_filter is not UNSET:
            field_dict["webhook_events_filter"] = webhook_events_filter

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_input import ModelInput  # noqa: PLC0415
        from ..models.prediction_metrics import PredictionMetrics  # noqa: PLC0415
        from ..models.prediction_urls import PredictionUrls  # noqa: PLC0415

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

        def _parse_data_removed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        data_removed = _parse_data_removed(d.pop("data_removed", UNSET))

        def _parse_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        def _parse_deployment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        deployment = _parse_deployment(d.pop("deployment", UNSET))

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

        output = d.pop("output", UNSET)

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

        def _parse_stream(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        stream = _parse_stream(d.pop("stream", UNSET))

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

        def _parse_webhook_events_filter(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                webhook_events_filter_type_0 = cast(list[str], data)

                return webhook_events_filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        webhook_events_filter = _parse_webhook_events_filter(d.pop("webhook_events_filter", UNSET))

        prediction = cls(
            id=id,
            status=status,
            completed_at=completed_at,
            created_at=created_at,
            data_removed=data_removed,
            deadline=deadline,
            deployment=deployment,
            error=error,
            input_=input_,
            logs=logs,
            metrics=metrics,
            model=model,
            output=output,
            source=source,
            started_at=started_at,
            stream=stream,
            urls=urls,
            version=version,
            webhook=webhook,
            webhook_completed=webhook_completed,
            webhook_events_filter=webhook_events_filter,
        )

        prediction.additional_properties = d
        return prediction

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
