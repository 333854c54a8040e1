from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.common.exports import add_exports
from app.common.listing import ListingDep, run_list
from app.common.params import Versioned, id_param
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.history.served import served
from app.models.enums import ResourceType
from app.sources import service
from app.sources.query import SourceQuery
from app.sources.schemas import SourceDetail, SourceList

router = APIRouter(prefix="/v1/sources", tags=["sources"])


async def source(
    snap: SnapshotDep,
    source_id: Annotated[str, id_param("Source", "bernama-malaysia-china-ai-mous")],
    params: Annotated[Versioned, Query()],
) -> dict[str, Any]:
    return served(
        snap,
        ResourceType.source,
        source_id,
        params.as_of_version,
        lambda: service.detail(snap.conn, source_id),
    )


@router.get("", response_model=SourceList, summary="List sources")
async def list_sources(listing: ListingDep, params: Annotated[SourceQuery, Query()]) -> Response:
    """The articles the records are curated from."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/{source_id}", response_model=SourceDetail, summary="One source and what cites it")
async def get_source(snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(source)]) -> Response:
    """A source with the initiatives, MoUs and pledges that cite it, and their quotes."""
    return json_response(snap, item)


add_exports(router, service.RESOURCE)
