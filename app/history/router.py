"""/v1/versions, /v1/changes (JSON pages, CSV, NDJSON) and /v1/changes.atom."""

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from feedgen.feed import FeedGenerator
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Connection, Select, Text, cast, func, select, tuple_
from starlette.responses import Response, StreamingResponse

from app.common.export import csv_lines
from app.common.exports import BODIES, EXPORTED
from app.common.negotiation import ACCEPTED, MEDIA_TYPES
from app.common.params import Format, RecordId, version_number
from app.common.problems import BadCursor
from app.common.responses import json_response, respond
from app.common.schemas import Seen
from app.common.vocabulary import AnyCase
from app.dates import utc
from app.deps import ListSnapshotDep, Snapshot, SnapshotDep, derived_of, feed_snapshot
from app.history.served import PATHS, noun
from app.models import tables
from app.models.enums import ChangeOp, ResourceType

router = APIRouter(tags=["history"])
ch, versions = tables.changes, tables.versions
CHUNK = 1000
ATOM = "application/atom+xml"


class VersionOut(Seen):
    digest: str | None = Field(
        description="sha256 of the seed files the version was loaded from (null: loaded before history).",
        examples=["d4a270820676215fff492145125f988a62fd1798fe37e6fd5307ad942186d88c"],
    )
    counts: dict[ResourceType, dict[ChangeOp, int]] = Field(
        description="Records added, modified and deleted, per resource it touched.",
        examples=[{"pledge": {"added": 1, "modified": 2, "deleted": 0}}],
    )


class VersionList(BaseModel):
    items: list[VersionOut]
    total: int


class ChangeOut(BaseModel):
    version: int = Field(examples=[2])
    loaded_at: datetime
    resource: ResourceType
    id: str = Field(examples=["huawei-malaysia-30000-ai-professionals"])
    op: ChangeOp
    fields: list[str] = Field(
        description="The fields whose value changed (every field of a record added or deleted).",
        examples=[["citations", "status"]],
    )
    before: dict[str, Any] | None = Field(description="The record's detail before (null: added).")
    after: dict[str, Any] | None = Field(description="The record's detail after (null: deleted).")


class ChangeList(BaseModel):
    items: list[ChangeOut]
    total: int
    next_cursor: str | None


class FeedQuery(BaseModel):
    """Which changes: after a version, of some resources, records or operations."""

    model_config = ConfigDict(extra="forbid")

    since: Annotated[
        int, version_number(0, "Changes of the versions after this one (0: all of history).")
    ] = 0
    resource: Annotated[
        list[AnyCase[ResourceType]],
        Field(description="Only these resources (repeat for several).", examples=[["organization"]]),
    ] = []
    id: Annotated[
        list[RecordId],
        Field(description="Only these record ids (repeat for several).", examples=[["huawei"]]),
    ] = []
    op: Annotated[
        list[AnyCase[ChangeOp]],
        Field(description="Only these operations (repeat for several).", examples=[["added"]]),
    ] = []


class ChangeQuery(FeedQuery):
    limit: Annotated[int, Field(ge=1, le=500, description="Changes per page (1..500).", examples=[50])] = 50
    cursor: Annotated[
        str | None,
        Field(max_length=512, description="`next_cursor` of the previous page; keep the other parameters."),
    ] = None


def _where(params: FeedQuery) -> list[ColumnElement[bool]]:
    where = [ch.c.version > params.since]
    if params.resource:
        where.append(ch.c.resource.in_([r.value for r in params.resource]))
    if params.id:
        where.append(ch.c.record_id.in_(params.id))
    if params.op:
        where.append(ch.c.op.in_([o.value for o in params.op]))
    return where


def _select() -> Select[Any]:
    """The changes with their versions' times; `before` and `after` as the JSON text stored
    (serialized by orjson at the load, app.db), served as it is rather than parsed and dumped again."""
    return select(
        ch.c.version,
        versions.c.loaded_at,
        ch.c.resource,
        ch.c.record_id,
        ch.c.op,
        ch.c.fields,
        cast(ch.c.before, Text),
        cast(ch.c.after, Text),
    ).join(versions, versions.c.version == ch.c.version)


