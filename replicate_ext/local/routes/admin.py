"""``/_admin``: fault injection, the ``Prefer: wait`` cap, recorded webhook deliveries and
request counts.
Never under ``/v1``; always behind the bearer token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..faults import Fault
from ..http import engine_of, json_body, ok
from ..problems import Problem, invalid_field, reject_unknown


async def faults(request: Request) -> Response:
    injector = engine_of(request).faults
    if request.method == "POST":
        body = await json_body(request)
        try:
            fault = Fault.from_json(body)
        except (TypeError, ValueError) as exc:
            raise Problem(422, f"invalid fault: {exc}") from None
        injector.add(fault)
        return ok(fault.to_json(), 201)
    if request.method == "DELETE":
        injector.clear()
        return Response(status_code=204)
    return ok({"faults": injector.pending(), "wait_cap": injector.wait_cap})


async def wait_cap(request: Request) -> Response:
    injector = engine_of(request).faults
    body = await json_body(request)
    reject_unknown(body, {"seconds"})
    seconds = body.get("seconds")
    if seconds is not None and (
        not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0
    ):
        raise invalid_field("seconds", "must be null or a number >= 0")
    injector.wait_cap = None if seconds is None else float(seconds)
    return ok({"wait_cap": injector.wait_cap})


async def webhook_deliveries(request: Request) -> Response:
    return ok({"deliveries": engine_of(request).webhook_deliveries})


async def request_counts(request: Request) -> Response:
    meter = engine_of(request).requests
    if request.method == "DELETE":
        meter.reset()
        return Response(status_code=204)
    return ok(meter.counts)
