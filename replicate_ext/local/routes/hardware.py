"""``GET /v1/hardware``: the SKUs models and deployments may name."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http import ok

HARDWARE = [
    {"name": "CPU", "sku": "cpu"},
    {"name": "Nvidia T4 GPU", "sku": "gpu-t4"},
    {"name": "Nvidia L40S GPU", "sku": "gpu-l40s"},
    {"name": "Nvidia A100 (80GB) GPU", "sku": "gpu-a100-large"},
]
SKUS = frozenset(h["sku"] for h in HARDWARE)


async def list_all(request: Request) -> Response:
    return ok(HARDWARE)
