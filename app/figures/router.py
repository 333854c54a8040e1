from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.common.exports import add_exports
from app.common.listing import ListingDep, run_list
from app.common.params import Versioned, id_param
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.figures import service
from app.figures.query import FigureQuery
from app.figures.schemas import FigureDetail, FigureList
from app.history.served import served
from app.models.enums import ResourceType

router = APIRouter(prefix="/v1/figures", tags=["figures"])


async def figure(
    snap: SnapshotDep,
    figure_id: Annotated[str, id_param("Figure", "huawei-cloud-regions-asean")],
    params: Annotated[Versioned, Query()],
) -> dict[str, Any]:
    return served(
        snap,
        ResourceType.figure,
        figure_id,
        params.as_of_version,
        lambda: service.detail(snap.conn, figure_id),
    )


@router.get("", response_model=FigureList, summary="List figures")
async def list_figures(listing: ListingDep, params: Annotated[FigureQuery, Query()]) -> Response:
    """Quantities the articles state that are not commitments: capacity today, attendance,
    developers supported, performance claims, progress towards a pledge."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/{figure_id}", response_model=FigureDetail, summary="One figure")
async def get_figure(snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(figure)]) -> Response:
    """A figure with its subject (organization or initiative), the pledge it reports progress
    towards, citations (with speakers) and inferences."""
    return json_response(snap, item)


add_exports(router, service.RESOURCE)
