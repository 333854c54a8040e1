"""Schemathesis fuzzes every operation of the app's own OpenAPI document, positive and negative.

Cases come from schemathesis' Hypothesis strategies and go through the same TestClient as the
other tests (its pytest plugin does not run under pytest 9); every built-in check applies:
no server error, status codes, content types and response schemas as documented, every
schema-invalid request refused, and every schema-valid request accepted, except where the
schema cannot say what is valid (SCHEMA_CANNOT_SAY), and only there.
"""

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from app.config import Settings
from app.main import create_app

OPENAPI = create_app(Settings(database_url="sqlite://")).openapi()
SCHEMA = schemathesis.openapi.from_dict(OPENAPI)
# 414 (query string too long) is a rejection too (an export too large is a 400, already one).
SCHEMA.config.checks.negative_data_rejection.expected_statuses += ["414"]
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
# A schema-valid request the server may still refuse, because no schema can say it is wrong:
# (what the problem names, why the schema cannot say it).
SCHEMA_CANNOT_SAY: list[tuple[Callable[[dict[str, str]], bool], str]] = [
    (lambda e: e["parameter"] == "cursor", "a cursor is an opaque token issued by this API for one query"),
    (lambda e: " with id " in e["message"], "an id in a filter must name a record that exists"),
    (
        lambda e: " is before " in e["message"] or "is smaller than" in e["message"],
        "a range's end precedes its start",
    ),
    (
        lambda e: e["parameter"] == "q",
        "the search syntax: words as the tokenizer counts them, closed quotes, `*` ending one"
        " word, OR between words, a word to search for beside exclusions",
    ),
    (
        lambda e: e["parameter"].split(".")[0] in ("queries", "extend"),
        "a reconciliation batch or extension is JSON of the Reconciliation API's shape in a string",
    ),
    (
        lambda e: "does not apply to exports" in e["message"],
        "a parameter that depends on another (limit, cursor, facets apply to a JSON page, not to format=csv)",
    ),
]


def refused_for_what_the_schema_cannot_say(response: Any) -> bool:
    if response.status_code not in (400, 422):
        return False
    errors = response.json().get("errors") or []
    return bool(errors) and all(any(rule(e) for rule, _why in SCHEMA_CANNOT_SAY) for e in errors)


# Negative cases need parameters to break: /v1, /health and /ready take none.
CASES = [
    (method.upper(), path, mode)
    for path, item in OPENAPI["paths"].items()
    for method, spec in item.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or spec.get("parameters")
]
MAX_EXAMPLES = 40


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {g.value}" for m, p, g in CASES])
def test_operation(client: TestClient, method: str, path: str, mode: GenerationMode) -> None:
    operation = SCHEMA[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = client.request(case.method, case.formatted_path, params=case.query, headers=case.headers)
        accept = [] if refused_for_what_the_schema_cannot_say(response) else [checks.positive_data_acceptance]
        case.validate_response(response, checks=CHECKS + accept)

    run()
