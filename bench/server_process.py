"""Child process for the benchmarks: runs a LocalServer until stdin closes.

Usage: ``python bench/server_process.py '{"wait_cap": 0}'`` — the JSON object holds LocalServer
keyword arguments. Prints ``{"url": ..., "base_url": ..., "token": ...}`` once it serves.

Besides the demo models it serves ``bench/echo-url`` (returns its ``url`` input), so a run()
can hand back any served file as a FileOutput.
"""

from __future__ import annotations

import json
import sys

from replicate_ext.local import LocalServer


def echo_url(url: str) -> str:
    """Returns the URL it was given."""
    return url


def main() -> None:
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    with LocalServer(models={"bench/echo-url": echo_url}, **options) as server:
        info = {"url": server.url, "base_url": server.base_url, "token": server.token}
        print(json.dumps(info), flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin (or exits)


if __name__ == "__main__":
    main()
