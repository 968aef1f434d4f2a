"""`import replicate_ext` stays light: no generated bindings, no resources, no file handling, no
value classes (creating them costs more than the rest of the package)."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_generated_code_or_resources() -> None:
    code = (
        "import sys, replicate_ext\n"
        "heavy = [m for m in sys.modules if m.startswith(('replicate_api', "
        "'replicate_ext.resources', 'replicate_ext.local', 'replicate_ext._files', "
        "'replicate_ext._streaming', 'replicate_ext.types._', 'starlette', 'uvicorn', "
        "'rich'))]\n"
        "print(','.join(sorted(heavy)))\n"
        "client = replicate_ext.Client(api_token='t', base_url='http://127.0.0.1:9/v1')\n"
        "client.predictions\n"
        "print(int('replicate_api.api.predictions.get' in sys.modules))\n"
        "print(int('replicate_api.api.models.get' in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    eager, predictions_loaded, models_loaded = result.stdout.splitlines()
    # rich may come in through httpx's optional CLI; everything else must stay unloaded.
    assert [m for m in eager.split(",") if m and not m.startswith("rich")] == []
    assert predictions_loaded == "1"  # loaded on first use of client.predictions ...
    assert models_loaded == "0"  # ... and nothing else


def test_public_names_show_as_replicate_ext_in_reprs_and_tracebacks() -> None:
    import pickle
    import traceback

    import replicate_ext

    assert repr(replicate_ext.NotFoundError) == "<class 'replicate_ext.NotFoundError'>"
    for name in ("Client", "AsyncClient", "Prediction", "Page", "FileOutput", "run", "paginate"):
        assert getattr(replicate_ext, name).__module__ == "replicate_ext", name
    try:
        raise replicate_ext.WaitTimeoutError.__new__(replicate_ext.WaitTimeoutError)
    except replicate_ext.WaitTimeoutError as error:
        shown = "".join(traceback.format_exception_only(type(error), error))
    assert shown.startswith("replicate_ext.WaitTimeoutError")
    # Still importable by that name, so pickling keeps working.
    assert pickle.loads(pickle.dumps(replicate_ext.Prediction(id="p", status="starting"))).id == "p"


def test_type_hints_of_public_classes_still_resolve() -> None:
    import typing

    import replicate_ext

    for name in replicate_ext.__all__:
        value = getattr(replicate_ext, name)
        if isinstance(value, type):
            assert isinstance(typing.get_type_hints(value), dict), name


def _fresh(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.splitlines()


def test_value_classes_load_on_first_use_whichever_way_they_are_reached() -> None:
    loaded = "int('replicate_ext.types._generated' in sys.modules)"
    # Through the package's public names, through replicate_ext.types, or by a star import:
    # each loads the classes and shows them under their public name.
    assert _fresh(
        f"import sys, replicate_ext\nprint({loaded})\nprint(replicate_ext.Prediction)\n"
        f"print({loaded})"
    ) == ["0", "<class 'replicate_ext.Prediction'>", "1"]
    assert _fresh("from replicate_ext.types import Version\nprint(Version)") == [
        "<class 'replicate_ext.Version'>"
    ]
    assert _fresh(
        "from replicate_ext.types import *\nprint(Prediction.__module__, APIObject.__name__)"
    ) == ["replicate_ext APIObject"]
    # An error's hints name the classes: resolving them loads the classes, not importing.
    assert _fresh(
        "import sys, typing, replicate_ext\n"
        f"print({loaded})\n"
        "print(typing.get_type_hints(replicate_ext.ModelError)['prediction'])"
    ) == ["0", "replicate_ext.Prediction | replicate_ext.Training"]
