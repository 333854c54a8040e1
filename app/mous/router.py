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
from app.mous import service
from app.mous.query import MouQuery
from app.mous.schemas import MouDetail, MouList

router = APIRouter(prefix="/v1/mous", tags=["mous"])


async def mou(
    snap: SnapshotDep,
    mou_id: Annotated[str, id_param("MoU", "mou-huawei-tiong-nam-smart-logistics")],
    params: Annotated[Versioned, Query()],
) -> dict[str, Any]:
    return served(
        snap, ResourceType.mou, mou_id, params.as_of_version, lambda: service.detail(snap.conn, mou_id)
    )


@router.get("", response_model=MouList, summary="List MoUs")
async def list_mous(listing: ListingDep, params: Annotated[MouQuery, Query()]) -> Response:
    """Memoranda of understanding, by party (with subsidiaries), country, date, initiative."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/{mou_id}", response_model=MouDetail, summary="One MoU")
async def get_mou(snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(mou)]) -> Response:
    """An MoU with its parties, witnesses, initiative and citations."""
    return json_response(snap, item)


add_exports(router, service.RESOURCE)
