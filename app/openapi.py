"""The OpenAPI document, with every error an operation can answer documented as problem+json."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from app.common.exports import EXPORTED
from app.common.listing import Resource
from app.common.problems import PROBLEM
from app.common.vocabulary import any_case_pattern
from app.openapi_examples import document_responses, form_examples


class ParameterError(BaseModel):
    parameter: str = Field(examples=["country"])
    in_: str = Field(alias="in", examples=["query"])
    message: str = Field(examples=["'XX' is not an ISO 3166-1 alpha-2 country code such as MY"])


class Problem(BaseModel):
    """An error as RFC 9457 problem details."""

    type: str = Field(
        description="The kind of problem: a page of this API that documents it, /problems/<slug>"
        " (GET /problems lists them), or about:blank with the status phrase as title.",
        examples=["/problems/invalid-query-parameter"],
        json_schema_extra={"format": "uri-reference"},
    )
    title: str = Field(examples=["Invalid query parameter"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["country: 'XX' is not an ISO 3166-1 alpha-2 country code such as MY"])
    instance: str | None = Field(default=None, examples=["/v1/initiatives"])
    errors: list[ParameterError] | None = Field(default=None, description="The offending parameters.")


ERRORS = {
    "400": "Invalid cursor, or an export larger than the configured maximum (400: 413 is about request content)",
    "404": "No record with this id",
    "409": "The dataset version asked for is not the current one; fetch /v1/datapackage.json again",
    "414": "Query string too long",
    "422": "Invalid or unknown query parameter",
    "500": "Unexpected error (no internals are shown)",
    "503": "Database unavailable or too slow; retry after the Retry-After header",
}


def _errors_for(operation: dict[str, Any], *, exports: bool) -> list[str]:
    params = operation.get("parameters", [])
    names = {p["name"] for p in params if p["in"] == "query"}
    codes = ["414", "500"]
    if any(p["in"] == "path" for p in params):
        codes.append("404")
    if params:
        codes.append("422")
    if "version" in names:  # a table of the data package, pinned to a version
        codes.append("409")
    if "cursor" in names or "format" in names or exports:
        codes.append("400")
    if operation.get("tags") != ["meta"] or operation.get("operationId", "").startswith(("index", "ready")):
        codes.append("503")
    return sorted(codes)


def comma_list(values: list[str]) -> dict[str, Any]:
    """The schema of a parameter that takes several of `values` (in any case), comma-separated (`a,-b`)."""
    items = {
        "anyOf": [{"type": "string", "enum": values}, {"type": "string", "pattern": any_case_pattern(values)}]
    }
    # Each name at most once (either way for a sort): spellings in other cases are unique items too.
    most = len({v.lstrip("-") for v in values})
    return {"type": "array", "items": items, "minItems": 1, "maxItems": most, "uniqueItems": True}


EXPORT_FORMATS = [fmt.value for fmt in EXPORTED]


def _list_paths(resource: Resource) -> list[str]:
    """The paths of a list: its JSON pages and its exports (app.common.exports)."""
    return [f"/v1/{resource.name}{suffix}" for suffix in ("", *(f".{fmt}" for fmt in EXPORT_FORMATS))]


def _vocabularies(schema: dict[str, Any], resources: list[Resource]) -> None:
    """`sort` and `facets` of each list and export as the values its resource allows,
    comma-separated; the JSON list documents no `format` (the exports are their own paths)."""
    for resource in resources:
        allowed = {
            "sort": [f"{sign}{name}" for name in resource.sorts for sign in ("", "-")],
            "facets": list(resource.facets),
        }
        for path in _list_paths(resource):
            operation = schema["paths"][path]["get"]
            if any(p["name"] == "format" for p in operation["parameters"]):
                operation["parameters"] = [p for p in operation["parameters"] if p["name"] != "format"]
                # still accepted on the list (`format=csv` wins over Accept); the exports are documented
                # as their own operations so that a generated client gets one content type per 200
                operation["x-also-accepts"] = ["format"]
            for parameter in operation["parameters"]:
                if parameter["name"] in allowed:
                    values = allowed[parameter["name"]]
                    parameter["schema"] = comma_list(values)
                    parameter["style"], parameter["explode"] = "form", False
                    parameter["example"] = [values[1] if parameter["name"] == "sort" else values[0]]


def install_openapi(app: FastAPI, resources: list[Resource]) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        _vocabularies(schema, resources)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        exporting = {path for resource in resources for path in _list_paths(resource)}
        for path, item in schema["paths"].items():
            for operation in item.values():
                responses = operation["responses"]
                responses.pop("422", None)  # FastAPI's application/json validation error
                for code in _errors_for(operation, exports=path in exporting):
                    responses[code] = {
                        "description": ERRORS[code],
                        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
        form_examples(schema)
        document_responses(schema)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
