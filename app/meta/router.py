"""The dataset's front page, liveness and readiness."""

from datetime import datetime

import orjson
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from starlette.responses import Response

from app.common.negotiation import JSON_ONLY, MEDIA_TYPES, negotiate
from app.common.params import Format
from app.common.problems import ServiceUnavailable
from app.common.responses import json_response
from app.common.version import dataset_version
from app.dates import utc
from app.deps import CountsDep, DerivedDep, SnapshotDep, connection
from app.models import Dataset, tables

router = APIRouter(tags=["meta"])
COLLECTIONS = {
    "initiatives": tables.initiatives,
    "organizations": tables.organizations,
    "people": tables.people,
    "mous": tables.mous,
    "pledges": tables.pledges,
    "figures": tables.figures,
    "sources": tables.sources,
}


class DatasetInfo(BaseModel):
    version: int = Field(description="Bumped by the loader whenever any row changes.", examples=[3])
    loaded_at: datetime | None = Field(description="When that version was loaded.")
    counts: dict[str, int] = Field(examples=[{"initiatives": 27, "mous": 6}])
    links: dict[str, str] = Field(examples=[{"initiatives": "/v1/initiatives"}])


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Readiness(Health):
    count_bitmaps: str = Field(
        description="Whether totals and facets of this version are counted from bitmaps yet (`ready`),"
        " or in SQL while they are built (`building`), or always in SQL (`off`).",
        examples=["ready"],
    )


@router.get("/v1", response_model=DatasetInfo, summary="Dataset version, counts and links")
async def index(snap: SnapshotDep, derived: DerivedDep) -> Response:
    """What the dataset holds now, and where each collection lives."""
    loaded_at = snap.conn.execute(select(Dataset.loaded_at).where(Dataset.id == 1)).scalar()
    loaded_at = None if loaded_at is None else utc(loaded_at)
    counts = derived.get(  # whole-table counts: once per version
        snap.version,
        ("front page counts",),
        lambda: {
            name: snap.conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in COLLECTIONS.items()
        },
    )
    links = {name: f"/v1/{name}" for name in COLLECTIONS}
    links |= {
        "pledge_summary": "/v1/pledges/summary",
        "timeline": "/v1/timeline",
        "versions": "/v1/versions",
        "changes": "/v1/changes",
        "search": "/v1/search",
        "datapackage": "/v1/datapackage.json",
        "reconcile": "/v1/reconcile",
        "docs": "/docs",
    }
    body = {"version": snap.version, "loaded_at": loaded_at, "counts": counts, "links": links}
    return json_response(snap, body)


@router.get("/health", response_model=Health, summary="Liveness")
async def health(request: Request) -> Response:
    """The process is up; says nothing of the database."""
    negotiate(request.headers.get("accept"), JSON_ONLY)
    return Response(b'{"status":"ok"}', media_type=MEDIA_TYPES[Format.json])


@router.get("/ready", response_model=Readiness, summary="Readiness")
async def ready(request: Request, counts: CountsDep) -> Response:
    """The database answers a query and holds a loaded dataset."""
    negotiate(request.headers.get("accept"), JSON_ONLY)
    try:
        async with connection(request) as conn:
            version = dataset_version(conn)
    except ServiceUnavailable:
        raise
    except Exception:
        raise ServiceUnavailable("the database does not answer") from None
    if not version:
        raise ServiceUnavailable("no dataset has been loaded yet")
    if counts is None:
        bitmaps = "off"
    else:
        bitmaps = "ready" if counts.ready(version) else "building"
    return Response(
        orjson.dumps({"status": "ok", "count_bitmaps": bitmaps}), media_type=MEDIA_TYPES[Format.json]
    )
