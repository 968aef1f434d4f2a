"""The incremental SSE decoder, one edge case per test."""

from __future__ import annotations

import pytest

from replicate_ext._streaming import ServerSentEvent, SSEDecoder, decode_events


def feed_in_pieces(raw: bytes, size: int) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for start in range(0, len(raw), size):
        events.extend(decoder.feed(raw[start : start + size]))
    return events


def test_single_event_with_name_data_and_id() -> None:
    events = SSEDecoder().feed(b"event: output\ndata: hello\nid: 7\n\n")
    assert events == [ServerSentEvent(event="output", data="hello", id="7", retry=None)]


def test_multi_line_data_joined_with_newlines() -> None:
    events = SSEDecoder().feed(b"event: output\ndata: one\ndata:\ndata: three\n\n")
    assert [e.data for e in events] == ["one\n\nthree"]


def test_only_one_leading_space_is_stripped() -> None:
    events = SSEDecoder().feed(b"data:no-space\n\ndata:   three spaces\n\n")
    assert [e.data for e in events] == ["no-space", "  three spaces"]


def test_comments_are_heartbeats_and_produce_no_events() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b": ping\n\n:\n\n") == []
    events = decoder.feed(b": keepalive\nevent: output\n: between fields\ndata: x\n\n")
    assert events == [ServerSentEvent("output", "x")]


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_line_endings(newline: bytes) -> None:
    raw = newline.join([b"event: output", b"data: a", b"data: b", b"", b"data: c", b"", b""])
    events = SSEDecoder().feed(raw)
    assert [(e.event, e.data) for e in events] == [("output", "a\nb"), ("message", "c")]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # If the LF were taken as a second line end, this would dispatch an event with data "a".
    assert decoder.feed(b"\ndata: b\r") == []
    assert decoder.feed(b"\n\r") == [ServerSentEvent("message", "a\nb")]
    assert decoder.feed(b"\n") == []


def test_lone_cr_at_chunk_end_followed_by_text() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\r") == [ServerSentEvent("message", "a")]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_chunk_boundaries_anywhere(size: int) -> None:
    raw = (
        "event: output\r\ndata: héllo 🌍\r\ndata: wörld\r\nid: 1\r\n\r\n"
        ": ping\n\nevent: logs\ndata: step 1\nid: 2\n\nevent: done\ndata: {}\nid: 3\n\n"
    ).encode()
    assert feed_in_pieces(raw, size) == [
        ServerSentEvent("output", "héllo 🌍\nwörld", "1"),
        ServerSentEvent("logs", "step 1", "2"),
        ServerSentEvent("done", "{}", "3"),
    ]


def test_utf8_character_split_across_chunks() -> None:
    encoded = "data: 🌍é\n\n".encode()
    emoji_start = encoded.index(b"\xf0")
    decoder = SSEDecoder()
    # Cut inside the 4-byte emoji, then inside the 2-byte é.
    assert decoder.feed(encoded[: emoji_start + 2]) == []
    assert decoder.feed(encoded[emoji_start + 2 : emoji_start + 5]) == []
    assert decoder.feed(encoded[emoji_start + 5 :]) == [ServerSentEvent("message", "🌍é")]


def test_invalid_utf8_is_replaced_not_raised() -> None:
    assert SSEDecoder().feed(b"data: \xff\n\n") == [ServerSentEvent("message", "\ufffd")]


def test_event_id_is_per_event_and_last_event_id_persists() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"id: 5\ndata: a\n\ndata: b\n\nid: bad\x00id\ndata: c\n\n")
    assert [e.id for e in events] == ["5", None, None]
    assert decoder.last_event_id == "5"
    assert decoder.feed(b"id\ndata: d\n\n") == [ServerSentEvent("message", "d", "")]


def test_retry_field_digits_only() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"retry: 1500\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: x\n\n")
    assert [(e.data, e.retry) for e in events] == [("a", 1500), ("b", None)]
    assert decoder.retry == 1500


def test_unknown_event_names_and_fields_pass_through() -> None:
    events = SSEDecoder().feed(b"event: brand-new\nfoo: bar\ndata: {}\n\n")
    assert events == [ServerSentEvent("brand-new", "{}")]


def test_field_without_colon_and_bare_event_name() -> None:
    # "data" alone is an empty data field; an event with a name but no data still dispatches.
    events = SSEDecoder().feed(b"data\n\nevent: done\n\n")
    assert events == [ServerSentEvent("message", ""), ServerSentEvent("done", "")]


def test_id_only_block_dispatches_nothing() -> None:
    assert SSEDecoder().feed(b"id: 9\n\n") == []


def test_leading_bom_is_skipped_once() -> None:
    events = SSEDecoder().feed("\ufeffdata: a\n\n".encode())
    assert events == [ServerSentEvent("message", "a")]


def test_incomplete_event_at_end_is_not_emitted() -> None:
    assert list(decode_events([b"data: a\n\n", b"data: partial\n"])) == [
        ServerSentEvent("message", "a")
    ]


def test_str_is_data_for_output_and_empty_otherwise() -> None:
    assert str(ServerSentEvent("output", "tok")) == "tok"
    assert str(ServerSentEvent("logs", "noise")) == ""
    assert f"{ServerSentEvent('output', 'a')}{ServerSentEvent('output', 'b')}" == "ab"


def test_event_is_frozen() -> None:
    event = ServerSentEvent("output", "x")
    with pytest.raises(AttributeError):
        event.data = "y"  # type: ignore[misc]


def test_long_line_across_many_chunks_and_many_events_in_one_chunk() -> None:
    long_value = "x" * 50_000
    events = feed_in_pieces(f"data: {long_value}\n\n".encode(), 7)
    assert events == [ServerSentEvent("message", long_value)]
    many = b"".join(f"id: {n}\nevent: output\ndata: {n}\n\n".encode() for n in range(10_000))
    decoded = SSEDecoder().feed(many)
    assert [e.data for e in decoded] == [str(n) for n in range(10_000)]
    assert decoded[-1].id == "9999"
