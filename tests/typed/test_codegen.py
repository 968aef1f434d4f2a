"""replicate-ext codegen: typed modules that pass ruff and mypy --strict, reject wrong calls at
type-check time, run end to end against the local server and warn when outdated."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext import FileOutput, InputValidationError
from replicate_ext.cli import main
from replicate_ext.codegen import (
    OutdatedModelWarning,
    generate_module,
    module_filename,
    render_module,
    write_module,
)
from replicate_ext.codegen._render import literal
from replicate_ext.local import LocalServer

from .conftest import predictions_at

BIN = Path(sys.executable).parent
REFS = ["demo/hello", "demo/image", "demo/stream", "cog/reverse", "cog/flip"]

# Calls a user would write; mypy --strict must accept all of them.
GOOD_USAGE = """\
from __future__ import annotations

import replicate_ext
from replicate_ext import AsyncFileOutput, FileOutput

import cog_reverse
import demo_hello
import demo_image
import demo_stream


def use(client: replicate_ext.Client) -> None:
    greeting: str = demo_hello.run(name="Ada", client=client)
    image: FileOutput = demo_image.run(width=8, client=client)
    text: str = demo_stream.run(prompt="a b", delay=0, client=client)
    tokens: list[str] = list(demo_stream.stream(prompt="a b", client=client))
    reversed_text: str = cog_reverse.run(text="abc", mode="shout", attachment=image)
    print(greeting, image, text, tokens, reversed_text)


async def use_async(client: replicate_ext.AsyncClient) -> AsyncFileOutput:
    return await demo_image.async_run(height=2, client=client)
"""

# One wrong call per line; mypy --strict must report every one of them.
BAD_USAGE = """\
import cog_reverse
import demo_hello
import demo_image

demo_image.run(width="64")
demo_hello.run()
demo_hello.run(name="Ada", nmae="x")
cog_reverse.run(text="a", mode="whisper")
bad: int = demo_hello.run(name="Ada")
"""


# Inputs that cannot keep their names in Python, Cog's enum-by-reference, a mutable default, a
# nullable input, an integer default written as 1.0, a long description, a long enum, an enum
# whose alias would clash with a name the module defines, and an object output.
SCHEDULERS = [
    "DDIM",
    "DPMSolverMultistep",
    "HeunDiscrete",
    "KarrasDPM",
    "K_EULER_ANCESTRAL",
    "K_EULER",
    "PNDM",
]
AWKWARD_SCHEMA: dict[str, Any] = {
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "required": ["class"],
                "properties": {
                    "class": {"type": "string", "x-order": 0},
                    "num-steps": {"type": "integer", "default": 4.0, "x-order": 1},
                    "lambda": {"allOf": [{"$ref": "#/components/schemas/lam"}], "x-order": 2},
                    "client": {"type": "boolean", "default": False, "x-order": 3},
                    "tags": {"type": "array", "items": {"type": "string"}, "default": ["a"]},
                    "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    "values": {
                        "type": "number",
                        "description": "A description long enough to wrap " * 4,
                        "exclusiveMinimum": 0,
                    },
                    "files": {"type": "array", "items": {"type": "string", "format": "uri"}},
                    "output": {"enum": ["x", "y"]},
                    "scheduler": {
                        "type": "string",
                        "enum": SCHEDULERS,
                        "default": "K_EULER",
                    },
                },
            },
            "lam": {"type": "integer", "enum": [1, 2, 3], "default": 2},
            "Output": {
                "type": "object",
                "properties": {"image": {"type": "string", "format": "uri"}},
            },
        }
    }
}
AWKWARD_USAGE = """\
from replicate_ext import Client

import awkward


def call(client: Client) -> None:
    out: awkward.Output = awkward.run(class_="x", lambda_=3, client_=True, client=client)
    print(out, awkward.Input(class_="y", num_steps=2, tags=["b"], seed=None, files=[b"x"]))
