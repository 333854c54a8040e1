from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.common.exports import add_exports
from app.common.listing import ListingDep, run_list
from app.timeline import service
from app.timeline.query import TimelineQuery
from app.timeline.schemas import Timeline

router = APIRouter(prefix="/v1/timeline", tags=["timeline"])


@router.get("", response_model=Timeline, summary="Every dated event, in date order")
async def timeline(listing: ListingDep, params: Annotated[TimelineQuery, Query()]) -> Response:
    """Milestones of initiatives, MoUs signed, pledges announced and their targets, figures'
    `as_of` and sources published, in date order: a date known to a month or a year sorts at
    the start of its period, the wider period first, then by type and id (`sort=-date`: latest
    first). Facets: event, type, country, year, organization, source."""
    return run_list(listing, service.RESOURCE, params)


add_exports(router, service.RESOURCE)
