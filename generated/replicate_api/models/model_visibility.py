from typing import Literal

ModelVisibility = Literal["private", "public"]

MODEL_VISIBILITY_VALUES: set[ModelVisibility] = {
    "private",
    "public",
}


def check_model_visibility(value: str) -> ModelVisibility:
    if value in MODEL_VISIBILITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MODEL_VISIBILITY_VALUES!r}")
