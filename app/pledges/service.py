"""SQL for pledges and their totals."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, literal, select

from app.common.conditions import Condition, for_count, year_of
from app.common.facets import column_facet
from app.common.listing import Resource
from app.common.queries import one, values_of, whole
from app.common.sql import Prepared
from app.initiatives.service import brief as initiative_brief
from app.models import tables
from app.pledges.pledgers import pledgers_of
from app.pledges.query import SORTS, GroupBy, PledgeQuery
from app.sources.citations import provenance

pledges = tables.pledges
countries = tables.pledge_countries
orgs = tables.organizations
pledgers = tables.pledge_pledgers


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_country = values_of(conn, countries, "pledge_id", "country", ids)
    by_pledge = pledgers_of(conn, ids)
    return [
        {
            **r,
            "amount": whole(r["amount"]),
            "pledgers": [{"id": o["id"], "name": o["name"]} for o in by_pledge.get(r["id"], [])],
            "countries": by_country.get(r["id"], []),
        }
        for r in rows
    ]


CSV_COLUMNS = [
    "id",
    "pledger_ids",
    "pledger_names",
    "initiative_id",
    "metric",
    "amount",
    "amount_text",
    "qualifier",
    "unit",
    "audience",
    "countries",
    "scope",
    "region",
    "announced_on",
    "announced_precision",
    "target_on",
    "target_precision",
    "target_text",
    "status",
]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    row = {k: item.get(k) for k in CSV_COLUMNS}
    row["pledger_ids"] = "; ".join(p["id"] for p in item["pledgers"])
    row["pledger_names"] = "; ".join(p["name"] for p in item["pledgers"])
    row["countries"] = "; ".join(item["countries"])
    row["amount"] = f"{item['amount']:.0f}" if item["amount"] == int(item["amount"]) else repr(item["amount"])
    for key in ("announced_on", "target_on"):
        row[key] = item[key].isoformat() if item[key] else None
    return row


RESOURCE = Resource(
    name="pledges",
    table=pledges,
    query=PledgeQuery,
    search="pledge",
    sorts=SORTS,
    more_facets={"year": column_facet(pledges.c.id, year_of(pledges.c.target_on))},
    embed=embed,
    csv_columns=CSV_COLUMNS,
    csv_row=csv_row,
)


def detail(conn: Connection, pledge_id: str) -> dict[str, Any] | None:
    row = one(conn, pledges, pledge_id)
    if row is None:
        return None
    item = embed(conn, [row])[0]
    item["pledger_organizations"] = pledgers_of(conn, [pledge_id]).get(pledge_id, [])
    item["initiative"] = initiative_brief(conn, row["initiative_id"])
    item["figures"] = FIGURES.dicts(conn, id=pledge_id)
    item.update(provenance(conn, "pledge", pledge_id))
    return item


fig = tables.figures
FIGURES = Prepared(
    select(
        fig.c.id,
        fig.c.metric,
        fig.c.amount,
        fig.c.amount_text,
        fig.c.qualifier,
        fig.c.unit,
        fig.c.as_of,
        fig.c.as_of_precision,
    )
    .where(fig.c.pledge_id == bindparam("id"))
    .order_by(fig.c.as_of.desc().nulls_last(), fig.c.id)
)


def summary(conn: Connection, group_by: GroupBy, where: list[Condition]) -> dict[str, Any]:
    """Totals of amount per group and unit, with counts; units are never added together."""
    ids = select(pledges.c.id).where(*for_count(where))
    base = pledges.c.id.in_(ids)
    label: ColumnElement[Any] = literal(None)
    if group_by is GroupBy.organization:  # a pledge of two organizations counts in both groups
        key: ColumnElement[Any] = pledgers.c.organization_id
        stmt = (
            select(key.label("key"), orgs.c.name.label("label"))
            .select_from(pledges)
            .join(pledgers, pledgers.c.pledge_id == pledges.c.id)
            .join(orgs, orgs.c.id == pledgers.c.organization_id)
        )
        group = [key, orgs.c.name]
    elif group_by is GroupBy.country:
        key = countries.c.country
        stmt = (
            select(key.label("key"), label.label("label"))
            .select_from(pledges)
            .outerjoin(countries, countries.c.pledge_id == pledges.c.id)
        )
        group = [key]
    else:
        key = {
            GroupBy.metric: pledges.c.metric,
            GroupBy.year: year_of(pledges.c.target_on),
            GroupBy.announced_year: year_of(pledges.c.announced_on),
        }[group_by]
        stmt = select(key.label("key"), label.label("label"))
        group = [key]
    stmt = (
        stmt.add_columns(
            pledges.c.unit.label("unit"),
            func.sum(pledges.c.amount).label("total"),
            func.count(pledges.c.id).label("count"),
        )
        .where(base)
        .group_by(*group, pledges.c.unit)
    )
    groups = [{**r, "total": whole(r["total"])} for r in conn.execute(stmt).mappings()]
    groups.sort(key=lambda g: (g["key"] is None, g["key"] or 0, g["unit"]))  # unknown last
    totals = [
        {"key": None, "label": None, "unit": unit, "total": whole(total), "count": count}
        for unit, total, count in conn.execute(
            select(pledges.c.unit, func.sum(pledges.c.amount), func.count())
            .where(base)
            .group_by(pledges.c.unit)
            .order_by(pledges.c.unit)
        )
    ]
    return {"group_by": group_by.value, "groups": groups, "totals": totals}
