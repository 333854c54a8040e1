"""SQL for initiatives: filter conditions, list embeds, the detail record."""

from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select

from app.common.counting import Dimension
from app.common.listing import Resource, SortField, column_facet, date_overlaps, link_facet
from app.common.lookups import (
    Condition,
    citations_of,
    cited_by,
    grouped,
    has_any,
    one,
    org_brief_columns,
    organization_tree,
    values_of,
)
from app.common.params import date_range
from app.common.sql import Prepared, in_values
from app.initiatives.schemas import InitiativeQuery
from app.models import (
    Initiative,
    InitiativeCountry,
    InitiativeSector,
    Mou,
    Organization,
    Participant,
    Pledge,
)
from app.search.engine import matching_ids

ini = Initiative.__table__
countries = InitiativeCountry.__table__
sectors = InitiativeSector.__table__
participants = Participant.__table__
orgs = Organization.__table__


def conditions(conn: Connection, p: InitiativeQuery) -> list[Condition]:
    where: list[Condition] = []
    if p.q:
        where.append(ini.c.id.in_(matching_ids(conn, "initiative", p.q)))
    if p.country:
        where.append(has_any(ini.c.id, countries, "initiative_id", "country", p.country))
    if p.sector:
        where.append(has_any(ini.c.id, sectors, "initiative_id", "sector", p.sector))
    roles = [r.value for r in p.role]
    if p.organization:  # the same participant row matches both organization and role
        part = select(participants.c.initiative_id).where(
            participants.c.organization_id.in_(organization_tree(conn, p.organization, "organization"))
        )
        if roles:
            part = part.where(participants.c.role.in_(roles))
        where.append(ini.c.id.in_(part))
    elif roles:
        where.append(has_any(ini.c.id, participants, "initiative_id", "role", roles))
    if p.kind:
        where.append(ini.c.kind.in_([k.value for k in p.kind]))
    if p.status:
        where.append(ini.c.status.in_([s.value for s in p.status]))
    lo, hi = date_range(
        p.announced_from, p.announced_to, start_name="announced_from", end_name="announced_to"
    )
    where += date_overlaps(ini.c.announced_on, ini.c.announced_precision, lo, hi)
    if p.source:
        where.append(cited_by(conn, ini.c.id, "initiative_id", p.source))
    return where


PARTICIPANTS = Prepared(
    select(
        participants.c.initiative_id,
        participants.c.organization_id,
        orgs.c.name,
        participants.c.role,
    )
    .join(orgs, orgs.c.id == participants.c.organization_id)
    .where(in_values(participants.c.initiative_id, "ids"))
    .order_by(participants.c.initiative_id, participants.c.role, participants.c.organization_id)
)


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Countries, sectors and participants of a page, in three queries whatever its size."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_country = values_of(conn, countries, "initiative_id", "country", ids)
    by_sector = values_of(conn, sectors, "initiative_id", "sector", ids)
    parts = grouped(conn, PARTICIPANTS, ids=ids)
    return [
        {
            **r,
            "countries": by_country.get(r["id"], []),
            "sectors": by_sector.get(r["id"], []),
            "participants": parts.get(r["id"], []),
        }
        for r in rows
    ]


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: item[k] for k in ("id", "name", "kind", "status", "summary", "announced_precision")},
        "announced_on": item["announced_on"].isoformat() if item["announced_on"] else None,
        "countries": "; ".join(item["countries"]),
        "sectors": "; ".join(item["sectors"]),
        "participants": "; ".join(f"{p['organization_id']} ({p['role']})" for p in item["participants"]),
    }


RESOURCE = Resource(
    name="initiatives",
    table=ini,
    sorts={
        "id": SortField(ini.c.id),
        "name": SortField(ini.c.name),
        "kind": SortField(ini.c.kind),
        "status": SortField(ini.c.status),
        "announced_on": SortField(ini.c.announced_on, date, nullable=True),
    },
    default_sort="id",
    facets={
        "country": link_facet(countries, "initiative_id", "country"),
        "sector": link_facet(sectors, "initiative_id", "sector"),
        "kind": column_facet(ini.c.id, ini.c.kind),
        "status": column_facet(ini.c.id, ini.c.status),
        "role": link_facet(participants, "initiative_id", "role"),
        "organization": link_facet(participants, "initiative_id", "organization_id"),
    },
    dimensions={
        "country": Dimension(lambda: select(countries.c.initiative_id, countries.c.country)),
        "sector": Dimension(lambda: select(sectors.c.initiative_id, sectors.c.sector)),
        "kind": Dimension(lambda: select(ini.c.id, ini.c.kind)),
        "status": Dimension(lambda: select(ini.c.id, ini.c.status)),
        "role": Dimension(lambda: select(participants.c.initiative_id, participants.c.role)),
    },
    embed=embed,
    csv_columns=[
        "id",
        "name",
        "kind",
        "status",
        "summary",
        "announced_on",
        "announced_precision",
        "countries",
        "sectors",
        "participants",
    ],
    csv_row=csv_row,
)


pl, mou = Pledge.__table__, Mou.__table__
PLEDGES = Prepared(
    select(
        pl.c.id,
        pl.c.pledger_id,
        pl.c.metric,
        pl.c.amount,
        pl.c.unit,
        pl.c.audience,
        pl.c.target_on,
        pl.c.target_precision,
        pl.c.status,
    )
    .where(pl.c.initiative_id == bindparam("id"))
    .order_by(pl.c.id)
)
PARTICIPANT_ORGS = Prepared(
    select(*org_brief_columns(), participants.c.role)
    .join(participants, participants.c.organization_id == orgs.c.id)
    .where(participants.c.initiative_id == bindparam("id"))
    .order_by(participants.c.role, participants.c.organization_id)
)
MOUS = Prepared(
    select(mou.c.id, mou.c.title, mou.c.signed_on, mou.c.signed_precision)
    .where(mou.c.initiative_id == bindparam("id"))
    .order_by(mou.c.id)
)


def detail(conn: Connection, initiative_id: str) -> dict[str, Any] | None:
    row = one(conn, ini, initiative_id)
    if row is None:
        return None
    item = {
        **row,
        "countries": values_of(conn, countries, "initiative_id", "country", [initiative_id])[initiative_id],
        "sectors": values_of(conn, sectors, "initiative_id", "sector", [initiative_id])[initiative_id],
        "participants": [
            {"organization": dict(zip(("id", "name", "kind", "country"), org, strict=True)), "role": role}
            for *org, role in PARTICIPANT_ORGS.rows(conn, id=initiative_id)
        ],
    }
    item["pledges"] = PLEDGES.dicts(conn, id=initiative_id)
    item["mous"] = MOUS.dicts(conn, id=initiative_id)
    item["citations"] = citations_of(conn, "initiative_id", [initiative_id]).get(initiative_id, [])
    return item
