"""What a user gets from ``pip install replicate-ext``: the wheel and sdist are built from this
checkout, the wheel goes into a fresh virtualenv without extras, and the SDK is imported, used
against an httpx.MockTransport and type-checked as a user's mypy sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import attrs
import pytest

from .test_dependencies import EXTRA_MODULES, HOST_PROVIDED, PYPROJECT, ROOT

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(240)]

# Every include entry of the sdist, without its anchoring "/".
SDIST_INCLUDES = [
    entry.strip("/") for entry in PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
]

USER_SCRIPT = """
import datetime as dt

import httpx

from replicate_ext import Client, NotFoundError, Prediction

PREDICTION = {
    "id": "p1",
    "status": "succeeded",
    "model": "demo/hello",
    "output": "hello Ada",
    "created_at": "2024-01-02T03:04:05.000000Z",
}


def handler(request: httpx.Request) -> httpx.Response:
    assert request.headers["authorization"] == "Bearer r8_user"
    if request.url.path == "/v1/predictions/p1":
        return httpx.Response(200, json=PREDICTION)
    return httpx.Response(404, json={"title": "Not found", "status": 404})


def fetch(client: Client, prediction_id: str) -> Prediction:
    return client.predictions.get(prediction_id)


def main() -> None:
    transport = httpx.MockTransport(handler)
    base_url = "http://127.0.0.1:9/v1"  # never reached: the transport answers
    with Client(api_token="r8_user", base_url=base_url, transport=transport) as client:
        prediction = fetch(client, "p1")
        status: str = prediction.status
        created: dt.datetime | None = prediction.created_at
        try:
            client.predictions.get("p2")
        except NotFoundError as error:
            missing: int = error.status
        print(prediction.id, status, prediction.output, created and created.year, missing)


if __name__ == "__main__":
    main()
"""

# Each line marked "# error" is a mistake the user's mypy must report.
WRONG_SCRIPT = """
from replicate_ext import Client, Prediction


def status_code(client: Client) -> int:
    prediction: Prediction = client.predictions.get(42)  # error: arg-type
    return prediction.status  # error: return-value
"""

IMPORT_EVERY_MODULE = """
import importlib, importlib.util, json, pkgutil
import replicate_ext, replicate_api

failed = {}
for package in (replicate_ext, replicate_api):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(info.name)
        except ImportError as exc:
            failed[info.name] = exc.name
print(json.dumps({
    "file": replicate_ext.__file__,
    "failed": failed,
    "present": [m for m in ("starlette", "uvicorn", "python_multipart", "rich", "pytest")
                if importlib.util.find_spec(m) is not None],
}))
"""

NEW_LOCAL_SERVER = """
from replicate_ext.local import LocalServer
try:
    LocalServer()
except ImportError as exc:
    print(exc)
