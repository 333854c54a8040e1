"""SQL for pledges and their totals."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal, select

from app.common.conditions import Condition, for_count, year_of
from app.common.facets import column_facet
from app.common.listing import Resource
from app.common.queries import one, values_of
from app.initiatives.service import brief as initiative_brief
from app.models import tables
from app.organizations.tree import org_brief_columns
from app.pledges.query import SORTS, GroupBy, PledgeQuery
from app.sources.citations import citations_of

pledges = tables.pledges
countries = tables.pledge_countries
orgs = tables.organizations


def whole(amount: float) -> int | float:
    """An amount as the API shows it: an integer when it is whole (30000, not 30000.0)."""
    return int(amount) if float(amount).is_integer() else float(amount)


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_country = values_of(conn, countries, "pledge_id", "country", ids)
    pledger_ids = sorted({r["pledger_id"] for r in rows})
    names = dict(conn.execute(select(orgs.c.id, orgs.c.name).where(orgs.c.id.in_(pledger_ids))).all())
    return [
        {
            **r,
            "amount": whole(r["amount"]),
            "pledger": {"id": r["pledger_id"], "name": names[r["pledger_id"]]},
            "countries": by_country.get(r["id"], []),
        }
        for r in rows
    ]


CSV_COLUMNS = [
    "id",
    "pledger_id",
    "pledger_name",
    "initiative_id",
    "metric",
    "amount",
    "unit",
    "audience",
    "countries",
    "announced_on",
    "announced_precision",
    "target_on",
    "target_precision",
    "target_text",
    "status",
]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    row = {k: item.get(k) for k in CSV_COLUMNS}
    row["pledger_name"] = item["pledger"]["name"]
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
    item["pledger_organization"] = dict(
        conn.execute(select(*org_brief_columns()).where(orgs.c.id == row["pledger_id"])).mappings().one()
    )
    item["initiative"] = initiative_brief(conn, row["initiative_id"])
    item["citations"] = citations_of(conn, "pledge_id", [pledge_id]).get(pledge_id, [])
    return item


def summary(conn: Connection, group_by: GroupBy, where: list[Condition]) -> dict[str, Any]:
    """Totals of amount per group and unit, with counts; units are never added together."""
    ids = select(pledges.c.id).where(*for_count(where))
    base = pledges.c.id.in_(ids)
    label: ColumnElement[Any] = literal(None)
    if group_by is GroupBy.organization:
        key: ColumnElement[Any] = pledges.c.pledger_id
        stmt = select(key.label("key"), orgs.c.name.label("label")).join(
            orgs, orgs.c.id == pledges.c.pledger_id
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
