from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.common.exports import add_exports
from app.common.listing import ListingDep, run_list
from app.common.params import Versioned, found, id_param
from app.common.responses import json_response
from app.deps import SnapshotDep
from app.history.served import served
from app.models.enums import ResourceType
from app.organizations import service
from app.organizations.query import OrganizationQuery
from app.organizations.schemas import OrganizationDetail, OrganizationList, PartnerList

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])
OrganizationId = Annotated[str, id_param("Organization", "huawei-malaysia")]


async def organization(
    snap: SnapshotDep,
    organization_id: OrganizationId,
    params: Annotated[Versioned, Query()],
) -> dict[str, Any]:
    return served(
        snap,
        ResourceType.organization,
        organization_id,
        params.as_of_version,
        lambda: service.detail(snap.conn, organization_id),
    )


async def partners(snap: SnapshotDep, organization_id: OrganizationId) -> dict[str, Any]:
    return found(service.partners(snap.conn, organization_id), "organization", organization_id)


@router.get("", response_model=OrganizationList, summary="List organizations")
async def list_organizations(listing: ListingDep, params: Annotated[OrganizationQuery, Query()]) -> Response:
    """Companies, government bodies, universities...; `q` also matches aliases."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/{organization_id}", response_model=OrganizationDetail, summary="One organization")
async def get_organization(
    snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(organization)]
) -> Response:
    """An organization with its parent, subsidiaries, aliases and record counts."""
    return json_response(snap, item)


@router.get("/{organization_id}/partners", response_model=PartnerList, summary="Who it works with")
async def get_organization_partners(
    snap: SnapshotDep, body: Annotated[dict[str, Any], Depends(partners)]
) -> Response:
    """Organizations sharing an MoU or an initiative with it or its subsidiaries, and through what."""
    return json_response(snap, body)


add_exports(router, service.RESOURCE)
