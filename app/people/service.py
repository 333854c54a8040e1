"""SQL for people: list embeds and the detail record with the quotes attributed to them."""

from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, literal_column, select

from app.common.listing import Resource
from app.common.queries import Row, one, values_of
from app.common.sql import Prepared
from app.models import tables
from app.models.citation import SUBJECTS
from app.organizations.tree import ORG_BRIEFS
from app.people.positions import titles_of
from app.people.query import SORTS, PersonQuery
from app.sources.citations import provenance

people = tables.people
aliases = tables.person_aliases
cit, src, docs = tables.citations, tables.sources, tables.search_documents
mous, witnesses = tables.mous, tables.mou_witnesses


def embed(conn: Connection, rows: list[Row]) -> list[Row]:
    """Aliases and positions of a page, in two queries whatever its size."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_alias = values_of(conn, aliases, "person_id", "alias", ids)
    titles = titles_of(conn, ids)
    return [{**r, "aliases": by_alias.get(r["id"], []), "positions": titles.get(r["id"], [])} for r in rows]


CSV_COLUMNS = ["id", "name", "aliases", "positions", "organization_ids"]


def csv_row(item: Row) -> Row:
    orgs = dict.fromkeys(p["organization_id"] for p in item["positions"] if p["organization_id"])
    return {
        "id": item["id"],
        "name": item["name"],
        "aliases": "; ".join(item["aliases"]),
        "positions": "; ".join(p["title"] for p in item["positions"]),
        "organization_ids": "; ".join(orgs),
    }


RESOURCE = Resource(
    name="people",
    table=people,
    query=PersonQuery,
    search="person",
    sorts=SORTS,
    embed=embed,
    csv_columns=CSV_COLUMNS,
    csv_row=csv_row,
)

WITNESSED = Prepared(
    select(mous.c.id, mous.c.title, mous.c.signed_on, mous.c.signed_precision)
    .join(witnesses, witnesses.c.mou_id == mous.c.id)
    .where(witnesses.c.person_id == bindparam("id"))
    .order_by(mous.c.signed_on.nulls_last(), mous.c.id)
)

# The record a citation belongs to: the one subject column it sets, named as search names it.
_kind = case(*((cit.c[f"{s}_id"].is_not(None), literal_column(f"'{s}'")) for s in SUBJECTS))
_record = func.coalesce(*(cit.c[f"{s}_id"] for s in SUBJECTS))
QUOTES = Prepared(
    select(
        _kind.label("type"),
        _record.label("id"),
        docs.c.name,
        cit.c.source_id,
        src.c.title.label("source_title"),
        cit.c.quote,
        cit.c.supports,
        cit.c.attribution,
    )
    .join(src, src.c.id == cit.c.source_id)
    .outerjoin(docs, and_(docs.c.resource == _kind, docs.c.record_id == _record))
    .where(cit.c.speaker_id == bindparam("id"))
    .order_by(cit.c.source_id, cit.c.id)
)


def detail(conn: Connection, person_id: str) -> dict[str, Any] | None:
    row = one(conn, people, person_id)
    if row is None:
        return None
    item = embed(conn, [row])[0]
    titles = item.pop("positions")
    orgs = {
        o["id"]: o
        for o in ORG_BRIEFS.dicts(conn, ids=[t["organization_id"] for t in titles if t["organization_id"]])
    }
    item["positions"] = [
        {"title": t["title"], "organization": orgs.get(t["organization_id"]), "source_id": t["source_id"]}
        for t in titles
    ]
    item["mous_witnessed"] = WITNESSED.dicts(conn, id=person_id)
    item["quotes"] = [{**q, "supports": q["supports"].split()} for q in QUOTES.dicts(conn, id=person_id)]
    item.update(provenance(conn, "person", person_id))
    return item
