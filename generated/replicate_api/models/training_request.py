from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_event import WebhookEvent, check_webhook_event
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_input import ModelInput


T = TypeVar("T", bound="TrainingRequest")


@_attrs_define
class TrainingRequest:
    """Body for starting a training.

    Attributes:
        destination (str): `owner/name` of the model that receives the trained version.
        input_ (ModelInput): Named inputs for a model; the model's own schema says which are allowed.
        webhook (str | Unset): HTTPS URL to notify about progress.
        webhook_events_filter (list[WebhookEvent] | Unset): Events to notify about; all when omitted.
    """

    destination: str
    input_: ModelInput
    webhook: str | Unset = UNSET
    webhook_events_filter: list[WebhookEvent] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        destination = self.destination

        input_ = self.input_.to_dict()

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
                "destination": destination,
                "input": input_,
            }
        )
        if webhook is not UNSET:
            field_dict["webhook"] = webhook
        if webhook_events_filter is not UNSET:
            field_dict["webhook_events_filter"] = webhook_events_filter

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_input import ModelInput  # noqa: PLC0415

        d = dict(src_dict)
        destination = d.pop("destination")

        input_ = ModelInput.from_dict(d.pop("input"))

        webhook = d.pop("webhook", UNSET)

        _webhook_events_filter = d.pop("webhook_events_filter", UNSET)
        webhook_events_filter: list[WebhookEvent] | Unset = UNSET
        if _webhook_events_filter is not UNSET:
            webhook_events_filter = []
            for webhook_events_filter_item_data in _webhook_events_filter:
                webhook_events_filter_item = check_webhook_event(webhook_events_filter_item_data)

                webhook_events_filter.append(webhook_events_filter_item)

        training_request = cls(
            destination=destination,
            input_=input_,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
        )

        return training_request
