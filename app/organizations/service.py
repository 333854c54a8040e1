"""SQL for organizations: list embeds, detail and partners."""

from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from app.common.listing import Resource
from app.common.queries import one, values_of
from app.common.sql import Prepared
from app.models import (
    tables,
)
from app.organizations.query import SORTS, OrganizationQuery
from app.organizations.tree import org_brief_columns, organization_tree
from app.sources.citations import provenance

orgs = tables.organizations
aliases = tables.organization_aliases


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_alias = values_of(conn, aliases, "organization_id", "alias", [r["id"] for r in rows])
    return [{**r, "aliases": by_alias.get(r["id"], [])} for r in rows]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: item[k] for k in ("id", "name", "kind", "country", "parent_id")},
        "aliases": "; ".join(item["aliases"]),
    }


RESOURCE = Resource(
    name="organizations",
    table=orgs,
    query=OrganizationQuery,
    search="organization",
    sorts=SORTS,
    embed=embed,
    csv_columns=["id", "name", "kind", "country", "parent_id", "aliases"],
    csv_row=csv_row,
)


def _counts(conn: Connection, ids: list[str]) -> dict[str, int]:
    part, party, pledger = tables.participants, tables.mou_parties, tables.pledge_pledgers
    return {
        "initiatives": conn.execute(
            select(func.count(func.distinct(part.c.initiative_id))).where(part.c.organization_id.in_(ids))
        ).scalar_one(),
        "mous": conn.execute(
            select(func.count(func.distinct(party.c.mou_id))).where(party.c.organization_id.in_(ids))
        ).scalar_one(),
        "pledges": conn.execute(
            select(func.count(func.distinct(pledger.c.pledge_id))).where(pledger.c.organization_id.in_(ids))
        ).scalar_one(),
    }


def detail(conn: Connection, org_id: str) -> dict[str, Any] | None:
    row = one(conn, orgs, org_id)
    if row is None:
        return None
    item = embed(conn, [row])[0]
    brief = org_brief_columns()
    parent = None
    if row["parent_id"]:
        parent = conn.execute(select(*brief).where(orgs.c.id == row["parent_id"])).mappings().first()
    item["parent"] = dict(parent) if parent else None
    item["subsidiaries"] = [
        dict(r)
        for r in conn.execute(select(*brief).where(orgs.c.parent_id == org_id).order_by(orgs.c.id)).mappings()
    ]
    item["counts"] = _counts(conn, [org_id])
    item["counts_with_subsidiaries"] = _counts(conn, organization_tree(conn, [org_id], "id"))
    item["people"] = PEOPLE.dicts(conn, id=org_id)
    item.update(provenance(conn, "organization", org_id))
    return item


pos, people = tables.positions, tables.people
PEOPLE = Prepared(
    select(people.c.id, people.c.name, pos.c.title, pos.c.source_id)
    .join(pos, pos.c.person_id == people.c.id)
    .where(pos.c.organization_id == bindparam("id"))
    .order_by(people.c.id, pos.c.position)
)


LINKS = ("mous", "initiatives", "pledges")  # what a partner shares with the organization


def partners(conn: Connection, org_id: str) -> dict[str, Any] | None:
    """Organizations sharing an MoU, an initiative or a pledge with `org_id` or its subsidiaries."""
    row = conn.execute(select(*org_brief_columns()).where(orgs.c.id == org_id)).mappings().first()
    if row is None:
        return None
    family = organization_tree(conn, [org_id], "id")
    party, mou = tables.mou_parties, tables.mous
    part, ini = tables.participants, tables.initiatives
    found: dict[str, dict[str, Any]] = {}

    def entry(partner_id: str) -> dict[str, Any]:
        return found.setdefault(partner_id, {"mous": {}, "initiatives": {}, "pledges": {}})

    ours = select(party.c.mou_id).where(party.c.organization_id.in_(family))
    for partner_id, mou_id, title in conn.execute(
        select(party.c.organization_id, mou.c.id, mou.c.title)
        .join(mou, mou.c.id == party.c.mou_id)
        .where(party.c.mou_id.in_(ours), party.c.organization_id.not_in(family))
    ):
        entry(partner_id)["mous"][mou_id] = {"id": mou_id, "name": title}
    ours = select(part.c.initiative_id).where(part.c.organization_id.in_(family))
    for partner_id, ini_id, name, role in conn.execute(
        select(part.c.organization_id, ini.c.id, ini.c.name, part.c.role)
        .join(ini, ini.c.id == part.c.initiative_id)
        .where(part.c.initiative_id.in_(ours), part.c.organization_id.not_in(family))
    ):
        initiative = entry(partner_id)["initiatives"].setdefault(
            ini_id, {"id": ini_id, "name": name, "roles": []}
        )
        initiative["roles"] = sorted({*initiative["roles"], role})
    pledger, doc = tables.pledge_pledgers, tables.search_documents
    ours = select(pledger.c.pledge_id).where(pledger.c.organization_id.in_(family))
    for partner_id, pledge_id, name in conn.execute(  # a pledge's name is its search document's
        select(pledger.c.organization_id, pledger.c.pledge_id, doc.c.name)
        .join(doc, (doc.c.resource == "pledge") & (doc.c.record_id == pledger.c.pledge_id))
        .where(pledger.c.pledge_id.in_(ours), pledger.c.organization_id.not_in(family))
    ):
        entry(partner_id)["pledges"][pledge_id] = {"id": pledge_id, "name": name}
    briefs = {
        r["id"]: dict(r)
        for r in conn.execute(select(*org_brief_columns()).where(orgs.c.id.in_(list(found)))).mappings()
    }
    items: list[dict[str, Any]] = [
        {
            "organization": briefs[pid],
            "mous": sorted(links["mous"].values(), key=lambda m: m["id"]),
            "initiatives": sorted(links["initiatives"].values(), key=lambda i: i["id"]),
            "pledges": sorted(links["pledges"].values(), key=lambda p: p["id"]),
        }
        for pid, links in found.items()
    ]
    items.sort(key=lambda i: (-sum(len(i[k]) for k in LINKS), i["organization"]["id"]))
    return {"organization": dict(row), "items": items, "total": len(items)}
