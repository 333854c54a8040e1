"""SQL for figures: list embeds and the detail record."""

from typing import Any

from sqlalchemy import Connection, bindparam, select

from app.common.listing import Resource
from app.common.queries import Row, one, values_of, whole
from app.common.sql import Prepared, in_values
from app.figures.query import SORTS, FigureQuery
from app.initiatives.service import brief as initiative_brief
from app.models import tables
from app.organizations.tree import ORG_BRIEFS
from app.pledges.pledgers import pledgers_of
from app.sources.citations import provenance

fig, countries, docs, pl = tables.figures, tables.figure_countries, tables.search_documents, tables.pledges

NAMES = Prepared(
    select(docs.c.record_id, docs.c.name).where(
        docs.c.resource == "figure", in_values(docs.c.record_id, "ids")
    )
)


def embed(conn: Connection, rows: list[Row]) -> list[Row]:
    """Names and countries of a page, in two queries whatever its size."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_country = values_of(conn, countries, "figure_id", "country", ids)
    names = dict(NAMES.rows(conn, ids=ids))
    return [
        {
            "id": r["id"],
            "name": names.get(r["id"], r["id"]),
            "subject_type": "organization" if r["organization_id"] else "initiative",
            **{k: v for k, v in r.items() if k != "id"},
            "amount": whole(r["amount"]),
            "countries": by_country.get(r["id"], []),
        }
        for r in rows
    ]


CSV_COLUMNS = [
    "id",
    "name",
    "subject_type",
    "organization_id",
    "initiative_id",
    "metric",
    "amount",
    "amount_text",
    "qualifier",
    "unit",
    "as_of",
    "as_of_precision",
    "countries",
    "scope",
    "region",
    "pledge_id",
]


def csv_row(item: Row) -> Row:
    row = {k: item.get(k) for k in CSV_COLUMNS}
    row["countries"] = "; ".join(item["countries"])
    row["as_of"] = item["as_of"].isoformat() if item["as_of"] else None
    return row


RESOURCE = Resource(
    name="figures",
    table=fig,
    query=FigureQuery,
    search="figure",
    sorts=SORTS,
    embed=embed,
    csv_columns=CSV_COLUMNS,
    csv_row=csv_row,
)

PLEDGE = Prepared(
    select(
        pl.c.id,
        pl.c.metric,
        pl.c.amount,
        pl.c.unit,
        pl.c.audience,
        pl.c.target_on,
        pl.c.target_precision,
        pl.c.status,
    ).where(pl.c.id == bindparam("id"))
)


def pledge_brief(conn: Connection, pledge_id: str | None) -> Row | None:
    """The pledge a figure reports progress towards, with its pledgers."""
    found = PLEDGE.first(conn, id=pledge_id) if pledge_id else None
    if found is None:
        return None
    pledgers = pledgers_of(conn, [found["id"]]).get(found["id"], [])
    return {
        **found,
        "amount": whole(found["amount"]),
        "pledgers": [{"id": o["id"], "name": o["name"]} for o in pledgers],
    }


def detail(conn: Connection, figure_id: str) -> dict[str, Any] | None:
    row = one(conn, fig, figure_id)
    if row is None:
        return None
    item = embed(conn, [row])[0]
    if row["organization_id"]:
        item["subject"] = ORG_BRIEFS.dicts(conn, ids=[row["organization_id"]])[0]
    else:
        item["subject"] = initiative_brief(conn, row["initiative_id"])
    item["pledge"] = pledge_brief(conn, row["pledge_id"])
    item.update(provenance(conn, "figure", figure_id))
    return item
