"""``client.wrap_outputs``: the public way to turn a prediction's output into file objects that
fetch through the client (used by the CLI instead of reaching into the client's internals)."""

from __future__ import annotations

from collections.abc import Callable

import replicate_ext
from replicate_ext import AsyncFileOutput, FileOutput

from .conftest import FileHost

TOKEN = "r8_wrap_outputs_token"


def _output(host: FileHost) -> dict[str, object]:
    return {
        "images": [host.url("/v1/files/a"), host.url("/v1/files/b")],
        "caption": "not a URL",
        "count": 2,
    }


def test_wrap_outputs_gives_file_outputs_that_fetch_with_the_client(
    file_host: Callable[[str], FileHost],
) -> None:
    host = file_host("127.0.0.1")
    host.files.update({"/v1/files/a": b"first", "/v1/files/b": b"second"})
    with replicate_ext.Client(api_token=TOKEN, base_url=host.url("/v1")) as client:
        wrapped = client.wrap_outputs(_output(host))
        images = wrapped["images"]
        assert all(isinstance(image, FileOutput) for image in images)
        assert [image.read() for image in images] == [b"first", b"second"]
    assert wrapped["caption"] == "not a URL" and wrapped["count"] == 2
    assert [seen.authorization for seen in host.seen] == [f"Bearer {TOKEN}"] * 2


async def test_async_wrap_outputs_gives_async_file_outputs(
    file_host: Callable[[str], FileHost],
) -> None:
    host = file_host("127.0.0.1")
    host.files.update({"/v1/files/a": b"first", "/v1/files/b": b"second"})
    async with replicate_ext.AsyncClient(api_token=TOKEN, base_url=host.url("/v1")) as client:
        images = client.wrap_outputs(_output(host))["images"]
        assert all(isinstance(image, AsyncFileOutput) for image in images)
        assert [await image.read() for image in images] == [b"first", b"second"]
    assert [seen.authorization for seen in host.seen] == [f"Bearer {TOKEN}"] * 2