"""


@pytest.fixture
def generated(cog_server: LocalServer, tmp_path: Path) -> Path:
    out = tmp_path / "typed"
    with replicate_ext.Client(api_token=cog_server.token, base_url=cog_server.base_url) as client:
        for ref in REFS:
            write_module(client, ref, out)
    return out


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"generated_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_generated_modules_pass_ruff_and_mypy_strict_and_mypy_rejects_wrong_calls(
    generated: Path,
) -> None:
    assert sorted(p.name for p in generated.glob("*.py")) == sorted(
        module_filename(ref) for ref in REFS
    )
    awkward = render_module("me/awkward", "0" * 64, AWKWARD_SCHEMA)
    for expected in [
        "    class_: str\n",
        "    num_steps: int = 4\n",
        "    lambda_: Lambda = 2\n",
        "Lambda: TypeAlias = Literal[1, 2, 3]\n",
        "    output_: OutputValue | None = None\n",
        'OutputValue: TypeAlias = Literal["x", "y"]\n',
        '    scheduler: Scheduler = "K_EULER"\n',
        'Scheduler: TypeAlias = Literal[\n    "DDIM",\n',
        "    client_: bool = False\n",
        "    tags: list[str] | None = None\n",
        "    seed: int | None = None\n",
        "    files: list[FileInput] | None = None\n",
        '"num-steps": self.num_steps',
        "Output: TypeAlias = dict[str, Any]",
    ]:
        assert expected in awkward
    (generated / "awkward.py").write_text(render_module("me/awkward", "0" * 64, AWKWARD_SCHEMA))
    rules = "E,F,W,I,UP,B,SIM,RUF"
    lint = tool("ruff", "check", "--isolated", "--select", rules, ".", cwd=generated)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = tool("ruff", "format", "--isolated", "--check", ".", cwd=generated)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    (generated / "awkward_usage.py").write_text(AWKWARD_USAGE)
    (generated / "good_usage.py").write_text(GOOD_USAGE)
    (generated / "bad_usage.py").write_text(BAD_USAGE)
    checked = tool("mypy", "--strict", "--cache-dir", str(generated / ".mypy"), ".", cwd=generated)
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith("bad_usage.py:") for line in errors), checked.stdout
    lines_with_errors = {int(line.split(":")[1]) for line in errors}
    assert lines_with_errors == {5, 6, 7, 8, 9}, checked.stdout
    assert 'Argument "width" to "run" has incompatible type "str"; expected "int"' in checked.stdout
    assert 'Missing named argument "name"' in checked.stdout
    assert 'Unexpected keyword argument "nmae"' in checked.stdout
    assert "Literal['plain', 'shout']" in checked.stdout


def test_generated_modules_run_end_to_end(
    generated: Path, cog_server: LocalServer, tmp_path: Path
) -> None:
    hello = load(generated / "demo_hello.py")
    image = load(generated / "demo_image.py")
    stream = load(generated / "demo_stream.py")
    reverse = load(generated / "cog_reverse.py")
    flip = load(generated / "cog_flip.py")
    with replicate_ext.Client(api_token=cog_server.token, base_url=cog_server.base_url) as client:
        assert hello.run(name="Ada", client=client) == "hello Ada"
        png = image.run(width=3, height=2, client=client)
        assert isinstance(png, FileOutput) and png.read().startswith(b"\x89PNG")
        assert stream.run(prompt="x y z", delay=0, client=client) == "x y z"
        assert list(stream.stream(prompt="x y", delay=0, client=client)) == ["x ", "y"]
        flipped = flip.run(image=b"abcd", client=client)
        assert reverse.run(text="ab", times=2, attachment=flipped, client=client) == "4:baba"
        prediction = hello.create(name="Bo", client=client)
        assert prediction.version == hello.VERSION
        made = predictions_at(cog_server)
        with pytest.raises(InputValidationError) as caught:
            reverse.Input(text="", times=7, mode="whisper")
        assert [p.field for p in caught.value.problems] == ["text", "times", "mode"]
        with pytest.raises(InputValidationError):
            image.run(width=0, client=client)
        assert predictions_at(cog_server) == made

    async def run_async() -> tuple[Any, list[str]]:
        async with replicate_ext.AsyncClient(
            api_token=cog_server.token, base_url=cog_server.base_url
        ) as client:
            output = await image.async_run(width=2, client=client)
            content = await output.read()
            tokens = [t async for t in stream.async_stream(prompt="p q", delay=0, client=client)]
            prediction = await hello.async_create(name="Cy", client=client)
            assert prediction.version == hello.VERSION and prediction.input == {"name": "Cy"}
            return content, tokens

    content, tokens = asyncio.run(run_async())
    assert content.startswith(b"\x89PNG") and tokens == ["p ", "q"]


def test_default_client_and_the_local_server_fixture(
    local_server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLICATE_BASE_URL", local_server.base_url)
    monkeypatch.setenv("REPLICATE_API_TOKEN", local_server.token)
    monkeypatch.setattr(replicate_ext._client, "_default", None)
    assert main(["codegen", "demo/hello", "--out", str(tmp_path)]) == 0
    hello = load(tmp_path / "demo_hello.py")
    assert hello.run(name="Ada") == "hello Ada"  # replicate_ext's default client
    assert main(["codegen", "nonsense", "--out", str(tmp_path)]) == 2


def test_output_is_deterministic(cog_server: LocalServer) -> None:
    with replicate_ext.Client(api_token=cog_server.token, base_url=cog_server.base_url) as client:
        first = generate_module(client, "cog/reverse")
        assert generate_module(client, "cog/reverse") == first
        version = client.models.get("cog/reverse").latest_version
    assert version is not None and version.openapi_schema is not None
    with replicate_ext.Client(api_token=cog_server.token, base_url=cog_server.base_url) as client:
        assert generate_module(client, f"cog/reverse:{version.id}") == first  # same version
    shuffled = json.loads(json.dumps(version.openapi_schema), object_pairs_hook=_reversed_dict)
    description = "Reverses text, optionally prefixing the size of a given file."
    assert render_module("cog/reverse", version.id, shuffled, description) == first


def _reversed_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(reversed(pairs))


def test_literals_fit_the_line_or_explode_with_trailing_commas() -> None:
    assert literal({"b": 1, "a": [True, None]}) == '{"a": [True, None], "b": 1}'
    wide = {"description": "x" * 80, "n": 1}
    assert literal(wide) == textwrap.dedent(
        f"""\
        {{
            "description": "{"x" * 80}",
            "n": 1,
        }}"""
    )


HELLO_SCHEMA = {
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "x-order": 0}},
            },
            "Output": {"type": "string"},
        }
    }
}


OLD, NEW = "a" * 64, "b" * 64


def test_calls_warn_when_the_latest_version_differs(tmp_path: Path) -> None:
    sent: list[tuple[str, str, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path, request.content))
        if request.method == "GET":
            return httpx.Response(
                200,
                json={"owner": "demo", "name": "hello", "latest_version": {"id": NEW}},
            )
        return httpx.Response(
            201, json={"id": "p1", "status": "succeeded", "output": "hello Ada", "version": OLD}
        )

    path = tmp_path / "demo_hello.py"
    path.write_text(render_module("demo/hello", OLD, HELLO_SCHEMA))
    hello = load(path)
    client = replicate_ext.Client(
        api_token="t", base_url="http://api.test/v1", transport=httpx.MockTransport(handler)
    )
    outdated = f"generated from version {OLD[:12]}, but the latest version is {NEW[:12]}"
    for name in ("Ada", "Bo"):
        with pytest.warns(OutdatedModelWarning, match=outdated) as caught:
            assert hello.run(name=name, client=client) == "hello Ada"
        assert caught[0].filename == __file__  # points at the caller's line
    methods = [(m, p) for m, p, _ in sent]
    assert methods == [
        ("GET", "/v1/models/demo/hello"),
        ("POST", "/v1/predictions"),
        ("POST", "/v1/predictions"),
    ]  # the latest version is looked up once per client
    assert json.loads(sent[1][2])["version"] == OLD  # the pinned version runs
