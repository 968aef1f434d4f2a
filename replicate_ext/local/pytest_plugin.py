"""pytest fixtures for the local server (registered automatically through the ``pytest11``
entry point when replicate-ext is installed).

- ``local_server``: a fresh server for one test; options through the ``local_server`` marker:

      @pytest.mark.local_server(page_size=2, wait_cap=0)
      def test_paging(local_server): ...

- ``local_server_factory``: call it with LocalServer options to start more servers (each is
  stopped when the test ends):

      def test_retry(local_server_factory):
          server = local_server_factory(faults=[Fault.status(503)])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .server import LocalServer

LocalServerFactory = Callable[..., LocalServer]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "local_server(**options): LocalServer options for the local_server fixture"
    )


@pytest.fixture
def local_server_factory() -> Iterator[LocalServerFactory]:
    started: list[LocalServer] = []

    def start(**options: Any) -> LocalServer:
        server = LocalServer(**options).start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def local_server(
    request: pytest.FixtureRequest, local_server_factory: LocalServerFactory
) -> LocalServer:
    marker = request.node.get_closest_marker("local_server")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    return local_server_factory(**options)
