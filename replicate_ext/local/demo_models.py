"""The bundled demo models (``demo/hello``, ``demo/stream``, ``demo/image``, ``demo/fail``,
``demo/sleep``): tiny, instant, and relied on by tests, docs and ``make demo``."""

from __future__ import annotations

import asyncio
import re
import struct
import zlib
from typing import Any

from .models import JSON, LocalModel, ModelFailure, RunContext, object_schema


def _prop(kind: str, title: str, order: int, **extra: Any) -> JSON:
    return {"type": kind, "title": title, "x-order": order, **extra}


async def _hello(inputs: JSON, ctx: RunContext) -> Any:
    ctx.log(f"greeting {inputs['name']}")
    return f"hello {inputs['name']}"


async def _stream(inputs: JSON, ctx: RunContext) -> Any:
    tokens = re.findall(r"\S+\s*", inputs["prompt"])
    ctx.log(f"streaming {len(tokens)} tokens")
    for token in tokens:
        await asyncio.sleep(inputs["delay"])
        ctx.emit(token)
    return None


async def _image(inputs: JSON, ctx: RunContext) -> Any:
    width, height = inputs["width"], inputs["height"]
    ctx.log(f"rendering {width}x{height}")
    # pure-Python rendering of a large image takes seconds: never on the event loop
    png = await ctx.run_in_thread(render_png, width, height)
    return ctx.save_file(png, filename="image.png", content_type="image/png")


async def _fail(inputs: JSON, ctx: RunContext) -> Any:
    ctx.log("about to fail")
    raise ModelFailure(inputs["message"])


async def _sleep(inputs: JSON, ctx: RunContext) -> Any:
    seconds = float(inputs["seconds"])
    ctx.log(f"sleeping {seconds}s")
    await asyncio.sleep(seconds)
    ctx.log("done sleeping")
    return f"slept {seconds:g}s"


def demo_models() -> list[LocalModel]:
    """The bundled models; tests, docs and ``make demo`` rely on these names."""
    string_output: JSON = {"type": "string", "title": "Output"}
    return [
        LocalModel(
            "demo",
            "hello",
            "Greets you by name.",
            object_schema(
                {"name": _prop("string", "Name", 0, description="Who to greet")}, ["name"]
            ),
            string_output,
            _hello,
            readme="# demo/hello\n\nReturns a greeting that contains `name`.\n",
        ),
        LocalModel(
            "demo",
            "stream",
            "Streams the words of a prompt back one at a time.",
            object_schema(
                {
                    "prompt": _prop("string", "Prompt", 0, description="Text to stream back"),
                    "delay": _prop(
                        "number",
                        "Delay",
                        1,
                        default=0.02,
                        minimum=0,
                        maximum=5,
                        description="Seconds between words",
                    ),
                },
                ["prompt"],
            ),
            {
                "type": "array",
                "title": "Output",
                "items": {"type": "string"},
                "x-cog-array-type": "iterator",
                "x-cog-array-display": "concatenate",
            },
            _stream,
            readme="# demo/stream\n\nYields the words of `prompt` one by one.\n",
            iterator=True,
        ),
        LocalModel(
            "demo",
            "image",
            "Renders a PNG gradient of the requested size.",
            object_schema(
                {
                    "width": _prop(
                        "integer",
                        "Width",
                        0,
                        default=64,
                        minimum=1,
                        maximum=2048,
                        description="Image width in pixels",
                    ),
                    "height": _prop(
                        "integer",
                        "Height",
                        1,
                        default=64,
                        minimum=1,
                        maximum=2048,
                        description="Image height in pixels",
                    ),
                },
                [],
            ),
            {"type": "string", "format": "uri", "title": "Output"},
            _image,
            readme="# demo/image\n\nOutputs the URL of a PNG file served by the local server.\n",
        ),
        LocalModel(
            "demo",
            "fail",
            "Always fails.",
            object_schema(
                {
                    "message": _prop(
                        "string",
                        "Message",
                        0,
                        default="demo/fail always fails",
                        description="The error message",
                    )
                },
                [],
            ),
            string_output,
            _fail,
            readme="# demo/fail\n\nEvery prediction fails with `message`.\n",
        ),
        LocalModel(
            "demo",
            "sleep",
            "Sleeps for a while; for cancel and timeout tests.",
            object_schema(
                {"seconds": _prop("number", "Seconds", 0, default=1, minimum=0, maximum=3600)},
                [],
            ),
            string_output,
            _sleep,
            readme="# demo/sleep\n\nSleeps `seconds` seconds, then succeeds.\n",
        ),
    ]


def render_png(width: int, height: int) -> bytes:
    """A width x height RGB gradient, encoded with nothing but zlib and struct."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        blue = (y * 255) // max(height - 1, 1)
        for x in range(width):
            rows += bytes(((x * 255) // max(width - 1, 1), 128, blue))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )
