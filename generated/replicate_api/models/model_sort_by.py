from typing import Literal

ModelSortBy = Literal["latest_version_created_at", "model_created_at"]

MODEL_SORT_BY_VALUES: set[ModelSortBy] = {
    "latest_version_created_at",
    "model_created_at",
}


def check_model_sort_by(value: str) -> ModelSortBy:
    if value in MODEL_SORT_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MODEL_SORT_BY_VALUES!r}")