"""


@attrs.frozen
class Built:
    wheel: Path
    sdist: Path


@attrs.frozen
class CleanVenv:
    directory: Path
    python: Path
    bin: Path


def run(*command: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH, and a working directory outside the checkout: only what pip installed counts.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def succeed(*command: str | Path, cwd: Path, timeout: float = 120) -> str:
    result = run(*command, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    # `build` makes the sdist first and the wheel from the unpacked sdist, so a file missing
    # from the sdist breaks the wheel too. No isolation: hatchling comes from the dev venv.
    out = tmp_path_factory.mktemp("dist")
    succeed(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=out)
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return Built(wheel, sdist)


@pytest.fixture(scope="module")
def venv(built: Built, tmp_path_factory: pytest.TempPathFactory) -> CleanVenv:
    directory = tmp_path_factory.mktemp("clean-venv")
    succeed(sys.executable, "-m", "venv", "--without-pip", directory / "venv", cwd=directory)
    bin_dir = directory / "venv" / "bin"
    # The dev venv's pip installs into the clean one: no pip bootstrap per run.
    succeed(
        sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--quiet",
        built.wheel, cwd=directory, timeout=180,
    )  # fmt: skip
    return CleanVenv(directory, bin_dir / "python", bin_dir)


def test_the_wheel_ships_the_typing_marker_and_only_the_packages(built: Built) -> None:
    names = zipfile.ZipFile(built.wheel).namelist()
    assert "replicate_ext/py.typed" in names
    assert "replicate_api/py.typed" in names
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"replicate_ext", "replicate_api"}
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert (
        "replicate-ext = replicate_ext.cli:main"
        in zipfile.ZipFile(built.wheel).read(entry_points).decode()
    )
    # the license the metadata declares travels with the code
    licenses = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert licenses and b"MIT License" in zipfile.ZipFile(built.wheel).read(licenses[0])


def test_every_sdist_include_exists_and_is_shipped(built: Built) -> None:
    missing = [entry for entry in SDIST_INCLUDES if not (ROOT / entry).exists()]
    assert not missing, f"pyproject's sdist include names paths that do not exist: {missing}"
    with tarfile.open(built.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for entry in SDIST_INCLUDES:
        assert any(n == entry or n.startswith(entry + "/") for n in names), entry
    assert "replicate_ext/py.typed" in names
    # `make generate` works from the sdist: its inputs are all there (templates/ once it exists).
    for needed in ("openapi.yaml", "generator-config.yaml", "tools/generate.py", "templates"):
        if (ROOT / needed).exists():
            assert needed in names or any(n.startswith(needed + "/") for n in names), needed
    assert not [n for n in names if n.startswith("tests/")], "tests/ matched an include entry"


def test_without_extras_every_module_imports_except_the_server_app(venv: CleanVenv) -> None:
    report = json.loads(succeed(venv.python, "-c", IMPORT_EVERY_MODULE, cwd=venv.directory))
    assert Path(report["file"]).is_relative_to(venv.directory), "imported the checkout"
    assert report["present"] == []  # truly without extras (and without pytest)
    expected = set(EXTRA_MODULES) | set(HOST_PROVIDED)
    assert set(report["failed"]) == expected, report["failed"]


def test_a_user_script_runs_against_a_mock_transport(venv: CleanVenv) -> None:
    script = venv.directory / "user_script.py"
    script.write_text(USER_SCRIPT)
    assert succeed(venv.python, script, cwd=venv.directory).split() == [
        "p1", "succeeded", "hello", "Ada", "2024", "404"
    ]  # fmt: skip


def test_users_mypy_sees_the_sdk_types(venv: CleanVenv) -> None:
    work = venv.directory / "mypy-user"
    work.mkdir()
    (work / "user_script.py").write_text(USER_SCRIPT)
    (work / "wrong_use.py").write_text(WRONG_SCRIPT)
    (work / "mypy.ini").write_text("[mypy]\nstrict = True\n")
    # The dev venv's mypy, looking only at the clean venv's site-packages: without py.typed in
    # the wheel the import itself would be an error and every SDK type would be Any.
    result = run(
        sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", ".mypy_cache",
        "--python-executable", venv.python, "user_script.py", "wrong_use.py",
        cwd=work, timeout=180,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    expected = [
        f"wrong_use.py:{number}: [{line.split('# error: ')[1]}]"
        for number, line in enumerate(WRONG_SCRIPT.splitlines(), start=1)
        if "# error:" in line
    ]
    reported = [f"{e.split(': error:')[0]}: [{e.rsplit('[', 1)[1].rstrip(']')}]" for e in errors]
    assert result.returncode == 1, result.stdout + result.stderr
    assert reported == expected, result.stdout


def test_without_the_server_extra_the_server_says_what_to_install(venv: CleanVenv) -> None:
    hint = "pip install 'replicate-ext[server]'"
    serve = run(venv.bin / "replicate-ext", "serve", "--port", "0", cwd=venv.directory, timeout=60)
    assert serve.returncode == 2
    assert hint in serve.stderr and "Traceback" not in serve.stderr, serve.stderr
    assert "starlette" in serve.stderr
    message = succeed(venv.python, "-c", textwrap.dedent(NEW_LOCAL_SERVER), cwd=venv.directory)
    assert hint in message and "uvicorn" in message
