from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.common.listing import run_list
from app.common.params import ID_PATTERN
from app.common.problems import NotFound
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.initiatives import service
from app.initiatives.schemas import InitiativeDetail, InitiativeList, InitiativeQuery

router = APIRouter(prefix="/v1/initiatives", tags=["initiatives"])
EXPORTS = {
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/x-ndjson": {"schema": {"type": "string"}},
    }
}


@router.get(
    "",
    response_model=InitiativeList,
    summary="List initiatives",
    responses={200: EXPORTS},
)
async def list_initiatives(
    request: Request, snap: SnapshotDep, params: Annotated[InitiativeQuery, Query()]
) -> Response:
    """Programmes, infrastructure, labs, corridors and policies, filtered and paginated."""
    return run_list(request, snap, service.RESOURCE, params, service.conditions)


@router.get("/{initiative_id}", response_model=InitiativeDetail, summary="One initiative")
async def get_initiative(
    request: Request,
    snap: SnapshotDep,
    initiative_id: Annotated[
        str,
        Path(
            max_length=120,
            pattern=ID_PATTERN,
            description="Initiative id.",
            examples=["huawei-malaysia-ai-talent-programme"],
        ),
    ],
) -> Response:
    """An initiative with its participants, pledges, MoUs and citations."""
    item = service.detail(snap.conn, initiative_id)
    if item is None:
        raise NotFound(f"no initiative with id {initiative_id!r}")
    return json_response(request, item)
