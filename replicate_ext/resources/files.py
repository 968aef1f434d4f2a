"""The Files API: upload (streamed from disk), list, get, delete, download (streamed).

>>> file = client.files.create(Path("weights.tar"), metadata={"run": 7})  # doctest: +SKIP
>>> client.files.download(file.id, "copy.tar")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, overload

import anyio.to_thread
import attrs
import httpx

from .._errors import decode_json
from .._files import FileSource, _remaining_size, guess_content_type
from .._pagination import AsyncPage, Page, next_page_url, parse_page_fields
from .._refs import validate_id
from ..types import File

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncFiles", "FileUpload", "Files"]

_CHUNK_SIZE = 256 * 1024
_MAX_FILENAME_BYTES = 255

PathOrFile = str | os.PathLike[str] | IO[bytes] | bytes | FileSource


@attrs.define
class FileUpload:
    """A planned multipart upload: headers plus a body produced chunk by chunk.

    The body is `head`, the file's bytes (read `_CHUNK_SIZE` at a time), then `tail`; nothing
    but one chunk of the file is ever in memory. With a known size the request carries a
    Content-Length, otherwise it is sent chunked. The body can be produced again (the base
    client retries a 429 or a failed connect) by seeking back, when the file is seekable.
    """

    stream: IO[bytes]
    head: bytes
    tail: bytes
    boundary: str
    size: int | None
    close_stream: bool
    start: int | None = None
    _produced: bool = False

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": f"multipart/form-data; boundary={self.boundary}"}
        if self.size is not None:
            headers["Content-Length"] = str(len(self.head) + self.size + len(self.tail))
        return headers

    def _rewind(self) -> None:
        if self._produced:
            if self.start is None:
                raise RuntimeError("cannot send an unseekable file stream a second time")
            self.stream.seek(self.start)
        self._produced = True

    def sync_body(self) -> _SyncBody:
        return _SyncBody(self)

    def async_body(self) -> _AsyncBody:
        return _AsyncBody(self)

    def close(self) -> None:
        if self.close_stream:
            self.stream.close()


class _SyncBody:
    # An iterable rather than a generator, so that httpx can iterate it again on a retry.
    def __init__(self, upload: FileUpload) -> None:
        self._upload = upload

    def __iter__(self) -> Iterator[bytes]:
        upload = self._upload
        upload._rewind()
        yield upload.head
        while chunk := upload.stream.read(_CHUNK_SIZE):
            yield chunk
        yield upload.tail


class _AsyncBody:
    def __init__(self, upload: FileUpload) -> None:
        self._upload = upload

    async def __aiter__(self) -> AsyncIterator[bytes]:
        upload = self._upload
        await anyio.to_thread.run_sync(upload._rewind)
        yield upload.head
        # Disk reads happen in a worker thread so a slow disk never stalls the event loop.
        while chunk := await anyio.to_thread.run_sync(upload.stream.read, _CHUNK_SIZE):
            yield chunk
        yield upload.tail


def _quote(value: str) -> str:
    # As browsers do for form fields: percent-encode what would break the quoted header value.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _part(boundary: str, name: str, value: bytes, content_type: str) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + value
        + b"\r\n"
    )


def plan_upload(
    file: PathOrFile,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> FileUpload:
    """Validate the arguments and open the file; raises before any network call on bad input."""
    size: int | None
    start: int | None = 0
    close_stream = False
    if isinstance(file, FileSource):
        filename = filename or file.filename
        content_type = content_type or file.content_type
        file = file.content
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
        stream: IO[bytes] = io.BytesIO(data)
        size = len(data)
        head = data[:64]
    elif isinstance(file, (str, PurePath)) or hasattr(file, "__fspath__"):
        path = Path(os.fspath(file))
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        filename = filename or path.name
        stream = path.open("rb")
        close_stream = True
        size = os.fstat(stream.fileno()).st_size
        head = stream.read(64)
        stream.seek(0)
    elif callable(getattr(file, "read", None)):
        if isinstance(file, io.TextIOBase):
            raise TypeError("the file is open in text mode; open it in binary mode ('rb')")
        stream = file
        name = getattr(stream, "name", None)
        if not filename and isinstance(name, str) and name:
            filename = os.path.basename(name)
        size = _remaining_size(stream)
        head = b""
        start = None
        if size is not None:
            start = stream.tell()
            head = stream.read(64)
            stream.seek(start)
    else:
        raise TypeError(f"expected a path, an open binary file or bytes, got {type(file).__name__}")

    try:
        content_type = content_type or guess_content_type(filename, head)
        filename = filename or "file"
        if len(filename.encode("utf-8")) > _MAX_FILENAME_BYTES:
            raise ValueError(f"filename must be at most {_MAX_FILENAME_BYTES} bytes in UTF-8")
        if "\r" in content_type or "\n" in content_type:
            raise ValueError("content_type must be a single line")
        metadata_json = json.dumps(dict(metadata or {}), separators=(",", ":")).encode()
    except BaseException:
        if close_stream:
            stream.close()
        raise

    boundary = secrets.token_hex(16)
    head_bytes = (
        _part(boundary, "filename", filename.encode(), "text/plain; charset=utf-8")
        + _part(boundary, "type", content_type.encode(), "text/plain; charset=utf-8")
        + _part(boundary, "metadata", metadata_json, "application/json")
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
            f'filename="{_quote(filename)}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    return FileUpload(stream, head_bytes, tail, boundary, size, close_stream, start)


def _file(response: httpx.Response) -> File:
    return File.from_dict(decode_json(response))


def _page_of_files(response: httpx.Response) -> tuple[list[File], str | None, str | None]:
    results, next_url, previous = parse_page_fields(decode_json(response))
    return [File.from_dict(item) for item in results if isinstance(item, dict)], next_url, previous


def _download_path(file_id: str) -> str:
    return f"/files/{_check_id(file_id)}/download"


def _check_id(file_id: str) -> str:
    return validate_id(file_id, "file id")


class Files:
    """`client.files`: upload, list, get, delete and download files."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def create(
        self,
        file: PathOrFile,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> File:
        """Upload a file (a path, an open binary file or bytes), streaming it from disk.

        >>> client.files.create(Path("photo.jpg"), metadata={"user": 1}).id  # doctest: +SKIP
        """
        upload = plan_upload(file, filename=filename, content_type=content_type, metadata=metadata)
        try:
            response = self._client.request(
                "POST",
                "/files",
                content=upload.sync_body(),
                headers=upload.headers,
                idempotent=False,
            )
        finally:
            upload.close()
        return _file(response)

    def get(self, file_id: str) -> File:
        """A file's details."""
        return _file(self._client.request("GET", f"/files/{_check_id(file_id)}"))

    def list(self) -> Page[File]:
        """Your files, most recent first; iterating the page walks all following pages."""
        return self._fetch_page("/files")

    def _fetch_page(self, url: str) -> Page[File]:
        # Only the cursor of `next` is followed, against our own base URL (proxies stay in use).
        url = next_page_url("/files", url)
        results, next_url, previous = _page_of_files(self._client.request("GET", url))
        return Page(results=results, next=next_url, previous=previous, fetch=self._fetch_page)

    def delete(self, file_id: str) -> None:
        """Delete a file; later requests for it answer 404."""
        self._client.request("DELETE", f"/files/{_check_id(file_id)}")

    @overload
    def download(self, file_id: str, path: None = None) -> Iterator[bytes]: ...
    @overload
    def download(self, file_id: str, path: str | os.PathLike[str]) -> Path: ...
    def download(
        self, file_id: str, path: str | os.PathLike[str] | None = None
    ) -> Iterator[bytes] | Path:
        """Stream a file's bytes: into `path` (returned), or as an iterator of chunks."""
        url = _download_path(file_id)
        if path is None:
            return self._iter_download(url)
        target = Path(path)
        with target.open("wb") as handle:
            for chunk in self._iter_download(url):
                handle.write(chunk)
        return target

    def _iter_download(self, url: str) -> Iterator[bytes]:
        response = self._client.request("GET", url, stream=True)
        try:
            yield from response.iter_bytes(_CHUNK_SIZE)
        finally:
            response.close()


