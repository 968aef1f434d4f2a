"""File handling shared by sync and async code (no I/O): content types, the one pure pass that
plans how input files are encoded (inline data URI or upload), data URLs, and the parts of file
outputs that do not fetch.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import os
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import IO, Any, Literal

import attrs

FileEncoding = Literal["auto", "data_uri", "upload"]
_STRATEGIES: tuple[str, ...] = ("auto", "data_uri", "upload")

DEFAULT_DATA_URI_LIMIT = 256 * 1024
"""Files up to this many bytes are sent inline as data URIs under the "auto" strategy."""

CHUNK_SIZE = 64 * 1024
_OCTET_STREAM = "application/octet-stream"


# --------------------------------------------------------------------------------------------
# Content types


# (offset, magic, type); checked in order, so longer / more specific signatures come first.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"fLaC", "audio/flac"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"\xff\xf3", "audio/mpeg"),
    (0, b"\xff\xf2", "audio/mpeg"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
)


def _sniff(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and len(head) >= 12:
        kind = head[8:12]
        if kind == b"WEBP":
            return "image/webp"
        if kind == b"WAVE":
            return "audio/wav"
        if kind == b"AVI ":
            return "video/x-msvideo"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1"):
            return "image/heic"
        if brand.startswith(b"M4A"):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    for offset, magic, content_type in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    return None


def guess_content_type(filename: str | None, head: bytes = b"") -> str:
    """MIME type from the file name, else from the leading bytes, else application/octet-stream.

    >>> guess_content_type("cat.png")
    'image/png'
    >>> guess_content_type(None, b"%PDF-1.7")
    'application/pdf'
    """
    if filename:
        guessed, _ = mimetypes.guess_type(filename, strict=False)
        if guessed:
            return guessed
    return _sniff(head) or _OCTET_STREAM


# --------------------------------------------------------------------------------------------
# Inputs


@attrs.frozen
class FileSource:
    """A file found in prediction input, ready to be uploaded.

    `content` is what the user passed (a path, an open binary file or bytes); for an unseekable
    stream whose start was already read to measure it, `content` re-joins that prefix with the
    rest, so reading it yields the whole file exactly once.
    """

    content: Path | IO[bytes] | bytes
    filename: str
    content_type: str
    size: int | None = None


def _filename_of(value: object) -> str | None:
    name = getattr(value, "name", None)
    if isinstance(name, str) and name:
        return os.path.basename(name)
    if isinstance(name, bytes) and name:
        return os.path.basename(os.fsdecode(name))
    return None


def _is_binary_file(value: object) -> bool:
    if isinstance(value, io.TextIOBase):
        return False
    return callable(getattr(value, "read", None)) and not isinstance(value, (str, bytes))


class _PrefixedReader(io.RawIOBase):
    """Bytes already read from an unseekable stream followed by the rest of that stream."""

    def __init__(self, prefix: bytes, rest: IO[bytes], name: str | None) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(view))
        if not data:
            return 0
        view[: len(data)] = data
        return len(data)


def remaining_size(stream: IO[bytes]) -> int | None:
    try:
        if not stream.seekable():
            return None
        position = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(position)
        return end - position
    except (AttributeError, OSError, ValueError):
        return None


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Read `size` bytes or until EOF: raw streams may return fewer bytes per read call."""
    parts: list[bytes] = []
    missing = size
    while missing > 0:
        part = stream.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


@attrs.frozen
class _PendingUpload:
    index: int


def check_strategy(strategy: str, data_uri_limit: int) -> None:
    if strategy not in _STRATEGIES:
        raise ValueError(f"file_encoding must be one of {_STRATEGIES}, got {strategy!r}")
    if data_uri_limit < 0:
        raise ValueError(f"data_uri_limit must be >= 0, got {data_uri_limit}")


