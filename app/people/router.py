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
from app.people import service
from app.people.query import PersonQuery
from app.people.schemas import PersonDetail, PersonList

router = APIRouter(prefix="/v1/people", tags=["people"])


async def person(
    snap: SnapshotDep,
    person_id: Annotated[str, id_param("Person", "gobind-singh-deo")],
    params: Annotated[Versioned, Query()],
) -> dict[str, Any]:
    return served(
        snap,
        ResourceType.person,
        person_id,
        params.as_of_version,
        lambda: service.detail(snap.conn, person_id),
    )


@router.get("", response_model=PersonList, summary="List people")
async def list_people(listing: ListingDep, params: Annotated[PersonQuery, Query()]) -> Response:
    """Ministers, executives, governors the articles name, with the titles they give them."""
    return run_list(listing, service.RESOURCE, params)


@router.get("/{person_id}", response_model=PersonDetail, summary="One person")
async def get_person(snap: SnapshotDep, item: Annotated[dict[str, Any], Depends(person)]) -> Response:
    """A person with their positions, the MoUs they witnessed, every quote attributed to them,
    and citations."""
    return json_response(snap, item)


add_exports(router, service.RESOURCE)
