"""OpenRefine reconciliation (W3C Entity Reconciliation API 0.2, as OpenRefine 3.x speaks it).

`/v1/reconcile` answers the service manifest on a GET without parameters, batches of queries
(`queries`, a JSON object of queries by key) as a form field of a POST or a query parameter of
a GET, and data extension (`extend`). Beside it: entity suggest, an HTML preview of each
record and the properties extension proposes. These paths answer any origin (CORS `*`,
app.middleware) and the preview may be framed (OpenRefine shows it in an iframe).

POST is the only method besides the read methods this API accepts, and only on
/v1/reconcile: OpenRefine sends its batches as form posts. A POST has no ETag (the tag names
the query string, not the body) and is not documented as an operation of its own: it takes
the same fields as the GET (described there) in its `application/x-www-form-urlencoded` or
`multipart/form-data` body.
"""

import html
import json
import re
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, func, select
from starlette.responses import HTMLResponse, Response

from app.common.params import ALONE
from app.common.problems import PROBLEM, NotFound, ProblemError
from app.common.responses import json_response, respond
from app.common.version import dataset_version
from app.deps import DerivedDep, Snapshot, SnapshotDep, connection, feed_snapshot
from app.models import tables
from app.reconcile.matching import PROPERTIES, TYPES, Entity, Index, build_index, reconcile, suggest

router = APIRouter(prefix="/v1/reconcile", tags=["reconcile"])

MAX_QUERIES = 50  # OpenRefine sends 10 per batch
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 500
MAX_EXTEND_IDS = 500
MAX_GET_FIELD = 2000  # a GET's query string is bounded anyway (MAX_QUERY_STRING_LENGTH); POST takes more
MAX_POST_FIELD = 1_000_000
CALLBACK = r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$"
# What OpenRefine and jQuery add to some GETs (a cache buster, the strictness of a type):
# accepted and ignored.
IGNORED = ["_", "type_strict"]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "No record with this id",
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}
EXTEND_PROPERTIES = {
    "country": "Country",
    "kind": "Kind",
    "parent": "Parent",
    "aliases": "Aliases",
    "pledges": "Pledges count",
    "pledged": "Pledged totals",
}


class InvalidReconciliation(ProblemError):
    """A reconciliation request (`queries` or `extend` of /v1/reconcile) is not what the
    Reconciliation API allows, or is larger than this service takes: not JSON of the expected
    shape, an unknown type or property, more than 50 queries in a batch, a `limit` beyond 100,
    more than 500 ids to extend. `errors` names the field and says what is wrong."""

    status = 422
    title = "Invalid reconciliation request"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            f"{field}: {message}", errors=[{"parameter": field, "in": "query", "message": message}]
        )


TypeId = Literal["organization", "initiative", "person"]  # the keys of TYPES
# JSONP, on every GET of the service; shown alone in the form, whose example answers JSON.
Callback = Annotated[
    str | None,
    Field(
        max_length=100,
        pattern=CALLBACK,
        description="JSONP: the answer wrapped in a call of this function (application/javascript).",
        examples=["jsonp0"],
        json_schema_extra={ALONE: True},
    ),
]


class ReconcileQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queries: Annotated[
        str | None,
        Field(
            max_length=MAX_GET_FIELD,
            description="A batch of queries: a JSON object of up to 50 queries by key, each"
            ' `{"query": "...", "type": "organization|initiative|person", "limit": 1..100,'
            ' "properties": [{"pid": "country|kind|parent", "v": "..."}]}`.'
            ' Answers `{key: {"result": [candidates]}}`.',
            examples=['{"q0": {"query": "Huawei Malaysia", "type": "organization", "limit": 3}}'],
        ),
    ] = None
    extend: Annotated[
        str | None,
        Field(
            max_length=MAX_GET_FIELD,
            description='Data extension: `{"ids": [...], "properties": [{"id": "country"}]}`; the'
            " properties are those `/v1/reconcile/properties` proposes.",
            examples=['{"ids": ["huawei-malaysia"], "properties": [{"id": "country"}, {"id": "parent"}]}'],
            json_schema_extra={ALONE: True},  # queries or extend, not both
        ),
    ] = None
    callback: Callback = None


class SuggestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prefix: Annotated[
        str, Field(min_length=1, max_length=200, description="What the user typed so far.", examples=["hua"])
    ]
    type: Annotated[TypeId | None, Field(description="Only records of this type.")] = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Suggestions (1..100).", examples=[10])] = 10
    callback: Callback = None


class PreviewQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=120,
            description="A record's id, as in the candidates (organization, then initiative, then person).",
            examples=["huawei-malaysia"],
        ),
    ]


class PropertiesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Annotated[TypeId | None, Field(description="The type of the records to extend.")] = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Properties at most.", examples=[10])] = 10
    callback: Callback = None


def _index(conn: Connection, version: int, cache: Any) -> Index:
    index: Index = cache.get(version, ("reconcile-index",), lambda: build_index(conn))
    return index


def manifest(base: str) -> dict[str, Any]:
    """The service manifest: what OpenRefine reads when the service is added."""
    reconcile_url = f"{base}/v1/reconcile"
    return {
        "versions": ["0.2"],
        "name": "Southeast Asia Tech Initiatives",
        "identifierSpace": f"{base}/v1/",
        "schemaSpace": f"{base}/v1/reconcile/types/",
        "defaultTypes": [{"id": t, "name": n} for t, n in TYPES.items()],
        "view": {"url": f"{reconcile_url}/preview?id={{{{id}}}}"},
        "preview": {"url": f"{reconcile_url}/preview?id={{{{id}}}}", "width": 420, "height": 180},
        "suggest": {"entity": {"service_url": base, "service_path": "/v1/reconcile/suggest/entity"}},
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/v1/reconcile/properties"},
            "property_settings": [],
        },
        "batchSize": 10,
    }


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _json(field: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidReconciliation(field, f"not JSON: {exc}") from None


def _type_of(field: str, value: Any) -> str | None:
    """A type's id: a string, or an object with `id` (as some clients send); null or absent for any."""
    if isinstance(value, dict):
        value = value.get("id")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.lower() not in TYPES:
        raise InvalidReconciliation(field, f"unknown type {value!r}; the types are {', '.join(TYPES)}")
    return value.lower()


def _value(v: Any) -> list[str]:
    if isinstance(v, list):
        return [x for item in v for x in _value(item)]
    if isinstance(v, dict):  # a reconciled value: {"id": ..., "name": ...}
        return [str(x) for x in (v.get("id"), v.get("name")) if x is not None]
    if isinstance(v, bool) or v is None:
        return []
    return [str(v)]


def parse_queries(text: str) -> dict[str, dict[str, Any]]:
    """The batch, validated: key -> {query, type, limit, properties}."""
    batch = _json("queries", text)
    if not isinstance(batch, dict):
        raise InvalidReconciliation("queries", "must be a JSON object of queries by key")
    if len(batch) > MAX_QUERIES:
        raise InvalidReconciliation("queries", f"{len(batch)} queries; at most {MAX_QUERIES} in a batch")
    parsed = {}
    for key, q in batch.items():
        where = f"queries.{key}"
        if not isinstance(q, dict) or not isinstance(q.get("query"), str):
            raise InvalidReconciliation(where, 'must be an object with a string "query"')
        if len(q["query"]) > MAX_QUERY_LENGTH:
            raise InvalidReconciliation(where, f"the query is longer than {MAX_QUERY_LENGTH} characters")
        limit = q.get("limit", 10)
        if limit in (None, 0):  # OpenRefine sends 0 for "the service's default"
            limit = 10
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidReconciliation(where, f"limit must be an integer from 1 to {MAX_LIMIT}")
        properties: dict[str, list[str]] = {}
        given = q.get("properties") or []
        if not isinstance(given, list):
            raise InvalidReconciliation(where, "properties must be a list")
        for prop in given:
            pid = prop.get("pid", prop.get("p")) if isinstance(prop, dict) else None
            if pid not in PROPERTIES:
                raise InvalidReconciliation(
                    where, f"unknown property {pid!r}; the properties are {', '.join(PROPERTIES)}"
                )
            properties.setdefault(pid, []).extend(_value(prop.get("v")))
        parsed[str(key)] = {
            "query": q["query"],
            "type": _type_of(where, q.get("type")),
            "limit": limit,
            "properties": {k: v for k, v in properties.items() if v},
        }
    return parsed


def answer_queries(index: Index, text: str) -> dict[str, Any]:
    return {
        key: {"result": reconcile(index, q["query"], q["type"], q["limit"], q["properties"])}
        for key, q in parse_queries(text).items()
    }


def _pledges(conn: Connection, ids: list[str]) -> dict[str, tuple[int, dict[str, float]]]:
    """Per organization: how many pledges it makes (as a pledger) and their totals by unit."""
    p, pp = tables.pledges, tables.pledge_pledgers
    rows = conn.execute(
        select(pp.c.organization_id, p.c.unit, func.count(), func.sum(p.c.amount))
        .join(p, p.c.id == pp.c.pledge_id)
        .where(pp.c.organization_id.in_(ids))
        .group_by(pp.c.organization_id, p.c.unit)
        .order_by(pp.c.organization_id, p.c.unit)
    )
    found: dict[str, tuple[int, dict[str, float]]] = {}
    for org_id, unit, count, total in rows:
        n, totals = found.get(org_id, (0, {}))
        found[org_id] = (n + count, {**totals, unit: float(total)})
    return found


def _amount(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def answer_extend(conn: Connection, index: Index, text: str) -> dict[str, Any]:
    request = _json("extend", text)
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list):
        raise InvalidReconciliation("extend", 'must be an object with a list "ids" and a list "properties"')
    ids = [str(i) for i in request["ids"]]
    if len(ids) > MAX_EXTEND_IDS:
        raise InvalidReconciliation("extend", f"{len(ids)} ids; at most {MAX_EXTEND_IDS}")
    wanted = []
    for prop in request.get("properties") or []:
        pid = prop.get("id") if isinstance(prop, dict) else prop
        if pid not in EXTEND_PROPERTIES:
            raise InvalidReconciliation(
                "extend", f"unknown property {pid!r}; the properties are {', '.join(EXTEND_PROPERTIES)}"
            )
        wanted.append(pid)
    entities = {i: index.find(i) for i in ids}
    orgs = [i for i, e in entities.items() if e is not None and e.type == "organization"]
    pledges = _pledges(conn, orgs) if {"pledges", "pledged"} & set(wanted) and orgs else {}
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for id_, entity in entities.items():
        rows[id_] = {pid: _property(index, entity, pid, pledges) for pid in wanted}
    return {"meta": [{"id": pid, "name": EXTEND_PROPERTIES[pid]} for pid in wanted], "rows": rows}


def _property(
    index: Index, entity: Entity | None, pid: str, pledges: dict[str, tuple[int, dict[str, float]]]
) -> list[dict[str, Any]]:
    if entity is None:
        return []
    if pid == "country":
        return [{"str": c} for c in entity.countries]
    if pid == "kind":
        return [{"str": entity.kind}] if entity.kind else []
    if pid == "parent":
        parent = index.get(entity.type, entity.parent or "")
        return [{"id": parent.id, "name": parent.name}] if parent else []
    if pid == "aliases":
        return [{"str": a} for a in entity.aliases]
    if entity.type != "organization":
        return []
    count, totals = pledges.get(entity.id, (0, {}))
    if pid == "pledges":
        return [{"int": count}]
    return [{"str": f"{_amount(total)} {unit}"} for unit, total in totals.items()]


def _jsonp(snap: Snapshot | None, body: Any, callback: str | None) -> Response:
    if callback is None:
        return (
            json_response(snap, body) if snap else Response(json.dumps(body), media_type="application/json")
        )
    content = f"/**/{callback}({json.dumps(body)});"
    response = Response(content, media_type="application/javascript")
    return respond(snap, response) if snap else response


JSONP = {"application/javascript": {"schema": {"type": "string"}}}


@router.get(
    "",
    summary="Reconcile names (OpenRefine)",
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}, **JSONP}}},
    openapi_extra={"x-also-accepts": IGNORED},
)
async def reconcile_service(
    request: Request, snap: SnapshotDep, cache: DerivedDep, params: Annotated[ReconcileQuery, Query()]
) -> Response:
    """Without parameters, the service manifest; with `queries`, the candidates of each query,
    best first (an exact name or alias of the type is 100, `match` when it is the only one);
    with `extend`, the values of the properties asked. The same fields may be POSTed as a form."""
    return _service(request, snap.conn, _index(snap.conn, snap.version, cache), params, snap)


