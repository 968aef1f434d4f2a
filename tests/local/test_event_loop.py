"""Model code never runs on the server's event loop: while demo/image renders a large image,
other requests are answered."""

from __future__ import annotations

import time

import httpx

from .conftest import wait_done


def test_rendering_a_large_image_does_not_stall_other_requests(api: httpx.Client) -> None:
    created = api.post(
        "/models/demo/image/predictions", json={"input": {"width": 2048, "height": 2048}}
    ).json()
    started = time.monotonic()
    current = api.get(f"/predictions/{created['id']}").json()
    answered_in = time.monotonic() - started
    # a loop blocked by the render would answer only after it, with the prediction finished
    assert current["status"] in ("starting", "processing"), current["status"]
    assert answered_in < 2.0
    started = time.monotonic()
    assert api.get("/hardware").status_code == 200
    assert time.monotonic() - started < 2.0
    done = wait_done(api, created, timeout=120)
    assert done["status"] == "succeeded", done
    assert done["output"].startswith("http")
