"""A list's exports as operations of their own: `/v1/<name>.csv` and `/v1/<name>.ndjson`.

Each takes the list's filters, `q` and `sort`, not what shapes a page (`limit`, `cursor`,
`facets`, `format`): an export is every matching row. It runs the list's own engine
(`run_export`), so a filter declared on the list is an export filter too. A client generated
from the OpenAPI document gets bytes from these, and a JSON page from the list's operation.
`format=` and the Accept header still export from the list's own path.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, create_model
from starlette.responses import Response

from app.common.listing import PAGE_ONLY, ListingDep, Resource, run_export
from app.common.negotiation import ACCEPTED
from app.common.params import Format

EXPORTED = (Format.csv, Format.ndjson)
# What a generated client makes of the body: CSV text as a string; NDJSON as bytes (for
# openapi-python-client, map application/x-ndjson to application/octet-stream in its
# `content_type_overrides`; it knows no NDJSON).
BODIES = {
    Format.csv: {"type": "string"},
    Format.ndjson: {"type": "string", "format": "binary"},
}
EXPORT_HEADERS = {
    "X-Total-Count": {"description": "Rows in the export.", "schema": {"type": "integer"}},
    "Content-Disposition": {
        "description": "`attachment`, with a file name.",
        "schema": {"type": "string"},
    },
}


def export_query(query: type[BaseModel]) -> type[BaseModel]:
    """The parameters of a list's export: the list's, less those of a page."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in query.model_fields.items()
        if name not in PAGE_ONLY | {"format"}
    }
    model: type[BaseModel] = create_model(
        query.__name__.removesuffix("Query") + "Export", __config__=query.model_config, **fields
    )
    return model


def add_exports(router: APIRouter, resource: Resource) -> None:
    """Route `<the list's path>.csv` and `.ndjson` on the list's router."""
    query = export_query(resource.query)
    for fmt in EXPORTED:
        media_type = ACCEPTED[fmt]
        router.add_api_route(
            f".{fmt.value}",
            _endpoint(resource, query, fmt),
            methods=["GET"],
            name=f"export_{resource.name}_{fmt.value}",
            summary=f"Every matching {resource.name} row as {fmt.value.upper()}",
            description=f"Every row the list's filters match, in its `sort`, streamed as `{media_type}`"
            f" (the list's `format={fmt.value}`). Not paged: no `limit`, `cursor` or `facets`.",
            response_class=Response,
            responses={
                200: {
                    "description": f"Every matching row, as {fmt.value.upper()}.",
                    "content": {media_type: {"schema": BODIES[fmt]}},
                    "headers": EXPORT_HEADERS,
                }
            },
        )


def _endpoint(
    resource: Resource, query: type[BaseModel], fmt: Format
) -> Callable[[Any, Any], Awaitable[Response]]:
    async def export_list(listing: ListingDep, params: Annotated[query, Query()]) -> Response:  # type: ignore[valid-type]
        return run_export(listing, resource, params, fmt)

    return export_list
