"""Schemathesis fuzzes every operation of the app's own OpenAPI document, positive and negative.

Cases come from schemathesis' Hypothesis strategies and go through the same TestClient as the
other tests (its pytest plugin does not run under pytest 9); every built-in check applies:
no server error, status codes, content types and response schemas as documented.
"""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from app.config import Settings
from app.main import create_app

OPENAPI = create_app(Settings(database_url="sqlite://")).openapi()
SCHEMA = schemathesis.openapi.from_dict(OPENAPI)
# 413 (export too large) and 414 (query string too long) are rejections too.
SCHEMA.config.checks.negative_data_rejection.expected_statuses += ["413", "414"]
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]
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
        case.validate_response(response, checks=CHECKS)

    run()
