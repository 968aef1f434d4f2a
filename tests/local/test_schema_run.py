"""Schema-based run: schemathesis generates requests for every operation of openapi.yaml
(valid and invalid ones, seeded and bounded) against a running local server, and checks that
no answer is a server error, that every answer matches its documented schema, and that its
content type is a documented one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from replicate_ext.local import LocalServer

from .spec import QUERY_STAND_IN, spec_dict

EXAMPLES_PER_OPERATION = 20
TOKEN = "r8_schema_run"


def _schema_document() -> dict[str, Any]:
    document = copy.deepcopy(spec_dict())
    # schemathesis, like openapi-core, knows only standard methods: spec_dict() puts the QUERY
    # operation under a stand-in method, sent as QUERY below
    for item in document["paths"].values():
        item.pop("x-query", None)
    return document


QUERY_PATHS = {path for path, item in spec_dict()["paths"].items() if "x-query" in item}


schema = schemathesis.openapi.from_dict(_schema_document())


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    # wait_cap bounds Prefer: wait; a tiny page size exercises cursors
    with LocalServer(token=TOKEN, page_size=2, wait_cap=0.2, min_cancel_after=0.2) as running:
        yield running


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same examples every run: a failure here is a real regression
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation(case: schemathesis.Case[Any], server: LocalServer) -> None:
    if case.method.lower() == QUERY_STAND_IN and case.operation.path in QUERY_PATHS:
        case.method = "QUERY"
    case.call_and_validate(
        base_url=server.base_url,
        headers={"authorization": f"Bearer {TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        timeout=10,
    )