class AsyncFiles:
    """Async twin of `Files` (`client.files` on `AsyncClient`)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def create(
        self,
        file: PathOrFile,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> File:
        """Upload a file, streaming it from disk (reads run in a worker thread)."""
        upload = plan_upload(file, filename=filename, content_type=content_type, metadata=metadata)
        try:
            response = await self._client.request(
                "POST",
                "/files",
                content=upload.async_body(),
                headers=upload.headers,
                idempotent=False,
            )
        finally:
            upload.close()
        return _file(response)

    async def get(self, file_id: str) -> File:
        """A file's details."""
        return _file(await self._client.request("GET", f"/files/{_check_id(file_id)}"))

    async def list(self) -> AsyncPage[File]:
        """Your files, most recent first; `async for` over the page walks all following pages."""
        return await self._fetch_page("/files")

    async def _fetch_page(self, url: str) -> AsyncPage[File]:
        url = next_page_url("/files", url)
        results, next_url, previous = _page_of_files(await self._client.request("GET", url))
        return AsyncPage(results=results, next=next_url, previous=previous, fetch=self._fetch_page)

    async def delete(self, file_id: str) -> None:
        """Delete a file; later requests for it answer 404."""
        await self._client.request("DELETE", f"/files/{_check_id(file_id)}")

    @overload
    async def download(self, file_id: str, path: None = None) -> AsyncIterator[bytes]: ...
    @overload
    async def download(self, file_id: str, path: str | os.PathLike[str]) -> Path: ...
    async def download(
        self, file_id: str, path: str | os.PathLike[str] | None = None
    ) -> AsyncIterator[bytes] | Path:
        """Stream a file's bytes into `path` (returned), or return an async iterator of chunks:
        `async for chunk in await client.files.download(id)`."""
        url = _download_path(file_id)
        if path is None:
            return self._iter_download(url)
        target = Path(path)
        # aclosing: a failed write closes the response at once (see AsyncFileOutput.save).
        async with contextlib.aclosing(self._iter_download(url)) as chunks:
            with target.open("wb") as handle:
                async for chunk in chunks:
                    handle.write(chunk)
        return target

    async def _iter_download(self, url: str) -> AsyncGenerator[bytes, None]:
        response = await self._client.request("GET", url, stream=True)
        try:
            async for chunk in response.aiter_bytes(_CHUNK_SIZE):
                yield chunk
        finally:
            await response.aclose()
