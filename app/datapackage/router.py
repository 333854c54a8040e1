"""/v1/datapackage.json, the dataset as a Frictionless data package, and the CSV of each table."""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import Connection, Table, select, tuple_
from starlette.responses import Response, StreamingResponse

from app.common.export import csv_lines
from app.common.negotiation import MEDIA_TYPES
from app.common.params import LATEST_POSSIBLE, Format
from app.common.problems import NotFound, VersionNotCurrent
from app.common.responses import json_response, respond
from app.datapackage.package import TABLES, cell, descriptor
from app.dates import utc
from app.deps import ListSnapshotDep, SnapshotDep
from app.models import Dataset

router = APIRouter(tags=["datapackage"])
CHUNK = 1000
PACKAGE_PATH = "/v1/datapackage.json"


@router.get(
    PACKAGE_PATH,
    summary="The dataset as a Frictionless data package",
    responses={200: {"description": "A Data Package (v1) descriptor, `tabular-data-package`."}},
)
async def datapackage(request: Request, snap: SnapshotDep) -> Response:
    """One tabular resource per table (initiatives, organizations, people, MoUs, pledges, figures,
    their link tables, citations, inferences, sources): its fields typed, its primary and foreign
    keys. Each resource's `path` streams the table as CSV at this dataset version (`?version=N`);
    `version`, `dataset_version` and `etag` say which version the package holds."""
    loaded_at = snap.conn.execute(select(Dataset.loaded_at).where(Dataset.id == 1)).scalar()
    body = descriptor(
        snap.version,
        snap.headers["ETag"],
        None if loaded_at is None else utc(loaded_at),
        lambda name: str(request.url_for("datapackage_table", table=name)),
    )
    return json_response(snap, body)


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Every row in primary-key order, read in keyset chunks of the request's snapshot."""
    key = list(table.primary_key.columns)
    last: tuple[Any, ...] | None = None
    while True:
        stmt = select(*table.columns)
        if last is not None:
            stmt = stmt.where(tuple_(*key) > tuple_(*last))
        rows = [dict(r) for r in conn.execute(stmt.order_by(*key).limit(CHUNK)).mappings()]
        yield from rows
        if len(rows) < CHUNK:
            return
        last = tuple(rows[-1][c.name] for c in key)


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: cell(value) for name, value in row.items()}


@router.get(
    "/v1/datapackage/{table}.csv",
    name="datapackage_table",
    summary="One table of the data package as CSV",
    response_class=Response,
    responses={
        200: {
            "description": "Every row of the table in primary-key order, as CSV with a header row.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": {
                "Content-Disposition": {
                    "description": "`attachment`, with a file name.",
                    "schema": {"type": "string"},
                }
            },
        },
    },
)
async def datapackage_table(
    snap: ListSnapshotDep,
    table: Annotated[
        str,
        Path(
            max_length=64,
            description="A table of the data package (the `name` of one of its resources).",
            examples=["pledges"],
        ),
    ],
    version: Annotated[
        int | None,
        Query(
            ge=1,
            le=LATEST_POSSIBLE,
            description="The dataset version the package named (its resources' paths carry it):"
            " 409 if it is not the current one. Default: the current version.",
            examples=[1],
        ),
    ] = None,
) -> Response:
    """The table as `text/csv`: dates as `YYYY-MM-DD`, booleans `true`/`false`, null as an empty
    cell, every row of one snapshot of the dataset."""
    found = TABLES.get(table)
    if found is None:
        raise NotFound(f"no table {table!r} in the data package; {PACKAGE_PATH} lists them")
    if version is not None and version != snap.version:
        raise VersionNotCurrent(
            f"version {version} is not the current dataset version ({snap.version});"
            f" fetch {PACKAGE_PATH} again and follow its paths"
        )
    columns = [c.name for c in found.columns]
    body = csv_lines(columns, _csv_row, _rows(snap.conn, found))
    return respond(
        snap,
        StreamingResponse(
            body,
            media_type=MEDIA_TYPES[Format.csv],
            headers={"Content-Disposition": f'attachment; filename="{table}.csv"'},
        ),
    )
