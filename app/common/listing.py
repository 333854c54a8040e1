"""The machinery every list shares: sort, keyset cursor, total, facets, exports, Link header."""

import base64
import binascii
import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import orjson
from fastapi import Request
from pyroaring import BitMap
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    and_,
    cast,
    extract,
    false,
    func,
    or_,
    select,
)
from starlette.responses import Response, StreamingResponse

from app.common.cache import DerivedCache
from app.common.counting import Bitmaps, Dimension, dimension_filters
from app.common.lookups import Condition, for_count, for_page
from app.common.params import Format, ListQuery, split_csv
from app.common.problems import BadCursor, InvalidParameter, ProblemError
from app.common.responses import json_response, with_cache_headers
from app.common.sql import Prepared, in_values, raw_rows
from app.deps import Snapshot
from app.models.enums import Precision

Row = dict[str, Any]
EXPORT_CHUNK = 1000


class ExportTooLarge(ProblemError):
    status = 413
    title = "Export too large"


@dataclass(frozen=True)
class SortField:
    column: ColumnElement[Any]
    kind: type = str  # str, date or float: how a cursor value is read back
    nullable: bool = False


@dataclass(frozen=True)
class SortKey:
    name: str
    field: SortField
    descending: bool


@dataclass
class Resource:
    """What the shared machinery needs to know about one resource's list."""

    name: str
    table: Table
    sorts: dict[str, SortField]
    default_sort: str
    facets: dict[str, "Facet"]
    embed: Callable[[Connection, list[Row]], list[Row]]
    csv_columns: list[str]
    csv_row: Callable[[Row], Row]
    dimensions: dict[str, Dimension] = field(default_factory=dict)

    def select_columns(self) -> list[ColumnElement[Any]]:
        return list(self.table.columns)

    @cached_property
    def by_id(self) -> Prepared:
        """The records of a list of ids (`ids`), as run_list selects them."""
        return Prepared(select(*self.select_columns()).where(in_values(self.table.c.id, "ids")))


def parse_sort(resource: Resource, value: str | None) -> list[SortKey]:
    names = split_csv(value) or [resource.default_sort]
    keys: list[SortKey] = []
    for raw in names:
        descending = raw.startswith("-")
        name = raw.lstrip("-+")
        if name not in resource.sorts:
            allowed = ", ".join(sorted(resource.sorts))
            raise InvalidParameter("sort", f"cannot sort by {name!r}; use one of {allowed}")
        if any(k.name == name for k in keys):
            raise InvalidParameter("sort", f"{name!r} is given twice")
        keys.append(SortKey(name, resource.sorts[name], descending))
    if keys[-1].name != "id" and not any(k.name == "id" for k in keys):
        keys.append(SortKey("id", resource.sorts["id"], keys[0].descending))
    return keys


def order_by(keys: Sequence[SortKey]) -> list[Any]:
    clauses = []
    for key in keys:
        clause = key.field.column.desc() if key.descending else key.field.column.asc()
        clauses.append(clause.nulls_last() if key.field.nullable else clause)
    return clauses


def keyset_after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `keys` (NULLs sort last both ways)."""
    alternatives = []
    for i, key in enumerate(keys):
        value = values[i]
        if value is None:
            continue  # nothing sorts after NULL within the same prefix
        col = key.field.column
        after = col < value if key.descending else col > value
        if key.field.nullable:
            after = or_(after, col.is_(None))
        equal_prefix = [
            keys[j].field.column.is_(None) if values[j] is None else keys[j].field.column == values[j]
            for j in range(i)
        ]
        alternatives.append(and_(*equal_prefix, after))
    return or_(*alternatives) if alternatives else false()


def _signature(resource: Resource, keys: Sequence[SortKey], filters: dict[str, Any]) -> str:
    spec = [resource.name, [(k.name, k.descending) for k in keys], sorted(filters.items())]
    return hashlib.blake2s(orjson.dumps(spec, default=str), digest_size=6).hexdigest()


def encode_cursor(signature: str, values: Sequence[Any]) -> str:
    payload = orjson.dumps([signature, [v.isoformat() if isinstance(v, date) else v for v in values]])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(token: str, signature: str, keys: Sequence[SortKey]) -> list[Any]:
    """The sort values a cursor holds, or BadCursor saying why it is not usable here."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise BadCursor("not a cursor issued by this API") from None
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[1], list)
        or len(payload[1]) != len(keys)
    ):
        raise BadCursor("not a cursor issued by this API")
    if payload[0] != signature:
        raise BadCursor("this cursor belongs to a query with other filters or another sort")
    values = []
    for key, value in zip(keys, payload[1], strict=True):
        if value is None and key.field.nullable:
            values.append(None)
        elif key.field.kind is date and isinstance(value, str):
            try:
                values.append(date.fromisoformat(value))
            except ValueError:
                raise BadCursor("not a cursor issued by this API") from None
        elif key.field.kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            values.append(value)
        elif key.field.kind is str and isinstance(value, str):
            values.append(value)
        else:
            raise BadCursor("not a cursor issued by this API")
    return values


