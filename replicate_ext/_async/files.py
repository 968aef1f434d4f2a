"""File inputs that need uploads, and file outputs fetched lazily in bounded memory."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import httpx

from .._file_data import (
    CHUNK_SIZE,
    DEFAULT_DATA_URI_LIMIT,
    FileEncoding,
    FileOutputBase,
    FileSource,
    check_strategy,
    chunks_of,
    decode_data_url,
    fill_uploads,
    is_data_url,
    plan_encoding,
    wrap_urls,
)


class Uploader(Protocol):
    """Uploads one input file and returns the URL to send in its place."""

    async def __call__(self, source: FileSource, /) -> str: ...


class Requester(Protocol):
    """What a file output fetches through: the base client's ``request``."""

    async def request(self, method: str, url: str, *, stream: bool = ...) -> httpx.Response: ...


async def encode_inputs_async(
    value: Any,
    *,
    strategy: FileEncoding = "auto",
    upload: Uploader,
    data_uri_limit: int = DEFAULT_DATA_URI_LIMIT,
) -> Any:
    """Replace every file in `value` (paths, open binary files, bytes) by a data URI or a URL.

    Walks dicts, lists and tuples (tuples become lists). Under "auto", files up to
    `data_uri_limit` bytes become data URIs and larger ones go through `upload`, which returns
    the URL to put in their place (one file at a time). Only the file's bytes ever go into a
    data URI.
    """
    check_strategy(strategy, data_uri_limit)
    uploads: list[FileSource] = []
    planned = plan_encoding(value, strategy, data_uri_limit, uploads)
    if not uploads:
        return planned
    urls = [await upload(source) for source in uploads]
    return fill_uploads(planned, urls)


class AsyncFileOutput(FileOutputBase):
    """A file produced by a model, fetched lazily and streamed in bounded memory.

    `str(output)` and `output.url` give the URL. The token is only ever sent to the API's own
    origin, so files hosted elsewhere never see it. The async client's file outputs are awaited
    (`await output.read()`, `async for chunk in output`).

    >>> output = await client.run("demo/image", input={"width": 8, "height": 8})  # doctest: +SKIP
    >>> await output.save("image.png")  # doctest: +SKIP
    """

    __slots__ = ("_client",)

    def __init__(self, url: str, client: Requester) -> None:
        super().__init__(url)
        self._client = client

    async def iter_bytes(self, chunk_size: int = CHUNK_SIZE) -> AsyncGenerator[bytes, None]:
        """Yield the file's content in chunks of at most `chunk_size` bytes."""
        if is_data_url(self._url):
            for chunk in chunks_of(decode_data_url(self._url)[1], chunk_size):
                yield chunk
            return
        response = await self._client.request("GET", self._url, stream=True)
        try:
            async for chunk in response.aiter_bytes(chunk_size):
                if chunk:
                    yield chunk
        finally:
            await response.aclose()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.iter_bytes()

    async def read(self) -> bytes:
        """The whole file as bytes (fetched on each call)."""
        async with contextlib.aclosing(self.iter_bytes()) as chunks:
            return b"".join([chunk async for chunk in chunks])

    async def save(self, path: str | os.PathLike[str]) -> Path:
        """Stream the file to `path` and return it as a Path."""
        target = Path(path)
        # Closed explicitly: a failed write (or a cancellation) closes the response at once,
        # not whenever the generator happens to be finalized.
        async with contextlib.aclosing(self.iter_bytes()) as chunks:
            with target.open("wb") as handle:
                async for chunk in chunks:
                    handle.write(chunk)
        return target


def wrap_outputs_async(output: Any, client: Requester) -> Any:
    """Replace URL strings (http, https, data) anywhere in `output` by file output objects."""
    return wrap_urls(output, lambda url: AsyncFileOutput(url, client))
