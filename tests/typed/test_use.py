"""client.use(): validated callables over the local server's demo models and Cog predictors."""

from __future__ import annotations

import inspect
import pydoc
import typing
from typing import Annotated, Any, Literal

import pytest

import replicate_ext
from replicate_ext import FileOutput, InputValidationError, NotFoundError
from replicate_ext._schema import FileInput
from replicate_ext.local import LocalServer

from .conftest import AsyncCountingTransport, CountingTransport, predictions_at

VIOLATIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown name", {"text": "a", "tmes": 2}, "tmes", "did you mean 'times'?"),
    ("missing required", {"times": 2}, "text", "required (a string, at least 1 characters)"),
    ("wrong type", {"text": "a", "times": "2"}, "times", "must be an integer, got str '2'"),
    ("enum", {"text": "a", "mode": "whisper"}, "mode", "one of 'plain', 'shout'"),
    ("maximum", {"text": "a", "times": 9}, "times", "must be <= 3, got 9"),
    ("minimum", {"text": "a", "times": 0}, "times", "must be >= 1, got 0"),
    ("string rule", {"text": ""}, "text", "must be at least 1 characters, got 0"),
    ("uri format", {"text": "a", "attachment": "notes.txt"}, "attachment", "must be a URL"),
]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [v[1:] for v in VIOLATIONS],
    ids=[v[0] for v in VIOLATIONS],
)
def test_each_kind_of_violation_creates_no_prediction(
    client: replicate_ext.Client,
    cog_server: LocalServer,
    transport: CountingTransport,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    reverse = client.use("cog/reverse")
    for call in (reverse, reverse.create, reverse.stream):
        with pytest.raises(InputValidationError) as caught:
            call(**values)
        [problem] = caught.value.problems
        assert problem.field == field
        assert message in problem.message
    assert predictions_at(cog_server) == 0
    assert [m for m, _ in transport.sent] == ["GET"]  # the schema, and nothing else


def test_valid_input_runs_with_documented_defaults_filled(
    client: replicate_ext.Client, cog_server: LocalServer
) -> None:
    reverse = client.use("cog/reverse")
    assert reverse(text="abc", times=2) == "cbacba"
    prediction = reverse.create(text="ab")
    assert prediction.input == {"text": "ab", "times": 1, "mode": "plain"}
    assert predictions_at(cog_server) == 2


def test_schema_is_fetched_once_per_client_and_refreshed_on_demand(
    client: replicate_ext.Client, transport: CountingTransport
) -> None:
    for _ in range(3):
        hello = client.use("demo/hello")
        assert [hello(name=n) for n in ("a", "b")] == ["hello a", "hello b"]
    assert transport.count("GET", "/models/demo/hello") == 1
    assert transport.count("POST", "/models/demo/hello/predictions") == 6
    hello.refresh()
    assert transport.count("GET", "/models/demo/hello") == 2
    client.use("demo/hello")(name="c")
    assert transport.count("GET", "/models/demo/hello") == 2


def test_outputs_are_shaped_by_the_output_schema(client: replicate_ext.Client) -> None:
    image = client.use("demo/image")(width=4, height=3)
    assert isinstance(image, FileOutput)
    assert image.read().startswith(b"\x89PNG")
    words = client.use("demo/stream")
    assert words(prompt="one two three", delay=0) == "one two three"
    assert list(words.stream(prompt="one two", delay=0)) == ["one ", "two"]
    assert client.use("cog/stream")(words=3) == "w0 w1 w2 "


def test_a_file_output_passed_on_is_sent_as_its_url(
    client: replicate_ext.Client, transport: CountingTransport
) -> None:
    flipped = client.use("cog/flip")(image=b"abc")
    assert isinstance(flipped, FileOutput)
    before = len(transport.sent)
    reverse = client.use("cog/reverse")
    prediction = reverse.create(text="xy", attachment=flipped)
    assert prediction.input is not None and prediction.input["attachment"] == flipped.url
    assert reverse(text="xy", attachment=flipped) == "3:yx"
    # neither downloaded nor uploaded again by the client
    assert not [path for _, path in transport.sent[before:] if "/files" in path]


def test_local_files_are_accepted_for_file_inputs(
    client: replicate_ext.Client, tmp_path: Any
) -> None:
    path = tmp_path / "five.bin"
    path.write_bytes(b"12345")
    assert client.use("cog/reverse")(text="ab", attachment=path) == "5:ba"


def test_signature_and_help_show_types_defaults_and_descriptions(
    client: replicate_ext.Client,
) -> None:
    reverse = client.use("cog/reverse")
    signature = inspect.signature(reverse)
    assert signature == reverse.signature
    params = signature.parameters
    assert list(params) == ["text", "times", "mode", "attachment"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    assert params["text"].default is inspect.Parameter.empty
    assert params["text"].annotation == Annotated[str, "Text to reverse"]
    assert params["times"].default == 1
    assert params["times"].annotation == Annotated[int, "Repetitions"]
    assert params["mode"].default == "plain"
    assert typing.get_args(params["mode"].annotation)[0] == Literal["plain", "shout"]
    assert params["attachment"].default is None
    assert typing.get_args(params["attachment"].annotation)[0] == FileInput | None
    assert signature.return_annotation is str
    assert inspect.signature(client.use("demo/image")).return_annotation is FileOutput
    text = pydoc.render_doc(reverse)  # what help(reverse) prints
    assert "cog/reverse (version " in text
    assert "Reverses text, optionally prefixing the size of a given file." in text
    assert "times: an integer, 1 <= times <= 3, default 1" in text
    assert "mode: one of 'plain', 'shout', default 'plain'" in text
    assert "      Text to reverse" in text


def test_pinned_version_and_bad_references(
    client: replicate_ext.Client, transport: CountingTransport
) -> None:
    version = client.models.get("demo/hello").latest_version
    assert version is not None
    pinned = client.use(f"demo/hello:{version.id}")
    assert pinned.version == version.id
    assert transport.count("GET", f"/models/demo/hello/versions/{version.id}") == 1
    assert pinned(name="Ada") == "hello Ada"
    assert transport.count("POST", "/predictions") == 1  # the version route
    with pytest.raises(ValueError, match="needs 'owner/name'"):
        client.use(version.id)
    with pytest.raises(NotFoundError):
        client.use("demo/missing")


async def test_async_use(cog_server: LocalServer) -> None:
    transport = AsyncCountingTransport()
    async with replicate_ext.AsyncClient(
        api_token=cog_server.token, base_url=cog_server.base_url, transport=transport
    ) as client:
        image = await client.use("demo/image")
        output = await image(width=2, height=2)
        assert isinstance(output, replicate_ext.AsyncFileOutput)
        assert (await output.read()).startswith(b"\x89PNG")
        words = await client.use("demo/stream")
        assert await words(prompt="a b", delay=0) == "a b"
        assert [t async for t in words.stream(prompt="a b", delay=0)] == ["a ", "b"]
        with pytest.raises(InputValidationError):
            await image(width=0)
        with pytest.raises(InputValidationError):
            words.stream(prompt=1)  # checked when called, not when iterated
        prediction = await (await client.use("demo/image")).create(width=3)
        assert prediction.input == {"width": 3, "height": 64}
        await image.refresh()
        assert transport.count("GET", "/models/demo/image") == 2
        assert transport.count("GET", "/models/demo/stream") == 1
        assert inspect.signature(image).return_annotation is replicate_ext.AsyncFileOutput
    assert predictions_at(cog_server) == 4
