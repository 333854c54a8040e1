from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.common.listing import run_list
from app.common.params import ID_PATTERN
from app.common.problems import NotFound
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.initiatives.router import EXPORTS
from app.sources import service
from app.sources.schemas import SourceDetail, SourceList, SourceQuery

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get("", response_model=SourceList, summary="List sources", responses={200: EXPORTS})
async def list_sources(
    request: Request, snap: SnapshotDep, params: Annotated[SourceQuery, Query()]
) -> Response:
    """The articles the records are curated from."""
    return run_list(request, snap, service.RESOURCE, params, service.conditions)


@router.get("/{source_id}", response_model=SourceDetail, summary="One source and what cites it")
async def get_source(
    request: Request,
    snap: SnapshotDep,
    source_id: Annotated[
        str,
        Path(
            max_length=120,
            pattern=ID_PATTERN,
            description="Source id.",
            examples=["bernama-malaysia-china-ai-mous"],
        ),
    ],
) -> Response:
    """A source with the initiatives, MoUs and pledges that cite it, and their quotes."""
    item = service.detail(snap.conn, source_id)
    if item is None:
        raise NotFound(f"no source with id {source_id!r}")
    return json_response(request, item)
