"""Server-sent events at urls.stream: event kinds, ids, done reasons, Last-Event-ID resume and a
stream cut by fault injection."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from replicate_ext.local import Fault, LocalServer


def parse_sse(text: str) -> list[dict[str, Any]]:
    events = []
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        if not lines:
            continue
        event: dict[str, Any] = {"data": []}
        for line in lines:
            field, _, value = line.partition(": ")
            if field == "data":
                event["data"].append(value)
            else:
                event[field] = value
        event["data"] = "\n".join(event["data"])
        events.append(event)
    return events


def read_stream(
    url: str, headers: dict[str, str] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    with httpx.stream("GET", url, headers=headers or {}, timeout=10) as response:
        assert response.status_code == 200
        content_type = response.headers["content-type"]
        text = response.read().decode()
    return content_type, parse_sse(text)


def test_stream_yields_words_then_done(api: httpx.Client) -> None:
    prediction = api.post(
        "/models/demo/stream/predictions",
        json={"input": {"prompt": "the quick brown fox", "delay": 0.01}},
    ).json()
    content_type, events = read_stream(prediction["urls"]["stream"])
    assert content_type.startswith("text/event-stream")
    outputs = [e["data"] for e in events if e["event"] == "output"]
    assert outputs == ["the ", "quick ", "brown ", "fox"]
    assert events[0]["event"] == "logs"
    assert events[-1] == {"event": "done", "id": events[-1]["id"], "data": "{}"}
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    final = api.get(prediction["urls"]["get"]).json()
    assert final["output"] == outputs


def test_resume_from_last_event_id(api: httpx.Client) -> None:
    prediction = api.post(
        "/models/demo/stream/predictions", json={"input": {"prompt": "a b c d", "delay": 0}}
    ).json()
    _, events = read_stream(prediction["urls"]["stream"])
    resumed_from = events[2]["id"]
    _, rest = read_stream(prediction["urls"]["stream"], {"Last-Event-ID": resumed_from})
    assert rest == events[3:]


def test_failed_prediction_streams_error_then_done_with_reason(api: httpx.Client) -> None:
    prediction = api.post(
        "/models/demo/fail/predictions", json={"input": {"message": "nope"}, "stream": True}
    ).json()
    _, events = read_stream(prediction["urls"]["stream"])
    kinds = [e["event"] for e in events]
    assert kinds[-2:] == ["error", "done"]
    assert json.loads(events[-2]["data"])["detail"] == "nope"
    assert json.loads(events[-1]["data"]) == {"reason": "error"}


def test_canceled_prediction_stream_ends_with_canceled_reason(api: httpx.Client) -> None:
    prediction = api.post(
        "/models/demo/sleep/predictions", json={"input": {"seconds": 30}, "stream": True}
    ).json()
    api.post(prediction["urls"]["cancel"])
    _, events = read_stream(prediction["urls"]["stream"])
    assert json.loads(events[-1]["data"]) == {"reason": "canceled"}


def test_stream_url_only_for_streamable_models_or_stream_true(api: httpx.Client) -> None:
    plain = api.post("/models/demo/hello/predictions", json={"input": {"name": "x"}}).json()
    assert "stream" not in plain["urls"]
    asked = api.post(
        "/models/demo/hello/predictions", json={"input": {"name": "x"}, "stream": True}
    ).json()
    _, events = read_stream(asked["urls"]["stream"])
    assert [e["data"] for e in events if e["event"] == "output"] == ["hello x"]


def test_stream_of_unknown_prediction_is_404(server: LocalServer) -> None:
    assert httpx.get(f"{server.base_url}/predictions/nope/stream").status_code == 404


def test_cut_stream_fault_then_resume_gets_the_rest(server: LocalServer, api: httpx.Client) -> None:
    server.inject(Fault.cut_stream(after_events=2))
    prediction = api.post(
        "/models/demo/stream/predictions",
        json={"input": {"prompt": "one two three", "delay": 0.02}},
    ).json()
    received: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream("GET", prediction["urls"]["stream"], timeout=10) as response,
    ):
        for line in response.iter_lines():
            received.append(line)
    events = parse_sse("\n".join(received) + "\n\n")
    assert len(events) == 2
    _, rest = read_stream(prediction["urls"]["stream"], {"Last-Event-ID": events[-1]["id"]})
    outputs = [e["data"] for e in events + rest if e["event"] == "output"]
    assert outputs == ["one ", "two ", "three"]
    assert rest[-1]["event"] == "done"
