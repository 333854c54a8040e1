"""GET /v1/search: matches across every resource, best first."""

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.common.params import SEARCH_SYNTAX
from app.common.problems import BadCursor
from app.common.responses import json_response
from app.common.vocabulary import AnyCase
from app.deps import DerivedDep, SnapshotDep
from app.models.enums import ResourceType
from app.search.engine import count_matches, search
from app.search.query import parse_query

router = APIRouter(tags=["search"])


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200,
            description=SEARCH_SYNTAX,
            examples=["data zone"],
        ),
    ]
    type: Annotated[
        list[AnyCase[ResourceType]],
        Field(description="Only these resource types; repeat for OR.", examples=[["initiative"]]),
    ] = []
    limit: Annotated[int, Field(ge=1, le=100, description="Matches per page (1..100).", examples=[20])] = 20
    cursor: Annotated[str | None, Field(max_length=64, description="`next_cursor` of the previous page.")] = (
        None
    )


class Hit(BaseModel):
    type: ResourceType
    id: str = Field(examples=["malaysia-china-trusted-data-zone"])
    name: str
    snippet: str = Field(
        description="HTML: up to 16 words of the record's text, escaped, with <mark>…</mark> around"
        " the words found (the only markup)."
    )
    score: float = Field(description="Relevance; higher is better.")


class SearchResult(BaseModel):
    items: list[Hit]
    total: int
    next_cursor: str | None


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        offset = int(value.removeprefix("o:")) if value.startswith("o:") else -1
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
    if not 0 < offset <= 100_000:
        raise BadCursor("not a cursor issued by this API")
    return offset


@router.get("/v1/search", response_model=SearchResult, summary="Search every resource", operation_id="search")
async def search_all(
    request: Request, snap: SnapshotDep, cache: DerivedDep, params: Annotated[SearchQuery, Query()]
) -> Response:
    """Initiatives, organizations, people, MoUs, pledges, figures and sources matching `q`, best first."""
    offset = _offset(params.cursor)
    resources = sorted(t.value for t in params.type)
    query = parse_query(params.q)

    def answer() -> tuple[list[dict[str, Any]], int]:
        items = search(snap.conn, query, resources=resources, limit=params.limit, offset=offset)
        total = cache.get(
            snap.version,
            ("search", query, tuple(resources)),
            lambda: count_matches(snap.conn, query, resources=resources),
        )
        return items, total

    # Ranking every match is SQLite's or PostgreSQL's work, done without the GIL: in a worker
    # thread it runs beside the event loop, on the second core. The request's connection is
    # used by one thread at a time.
    items, total = await run_in_threadpool(answer)
    next_offset = offset + len(items)
    next_cursor = (
        base64.urlsafe_b64encode(f"o:{next_offset}".encode()).decode().rstrip("=")
        if next_offset < total and items
        else None
    )
    headers = {}
    if next_cursor:
        headers["Link"] = f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'
    return json_response(snap, {"items": items, "total": total, "next_cursor": next_cursor}, headers=headers)
