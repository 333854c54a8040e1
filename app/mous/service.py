"""SQL for MoUs: list embeds and the detail record."""

from typing import Any

from sqlalchemy import Connection, select

from app.common.conditions import year_of
from app.common.facets import column_facet
from app.common.listing import Resource
from app.common.queries import grouped, one
from app.common.sql import Prepared, in_values
from app.initiatives.service import brief as initiative_brief
from app.models import tables
from app.mous.query import SORTS, MouQuery
from app.organizations.tree import ORG_BRIEFS
from app.people.positions import titles_of
from app.sources.citations import provenance

mous = tables.mous
parties = tables.mou_parties
witnesses = tables.mou_witnesses
orgs = tables.organizations
people = tables.people


PARTIES = Prepared(
    select(parties.c.mou_id, orgs.c.id, orgs.c.name)
    .join(orgs, orgs.c.id == parties.c.organization_id)
    .where(in_values(parties.c.mou_id, "ids"))
    .order_by(parties.c.mou_id, orgs.c.id)
)


WITNESSES = Prepared(
    select(witnesses.c.mou_id, people.c.id, people.c.name)
    .join(people, people.c.id == witnesses.c.person_id)
    .where(in_values(witnesses.c.mou_id, "ids"))
    .order_by(witnesses.c.mou_id, witnesses.c.position)
)


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_party = grouped(conn, PARTIES, ids=ids)
    by_witness = grouped(conn, WITNESSES, ids=ids)
    return [
        {**r, "parties": by_party.get(r["id"], []), "witnesses": by_witness.get(r["id"], [])} for r in rows
    ]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: item[k] for k in ("id", "title", "signed_precision", "place", "initiative_id", "summary")},
        "signed_on": item["signed_on"].isoformat() if item["signed_on"] else None,
        "parties": "; ".join(p["id"] for p in item["parties"]),
        "witnesses": "; ".join(w["id"] for w in item["witnesses"]),
    }


RESOURCE = Resource(
    name="mous",
    table=mous,
    query=MouQuery,
    search="mou",
    sorts=SORTS,
    more_facets={"year": column_facet(mous.c.id, year_of(mous.c.signed_on))},
    embed=embed,
    csv_columns=[
        "id",
        "title",
        "signed_on",
        "signed_precision",
        "place",
        "initiative_id",
        "summary",
        "parties",
        "witnesses",
    ],
    csv_row=csv_row,
)


def detail(conn: Connection, mou_id: str) -> dict[str, Any] | None:
    row = one(conn, mous, mou_id)
    if row is None:
        return None
    item = embed(conn, [row])[0]
    party_ids = [p["id"] for p in item["parties"]]
    item["parties"] = ORG_BRIEFS.dicts(conn, ids=party_ids)
    titles = titles_of(conn, [w["id"] for w in item["witnesses"]])
    item["witnesses"] = [{**w, "positions": titles.get(w["id"], [])} for w in item["witnesses"]]
    item["initiative"] = initiative_brief(conn, row["initiative_id"])
    item.update(provenance(conn, "mou", mou_id))
    return item
