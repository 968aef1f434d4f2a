"""The Files API: upload (streamed from disk), list, get, delete, download (streamed)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from pathlib import Path
from typing import Any, Unpack, overload

from replicate_api.api.files import delete as _delete
from replicate_api.api.files import get as _get
from replicate_api.api.files import list as _list

from ..._files import FileSource
from ..._io import run_blocking_async
from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ...resources._base import as_dict, with_options
from ...resources.files import (
    UPLOAD_CHUNK_SIZE,
    FileUpload,
    PathOrFile,
    create_request,
    download_request,
    file_id_of,
    input_url,
    plan_file_upload,
)
from ...types import File
from ._base import AsyncResource


class AsyncUploadBody:
    """A planned upload's body, produced chunk by chunk each time it is iterated."""

    def __init__(self, upload: FileUpload) -> None:
        self._file_upload = upload

    async def __aiter__(self) -> AsyncIterator[bytes]:
        upload = self._file_upload
        # The async client reads the disk in a worker thread: a slow disk never stalls the
        # event loop.
        await run_blocking_async(upload.rewind)
        yield upload.head
        while chunk := await run_blocking_async(upload.stream.read, UPLOAD_CHUNK_SIZE):
            yield chunk
        yield upload.tail


class AsyncFiles(AsyncResource):
    """``client.files``: upload (streamed from disk), list, get, delete, download (streamed)."""

    async def create(
        self,
        file: PathOrFile,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> File:
        """Upload a file, streaming it from disk (the async client reads in a worker thread)."""
        upload = plan_file_upload(file, filename, content_type, metadata, options)
        try:
            data = await self._json(create_request(upload, AsyncUploadBody(upload)), options)
        finally:
            upload.close()
        return File.from_dict(as_dict(data))

    async def upload_input(self, source: FileSource) -> str:
        """Upload one file input and return the URL to send in its place: what ``run()`` does
        with inputs too large for a data URI (pass it as ``encode_inputs``'s ``upload``)."""
        created = await self.create(
            source.content, filename=source.filename, content_type=source.content_type
        )
        return input_url(created)

    async def get(self, file_id: str | File, **options: Unpack[RequestOptions]) -> File:
        """A file's details."""
        data = await self._json(_get.build_request(file_id_of(file_id)), options)
        return File.from_dict(as_dict(data))

    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[File]:
        """Your files, most recent first; `async for` over the page walks all following pages."""
        return await self._page(_list.build_request(), File.from_dict, options)

    async def delete(self, file_id: str | File, **options: Unpack[RequestOptions]) -> None:
        """Delete a file; later requests for it answer 404."""
        await self._send(_delete.build_request(file_id_of(file_id)), options)

    @overload
    async def download(
        self, file_id: str | File, path: None = None, **options: Unpack[RequestOptions]
    ) -> AsyncIterator[bytes]: ...
    @overload
    async def download(
        self,
        file_id: str | File,
        path: str | os.PathLike[str],
        **options: Unpack[RequestOptions],
    ) -> Path: ...
    async def download(
        self,
        file_id: str | File,
        path: str | os.PathLike[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[bytes] | Path:
        """Stream a file's bytes into `path` (returned), or return an async iterator of chunks:
        `async for chunk in await client.files.download(id)`."""
        request = with_options(download_request(file_id), options)
        if path is None:
            return self._iter_download(request)
        target = Path(path)
        # Closed explicitly: a failed write closes the response at once (see FileOutput.save).
        async with contextlib.aclosing(self._iter_download(request)) as chunks:
            with target.open("wb") as handle:
                async for chunk in chunks:
                    handle.write(chunk)
        return target

    async def _iter_download(self, request: dict[str, Any]) -> AsyncGenerator[bytes, None]:
        response = await self._client.request(**request)
        try:
            async for chunk in response.aiter_bytes(UPLOAD_CHUNK_SIZE):
                yield chunk
        finally:
            await response.aclose()