def negotiate(request: Request, fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    accept = request.headers.get("accept", "")
    if "text/csv" in accept:
        return Format.csv
    if "ndjson" in accept:
        return Format.ndjson
    return Format.json


def facet_names(resource: Resource, value: str | None) -> list[str]:
    names = split_csv(value)
    for name in names:
        if name not in resource.facets:
            allowed = ", ".join(sorted(resource.facets))
            raise InvalidParameter("facets", f"no facet {name!r}; use one of {allowed}")
    return list(dict.fromkeys(names))


def count_facet(
    conn: Connection, resource: Resource, name: str, conditions: list[ColumnElement[bool]]
) -> list[Row]:
    """Counts per value over the whole filtered set, most frequent first."""
    ids = select(resource.table.c.id).where(*conditions)
    rows = conn.execute(resource.facets[name](ids, conditions)).all()
    return [
        {"value": value, "count": count} for value, count in sorted(rows, key=lambda r: (-r[1], str(r[0])))
    ]


Facet = Callable[[Select[Any], list[ColumnElement[bool]]], Select[Any]]


def column_facet(key: ColumnElement[Any], column: ColumnElement[Any]) -> Facet:
    """Counts of a column's values among the filtered records (`key IN ids`: with the filters
    in place, SQLite would rather walk the GROUP BY column's index over the whole table)."""

    def facet(ids: Select[Any], _conditions: list[ColumnElement[bool]]) -> Select[Any]:
        return select(column, func.count()).where(key.in_(ids)).group_by(column)

    return facet


def link_facet(link: Table, key: str, value: str) -> Facet:
    """Counts of the filtered records per value of a link table (countries, sectors, roles):
    records, not link rows, so an initiative with five adopters counts once for `adopter`."""

    def facet(ids: Select[Any], _conditions: list[ColumnElement[bool]]) -> Select[Any]:
        column = link.c[value]
        return (
            select(column, func.count(func.distinct(link.c[key])))
            .where(link.c[key].in_(ids))
            .group_by(column)
        )

    return facet


def date_overlaps(
    column: ColumnElement[Any],
    precision: ColumnElement[Any],
    lo: date | None,
    hi: date | None,
) -> list[ColumnElement[bool]]:
    """Conditions for "the period a partial date names overlaps [lo, hi]".

    A stored date is the first day of its period; its period ends on or after `lo` exactly
    when it starts on or after `lo`, or the first day of `lo`'s month (month precision) or
    year (year precision). Written this way every branch is a range on the indexed column.
    """
    conditions = []
    if hi is not None:
        conditions.append(column <= hi)
    if lo is not None:
        month_start = date(lo.year, lo.month, 1)
        year_start = date(lo.year, 1, 1)
        conditions.append(column >= year_start)  # implied by the OR below; a range an index can use
        conditions.append(
            or_(
                column >= lo,
                and_(precision == Precision.month.value, column >= month_start),
                and_(precision == Precision.year.value, column >= year_start),
            )
        )
    if conditions:
        conditions.append(column.is_not(None))
    return conditions


def year_of(column: ColumnElement[Any]) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)


