"""Bounded load: 200 concurrent predictions over real sockets all complete without error."""

from __future__ import annotations

import asyncio

import httpx

from replicate_ext.local import LocalServer


async def test_two_hundred_concurrent_predictions(server: LocalServer) -> None:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        base_url=server.base_url,
        headers={"authorization": f"Bearer {server.token}"},
        limits=limits,
        timeout=30,
    ) as client:

        async def one(i: int) -> dict[str, object]:
            model = ("hello", "stream")[i % 2]
            inputs = {"name": f"n{i}"} if model == "hello" else {"prompt": f"w{i} x", "delay": 0}
            response = await client.post(
                f"/models/demo/{model}/predictions",
                json={"input": inputs},
                headers={"Prefer": "wait"},
            )
            assert response.status_code == 201, response.text
            body: dict[str, object] = response.json()
            return body

        results = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(200))), 60)
        assert [r["status"] for r in results] == ["succeeded"] * 200
        assert results[10]["output"] == "hello n10"
        assert results[11]["output"] == ["w11 ", "x"]
        assert len({r["id"] for r in results}) == 200
        listed = await client.get("/predictions")
        assert listed.status_code == 200
