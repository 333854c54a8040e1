"""SQL for MoUs."""

from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, exists, func, select

from app.common.counting import Dimension
from app.common.listing import Resource, SortField, column_facet, date_overlaps, year_of
from app.common.lookups import (
    ORG_BRIEFS,
    Condition,
    Membership,
    citations_of,
    cited_by,
    grouped,
    initiative_brief,
    one,
    organization_tree,
    require_ids,
)
from app.common.params import date_range
from app.common.sql import Prepared, in_values
from app.models import Initiative, Mou, MouParty, MouWitness, Organization
from app.mous.schemas import MouQuery
from app.search.engine import matching_ids

mous = Mou.__table__
parties = MouParty.__table__
witnesses = MouWitness.__table__
orgs = Organization.__table__


def conditions(conn: Connection, p: MouQuery) -> list[Condition]:
    where: list[Condition] = []
    if p.q:
        where.append(mous.c.id.in_(matching_ids(conn, "mou", p.q)))
    if p.party:
        tree = organization_tree(conn, p.party, "party")
        where.append(mous.c.id.in_(select(parties.c.mou_id).where(parties.c.organization_id.in_(tree))))
    if p.country:
        in_country = select(orgs.c.id).where(orgs.c.country.in_(p.country))
        where.append(
            Membership(
                probe=exists().where(
                    parties.c.mou_id == mous.c.id, parties.c.organization_id.in_(in_country)
                ),
                listed=mous.c.id.in_(
                    select(parties.c.mou_id).where(parties.c.organization_id.in_(in_country))
                ),
            )
        )
    lo, hi = date_range(p.signed_from, p.signed_to, start_name="signed_from", end_name="signed_to")
    where += date_overlaps(mous.c.signed_on, mous.c.signed_precision, lo, hi)
    if p.initiative:
        require_ids(conn, Initiative.__table__, p.initiative, "initiative")
        where.append(mous.c.initiative_id.in_(p.initiative))
    if p.source:
        where.append(cited_by(conn, mous.c.id, "mou_id", p.source))
    return where


PARTIES = Prepared(
    select(parties.c.mou_id, orgs.c.id, orgs.c.name)
    .join(orgs, orgs.c.id == parties.c.organization_id)
    .where(in_values(parties.c.mou_id, "ids"))
    .order_by(parties.c.mou_id, orgs.c.id)
)


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_party = grouped(conn, PARTIES, ids=ids)
    by_witness: dict[str, list[str]] = {}
    for mou_id, name in conn.execute(
        select(witnesses.c.mou_id, witnesses.c.name)
        .where(witnesses.c.mou_id.in_(ids))
        .order_by(witnesses.c.mou_id, witnesses.c.position)
    ):
        by_witness.setdefault(mou_id, []).append(name)
    return [
        {**r, "parties": by_party.get(r["id"], []), "witnesses": by_witness.get(r["id"], [])} for r in rows
    ]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: item[k] for k in ("id", "title", "signed_precision", "place", "initiative_id", "summary")},
        "signed_on": item["signed_on"].isoformat() if item["signed_on"] else None,
        "parties": "; ".join(p["id"] for p in item["parties"]),
        "witnesses": "; ".join(item["witnesses"]),
    }


def _party_facet(column: Any) -> Any:
    def facet(ids: Select[Any], _conditions: list[Any]) -> Select[Any]:
        return (
            select(column, func.count(func.distinct(parties.c.mou_id)))
            .join(orgs, orgs.c.id == parties.c.organization_id)
            .where(parties.c.mou_id.in_(ids))
            .group_by(column)
        )

    return facet


RESOURCE = Resource(
    name="mous",
    table=mous,
    sorts={
        "id": SortField(mous.c.id),
        "title": SortField(mous.c.title),
        "signed_on": SortField(mous.c.signed_on, date, nullable=True),
    },
    default_sort="id",
    facets={
        "country": _party_facet(orgs.c.country),
        "party": _party_facet(orgs.c.id),
        "year": column_facet(mous.c.id, year_of(mous.c.signed_on)),
    },
    dimensions={
        "country": Dimension(
            lambda: select(parties.c.mou_id, orgs.c.country).join(
                orgs, orgs.c.id == parties.c.organization_id
            )
        ),
    },
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
    item["initiative"] = initiative_brief(conn, row["initiative_id"])
    item["citations"] = citations_of(conn, "mou_id", [mou_id]).get(mou_id, [])
    return item
