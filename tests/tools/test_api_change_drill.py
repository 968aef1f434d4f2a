"""The API-change drill: the API gains a field and an operation; nobody edits hand-written code.

In a temporary copy of the project, `openapi.yaml` gets a new Prediction property and a new
operation; `make generate` runs; then, with the copy's packages imported (not the installed
ones): `predictions.get` fills the new attribute, the new operation is callable at once through
`client.request(build_request(...))` with auth and retries, and `make spec-diff` against the
original spec names both changes. Only generated files may change along the way.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MAKE = shutil.which("make")
# What `make generate` and `make spec-diff` need; not .venv, .git or tests.
COPIED_DIRS = ("tools", "generated", "replicate_ext", "templates")
COPIED_FILES = ("openapi.yaml", "generator-config.yaml", "Makefile")
# Files `make generate` owns; every other file must come out byte-identical.
GENERATED = ("generated/", "replicate_ext/types/_generated.py", "replicate_ext/_sync/")
STEP_TIMEOUT = 60

NEW_PROPERTY = "queue_position"
NEW_OPERATION_ID = "predictions.logs.get"
NEW_PATH = "/predictions/{prediction_id}/logs"

# Runs inside the copy (PYTHONPATH=<copy>:<copy>/generated): steps (1) and (2) of the drill.
CLIENT_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import httpx
    import replicate_api
    import replicate_ext
    from replicate_api.api.predictions import logs_get

    copy = Path(sys.argv[1]).resolve()
    for module in (replicate_ext, replicate_api, logs_get):
        assert Path(module.__file__).resolve().is_relative_to(copy), module.__file__

    seen = []

    def handler(request):
        seen.append(request)
        if request.url.path == "/v1/predictions/p1":
            body = {"id": "p1", "status": "starting", "queue_position": 4}
            return httpx.Response(200, json=body)
        if request.url.path == "/v1/predictions/p1/logs":
            if len(seen) == 2:  # the first attempt at the new operation
                return httpx.Response(503, headers={"Retry-After": "0"}, json={"detail": "busy"})
            return httpx.Response(200, json={"logs": "line 3\\nline 4"})
        return httpx.Response(404, json={"detail": "unexpected " + str(request.url)})

    client = replicate_ext.Client(
        api_token="r8_drill",
        base_url="http://127.0.0.1:9/v1",
        max_retries=2,
        transport=httpx.MockTransport(handler),
    )
    prediction = client.predictions.get("p1")
    logs = client.request(logs_get.build_request("p1", since=3))
    print(json.dumps({
        "queue_position": prediction.queue_position,
        "in_extra": "queue_position" in prediction.extra,
        "logs": logs,
        "requests": [
            {"url": str(r.url), "authorization": r.headers.get("authorization")} for r in seen
        ],
    }))
    """
)


def _add_drill_changes(spec: dict[str, Any]) -> None:
    """The API change: one response property and one operation with a query parameter."""
    spec["components"]["schemas"]["Prediction"]["properties"][NEW_PROPERTY] = {
        "type": ["integer", "null"],
        "description": "Place in the queue while starting.",
    }
    spec["paths"][NEW_PATH] = {
        "get": {
            "operationId": NEW_OPERATION_ID,
            "tags": ["predictions"],
            "summary": "A prediction's log lines.",
            "parameters": [
                {"$ref": "#/components/parameters/PredictionId"},
                {
                    "name": "since",
                    "in": "query",
                    "description": "First line to return.",
                    "schema": {"type": "integer", "minimum": 0},
                },
            ],
            "responses": {
                "200": {
                    "description": "The lines.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"logs": {"type": "string"}},
                            }
                        }
                    },
                }
            },
        }
    }


def _copy_project(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache")
    for name in COPIED_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in COPIED_FILES:
        shutil.copy2(ROOT / name, target / name)


def _digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _make(target: str, cwd: Path, *variables: str) -> list[str]:
    """`make TARGET` in the copy, with this virtualenv (STAMP= skips the venv bootstrap)."""
    assert MAKE is not None
    return [MAKE, "--no-print-directory", "-s", target, f"BIN={BIN}", "STAMP=", *variables]


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
@pytest.mark.timeout(180)
def test_api_change_drill(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    copy.mkdir()
    _copy_project(copy)
    original = tmp_path / "original-openapi.yaml"
    shutil.copy2(copy / "openapi.yaml", original)
    spec = yaml.safe_load(original.read_text(encoding="utf-8"))
    _add_drill_changes(spec)
    (copy / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    before = _digests(copy)
    project_before = _digests(ROOT / "generated"), _digests(ROOT / "replicate_ext" / "types")

    _run(_make("generate", copy), copy)

    # The copy's generator wrote into the copy, never into the project it came from.
    assert (_digests(ROOT / "generated"), _digests(ROOT / "replicate_ext" / "types")) == (
        project_before
    )

    after = _digests(copy)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert "generated/replicate_api/api/predictions/logs_get.py" in changed
    assert "replicate_ext/types/_generated.py" in changed
    hand_written = sorted(name for name in changed if not name.startswith(GENERATED))
    assert hand_written == [], f"make generate touched hand-written files: {hand_written}"

    # (1) and (2), importing the regenerated packages from the copy.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(copy), str(copy / "generated")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("REPLICATE_API_TOKEN", None)
    output = _run([sys.executable, "-c", CLIENT_SCRIPT, str(copy)], copy, env)
    report = json.loads(output.strip().splitlines()[-1])
    assert report["queue_position"] == 4
    assert report["in_extra"] is False  # an attribute of its own, not an unknown field
    assert report["logs"] == {"logs": "line 3\nline 4"}
    logs_url = "http://127.0.0.1:9/v1/predictions/p1/logs?since=3"
    assert [r["url"] for r in report["requests"]] == [
        "http://127.0.0.1:9/v1/predictions/p1",
        logs_url,  # answered 503
        logs_url,  # the retry, answered 200
    ]
    assert {r["authorization"] for r in report["requests"]} == {"Bearer r8_drill"}

    # (3) the original spec as "upstream": both changes exist only in ours.
    result = subprocess.run(
        _make("spec-diff", copy, f"UPSTREAM={original}"),
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr  # nothing upstream lacks
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "Operations only in ours:" in lines
    assert f"- GET {NEW_PATH} ({NEW_OPERATION_ID})" in lines
    assert "schema Prediction:" in lines
    assert f"Prediction.{NEW_PROPERTY}: removed upstream (only ours has it)" in lines
