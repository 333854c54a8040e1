"""SQL for sources and the records that cite them."""

from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from app.common.listing import Resource, SortField, column_facet, year_of
from app.common.lookups import Condition, one
from app.models import Citation, Initiative, Mou, Pledge, SearchDocument, Source
from app.search.engine import matching_ids
from app.sources.schemas import SourceQuery

sources = Source.__table__
COLUMNS = ["id", "title", "publisher", "published_on", "published_precision", "url", "document"]


def conditions(conn: Connection, p: SourceQuery) -> list[Condition]:
    return [sources.c.id.in_(matching_ids(conn, "source", p.q))] if p.q else []


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return rows


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    row = dict(item)
    row["published_on"] = item["published_on"].isoformat() if item["published_on"] else None
    return row


RESOURCE = Resource(
    name="sources",
    table=sources,
    sorts={
        "id": SortField(sources.c.id),
        "title": SortField(sources.c.title),
        "published_on": SortField(sources.c.published_on, date, nullable=True),
    },
    default_sort="id",
    facets={
        "publisher": column_facet(sources.c.id, sources.c.publisher),
        "year": column_facet(sources.c.id, year_of(sources.c.published_on)),
    },
    embed=embed,
    csv_columns=COLUMNS,
    csv_row=csv_row,
)


def detail(conn: Connection, source_id: str) -> dict[str, Any] | None:
    row = one(conn, sources, source_id)
    if row is None:
        return None
    cit, docs = Citation.__table__, SearchDocument.__table__
    for key, resource, table in (
        ("initiatives", "initiative", Initiative.__table__),
        ("mous", "mou", Mou.__table__),
        ("pledges", "pledge", Pledge.__table__),
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
