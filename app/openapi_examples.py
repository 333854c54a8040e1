"""What Swagger UI and generated clients are shown: examples in the form, real 200 bodies, a
problem of its own for each error status, and the response headers.

- Every parameter's first `examples` value (declared once, on its query model's field) becomes
  the parameter's `example`, which Swagger UI puts in its form (it shows no `schema.examples`).
  Together they make one valid request per operation, that "Try it out" sends as it is.
- The 200 example of each JSON operation is what the API answers to that request over the
  curated seeds, kept in openapi_examples.json (the document needs no database);
  tests/test_openapi_examples.py checks each against the real API, and rewrites the file with
  UPDATE_EXAMPLES=1.
- Each error status shows a problem of its own, rendered by the API's own problem renderer.
"""

import json
from pathlib import Path
from typing import Any

import orjson

from app.common.export import ExportTooLarge
from app.common.params import ALONE
from app.common.problems import (
    PROBLEM,
    BadCursor,
    InvalidParameter,
    NotFound,
    ProblemError,
    QueryTooLong,
    ServiceUnavailable,
    VersionNotCurrent,
    problem_response,
)

EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")

CACHING = {
    "ETag": {
        "description": "Weak tag of this answer (dataset version, query, representation);"
        " send it as If-None-Match to revalidate.",
        "schema": {"type": "string"},
        "example": 'W/"1-d4f393dea0bdf326a6a4"',
    },
    "Cache-Control": {
        "description": "How long the answer may be reused before revalidating.",
        "schema": {"type": "string"},
        "example": "public, max-age=60, must-revalidate",
    },
}
LINK = {
    "Link": {
        "description": 'The next page, `<url>; rel="next"`, when there is one (the same as `next_cursor`).',
        "schema": {"type": "string"},
    }
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
}
NOT_MODIFIED = {
    "description": "Not modified: If-None-Match names the current ETag of this answer. No body.",
    "headers": CACHING,
}
# Operations that answer without a snapshot of the database: no ETag, no 304.
UNCACHED = {"health", "ready"}


def _problem(status: int, title: str, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(
        problem_response(status, title, detail, instance=instance, **extra).body
    )
    return body


def _raised(error: ProblemError, instance: str) -> dict[str, Any]:
    return _problem(error.status, error.title, error.detail, instance, errors=error.errors)


def problem_examples() -> dict[str, list[dict[str, Any]]]:
    """A typical problem of each status, as the API renders it, by status."""
    problems = [
        _raised(BadCursor("not a cursor issued by this API"), "/v1/initiatives"),
        _raised(NotFound("no pledge with id 'huawei-malaysia-3000-ai-professionals'"), "/v1/pledges/x"),
        _raised(
            ExportTooLarge(
                "the export would hold 2000001 rows, more than the 2000000 allowed; narrow the filters"
            ),
            "/v1/pledges.csv",
        ),
        _raised(
            VersionNotCurrent(
                "version 2 is not the current dataset version (3); fetch /v1/datapackage.json again"
                " and follow its paths"
            ),
            "/v1/datapackage/pledges.csv",
        ),
        _problem(414, QueryTooLong.title, "the query string is longer than 4096 bytes", "/v1/initiatives"),
        _raised(
            InvalidParameter("country", "'XX' is not an ISO 3166-1 alpha-2 country code such as MY"),
            "/v1/initiatives",
        ),
        _problem(500, "Internal server error", "an unexpected error occurred", "/v1/initiatives"),
        _raised(
            ServiceUnavailable("the database is unavailable or too slow right now; try again shortly"),
            "/v1/initiatives",
        ),
    ]
    by_status: dict[str, list[dict[str, Any]]] = {}
    for problem in problems:
        by_status.setdefault(str(problem["status"]), []).append(problem)
    return by_status


def load_examples() -> dict[str, Any]:
    examples: dict[str, Any] = json.loads(EXAMPLES_FILE.read_text()) if EXAMPLES_FILE.exists() else {}
    return examples


def form_examples(schema: dict[str, Any]) -> None:
    """Each parameter's first declared example as its `example`, which Swagger UI shows."""
    for item in schema["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if "example" in parameter or parameter["schema"].get(ALONE):
                    continue
                shapes = [parameter["schema"], *parameter["schema"].get("anyOf", [])]
                declared = [s["examples"] for s in shapes if s.get("examples")]
                if declared:
                    parameter["example"] = declared[0][0]


def document_responses(schema: dict[str, Any]) -> None:
    """200 examples, problem examples per status, response headers and the 304 of cached answers."""
    bodies = load_examples()
    problems = problem_examples()
    for item in schema["paths"].values():
        for operation in item.values():
            name, responses = operation["operationId"], operation["responses"]
            ok = responses["200"]
            if name in bodies and "application/json" in ok.get("content", {}):
                ok["content"]["application/json"]["example"] = bodies[name]
            headers = dict(ok.get("headers", {}))
            if name not in UNCACHED:
                headers |= CACHING
                responses["304"] = NOT_MODIFIED
            if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
                headers |= LINK
            if headers:
                ok["headers"] = headers
            for code, response in responses.items():
                content = response.get("content", {}).get(PROBLEM)
                if content is not None and code in problems:
                    content["examples"] = {
                        f"{code}-{i}": {"summary": p["title"], "value": p}
                        for i, p in enumerate(problems[code])
                    }
            if "503" in responses:
                responses["503"]["headers"] = RETRY_AFTER
