from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.common.listing import run_list
from app.common.params import ID_PATTERN
from app.common.problems import NotFound
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.initiatives.router import EXPORTS
from app.pledges import service
from app.pledges.schemas import PledgeDetail, PledgeList, PledgeQuery, Summary, SummaryQuery

router = APIRouter(prefix="/v1/pledges", tags=["pledges"])


@router.get("", response_model=PledgeList, summary="List pledges", responses={200: EXPORTS})
async def list_pledges(
    request: Request, snap: SnapshotDep, params: Annotated[PledgeQuery, Query()]
) -> Response:
    """Quantified commitments: people trained, money invested, GPUs deployed..."""
    return run_list(request, snap, service.RESOURCE, params, service.conditions)


@router.get("/summary", response_model=Summary, summary="Totals of pledges per group and unit")
async def pledge_summary(
    request: Request, snap: SnapshotDep, params: Annotated[SummaryQuery, Query()]
) -> Response:
    """Sums of `amount` per group and unit (never adding people to dollars), with counts.

    Takes every pledge filter.
    """
    body = service.summary(snap.conn, params.group_by, service.conditions(snap.conn, params))
    return json_response(request, body)


@router.get("/{pledge_id}", response_model=PledgeDetail, summary="One pledge")
async def get_pledge(
    request: Request,
    snap: SnapshotDep,
    pledge_id: Annotated[
        str,
        Path(
            max_length=120,
            pattern=ID_PATTERN,
            description="Pledge id.",
            examples=["huawei-malaysia-30000-ai-professionals"],
        ),
    ],
) -> Response:
    """A pledge with its pledger, initiative and citations."""
    item = service.detail(snap.conn, pledge_id)
    if item is None:
        raise NotFound(f"no pledge with id {pledge_id!r}")
    return json_response(request, item)