KEY = (ch.c.version, ch.c.resource, ch.c.record_id)


def _item(row: Any, decode: Callable[[str], Any] = orjson.Fragment) -> dict[str, Any]:
    """A change as served; its JSON texts embedded whole (orjson.Fragment), or `decode`d."""
    version, loaded_at, resource, record_id, op, fields, before_text, after_text = row
    before, after = (None if text is None else decode(text) for text in (before_text, after_text))
    return {
        "version": version,
        "loaded_at": utc(loaded_at),
        "resource": resource,
        "id": record_id,
        "op": op,
        "fields": fields,
        "before": before,
        "after": after,
    }


def _signature(params: FeedQuery) -> str:
    spec = params.model_dump(mode="json", include=set(FeedQuery.model_fields))
    return hashlib.blake2s(orjson.dumps(spec, option=orjson.OPT_SORT_KEYS), digest_size=6).hexdigest()


def feed_cursor(params: FeedQuery, item: dict[str, Any]) -> str:
    payload = orjson.dumps([_signature(params), item["version"], item["resource"], item["id"]])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _after(params: ChangeQuery) -> ColumnElement[bool] | None:
    if params.cursor is None:
        return None
    try:
        value = orjson.loads(base64.urlsafe_b64decode(params.cursor + "=" * (-len(params.cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise BadCursor("not a cursor issued by this API") from None
    if not (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[1], int)
        and all(isinstance(v, str) for v in (value[0], value[2], value[3]))
    ):
        raise BadCursor("not a cursor issued by this API")
    if value[0] != _signature(params):
        raise BadCursor(
            "this cursor was issued for other filters; send it with the parameters of the page it came"
            " from, or leave it out to start again from the first page"
        )
    return tuple_(*KEY) > tuple_(*value[1:])


def _chunks(conn: Connection, where: list[ColumnElement[bool]]) -> Iterator[dict[str, Any]]:
    """Every matching change in order, read in keyset chunks of the request's snapshot."""
    last: tuple[Any, ...] | None = None
    while True:
        stmt = _select().where(*where)
        if last is not None:
            stmt = stmt.where(tuple_(*KEY) > tuple_(*last))
        rows = [_item(r) for r in conn.execute(stmt.order_by(*KEY).limit(CHUNK))]
        yield from rows
        if len(rows) < CHUNK:
            return
        last = (rows[-1]["version"], rows[-1]["resource"], rows[-1]["id"])


CSV_COLUMNS = ["version", "loaded_at", "resource", "id", "op", "fields", "before", "after"]


def _csv_row(item: dict[str, Any]) -> dict[str, Any]:
    json = {k: None if item[k] is None else orjson.dumps(item[k]).decode() for k in ("before", "after")}
    return {**item, **json, "loaded_at": item["loaded_at"].isoformat(), "fields": " ".join(item["fields"])}


@router.get("/v1/versions", response_model=VersionList, summary="Dataset versions")
async def list_versions(snap: SnapshotDep) -> Response:
    """Every version a load created, oldest first, with what it changed and the seeds' digest."""
    rows = snap.conn.execute(select(versions).order_by(versions.c.version)).mappings()
    items = [{**r, "loaded_at": utc(r["loaded_at"])} for r in rows]
    return json_response(snap, {"items": items, "total": len(items)})


@router.get("/v1/changes", response_model=ChangeList, summary="Changes since a version")
async def list_changes(
    request: Request, snap: ListSnapshotDep, params: Annotated[ChangeQuery, Query()]
) -> Response:
    """Records added, modified and deleted by the versions after `since`, in version order (then
    resource and id), each with its JSON before and after: replaying them from `since=0` rebuilds
    every record's detail. Keyset paged; `format=ndjson` or `csv` streams every matching change."""
    where = _where(params)
    if snap.representation is not Format.json:  # Accept: text/csv or application/x-ndjson
        return _stream(snap, params)
    total: int = derived_of(request).get(
        snap.version,
        ("changes", _signature(params)),
        lambda: snap.conn.execute(select(func.count()).select_from(ch).where(*where)).scalar_one(),
    )
    after = _after(params)
    stmt = _select().where(*where, *([] if after is None else [after])).order_by(*KEY).limit(params.limit + 1)
    items = [_item(r) for r in snap.conn.execute(stmt)]
    next_cursor = feed_cursor(params, items[params.limit - 1]) if len(items) > params.limit else None
    headers = {}
    if next_cursor:
        headers["Link"] = f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'
    body_json = {"items": items[: params.limit], "total": total, "next_cursor": next_cursor}
    return json_response(snap, body_json, headers=headers)


def _stream(snap: Snapshot, params: FeedQuery) -> Response:
    every = _chunks(snap.conn, _where(params))
    fmt = snap.representation
    if fmt is Format.ndjson:
        body: Iterator[bytes] = (orjson.dumps(i, option=orjson.OPT_APPEND_NEWLINE) for i in every)
    else:
        body = csv_lines(CSV_COLUMNS, _csv_row, every)
    disposition = {"Content-Disposition": f'attachment; filename="changes.{fmt.value}"'}
    return respond(snap, StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers=disposition))


for _fmt in EXPORTED:

    @router.get(
        f"/v1/changes.{_fmt.value}",
        summary=f"Every matching change as {_fmt.value.upper()}",
        response_class=Response,
        responses={
            200: {
                "description": "Every matching change.",
                "content": {ACCEPTED[_fmt]: {"schema": BODIES[_fmt]}},
            }
        },
        name=f"export_changes_{_fmt.value}",
    )
    async def export_changes(snap: ListSnapshotDep, params: Annotated[FeedQuery, Query()]) -> Response:
        """Every change the filters match, in version order, streamed (`before` and `after` as JSON
        text in CSV, `fields` space-separated). Not paged."""
        return _stream(snap, params)


FEED_ENTRIES = 200


@router.get(
    "/v1/changes.atom",
    summary="Changes as an Atom feed",
    response_class=Response,
    responses={200: {"content": {ATOM: {}}, "description": "An Atom 1.0 feed (RFC 4287)."}},
)
async def changes_feed(
    request: Request,
    snap: Annotated[Snapshot, Depends(feed_snapshot)],
    params: Annotated[FeedQuery, Query()],
) -> Response:
    """The latest 200 matching changes, newest first, one entry each, for feed readers: its
    title says what happened, its link leads to the record, its content lists the changed fields."""
    stmt = _select().where(*_where(params)).order_by(*[k.desc() for k in KEY]).limit(FEED_ENTRIES)
    items = [_item(r, orjson.loads) for r in snap.conn.execute(stmt)]
    base = str(request.base_url).rstrip("/")
    feed = FeedGenerator()
    feed.id(f"{base}/v1/changes.atom")
    feed.title("Changes to the Southeast Asia technology initiatives dataset")
    feed.link(href=str(request.url), rel="self", type=ATOM)
    feed.link(href=f"{base}/v1/changes", rel="alternate", type="application/json")
    feed.author({"name": "sea-initiatives"})
    latest = snap.conn.execute(select(func.max(versions.c.loaded_at))).scalar()
    feed.updated(utc(latest) if latest is not None else datetime(1970, 1, 1, tzinfo=UTC))
    for item in items:
        resource = ResourceType(item["resource"])
        path = f"/v1/{PATHS.get(resource, resource.value + 's')}/{item['id']}"
        record = item["after"] or item["before"] or {}
        name = record.get("name") or record.get("title") or item["id"]
        entry = feed.add_entry(order="append")
        entry.id(f"{base}/v1/changes?since={item['version'] - 1}&resource={resource.value}&id={item['id']}")
        what = noun(resource)
        entry.title(f"{what[0].upper()}{what[1:]} {item['op']}: {name}")
        entry.updated(item["loaded_at"])
        href = (
            f"{base}{path}"
            if item["op"] != "deleted"
            else f"{base}{path}?as_of_version={item['version'] - 1}"
        )
        entry.link(href=href, rel="alternate", type="application/json")
        entry.summary(
            f"Version {item['version']}: {item['op']} {resource.value} {item['id']}; fields: {', '.join(item['fields'])}"
        )
    body = feed.atom_str(pretty=True)
    return respond(snap, Response(body, media_type=ATOM))
