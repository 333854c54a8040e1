from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.common.listing import run_list
from app.common.params import ID_PATTERN
from app.common.problems import NotFound
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.initiatives.router import EXPORTS
from app.mous import service
from app.mous.schemas import MouDetail, MouList, MouQuery

router = APIRouter(prefix="/v1/mous", tags=["mous"])


@router.get("", response_model=MouList, summary="List MoUs", responses={200: EXPORTS})
async def list_mous(request: Request, snap: SnapshotDep, params: Annotated[MouQuery, Query()]) -> Response:
    """Memoranda of understanding, by party (with subsidiaries), country, date, initiative."""
    return run_list(request, snap, service.RESOURCE, params, service.conditions)


@router.get("/{mou_id}", response_model=MouDetail, summary="One MoU")
async def get_mou(
    request: Request,
    snap: SnapshotDep,
    mou_id: Annotated[
        str,
        Path(
            max_length=120,
            pattern=ID_PATTERN,
            description="MoU id.",
            examples=["mou-huawei-tiong-nam-smart-logistics"],
        ),
    ],
) -> Response:
    """An MoU with its parties, witnesses, initiative and citations."""
    item = service.detail(snap.conn, mou_id)
    if item is None:
        raise NotFound(f"no mou with id {mou_id!r}")
    return json_response(request, item)
