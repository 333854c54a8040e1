from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.common.listing import run_list
from app.common.params import ID_PATTERN
from app.common.problems import NotFound
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.initiatives.router import EXPORTS
from app.organizations import service
from app.organizations.schemas import (
    OrganizationDetail,
    OrganizationList,
    OrganizationQuery,
    PartnerList,
)

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])
OrgId = Annotated[
    str,
    Path(
        max_length=120,
        pattern=ID_PATTERN,
        description="Organization id.",
        examples=["huawei-malaysia"],
    ),
]


@router.get("", response_model=OrganizationList, summary="List organizations", responses={200: EXPORTS})
async def list_organizations(
    request: Request, snap: SnapshotDep, params: Annotated[OrganizationQuery, Query()]
) -> Response:
    """Companies, government bodies, universities...; `q` also matches aliases."""
    return run_list(request, snap, service.RESOURCE, params, service.conditions)


@router.get("/{organization_id}", response_model=OrganizationDetail, summary="One organization")
async def get_organization(request: Request, snap: SnapshotDep, organization_id: OrgId) -> Response:
    """An organization with its parent, subsidiaries, aliases and record counts."""
    item = service.detail(snap.conn, organization_id)
    if item is None:
        raise NotFound(f"no organization with id {organization_id!r}")
    return json_response(request, item)


@router.get("/{organization_id}/partners", response_model=PartnerList, summary="Who it works with")
async def get_partners(request: Request, snap: SnapshotDep, organization_id: OrgId) -> Response:
    """Organizations sharing an MoU or an initiative with it or its subsidiaries, and through what."""
    body = service.partners(snap.conn, organization_id)
    if body is None:
        raise NotFound(f"no organization with id {organization_id!r}")
    return json_response(request, body)
