"""``make demo``: the SDK end to end against the bundled local server, offline, no token needed.

Starts a LocalServer on 127.0.0.1, runs the greeter, streams the token model live, saves the
image model's PNG, shows how a failing model reports its error, and stops the server.

    $ python -m replicate_ext.demo [--output-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

DEMO_TOKEN = "r8_local_demo"  # the local server accepts any token unless started with one


def _step(out: TextIO, title: str, *code: str) -> None:
    out.write(f"\n== {title}\n")
    for line in code:
        prompt = "" if line.startswith("...") else ">>> "
        out.write(f"   {prompt}{line}\n")
    out.flush()


def run_demo(output_dir: Path, out: TextIO = sys.stdout) -> int:
    """Run every step against a fresh local server; returns a process exit code."""
    import replicate_ext
    from replicate_ext.local import LocalServer

    started = time.monotonic()
    out.write("Starting the local Replicate-compatible server (no token, no internet needed)...\n")
    with LocalServer() as server:
        out.write(f"Server running at {server.base_url}\n")
        out.flush()
        with replicate_ext.Client(api_token=DEMO_TOKEN, base_url=server.base_url) as client:
            _step(out, "1. Run the greeter", 'client.run("demo/hello", input={"name": "Ada"})')
            greeting = client.run("demo/hello", input={"name": "Ada"})
            out.write(f"   {greeting}\n")

            prompt = "each word arrives as soon as the model produces it"
            _step(
                out,
                "2. Stream a model's output live",
                f'stream_input = {{"prompt": "{prompt}", "delay": 0.12}}',
                'for event in client.stream("demo/stream", input=stream_input):',
                '...     print(event, end="")',
            )
            out.write("   ")
            stream_input = {"prompt": prompt, "delay": 0.12}
            for event in client.stream("demo/stream", input=stream_input):
                if event.event == "output":
                    out.write(str(event))
                    out.flush()
            out.write("\n")

            _step(
                out,
                "3. Save a file output",
                'image = client.run("demo/image", input={"width": 256, "height": 160})',
                "image.save(path)",
            )
            image = client.run("demo/image", input={"width": 256, "height": 160})
            output_dir.mkdir(parents=True, exist_ok=True)
            target = output_dir / "demo-image.png"
            saved = image.save(target)
            size = saved.stat().st_size
            out.write(f"   saved {size} bytes of PNG to {saved.resolve()}\n")

            _step(out, "4. A failing model", 'client.run("demo/fail", input={})')
            try:
                client.run("demo/fail", input={})
            except replicate_ext.ModelError as exc:
                prediction = exc.prediction
                out.write(
                    f"   ModelError: prediction {prediction.id} {prediction.status}: "
                    f"{prediction.error}\n"
                )
            else:
                out.write("   unexpected: demo/fail succeeded\n")
                return 1
    elapsed = time.monotonic() - started
    out.write(f"\nServer stopped. Demo finished in {elapsed:.1f}s.\n")
    out.write(
        "Next: `replicate-ext serve` keeps a server running; then try\n"
        "   REPLICATE_BASE_URL=http://127.0.0.1:5555/v1 REPLICATE_API_TOKEN=x "
        "replicate-ext run demo/hello -i name=you\n"
    )
    out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m replicate_ext.demo",
        description="Run the replicate_ext demo against a local server (offline).",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "replicate-ext-demo",
        help="where the demo image is saved (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        return run_demo(args.output_dir)
    except KeyboardInterrupt:
        print("\ninterrupted; the local server was stopped", file=sys.stderr)
        return 130
    except ImportError as exc:
        print(
            f"error: the demo needs the server extra: pip install 'replicate-ext[server]' ({exc})",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # one clear line, like the CLI; the server was stopped on the way out
        print(f"error: the demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
