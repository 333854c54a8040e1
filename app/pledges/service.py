"""SQL for pledges and their totals."""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Subquery, case, func, literal, select

from app.common.conditions import Condition, for_count, year_of
from app.common.facets import column_facet
from app.common.listing import Resource
from app.common.queries import one, values_of, whole
from app.initiatives.service import brief as initiative_brief
from app.models import tables
from app.pledges import lifecycle
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
    "overdue",
    "progress_amount",
    "progress_share",
    "progress_as_of",
]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    row = {k: item.get(k) for k in CSV_COLUMNS}
    row["pledger_ids"] = "; ".join(p["id"] for p in item["pledgers"])
    row["pledger_names"] = "; ".join(p["name"] for p in item["pledgers"])
    row["countries"] = "; ".join(item["countries"])
    row["amount"] = f"{item['amount']:.0f}" if item["amount"] == int(item["amount"]) else repr(item["amount"])
    for key in ("announced_on", "target_on"):
        row[key] = item[key].isoformat() if item[key] else None
    latest = (item["progress"] or {}).get("latest") or {}
    row["progress_amount"] = latest.get("amount")
    row["progress_share"] = latest.get("share")
    row["progress_as_of"] = latest.get("as_of")
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
    derive=lifecycle.annotate,
)


def detail(conn: Connection, pledge_id: str, given: dict[str, Any]) -> dict[str, Any] | None:
    """The pledge with its links, `progress` and `overdue` at the reference day of `given`."""
    row = one(conn, pledges, pledge_id)
    if row is None:
        return None
    item = RESOURCE.items(conn, [row], given)[0]
    item["pledger_organizations"] = pledgers_of(conn, [pledge_id]).get(pledge_id, [])
    item["initiative"] = initiative_brief(conn, row["initiative_id"])
    item["figures"] = item["progress"]["figures"] if item["progress"] else []
    item.update(provenance(conn, "pledge", pledge_id))
    return item


def summary(conn: Connection, group_by: GroupBy, where: list[Condition], day: date) -> dict[str, Any]:
    """Per group and unit (units are never added together): `pledged`, the sum of amounts;
    `reported`, the sum of the latest progress in that unit (null when no pledge has one);
    `overdue` at `day`; `count`. A pledge of two organizations counts in both groups and once
    in the totals."""
    ids = select(pledges.c.id).where(*for_count(where))
    base = pledges.c.id.in_(ids)
    latest = lifecycle.latest_in_unit(base).subquery("latest")
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
        stmt = select(key.label("key"), label.label("label")).select_from(pledges)
        group = [key]
    groups = [
        _sums(r)
        for r in conn.execute(
            _summed(stmt, latest, day).where(base).group_by(*group, pledges.c.unit)
        ).mappings()
    ]
    groups.sort(key=lambda g: (g["key"] is None, g["key"] or 0, g["unit"]))  # unknown last
    whole_set: Select[Any] = select(label.label("key"), label.label("label")).select_from(pledges)
    totals = [
        _sums(r)
        for r in conn.execute(
            _summed(whole_set, latest, day).where(base).group_by(pledges.c.unit).order_by(pledges.c.unit)
        ).mappings()
    ]
    return {"group_by": group_by.value, "as_of": day, "groups": groups, "totals": totals}


def _summed(stmt: Select[Any], latest: Subquery, day: date) -> Select[Any]:
    """The sums of one row per (group, unit): pledged, reported, overdue, count."""
    late = case((lifecycle.overdue(day), 1), else_=0)
    return stmt.outerjoin(latest, latest.c.pledge_id == pledges.c.id).add_columns(
        pledges.c.unit.label("unit"),
        func.sum(pledges.c.amount).label("pledged"),
        func.sum(latest.c.amount).label("reported"),
        func.sum(late).label("overdue"),
        func.count(pledges.c.id).label("count"),
    )


def _sums(row: Any) -> dict[str, Any]:
    reported = row["reported"]
    return {
        **row,
        "pledged": whole(row["pledged"]),
        "total": whole(row["pledged"]),
        "reported": None if reported is None else whole(reported),
        "overdue": int(row["overdue"]),
    }
