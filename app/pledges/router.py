from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.common.exports import add_exports
from app.common.listing import ListingDep, run_list
from app.common.params import id_param
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.history.served import served
from app.models.enums import ResourceType
from app.pledges import lifecycle, service
from app.pledges.query import PledgeDetailQuery, PledgeQuery, SummaryQuery
from app.pledges.schemas import PledgeDetail, PledgeList, Summary

router = APIRouter(prefix="/v1/pledges", tags=["pledges"])


async def pledge(
    snap: SnapshotDep,
    pledge_id: Annotated[str, id_param("Pledge", "huawei-malaysia-30000-ai-professionals")],
    params: Annotated[PledgeDetailQuery, Query()],
) -> dict[str, Any]:
    given = {"as_of": date.fromisoformat(params.as_of)} if params.as_of else {}
    return served(
        snap,
        ResourceType.pledge,
        pledge_id,
        params.as_of_version,
        lambda: service.detail(snap.conn, pledge_id, given),
    )


@router.get("", response_model=PledgeList, summary="List pledges")
async def list_pledges(listing: ListingDep, params: Annotated[PledgeQuery, Query()]) -> Response:
    """Quantified commitments: people trained, money invested, GPUs deployed..."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/summary", response_model=Summary, summary="Totals of pledges per group and unit")
async def pledge_summary(snap: SnapshotDep, params: Annotated[SummaryQuery, Query()]) -> Response:
    """Sums of `amount` per group and unit (never adding people to dollars), with counts.

    Takes every pledge filter.
    """
    given = service.RESOURCE.given(params)
    resolved = service.RESOURCE.resolve(snap.conn, given)
    where = service.RESOURCE.build(resolved, given)
    day = lifecycle.reference_date(resolved)
    return json_response(snap, service.summary(snap.conn, params.group_by, where, day))


@router.get("/{pledge_id}", response_model=PledgeDetail, summary="One pledge")
async def get_pledge(snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(pledge)]) -> Response:
    """A pledge with its pledgers, initiative, citations, `progress` and `overdue` at `as_of`."""
    return json_response(snap, item)


add_exports(router, service.RESOURCE)
