from typing import Literal

PredictionSourceFilter = Literal["web"]

PREDICTION_SOURCE_FILTER_VALUES: set[PredictionSourceFilter] = {
    "web",
}


def check_prediction_source_filter(value: str) -> PredictionSourceFilter:
    if value in PREDICTION_SOURCE_FILTER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PREDICTION_SOURCE_FILTER_VALUES!r}"
    )
