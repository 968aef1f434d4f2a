from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PredictionMetrics")


@_attrs_define
class PredictionMetrics:
    """Timings in seconds and model-specific counters.

    Attributes:
        input_token_count (int | None | Unset): Language models only. Observed in live responses; not in the upstream
            spec.
        output_token_count (int | None | Unset): Language models only. Observed in live responses; not in the upstream
            spec.
        predict_time (float | None | Unset):
        time_to_first_token (float | None | Unset): Seconds; language models only. Observed in live responses; not in
            the upstream spec.
        tokens_per_second (float | None | Unset): Language models only. Observed in live responses; not in the upstream
            spec.
        total_time (float | None | Unset):
    """

    input_token_count: int | None | Unset = UNSET
    output_token_count: int | None | Unset = UNSET
    predict_time: float | None | Unset = UNSET
    time_to_first_token: float | None | Unset = UNSET
    tokens_per_second: float | None | Unset = UNSET
    total_time: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_token_count: int | None | Unset
        if isinstance(self.input_token_count, Unset):
            input_token_count = UNSET
        else:
            input_token_count = self.input_token_count

        output_token_count: int | None | Unset
        if isinstance(self.output_token_count, Unset):
            output_token_count = UNSET
        else:
            output_token_count = self.output_token_count

        predict_time: float | None | Unset
        if isinstance(self.predict_time, Unset):
            predict_time = UNSET
        else:
            predict_time = self.predict_time

        time_to_first_token: float | None | Unset
        if isinstance(self.time_to_first_token, Unset):
            time_to_first_token = UNSET
        else:
            time_to_first_token = self.time_to_first_token

        tokens_per_second: float | None | Unset
        if isinstance(self.tokens_per_second, Unset):
            tokens_per_second = UNSET
        else:
            tokens_per_second = self.tokens_per_second

        total_time: float | None | Unset
        if isinstance(self.total_time, Unset):
            total_time = UNSET
        else:
            total_time = self.total_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if input_token_count is not UNSET:
            field_dict["input_token_count"] = input_token_count
        if output_token_count is not UNSET:
            field_dict["output_token_count"] = output_token_count
        if predict_time is not UNSET:
            field_dict["predict_time"] = predict_time
        if time_to_first_token is not UNSET:
            field_dict["time_to_first_token"] = time_to_first_token
        if tokens_per_second is not UNSET:
            field_dict["tokens_per_second"] = tokens_per_second
        if total_time is not UNSET:
            field_dict["total_time"] = total_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_input_token_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        input_token_count = _parse_input_token_count(d.pop("input_token_count", UNSET))

        def _parse_output_token_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        output_token_count = _parse_output_token_count(d.pop("output_token_count", UNSET))

        def _parse_predict_time(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        predict_time = _parse_predict_time(d.pop("predict_time", UNSET))

        def _parse_time_to_first_token(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        time_to_first_token = _parse_time_to_first_token(d.pop("time_to_first_token", UNSET))

        def _parse_tokens_per_second(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        tokens_per_second = _parse_tokens_per_second(d.pop("tokens_per_second", UNSET))

        def _parse_total_time(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        total_time = _parse_total_time(d.pop("total_time", UNSET))

        prediction_metrics = cls(
            input_token_count=input_token_count,
            output_token_count=output_token_count,
            predict_time=predict_time,
            time_to_first_token=time_to_first_token,
            tokens_per_second=tokens_per_second,
            total_time=total_time,
        )

        prediction_metrics.additional_properties = d
        return prediction_metrics

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
