"""The OpenAPI document cannot drift: every parameter is described, with an example."""

import re
from typing import Any

import pytest

from app.config import Settings
from app.main import create_app

OPENAPI = create_app(Settings(database_url="sqlite://")).openapi()
PARAMETERS = [
    (path, parameter)
    for path, item in OPENAPI["paths"].items()
    for operation in item.values()
    for parameter in operation.get("parameters", [])
]


def _has_example(parameter: dict[str, Any]) -> bool:
    schema = parameter["schema"]
    shapes = [schema, schema.get("items", {}), *schema.get("anyOf", [])]
    shapes += [s.get("items", {}) for s in schema.get("anyOf", [])]
    return bool(
        parameter.get("example")
        or parameter.get("examples")
        or any("examples" in s or "enum" in s or "$ref" in s for s in shapes)
    )


@pytest.mark.parametrize(("path", "parameter"), PARAMETERS, ids=[f"{p} {q['name']}" for p, q in PARAMETERS])
def test_every_parameter_is_documented(path: str, parameter: dict[str, Any]) -> None:
    assert parameter.get("description"), f"{path} {parameter['name']} has no description"
    if parameter["name"] != "cursor":  # opaque, issued by the previous page
        assert _has_example(parameter), f"{path} {parameter['name']} has no example"


def test_operations_are_tagged_summarized_and_document_problems() -> None:
    for path, item in OPENAPI["paths"].items():
        for operation in item.values():
            assert operation.get("tags"), path
            assert operation.get("summary"), path
            assert "200" in operation["responses"], path
            for code, response in operation["responses"].items():
                if code == "304":  # Not Modified has no body
                    assert "content" not in response, path
                elif code != "200":
                    assert list(response["content"]) == ["application/problem+json"], (path, code)


def test_every_list_documents_its_exports_as_operations_of_their_own() -> None:
    """One content type per 200, so that a generated client parses each as what it is."""
    lists = ["initiatives", "organizations", "people", "mous", "pledges", "figures", "sources"]
    for path in (f"/v1/{name}" for name in lists):
        page = OPENAPI["paths"][path]["get"]
        assert list(page["responses"]["200"]["content"]) == ["application/json"], path
        filters = {p["name"] for p in page["parameters"]} - {"limit", "cursor", "facets"}
        for suffix, media_type in ((".csv", "text/csv"), (".ndjson", "application/x-ndjson")):
            export = OPENAPI["paths"][path + suffix]["get"]
            assert list(export["responses"]["200"]["content"]) == [media_type], path + suffix
            assert {p["name"] for p in export["parameters"]} == filters, path + suffix
            assert "400" in export["responses"], path + suffix  # an export too large (issue 11: not 413)


def test_operation_ids_are_short_and_stable() -> None:
    ids = {path: op["operationId"] for path, item in OPENAPI["paths"].items() for op in item.values()}
    assert ids["/v1/pledges"] == "list_pledges"
    assert ids["/v1/pledges/{pledge_id}"] == "get_pledge"
    assert ids["/v1/pledges/summary"] == "pledge_summary"
    assert ids["/v1/pledges.csv"] == "export_pledges_csv"
    assert ids["/v1/organizations/{organization_id}/partners"] == "get_organization_partners"
    assert ids["/v1/search"] == "search"
    assert ids["/v1"] == "index"
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids.values()), ids
    assert len(set(ids.values())) == len(ids)


def test_readme_lists_every_filter() -> None:
    readme = (__import__("pathlib").Path(__file__).parents[1] / "README.md").read_text()
    for path, parameter in PARAMETERS:
        if parameter["in"] == "query":
            assert f"`{parameter['name']}`" in readme, f"README does not mention {parameter['name']} ({path})"
