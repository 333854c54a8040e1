"""The OpenAPI document's examples are real: what Swagger UI puts in its form is a valid request,
and each documented 200 body is what the API answers to it over the curated seeds.

Each operation's parameter examples together make one request (as "Try it out" sends them);
it must answer 200, and its body must be the operation's documented 200 example, kept in
app/openapi_examples.json. After a change of the seeds or of the answers, rewrite that file
on purpose and review its diff:

    UPDATE_EXAMPLES=1 pytest tests/test_openapi_examples.py
"""

import json
import os
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.common.params import ALONE
from app.config import Settings
from app.main import create_app
from app.openapi_examples import EXAMPLES_FILE, load_examples, problem_examples

OPENAPI = create_app(Settings(database_url="sqlite://")).openapi()
OPERATIONS = [(path, item["get"]) for path, item in OPENAPI["paths"].items()]
UPDATE = os.environ.get("UPDATE_EXAMPLES") == "1"


def example_request(path: str, operation: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The path and query of the request the examples of `operation`'s parameters make."""
    query: list[tuple[str, str]] = []
    for parameter in operation.get("parameters", []):
        if "example" not in parameter:
            continue
        value, name = parameter["example"], parameter["name"]
        if parameter["in"] == "path":
            path = path.replace(f"{{{name}}}", str(value))
        elif isinstance(value, list) and parameter.get("explode", True):
            query += [(name, str(v)) for v in value]
        elif isinstance(value, list):
            query.append((name, ",".join(map(str, value))))
        else:
            query.append((name, str(value)))
    return path, query


def _timeless(value: Any) -> Any:
    """The value without its `loaded_at`s, at any depth: the time of each load is its own."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k != "loaded_at"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def comparable(operation_id: str, body: Any) -> Any:
    """What of a body is the same on every database and every load of the seeds."""
    body = _timeless(body)
    if operation_id == "datapackage":  # `created` is when the seeds were loaded
        return {k: v for k, v in body.items() if k != "created"}
    if operation_id == "index":  # the version is the database's own
        return {k: v for k, v in body.items() if k != "version"}
    if operation_id == "search":  # scores and snippets are each engine's own (bm25, ts_rank_cd)
        return {
            "total": body["total"],
            "hits": sorted((h["type"], h["id"], h["name"]) for h in body["items"]),
        }
    return body


@pytest.mark.parametrize(("path", "operation"), OPERATIONS, ids=[p for p, _ in OPERATIONS])
def test_the_examples_of_an_operation_make_a_valid_request(
    client: TestClient, path: str, operation: dict[str, Any]
) -> None:
    url, query = example_request(path, operation)
    response = client.get(url, params=query)
    assert response.status_code == 200, (url, query, response.text)
    name = operation["operationId"]
    content = operation["responses"]["200"].get("content", {})
    if "application/json" not in content:
        return
    if UPDATE and client.app.state.settings.database_url.startswith("sqlite"):  # type: ignore[attr-defined]
        examples = load_examples() | {name: response.json()}
        EXAMPLES_FILE.write_text(
            json.dumps(dict(sorted(examples.items())), indent=2, ensure_ascii=False) + "\n"
        )
        return
    documented = content["application/json"].get("example")
    assert documented is not None, f"{name} documents no 200 example: UPDATE_EXAMPLES=1 writes it"
    assert comparable(name, documented) == comparable(name, response.json()), (
        f"the 200 example of {name} is not what {url}?{query} answers; UPDATE_EXAMPLES=1 rewrites it"
    )


def test_list_examples_hold_whole_records() -> None:
    for path, operation in OPERATIONS:
        example = operation["responses"]["200"].get("content", {}).get("application/json", {}).get("example")
        if example is not None and "items" in example:
            assert example["items"], f"the 200 example of {path} lists no record"


def test_every_parameter_shows_its_example_in_the_form() -> None:
    """Every parameter has an example; in the form unless it stands alone (no record holds it
    with the other examples of its operation: app.common.params.ALONE), and few do."""
    alone = []
    for path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            if parameter["name"] in ("cursor", "type"):  # a token; every type by default
                continue
            if parameter["schema"].get(ALONE):
                assert "example" not in parameter and parameter["schema"]["examples"], (path, parameter)
                alone.append((path.removesuffix(".csv").removesuffix(".ndjson"), parameter["name"]))
            else:
                assert "example" in parameter, f"{path} {parameter['name']} has no parameter-level example"
    assert set(alone) == {  # each list and its exports
        ("/v1/figures", "pledge"),
        ("/v1/figures", "speaker"),
        ("/v1/initiatives", "part_of"),
        # queries or extend, not both; JSONP answers no JSON
        ("/v1/reconcile", "extend"),
        ("/v1/reconcile", "callback"),
        ("/v1/reconcile/suggest/entity", "callback"),
        ("/v1/reconcile/properties", "callback"),
    }


def test_each_error_status_shows_its_own_problem() -> None:
    seen: dict[str, Any] = {}
    for path, operation in OPERATIONS:
        for code, response in operation["responses"].items():
            if code in ("200", "304"):
                continue
            examples = response["content"]["application/problem+json"]["examples"]
            values = [e["value"] for e in examples.values()]
            assert values and all(v["status"] == int(code) for v in values), (path, code)
            seen.setdefault(code, values)
    titles = {code: values[0]["title"] for code, values in seen.items()}
    assert len(set(titles.values())) == len(titles), titles


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("400", "/v1/initiatives?cursor=xyz"),
        ("404", "/v1/pledges/huawei-malaysia-3000-ai-professionals"),
        ("409", "/v1/datapackage/pledges.csv?version=9999"),
        ("414", "/v1/initiatives?q=" + "x" * 5000),
        ("422", "/v1/initiatives?country=XX"),
    ],
)
def test_problem_examples_are_what_the_api_answers(client: TestClient, code: str, path: str) -> None:
    response = client.get(path)
    assert response.status_code == int(code)
    served = response.json()
    example = problem_examples()[code][0]
    assert set(example) == set(served)
    assert {k: example[k] for k in ("type", "title", "status")} == {
        k: served[k] for k in ("type", "title", "status")
    }


def test_cached_answers_document_their_headers_and_304() -> None:
    for path, operation in OPERATIONS:
        responses = operation["responses"]
        if operation["operationId"] in ("health", "ready"):
            continue
        assert {"ETag", "Cache-Control"} <= set(responses["200"]["headers"]), path
        assert set(responses["304"]["headers"]) == {"ETag", "Cache-Control"}, path
        if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            assert "Link" in responses["200"]["headers"], path
        if "503" in responses:
            assert "Retry-After" in responses["503"]["headers"], path
