"""Input file encoding: data URIs vs uploads, MIME types, nesting, and nothing but file bytes."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import httpx
import pytest

from replicate_ext._files import (
    AsyncFileOutput,
    FileOutput,
    FileSource,
    encode_inputs,
    encode_inputs_async,
    guess_content_type,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


class Uploads:
    """Records what would be uploaded, consuming the content so its bytes can be compared."""

    def __init__(self) -> None:
        self.sources: list[FileSource] = []
        self.contents: list[bytes] = []

    def __call__(self, source: FileSource) -> str:
        self.sources.append(source)
        content = source.content
        if isinstance(content, Path):
            self.contents.append(content.read_bytes())
        elif isinstance(content, bytes):
            self.contents.append(content)
        else:
            self.contents.append(content.read())
        return f"https://files.example/{len(self.sources)}"


def never_upload(source: FileSource) -> str:
    raise AssertionError(f"unexpected upload of {source.filename}")


def decode(uri: str) -> tuple[str, bytes]:
    header, _, payload = uri.partition(",")
    assert header.startswith("data:") and header.endswith(";base64")
    return header[5:-7], base64.b64decode(payload)


def test_small_path_becomes_data_uri_of_exactly_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(PNG)
    encoded = encode_inputs({"image": path}, upload=never_upload)
    assert encoded == {"image": "data:image/png;base64," + base64.b64encode(PNG).decode()}


def test_bytes_sniffed_and_text_name_guessed(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_bytes(b"hello")
    encoded = encode_inputs([PNG, b"plain", text_file], upload=never_upload)
    assert [decode(item) for item in encoded] == [
        ("image/png", PNG),
        ("application/octet-stream", b"plain"),
        ("text/plain", b"hello"),
    ]


def test_open_binary_file_uses_its_name_and_reads_from_current_position(tmp_path: Path) -> None:
    path = tmp_path / "clip.wav"
    path.write_bytes(b"skip" + b"RIFF\x00\x00\x00\x00WAVEdata")
    with path.open("rb") as handle:
        handle.read(4)
        (encoded,) = encode_inputs([handle], upload=never_upload)
    assert decode(encoded)[1] == b"RIFF\x00\x00\x00\x00WAVEdata"
    assert decode(encoded)[0] in ("audio/wav", "audio/x-wav")


def test_large_file_is_uploaded_and_replaced_by_url(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 1001)
    uploads = Uploads()
    encoded = encode_inputs({"a": path, "b": b"y" * 10}, upload=uploads, data_uri_limit=1000)
    assert encoded["a"] == "https://files.example/1"
    assert decode(encoded["b"])[1] == b"y" * 10
    assert uploads.sources == [FileSource(path, "big.bin", "application/octet-stream", 1001)]


def test_limit_is_inclusive() -> None:
    uploads = Uploads()
    encoded = encode_inputs([b"a" * 100, b"b" * 101], upload=uploads, data_uri_limit=100)
    assert encoded[0].startswith("data:")
    assert encoded[1] == "https://files.example/1"
    assert uploads.contents == [b"b" * 101]


def test_default_limit_is_256_kib() -> None:
    uploads = Uploads()
    encoded = encode_inputs([b"a" * 262144, b"a" * 262145], upload=uploads)
    assert encoded[0].startswith("data:") and encoded[1] == "https://files.example/1"


def test_strategy_upload_uploads_even_tiny_files() -> None:
    uploads = Uploads()
    assert encode_inputs({"x": PNG}, strategy="upload", upload=uploads) == {
        "x": "https://files.example/1"
    }
    assert uploads.sources[0].content_type == "image/png"
    assert uploads.sources[0].filename == "file.png"
    assert uploads.contents == [PNG]


def test_strategy_data_uri_inlines_even_large_files() -> None:
    encoded = encode_inputs(b"z" * 5000, strategy="data_uri", upload=never_upload, data_uri_limit=1)
    assert decode(encoded)[1] == b"z" * 5000


def test_nested_structures_and_non_file_values_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"{}")
    value = {
        "prompt": "a string stays a string, even /etc/passwd",
        "n": 3,
        "flag": None,
        "deep": [{"file": path}, (b"t", 1.5)],
    }
    encoded = encode_inputs(value, upload=never_upload)
    assert encoded["prompt"] == value["prompt"]
    assert encoded["n"] == 3 and encoded["flag"] is None
    assert decode(encoded["deep"][0]["file"]) == ("application/json", b"{}")
    assert decode(encoded["deep"][1][0])[1] == b"t"
    assert encoded["deep"][1][1] == 1.5
    assert value["deep"] == [{"file": path}, (b"t", 1.5)]  # the input is not mutated


def test_unseekable_stream_small_goes_inline() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            chunk = self._data.read(min(len(buffer), 7))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    assert decode(encode_inputs(Pipe(b"abc"), upload=never_upload))[1] == b"abc"
    uploads = Uploads()
    assert encode_inputs(Pipe(b"q" * 50), upload=uploads, data_uri_limit=10) == (
        "https://files.example/1"
    )
    # The bytes read to measure the stream are not lost: the upload gets the whole content.
    assert uploads.contents == [b"q" * 50]


def test_file_outputs_are_passed_on_as_their_urls() -> None:
    class NoRequests:
        def request(self, method: str, url: str, *, stream: bool = False) -> httpx.Response:
            raise AssertionError("a file output used as input must not be fetched")

    output = FileOutput("https://files.example/out.png", NoRequests())
    async_output = AsyncFileOutput("data:text/plain,hi", NoAsyncRequests())
    encoded = encode_inputs({"image": output, "more": [async_output]}, upload=never_upload)
    assert encoded == {"image": "https://files.example/out.png", "more": ["data:text/plain,hi"]}


class NoAsyncRequests:
    async def request(self, method: str, url: str, *, stream: bool = False) -> httpx.Response:
        raise AssertionError("a file output used as input must not be fetched")


def test_text_mode_file_is_a_clear_error_before_any_upload(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("hi")
    with path.open("r") as handle, pytest.raises(TypeError, match="binary mode"):
        encode_inputs({"f": handle}, upload=never_upload)


def test_missing_path_fails_before_upload(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        encode_inputs({"f": tmp_path / "nope.png"}, upload=never_upload)


def test_bad_strategy_and_limit() -> None:
    with pytest.raises(ValueError, match="file_encoding"):
        encode_inputs({}, strategy="inline", upload=never_upload)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="data_uri_limit"):
        encode_inputs({}, upload=never_upload, data_uri_limit=-1)


async def test_async_twin_awaits_uploads_in_order(tmp_path: Path) -> None:
    seen: list[str] = []

    async def upload(source: FileSource) -> str:
        seen.append(source.filename)
        return f"https://files.example/{source.filename}"

    first, second = tmp_path / "one.bin", tmp_path / "two.bin"
    first.write_bytes(b"1" * 20)
    second.write_bytes(b"2" * 20)
    encoded = await encode_inputs_async(
        {"a": [first, second], "b": b"small"}, upload=upload, data_uri_limit=10
    )
    assert encoded["a"] == ["https://files.example/one.bin", "https://files.example/two.bin"]
    assert decode(encoded["b"])[1] == b"small"
    assert seen == ["one.bin", "two.bin"]


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("x.jpg", b"", "image/jpeg"),
        (None, b"\xff\xd8\xff\xe0", "image/jpeg"),
        (None, b"GIF89a", "image/gif"),
        (None, b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (None, b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (None, b"ID3\x04", "audio/mpeg"),
        (None, b"fLaC", "audio/flac"),
        (None, b"%PDF-1.4", "application/pdf"),
        (None, b"unknown", "application/octet-stream"),
        ("noext", PNG, "image/png"),
    ],
)
def test_guess_content_type(name: str | None, head: bytes, expected: str) -> None:
    assert guess_content_type(name, head) == expected
