"""SQL for pledges and their totals."""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, literal, select

from app.common.counting import Dimension
from app.common.listing import Resource, SortField, column_facet, date_overlaps, link_facet, year_of
from app.common.lookups import (
    Condition,
    citations_of,
    cited_by,
    for_count,
    has_any,
    initiative_brief,
    one,
    org_brief_columns,
    organization_tree,
    require_ids,
    values_of,
)
from app.common.params import date_range
from app.common.problems import InvalidParameter
from app.models import Initiative, Organization, Pledge, PledgeCountry
from app.pledges.schemas import GroupBy, PledgeFilters
from app.search.engine import matching_ids

pledges = Pledge.__table__
countries = PledgeCountry.__table__
orgs = Organization.__table__


def conditions(conn: Connection, p: PledgeFilters) -> list[Condition]:
    where: list[Condition] = []
    if p.q:
        where.append(pledges.c.id.in_(matching_ids(conn, "pledge", p.q)))
    if p.organization:
        where.append(pledges.c.pledger_id.in_(organization_tree(conn, p.organization, "organization")))
    if p.country:
        where.append(has_any(pledges.c.id, countries, "pledge_id", "country", p.country))
    if p.metric:
        where.append(pledges.c.metric.in_([m.value for m in p.metric]))
    if p.unit:
        where.append(pledges.c.unit.in_([u.value for u in p.unit]))
    if p.min_amount is not None and p.max_amount is not None and p.min_amount > p.max_amount:
        raise InvalidParameter("max_amount", "is smaller than min_amount")
    if p.min_amount is not None:
        where.append(pledges.c.amount >= p.min_amount)
    if p.max_amount is not None:
        where.append(pledges.c.amount <= p.max_amount)
    lo, hi = date_range(p.target_from, p.target_to, start_name="target_from", end_name="target_to")
    where += date_overlaps(pledges.c.target_on, pledges.c.target_precision, lo, hi)
    lo, hi = date_range(
        p.announced_from, p.announced_to, start_name="announced_from", end_name="announced_to"
    )
    where += date_overlaps(pledges.c.announced_on, pledges.c.announced_precision, lo, hi)
    if p.initiative:
        require_ids(conn, Initiative.__table__, p.initiative, "initiative")
        where.append(pledges.c.initiative_id.in_(p.initiative))
    if p.status:
        where.append(pledges.c.status.in_([s.value for s in p.status]))
    if p.source:
        where.append(cited_by(conn, pledges.c.id, "pledge_id", p.source))
    return where


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
            "amount": int(r["amount"]) if r["amount"].is_integer() else r["amount"],
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
    sorts={
        "id": SortField(pledges.c.id),
        "amount": SortField(pledges.c.amount, float),
        "metric": SortField(pledges.c.metric),
        "announced_on": SortField(pledges.c.announced_on, date, nullable=True),
        "target_on": SortField(pledges.c.target_on, date, nullable=True),
    },
    default_sort="id",
    facets={
        "metric": column_facet(pledges.c.id, pledges.c.metric),
        "unit": column_facet(pledges.c.id, pledges.c.unit),
        "status": column_facet(pledges.c.id, pledges.c.status),
        "organization": column_facet(pledges.c.id, pledges.c.pledger_id),
        "country": link_facet(countries, "pledge_id", "country"),
        "year": column_facet(pledges.c.id, year_of(pledges.c.target_on)),
    },
    dimensions={
        "country": Dimension(lambda: select(countries.c.pledge_id, countries.c.country)),
        "metric": Dimension(lambda: select(pledges.c.id, pledges.c.metric)),
        "unit": Dimension(lambda: select(pledges.c.id, pledges.c.unit)),
        "status": Dimension(lambda: select(pledges.c.id, pledges.c.status)),
    },
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
    groups = [dict(r) for r in conn.execute(stmt).mappings()]
    groups.sort(key=lambda g: (g["unit"], -g["total"], str(g["key"])))
    totals = [
        {"key": None, "label": None, "unit": unit, "total": total, "count": count}
        for unit, total, count in conn.execute(
            select(pledges.c.unit, func.sum(pledges.c.amount), func.count())
            .where(base)
            .group_by(pledges.c.unit)
            .order_by(pledges.c.unit)
        )
    ]
    return {"group_by": group_by.value, "groups": groups, "totals": totals}