def _encode_file(
    value: Any, strategy: str, limit: int, uploads: list[FileSource]
) -> str | _PendingUpload:
    """Turn one file-like value into a data URI, or register it for upload."""

    def upload(source: FileSource) -> _PendingUpload:
        uploads.append(source)
        return _PendingUpload(len(uploads) - 1)

    inline = strategy == "data_uri"
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        content_type = guess_content_type(None, data[:64])
        if inline or (strategy == "auto" and len(data) <= limit):
            return _data_uri(data, content_type)
        return upload(FileSource(data, _default_name(content_type), content_type, len(data)))

    if isinstance(value, PurePath):
        path = Path(value)
        size = path.stat().st_size  # a missing file fails here, before any network call
        if inline or (strategy == "auto" and size <= limit):
            data = path.read_bytes()
            return _data_uri(data, guess_content_type(path.name, data[:64]))
        with path.open("rb") as handle:
            head = handle.read(64)
        content_type = guess_content_type(path.name, head)
        return upload(FileSource(path, path.name, content_type, size))

    stream: IO[bytes] = value
    name = _filename_of(stream)
    if inline:
        data = stream.read()
        return _data_uri(data, guess_content_type(name, data[:64]))
    remaining = remaining_size(stream)
    if strategy == "auto" and remaining is not None and remaining <= limit:
        data = stream.read()
        return _data_uri(data, guess_content_type(name, data[:64]))
    if strategy == "auto" and remaining is None:
        # Unknown length: read just past the limit to decide, and keep what was read.
        prefix = _read_up_to(stream, limit + 1)
        if len(prefix) <= limit:
            return _data_uri(prefix, guess_content_type(name, prefix[:64]))
        content_type = guess_content_type(name, prefix[:64])
        joined = io.BufferedReader(_PrefixedReader(prefix, stream, name), CHUNK_SIZE)
        return upload(FileSource(joined, name or _default_name(content_type), content_type))
    head = b""
    if remaining is not None:
        position = stream.tell()
        head = stream.read(64)
        stream.seek(position)
    content_type = guess_content_type(name, head)
    return upload(FileSource(stream, name or _default_name(content_type), content_type, remaining))


def _default_name(content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type, strict=False) or ""
    return f"file{extension}"


def _is_file_value(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview, PurePath)) or _is_binary_file(value)


def plan_encoding(value: Any, strategy: str, limit: int, uploads: list[FileSource]) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, FileOutputBase):
        # One model's file output fed to another: pass its URL on, never download it here.
        return value.url
    if _is_file_value(value):
        return _encode_file(value, strategy, limit, uploads)
    if isinstance(value, io.TextIOBase):
        raise TypeError(
            f"file input {_filename_of(value) or value!r} is open in text mode; "
            "open it in binary mode ('rb')"
        )
    if isinstance(value, Mapping):
        return {key: plan_encoding(item, strategy, limit, uploads) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plan_encoding(item, strategy, limit, uploads) for item in value]
    return value


def fill_uploads(value: Any, urls: list[str]) -> Any:
    if isinstance(value, _PendingUpload):
        return urls[value.index]
    if isinstance(value, dict):
        return {key: fill_uploads(item, urls) for key, item in value.items()}
    if isinstance(value, list):
        return [fill_uploads(item, urls) for item in value]
    return value


# --------------------------------------------------------------------------------------------
# Outputs


def decode_data_url(url: str) -> tuple[str, bytes]:
    """(content type, bytes) of a data: URL (RFC 2397, base64 or percent-encoded)."""
    header, sep, payload = url[len("data:") :].partition(",")
    if not sep:
        raise ValueError("malformed data URL: no ',' separating the header from the data")
    params = header.split(";")
    is_base64 = params[-1].strip().lower() == "base64"
    if is_base64:
        params = params[:-1]
    content_type = params[0].strip() or "text/plain"
    if is_base64:
        data = base64.b64decode(urllib.parse.unquote(payload) + "=" * (-len(payload) % 4))
    else:
        data = urllib.parse.unquote_to_bytes(payload)
    return content_type, data


def is_data_url(url: str) -> bool:
    return url[:5].lower() == "data:"


def chunks_of(data: bytes, chunk_size: int) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), chunk_size):
        yield bytes(view[start : start + chunk_size])


class FileOutputBase:
    __slots__ = ("_url",)

    def __init__(self, url: str) -> None:
        self._url = url

    @property
    def url(self) -> str:
        """The file's URL (http(s) or data:)."""
        return self._url

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        shown = self._url if len(self._url) <= 80 else self._url[:77] + "..."
        return f"{type(self).__name__}({shown!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FileOutputBase):
            return type(self) is type(other) and self._url == other._url
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._url)


def _looks_like_file_url(value: str) -> bool:
    head = value[:8].lower()
    return head.startswith(("http://", "https://", "data:"))


def wrap_urls(output: Any, make: Callable[[str], Any]) -> Any:
    if isinstance(output, str):
        return make(output) if _looks_like_file_url(output) else output
    if isinstance(output, list):
        return [wrap_urls(item, make) for item in output]
    if isinstance(output, dict):
        return {key: wrap_urls(item, make) for key, item in output.items()}
    return output
