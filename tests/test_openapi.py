"""The OpenAPI document cannot drift: every parameter is described, with an example."""

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
                if code != "200":
                    assert list(response["content"]) == ["application/problem+json"], (path, code)


def test_every_list_documents_its_exports() -> None:
    for path in ("/v1/initiatives", "/v1/organizations", "/v1/mous", "/v1/pledges", "/v1/sources"):
        content = OPENAPI["paths"][path]["get"]["responses"]["200"]["content"]
        assert {"application/json", "text/csv", "application/x-ndjson"} <= set(content)


def test_readme_lists_every_filter() -> None:
    readme = (__import__("pathlib").Path(__file__).parents[1] / "README.md").read_text()
    for path, parameter in PARAMETERS:
        if parameter["in"] == "query":
            assert f"`{parameter['name']}`" in readme, f"README does not mention {parameter['name']} ({path})"
