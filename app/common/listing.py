"""A list endpoint: one page as JSON with its exact total and facets, or every row exported.

`run_list` reads top to bottom: sort and filters, then the page, the total, the facets and
the response. Totals and facets come from one counting strategy chosen per request: the
count bitmaps of the snapshot's version when every filter is one of their dimensions
(app.common.counting), else SQL, cached per dataset version.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from pydantic import BaseModel
from pyroaring import BitMap
from sqlalchemy import ColumnElement, Connection, Table, select
from starlette.responses import Response

from app.common.cache import DerivedCache
from app.common.conditions import Condition, for_count, for_page
from app.common.counting import Bitmaps, CountIndex, Dimension, dimension_filters
from app.common.cursor import decode_cursor, encode_cursor, signature
from app.common.export import count_rows, export
from app.common.facets import Facet, count_facet, facet_names
from app.common.filters import Filter, declared, parameter_name
from app.common.params import Format, ListQuery
from app.common.problems import InvalidParameter
from app.common.queries import Row
from app.common.responses import json_response, respond
from app.common.sorting import SortField, SortKey, keyset_after, order_by, parse_sort
from app.common.sql import Prepared, in_values, raw_rows
from app.config import Settings
from app.deps import ListSnapshotDep, Snapshot, counts_of, derived_of, settings_of
from app.search.engine import matching_ids

Embed = Callable[[Connection, list[Row]], list[Row]]
Searched = Callable[["Resource", Connection, str], ColumnElement[bool]]
# Fields derived per request from the filters given (a pledge's `overdue` at `as_of`).
Derive = Callable[[Connection, list[Row], dict[str, Any]], list[Row]]
# The parameters of one JSON page, which an export (every row, streamed) rejects.
PAGE_ONLY = {"limit", "cursor", "facets"}


def _searched_by_id(resource: "Resource", conn: Connection, q: str) -> ColumnElement[bool]:
    """Records whose own search document matches `q`."""
    return resource.table.c.id.in_(matching_ids(conn, resource.search, q))


@dataclass
class Resource:
    """What the list machinery needs to know about one resource."""

    name: str
    table: Table
    query: type[BaseModel]  # its filters are declared on this model's fields (app.common.filters)
    search: str  # the type of its records in the full-text index
    sorts: dict[str, SortField]
    embed: Embed
    csv_columns: list[str]
    csv_row: Callable[[Row], Row]
    more_facets: dict[str, Facet] = field(default_factory=dict)  # facets of no filter
    default_sort: str = "id"
    derive: Derive | None = None
    searched: "Searched | None" = None  # records matching `q`; by default its own search type

    @cached_property
    def filters(self) -> dict[str, Filter]:
        return declared(self.query)

    @cached_property
    def facets(self) -> dict[str, Facet]:
        return {n: f.facet for n, f in self.filters.items() if f.facet is not None} | self.more_facets

    @cached_property
    def dimensions(self) -> dict[str, Dimension]:
        return {n: f.dimension for n, f in self.filters.items() if f.dimension is not None}

    @cached_property
    def by_id(self) -> Prepared:
        """The records of a list of ids (`ids`)."""
        return Prepared(select(*self.table.columns).where(in_values(self.table.c.id, "ids")))

    def items(self, conn: Connection, rows: list[Row], given: dict[str, Any]) -> list[Row]:
        """The rows as the API serves them: embedded, then with the fields derived per request."""
        items = self.embed(conn, rows)
        return items if self.derive is None else self.derive(conn, items, given)

    def given(self, params: BaseModel) -> dict[str, Any]:
        """The filters a request sets (q included), by parameter name."""
        names = ["q", *self.filters]
        values = {name: getattr(params, name, None) for name in names}
        return {name: value for name, value in values.items() if value not in (None, [])}

    def conditions(self, conn: Connection, given: dict[str, Any]) -> list[Condition]:
        """The filters as SQL: resolved first (ids checked, trees expanded), then built."""
        return self.build(self.resolve(conn, given), given)

    def resolve(self, conn: Connection, given: dict[str, Any]) -> dict[str, Any]:
        resolved = {
            name: f.resolve(conn, parameter_name(name), given[name], given)
            for name, f in self.filters.items()
            if name in given
        }
        if "q" in given:
            searched = self.searched or _searched_by_id
            resolved["q"] = searched(self, conn, given["q"])
        return resolved

    def build(self, resolved: dict[str, Any], given: dict[str, Any]) -> list[Condition]:
        where: list[Condition] = []
        if "q" in resolved:
            where.append(resolved["q"])
        for name, value in resolved.items():
            if name != "q":
                where += self.filters[name].where(value, resolved)
        return where

    def rows_by_id(self, conn: Connection, ids: list[str]) -> list[Row]:
        """The records of `ids`, in that order."""
        if not ids:
            return []
        found = {row["id"]: row for row in self.by_id.dicts(conn, ids=ids)}
        return [found[i] for i in ids]


class SqlMatches:
    """The records a request's filters match, paged and counted in SQL; totals and facets are
    cached per dataset version."""

    def __init__(
        self, conn: Connection, resource: Resource, given: dict[str, Any], cache: DerivedCache, version: int
    ) -> None:
        self.conn, self.resource, self.given, self.cache, self.version = conn, resource, given, cache, version
        self.key = (resource.name, orjson.dumps(given, default=str, option=orjson.OPT_SORT_KEYS))

    @cached_property
    def resolved(self) -> dict[str, Any]:
        """The filters given, each as its conditions need it (ids checked, dates parsed)."""
        return self.resource.resolve(self.conn, self.given)

    @cached_property
    def conditions(self) -> list[Condition]:
        return self.resource.build(self.resolved, self.given)

    def page(self, keys: list[SortKey], after: list[Any] | None, limit: int) -> tuple[list[Row], bool]:
        where = for_page(self.conditions)
        if after is not None:
            where.append(keyset_after(keys, after))
        stmt = select(*self.resource.table.columns).where(*where).order_by(*order_by(keys)).limit(limit + 1)
        columns, fetched = raw_rows(self.conn, stmt)
        rows = [dict(zip(columns, r, strict=True)) for r in fetched]
        return rows[:limit], len(rows) > limit

    def total(self) -> int:
        total: int = self.cache.get(
            self.version, ("total", *self.key), lambda: count_rows(self.conn, self.resource, self.conditions)
        )
        return total

    def facet(self, name: str) -> list[Row]:
        def count() -> list[Row]:
            ids = select(self.resource.table.c.id).where(*for_count(self.conditions))
            return count_facet(self.conn, self.resource.facets[name], ids)

        counts: list[Row] = self.cache.get(self.version, ("facet", name, *self.key), count)
        return counts


class BitmapMatches(SqlMatches):
    """The same, counted off the count bitmaps: every filter is one of their dimensions."""

    def __init__(self, sql: SqlMatches, bitmaps: Bitmaps, found: BitMap | None) -> None:
        super().__init__(sql.conn, sql.resource, sql.given, sql.cache, sql.version)
        self.bitmaps, self.found = bitmaps, found

    def page(self, keys: list[SortKey], after: list[Any] | None, limit: int) -> tuple[list[Row], bool]:
        if self.bitmaps.ids is None or len(keys) != 1:  # by id alone, in Python's order of ids
            return super().page(keys, after, limit)
        ids, more = self.bitmaps.page(self.found, after[0] if after else None, limit, keys[0].descending)
        return self.resource.rows_by_id(self.conn, ids), more

    def total(self) -> int:
        return self.bitmaps.total(self.found)

    def facet(self, name: str) -> list[Row]:
        if name not in self.resource.dimensions:
            return super().facet(name)
        return self.bitmaps.facet(name, self.found)


@dataclass(frozen=True)
class Listing:
    """Everything a list endpoint depends on."""

    request: Request
    snap: Snapshot
    settings: Settings
    derived: DerivedCache
    counts: CountIndex | None

    def matches(self, resource: Resource, given: dict[str, Any]) -> SqlMatches:
        """The counting strategy of this request: bitmaps of its own version, or SQL."""
        sql = SqlMatches(self.snap.conn, resource, given, self.derived, self.snap.version)
        bitmaps = (
            self.counts.get(self.snap.version, resource.name) if self.counts and resource.dimensions else None
        )
        dims = dimension_filters(resource.dimensions, given) if bitmaps is not None else None
        if bitmaps is None or dims is None:
            return sql
        return BitmapMatches(sql, bitmaps, bitmaps.matching(dims))


async def listing(request: Request, snap: ListSnapshotDep) -> Listing:
    return Listing(request, snap, settings_of(request), derived_of(request), counts_of(request))


ListingDep = Annotated[Listing, Depends(listing)]


def named(params: BaseModel, parameter: str) -> list[str]:
    """The names a comma-separated parameter lists (`-announced_on,name`), exactly as written:
    given but empty (`sort=`), an empty name or one padded with spaces is an error."""
    value: str | None = getattr(params, parameter)
    if value is None:
        return []
    names = value.split(",")
    if any(not name or name != name.strip() for name in names):
        raise InvalidParameter(
            parameter, "separate names with commas, without spaces or empty names (e.g. -amount,id)"
        )
    return names


def sort_keys(resource: Resource, params: BaseModel) -> list[SortKey]:
    return parse_sort(resource.sorts, named(params, "sort") or [resource.default_sort])


def signed(resource: Resource, params: ListQuery, keys: list[SortKey]) -> str:
    """The signature of the query a cursor of this list belongs to."""
    filters = params.model_dump(exclude={"cursor", "limit", "format", "facets", "sort"})  # sort: the keys
    return signature(resource.name, keys, filters)


def cursor_after(resource: Resource, params: ListQuery, values: list[Any]) -> str:
    """The cursor of the page after a row with these sort values (benchmarks jump deep with it)."""
    keys = sort_keys(resource, params)
    return encode_cursor(signed(resource, params, keys), keys, values)


def run_list(ctx: Listing, resource: Resource, params: ListQuery) -> Response:
    """One page as JSON, or every matching row as CSV / NDJSON."""
    conn = ctx.snap.conn
    fmt = ctx.snap.representation  # `format`, else Accept (app.common.negotiation)
    if fmt is not Format.json:
        misplaced = sorted(PAGE_ONLY & params.model_fields_set)
        if misplaced:
            raise InvalidParameter(
                misplaced[0],
                f"does not apply to exports ({fmt.value}: every matching row); leave it out,"
                " or ask for format=json to get one page",
            )
        return run_export(ctx, resource, params, fmt)
    keys = sort_keys(resource, params)
    facets = facet_names(resource.facets, named(params, "facets"))  # checked whatever the format
    given = resource.given(params)
    query = signed(resource, params, keys)
    after = decode_cursor(params.cursor, query, keys) if params.cursor else None
    matches = ctx.matches(resource, given)

    rows, more = matches.page(keys, after, params.limit)
    body: dict[str, Any] = {
        "items": resource.items(conn, rows, matches.resolved),
        "total": matches.total(),
        "next_cursor": None,
    }
    headers = {}
    if more and rows:
        body["next_cursor"] = encode_cursor(query, keys, [rows[-1][k.field.column.key] for k in keys])
        next_url = ctx.request.url.include_query_params(cursor=body["next_cursor"])
        headers["Link"] = f'<{next_url}>; rel="next"'
    if facets:
        body["facets"] = {name: matches.facet(name) for name in facets}
    return json_response(ctx.snap, body, headers=headers)


def run_export(ctx: Listing, resource: Resource, params: BaseModel, fmt: Format) -> Response:
    """Every row the list's filters match, in its sort, as CSV or NDJSON (`params` may be the
    list's or its export's: app.common.exports)."""
    keys = sort_keys(resource, params)
    given = resource.given(params)
    resolved = resource.resolve(ctx.snap.conn, given)
    conditions = resource.build(resolved, given)
    return respond(
        ctx.snap,
        export(
            ctx.snap.conn, resource, keys, conditions, fmt, resolved, max_rows=ctx.settings.max_export_rows
        ),
    )
