"""SQL for sources and the records that cite them."""

from typing import Any

from sqlalchemy import Connection, select

from app.common.conditions import year_of
from app.common.facets import column_facet
from app.common.listing import Resource
from app.common.queries import one
from app.models import tables
from app.sources.query import SORTS, SourceQuery

sources = tables.sources
COLUMNS = ["id", "title", "publisher", "published_on", "published_precision", "url", "document"]
DATELINE = ("dateline_text", "dateline_place", "dateline_on", "dateline_precision")


def _dateline(row: dict[str, Any]) -> dict[str, Any]:
    """The four dateline columns as one `dateline` object (null when the article has none)."""
    text, place, on, precision = (row.pop(c) for c in DATELINE)
    row["dateline"] = {"text": text, "place": place, "on": on, "precision": precision} if text else None
    return row


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_dateline(dict(r)) for r in rows]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    row = {k: item[k] for k in COLUMNS}
    row["published_on"] = str(item["published_on"]) if item["published_on"] else None
    line = item["dateline"] or {}
    row["dateline_text"], row["dateline_place"] = line.get("text"), line.get("place")
    row["dateline_on"] = str(line["on"]) if line.get("on") else None
    return row


RESOURCE = Resource(
    name="sources",
    table=sources,
    query=SourceQuery,
    search="source",
    sorts=SORTS,
    more_facets={
        "publisher": column_facet(sources.c.id, sources.c.publisher),
        "year": column_facet(sources.c.id, year_of(sources.c.published_on)),
    },
    embed=embed,
    csv_columns=[*COLUMNS, "dateline_text", "dateline_place", "dateline_on"],
    csv_row=csv_row,
)


def detail(conn: Connection, source_id: str) -> dict[str, Any] | None:
    found = one(conn, sources, source_id)
    if found is None:
        return None
    row = _dateline(dict(found))
    cit, docs = tables.citations, tables.search_documents
    for key, resource, table in (
        ("organizations", "organization", tables.organizations),
        ("people", "person", tables.people),
        ("initiatives", "initiative", tables.initiatives),
        ("mous", "mou", tables.mous),
        ("pledges", "pledge", tables.pledges),
        ("figures", "figure", tables.figures),
    ):
        column = cit.c[f"{resource}_id"]
        records: dict[str, dict[str, Any]] = {}
        for record_id, name, quote in conn.execute(
            select(column, docs.c.name, cit.c.quote)
            .join(table, table.c.id == column)
            .join(docs, (docs.c.resource == resource) & (docs.c.record_id == column))
            .where(cit.c.source_id == source_id)
            .order_by(column, cit.c.id)
        ):
            records.setdefault(record_id, {"id": record_id, "name": name, "quotes": []})["quotes"].append(
                quote
            )
        row[key] = list(records.values())
    return row