def _service(
    request: Request, conn: Connection, index: Index, params: ReconcileQuery, snap: Snapshot | None
) -> Response:
    if params.queries is not None and params.extend is not None:
        raise InvalidReconciliation("queries", "send queries or extend, not both")
    if params.queries is not None:
        body = answer_queries(index, params.queries)
    elif params.extend is not None:
        body = answer_extend(conn, index, params.extend)
    else:
        body = manifest(_base(request))
    return _jsonp(snap, body, params.callback)


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


@router.post("", include_in_schema=False)
async def reconcile_post(request: Request, cache: DerivedDep) -> Response:
    """The batches OpenRefine posts: `queries` or `extend` as form fields (no ETag, no 304)."""
    fields = await _form(request)
    unknown = sorted(set(fields) - {"queries", "extend", "callback"})
    if unknown:
        raise InvalidReconciliation(unknown[0], "unknown field; the fields are queries, extend")
    for name in ("queries", "extend"):
        if len(fields.get(name, "")) > MAX_POST_FIELD:
            raise InvalidReconciliation(name, f"longer than {MAX_POST_FIELD} characters")
    callback = fields.get("callback")
    if callback is not None and not re.fullmatch(CALLBACK, callback):
        raise InvalidReconciliation("callback", "not a JavaScript function name")
    params = ReconcileQuery.model_construct(
        queries=fields.get("queries"), extend=fields.get("extend"), callback=callback
    )
    async with connection(request) as conn:
        with conn.begin():
            version = dataset_version(conn)
            response = _service(request, conn, _index(conn, version, cache), params, None)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(
    "/suggest/entity",
    summary="Suggest records by prefix (OpenRefine)",
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}, **JSONP}}},
    openapi_extra={"x-also-accepts": IGNORED},
)
async def reconcile_suggest(
    snap: SnapshotDep, cache: DerivedDep, params: Annotated[SuggestQuery, Query()]
) -> Response:
    """Records whose name or an alias starts with `prefix`, then those with a word that does."""
    index = _index(snap.conn, snap.version, cache)
    body = {"result": suggest(index, params.prefix, params.type, params.limit)}
    return _jsonp(snap, body, params.callback)


