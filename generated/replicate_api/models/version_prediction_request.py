from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_event import WebhookEvent, check_webhook_event
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_input import ModelInput


T = TypeVar("T", bound="VersionPredictionRequest")


@_attrs_define
class VersionPredictionRequest:
    """Body for starting a prediction on a given model version.

    Attributes:
        input_ (ModelInput): Named inputs for a model; the model's own schema says which are allowed.
        version (str): Version id, or `owner/name:version`, or `owner/name` for official models.
        stream (bool | Unset): Ask for a stream URL (older models need this).
        webhook (str | Unset): HTTPS URL to notify about progress.
        webhook_events_filter (list[WebhookEvent] | Unset): Events to notify about; all when omitted.
    """

    input_: ModelInput
    version: str
    stream: bool | Unset = UNSET
    webhook: str | Unset = UNSET
    webhook_events_filter: list[WebhookEvent] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_.to_dict()

        version = self.version

        stream = self.stream

        webhook = self.webhook

        webhook_events_filter: list[str] | Unset = UNSET
        if not isinstance(self.webhook_events_filter, Unset):
            webhook_events_filter = []
            for webhook_events_filter_item_data in self.webhook_events_filter:
                webhook_events_filter_item: str = webhook_events_filter_item_data
                webhook_events_filter.append(webhook_events_filter_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "input": input_,
                "version": version,
            }
        )
        if stream is not UNSET:
            field_dict["stream"] = stream
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_events_filter is not UNSET:
            field_dict["webhook_events_filter"] = webhook_events_filter

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_input import ModelInput  # noqa: PLC0415

        d = dict(src_dict)
        input_ = ModelInput.from_dict(d.pop("input"))

        version = d.pop("version")

        stream = d.pop("stream", UNSET)

        webhook = d.pop("webhook", UNSET)

        _webhook_events_filter = d.pop("webhook_events_filter", UNSET)
        webhook_events_filter: list[WebhookEvent] | Unset = UNSET
        if _webhook_events_filter is not UNSET:
            webhook_events_filter = []
            for webhook_events_filter_item_data in _webhook_events_filter:
                webhook_events_filter_item = check_webhook_event(webhook_events_filter_item_data)

                webhook_events_filter.append(webhook_events_filter_item)

        version_prediction_request = cls(
            input_=input_,
            version=version,
            stream=stream,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
        )

        return version_prediction_request