def run_list(
    request: Request,
    snap: Snapshot,
    resource: Resource,
    params: ListQuery,
    conditions_of: Callable[[Connection, Any], list[Condition]],
) -> Response:
    """One page as JSON, or every matching row as CSV / NDJSON.

    `conditions_of(conn, params)` gives the filters as SQL (checking the ids they name); it is
    called only when SQL needs them: a page, total and facets of dimension filters alone come
    off the count bitmaps (app.common.counting).
    """
    conn = snap.conn
    fmt = negotiate(request, params.format)
    keys = parse_sort(resource, getattr(params, "sort", None))
    table = resource.table
    if fmt is not Format.json:
        conditions = conditions_of(conn, params)
        return export(request, conn, resource, keys, conditions, fmt)  # counts afresh: a hard cap
    built: list[list[Condition]] = []

    def sql_conditions() -> list[Condition]:
        if not built:
            built.append(conditions_of(conn, params))
        return built[0]

    filters = params.model_dump(exclude={"cursor", "limit", "format", "facets"})
    signature = _signature(resource, keys, filters)
    derived: DerivedCache = request.app.state.derived
    filter_key = (resource.name, orjson.dumps({k: v for k, v in filters.items() if k != "sort"}, default=str))
    after = decode_cursor(params.cursor, signature, keys) if params.cursor else None
    facets = facet_names(resource, params.facets)
    bitmaps, found = _counted(request, snap, resource, filters)
    if bitmaps is not None and bitmaps.ids is not None and len(keys) == 1:
        # by id, filtered on dimensions only: the page is read off the bitmaps at any depth
        page_ids, more = bitmaps.page(found, after[0] if after else None, params.limit, keys[0].descending)
        rows = rows_by_id(conn, resource, page_ids)
    else:
        page_conditions = for_page(sql_conditions())
        if after is not None:
            page_conditions.append(keyset_after(keys, after))
        stmt = (
            select(*resource.select_columns())
            .where(*page_conditions)
            .order_by(*order_by(keys))
            .limit(params.limit + 1)
        )
        columns, fetched = raw_rows(conn, stmt)
        rows = [dict(zip(columns, r, strict=True)) for r in fetched]
        more = len(rows) > params.limit
        rows = rows[: params.limit]
    if bitmaps is not None:
        total = bitmaps.total(found)
    else:
        total = derived.get(
            snap.version, ("total", *filter_key), lambda: count_rows(conn, table, for_count(sql_conditions()))
        )
    body: dict[str, Any] = {
        "items": resource.embed(conn, rows),
        "total": total,
        "next_cursor": None,
    }
    headers = {}
    if more and rows:
        last = rows[-1]
        body["next_cursor"] = encode_cursor(signature, [last[k.field.column.key] for k in keys])
        next_url = request.url.include_query_params(cursor=body["next_cursor"])
        headers["Link"] = f'<{next_url}>; rel="next"'
    if facets:
        body["facets"] = {}
        for name in facets:
            if bitmaps is not None and name in resource.dimensions:
                body["facets"][name] = bitmaps.facet(name, found)
            else:
                body["facets"][name] = derived.get(
                    snap.version,
                    ("facet", name, *filter_key),
                    lambda name=name: count_facet(conn, resource, name, for_count(sql_conditions())),
                )
    return json_response(request, body, headers=headers)


def rows_by_id(conn: Connection, resource: Resource, ids: list[str]) -> list[Row]:
    """The records of `ids`, in that order."""
    if not ids:
        return []
    found = {row["id"]: row for row in resource.by_id.dicts(conn, ids=ids)}
    return [found[i] for i in ids]


def _counted(
    request: Request, snap: Snapshot, resource: Resource, filters: dict[str, Any]
) -> tuple[Bitmaps | None, BitMap | None]:
    """The resource's count bitmaps of this snapshot's version and the records they say match
    `filters`, or (None, None) if they are not built yet or some filter is not a dimension's
    (see app.common.counting). A matching set of None means every record."""
    counts = getattr(request.app.state, "counts", None)
    if counts is None or not resource.dimensions:
        return None, None
    bitmaps = counts.get(snap.version, resource.name)
    dims = dimension_filters(resource.dimensions, filters) if bitmaps is not None else None
    if bitmaps is None or dims is None:
        return None, None
    return bitmaps, bitmaps.matching(dims)


def count_rows(conn: Connection, table: Table, conditions: list[ColumnElement[bool]]) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*conditions)).scalar_one())


def export(
    request: Request,
    conn: Connection,
    resource: Resource,
    keys: list[SortKey],
    all_conditions: list[Condition],
    fmt: Format,
) -> Response:
    """Stream every matching row in keyset chunks, so memory stays flat whatever the size."""
    settings = request.app.state.settings
    table = resource.table
    total = count_rows(conn, table, for_count(all_conditions))
    conditions = for_page(all_conditions)
    if total > settings.max_export_rows:
        raise ExportTooLarge(
            f"the export would hold {total} rows, more than the {settings.max_export_rows}"
            " allowed; narrow the filters"
        )

    def rows() -> Iterator[Row]:
        # The request's own snapshot: its connection is released only once the body is sent,
        # so the header's total, the ETag and every row come from one version of the data.
        values: list[Any] | None = None
        while True:
            stmt = select(*resource.select_columns()).where(*conditions)
            if values is not None:
                stmt = stmt.where(keyset_after(keys, values))
            chunk = [
                dict(r) for r in conn.execute(stmt.order_by(*order_by(keys)).limit(EXPORT_CHUNK)).mappings()
            ]
            if not chunk:
                return
            yield from resource.embed(conn, chunk)
            if len(chunk) < EXPORT_CHUNK:
                return
            values = [chunk[-1][k.field.column.key] for k in keys]

    if fmt is Format.ndjson:
        body: Iterator[bytes] = (orjson.dumps(item, option=orjson.OPT_APPEND_NEWLINE) for item in rows())
        media_type = "application/x-ndjson"
    else:
        body = _csv_lines(resource, rows())
        media_type = "text/csv; charset=utf-8"
    response = StreamingResponse(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{resource.name}.{fmt.value}"',
            "X-Total-Count": str(total),
        },
    )
    return with_cache_headers(request, response)


def _csv_lines(resource: Resource, items: Iterator[Row]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=resource.csv_columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for item in items:
        writer.writerow(resource.csv_row(item))
        count += 1
        if count % 200 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