@router.get(
    "/properties",
    summary="Properties to extend records with (OpenRefine)",
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}, **JSONP}}},
    openapi_extra={"x-also-accepts": IGNORED},
)
async def reconcile_properties(snap: SnapshotDep, params: Annotated[PropertiesQuery, Query()]) -> Response:
    """What `extend` can add to reconciled records: country, kind, parent, aliases, and for
    organizations the count of their pledges and the pledged totals by unit."""
    body = {
        "type": params.type or "organization",
        "properties": [{"id": k, "name": v} for k, v in EXTEND_PROPERTIES.items()][: params.limit],
    }
    return _jsonp(snap, body, params.callback)


PREVIEW_CSS = (
    "body{font:13px/1.4 sans-serif;margin:6px;color:#222}h1{font-size:15px;margin:0 0 4px}"
    "p{margin:2px 0}.id{color:#666;font-family:monospace}"
)


def preview_html(index: Index, entity: Entity) -> str:
    e = html.escape
    lines = [f"<p class='id'>{e(entity.type)}: {e(entity.id)}</p>", f"<p>{e(entity.description)}</p>"]
    if entity.aliases:
        lines.append(f"<p>Also: {e(', '.join(entity.aliases))}</p>")
    children = [index.entities[entity.type, c].name for c in entity.children]
    if children:
        lines.append(f"<p>Includes: {e(', '.join(sorted(children)))}</p>")
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>{e(entity.name)}</title><style>{PREVIEW_CSS}</style>"
        f"<body><h1>{e(entity.name)}</h1>{''.join(lines)}</body></html>"
    )


@router.get(
    "/preview",
    summary="A record's preview (OpenRefine)",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **NOT_FOUND},
)
async def reconcile_preview(
    snap: Annotated[Snapshot, Depends(feed_snapshot)],
    cache: DerivedDep,
    params: Annotated[PreviewQuery, Query()],
) -> Response:
    """A small HTML page of the record (no script; any origin may frame it), as OpenRefine shows
    it when the pointer rests on a candidate."""
    index = _index(snap.conn, snap.version, cache)
    entity = index.find(params.id)
    if entity is None:
        raise NotFound(f"no organization, initiative or person with id {params.id!r}")
    return respond(snap, HTMLResponse(preview_html(index, entity)))
