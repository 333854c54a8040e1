from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.common.exports import add_exports
from app.common.listing import ListingDep, run_list
from app.common.params import Versioned, id_param
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.history.served import served
from app.initiatives import service
from app.initiatives.query import InitiativeQuery
from app.initiatives.schemas import InitiativeDetail, InitiativeList
from app.models.enums import ResourceType

router = APIRouter(prefix="/v1/initiatives", tags=["initiatives"])


async def initiative(
    snap: SnapshotDep,
    initiative_id: Annotated[str, id_param("Initiative", "huawei-malaysia-ai-talent-programme")],
    params: Annotated[Versioned, Query()],
) -> dict[str, Any]:
    return served(
        snap,
        ResourceType.initiative,
        initiative_id,
        params.as_of_version,
        lambda: service.detail(snap.conn, initiative_id),
    )


@router.get("", response_model=InitiativeList, summary="List initiatives")
async def list_initiatives(listing: ListingDep, params: Annotated[InitiativeQuery, Query()]) -> Response:
    """Programmes, infrastructure, labs, corridors and policies, filtered and paginated."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/{initiative_id}", response_model=InitiativeDetail, summary="One initiative")
async def get_initiative(snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(initiative)]) -> Response:
    """An initiative with its participants, pledges, MoUs and citations."""
    return json_response(snap, item)


add_exports(router, service.RESOURCE)
