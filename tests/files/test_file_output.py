"""FileOutput: lazy, streamed, and the API token never leaves the API's own origin."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from replicate_ext._async.api_client import AsyncAPIClient
from replicate_ext._errors import NotFoundError
from replicate_ext._files import AsyncFileOutput, FileOutput, wrap_outputs, wrap_outputs_async
from replicate_ext._sync.api_client import SyncAPIClient

from .conftest import FileHost

TOKEN = "r8_test_token_do_not_leak"
PAYLOAD = bytes(range(256)) * 40  # 10 KiB, every byte value


@pytest.fixture
def api(file_host: Callable[[str], FileHost]) -> FileHost:
    host = file_host("127.0.0.1")
    host.files["/v1/files/own"] = PAYLOAD
    return host


@pytest.fixture
def client(api: FileHost) -> Iterator[SyncAPIClient]:
    client = SyncAPIClient(api_token=TOKEN, base_url=api.origin + "/v1", max_retries=0)
    yield client
    client.close()


def test_same_origin_gets_the_token_positive_control(api: FileHost, client: SyncAPIClient) -> None:
    assert FileOutput(api.url("/v1/files/own"), client).read() == PAYLOAD
    assert [seen.authorization for seen in api.seen] == [f"Bearer {TOKEN}"]


def test_other_port_on_same_host_never_gets_the_token(
    file_host: Callable[[str], FileHost], client: SyncAPIClient
) -> None:
    other = file_host("127.0.0.1")
    other.files["/out.bin"] = PAYLOAD
    assert FileOutput(other.url("/out.bin"), client).read() == PAYLOAD
    assert [(seen.path, seen.authorization) for seen in other.seen] == [("/out.bin", None)]


def test_other_host_never_gets_the_token(
    file_host: Callable[[str], FileHost], client: SyncAPIClient
) -> None:
    other = file_host("127.0.0.2")
    other.files["/out.bin"] = PAYLOAD
    output = FileOutput(other.url("/out.bin"), client)
    assert b"".join(output) == PAYLOAD
    assert other.seen == [other.seen[0]] and other.seen[0].authorization is None


def test_redirect_away_from_api_drops_the_token(
    api: FileHost, file_host: Callable[[str], FileHost], client: SyncAPIClient
) -> None:
    other = file_host("127.0.0.2")
    other.files["/moved.bin"] = PAYLOAD
    api.redirects["/v1/files/moved"] = other.url("/moved.bin")
    assert FileOutput(api.url("/v1/files/moved"), client).read() == PAYLOAD
    assert api.seen[0].authorization == f"Bearer {TOKEN}"
    assert [seen.authorization for seen in other.seen] == [None]


def test_wrapping_is_lazy_and_keeps_structure(api: FileHost, client: SyncAPIClient) -> None:
    url = api.url("/v1/files/own")
    output = wrap_outputs({"images": [url, url], "caption": "a cat", "n": 2}, client)
    assert api.seen == []  # nothing fetched until asked
    assert isinstance(output["images"][0], FileOutput)
    assert output["caption"] == "a cat" and output["n"] == 2
    assert str(output["images"][1]) == url and output["images"][1].url == url
    assert output["images"][0].read() == PAYLOAD
    assert len(api.seen) == 1


def test_chunks_are_bounded_and_save_writes_exact_bytes(
    api: FileHost, client: SyncAPIClient, tmp_path: Path
) -> None:
    output = FileOutput(api.url("/v1/files/own"), client)
    chunks = list(output.iter_bytes(chunk_size=1000))
    assert max(len(chunk) for chunk in chunks) <= 1000 and len(chunks) >= 10
    assert b"".join(chunks) == PAYLOAD
    saved = output.save(tmp_path / "out.bin")
    assert saved == tmp_path / "out.bin" and saved.read_bytes() == PAYLOAD


def test_missing_file_raises_typed_error(api: FileHost, client: SyncAPIClient) -> None:
    with pytest.raises(NotFoundError):
        FileOutput(api.url("/v1/files/missing"), client).read()


def test_data_urls_decode_locally_without_requests(api: FileHost, client: SyncAPIClient) -> None:
    encoded = "data:application/octet-stream;base64," + base64.b64encode(PAYLOAD).decode()
    plain = "data:text/plain,hello%20world%21"
    output = wrap_outputs([encoded, plain], client)
    assert output[0].read() == PAYLOAD
    assert output[1].read() == b"hello world!"
    assert list(output[1].iter_bytes(chunk_size=5)) == [b"hello", b" worl", b"d!"]
    assert api.seen == []


def test_plain_strings_are_not_wrapped(client: SyncAPIClient) -> None:
    assert wrap_outputs(["hello", "ftp://x", "/tmp/a"], client) == ["hello", "ftp://x", "/tmp/a"]


async def test_async_file_output_same_rules(
    api: FileHost, file_host: Callable[[str], FileHost], tmp_path: Path
) -> None:
    other = file_host("127.0.0.2")
    other.files["/out.bin"] = PAYLOAD
    client = AsyncAPIClient(api_token=TOKEN, base_url=api.origin + "/v1", max_retries=0)
    try:
        wrapped = wrap_outputs_async([api.url("/v1/files/own"), other.url("/out.bin")], client)
        own, foreign = wrapped
        assert isinstance(own, AsyncFileOutput) and isinstance(foreign, AsyncFileOutput)
        assert await own.read() == PAYLOAD
        assert b"".join([chunk async for chunk in foreign]) == PAYLOAD
        assert (await foreign.save(tmp_path / "f.bin")).read_bytes() == PAYLOAD
        data = AsyncFileOutput("data:;base64," + base64.b64encode(b"xyz").decode(), client)
        assert await data.read() == b"xyz"
    finally:
        await client.close()
    assert [seen.authorization for seen in api.seen] == [f"Bearer {TOKEN}"]
    assert [seen.authorization for seen in other.seen] == [None, None]
