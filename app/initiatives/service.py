"""SQL for initiatives: list embeds, the detail record, the brief other records embed."""

from typing import Any

from sqlalchemy import Connection, bindparam, select

from app.common.listing import Resource
from app.common.queries import Row, grouped, one, values_of, whole
from app.common.sql import Prepared, in_values
from app.initiatives.query import SORTS, InitiativeQuery
from app.models import (
    tables,
)
from app.organizations.tree import org_brief_columns
from app.pledges.pledgers import pledgers_of
from app.sources.citations import provenance

ini = tables.initiatives
countries = tables.initiative_countries
sectors = tables.initiative_sectors
participants = tables.participants
milestones = tables.milestones
orgs = tables.organizations


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


MILESTONES = Prepared(
    select(
        milestones.c.initiative_id,
        milestones.c.event,
        milestones.c.on_date.label("on"),
        milestones.c.precision,
        milestones.c.text,
        milestones.c.place,
    )
    .where(in_values(milestones.c.initiative_id, "ids"))
    .order_by(milestones.c.initiative_id, milestones.c.position)
)


def embed(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Countries, sectors, participants and milestones of a page, in four queries whatever its size."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    by_country = values_of(conn, countries, "initiative_id", "country", ids)
    by_sector = values_of(conn, sectors, "initiative_id", "sector", ids)
    parts = grouped(conn, PARTICIPANTS, ids=ids)
    events = grouped(conn, MILESTONES, ids=ids)
    return [
        {
            **r,
            "countries": by_country.get(r["id"], []),
            "sectors": by_sector.get(r["id"], []),
            "participants": parts.get(r["id"], []),
            "milestones": events.get(r["id"], []),
        }
        for r in rows
    ]


def _milestone_cell(m: Row) -> str:
    """One milestone in a CSV cell: "held 2020-10-28 (day)", "launched (undated)"."""
    return f"{m['event']} {m['on']} ({m['precision']})" if m["on"] else f"{m['event']} (undated)"  # str: ISO


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: item[k] for k in ("id", "name", "kind", "status", "summary", "announced_precision")},
        "announced_on": item["announced_on"].isoformat() if item["announced_on"] else None,
        "countries": "; ".join(item["countries"]),
        "sectors": "; ".join(item["sectors"]),
        "participants": "; ".join(f"{p['organization_id']} ({p['role']})" for p in item["participants"]),
        "scope": item["scope"],
        "region": item["region"],
        "part_of_id": item["part_of_id"],
        "milestones": "; ".join(_milestone_cell(m) for m in item["milestones"]),
    }


RESOURCE = Resource(
    name="initiatives",
    table=ini,
    query=InitiativeQuery,
    search="initiative",
    sorts=SORTS,
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
        "scope",
        "region",
        "part_of_id",
        "milestones",
    ],
    csv_row=csv_row,
)


pl, mou = tables.pledges, tables.mous
PLEDGES = Prepared(
    select(
        pl.c.id,
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
        "milestones": grouped(conn, MILESTONES, ids=[initiative_id]).get(initiative_id, []),
    }
    item["pledges"] = PLEDGES.dicts(conn, id=initiative_id)
    by_pledge = pledgers_of(conn, [p["id"] for p in item["pledges"]])
    for pledge in item["pledges"]:
        pledge["pledgers"] = [{"id": o["id"], "name": o["name"]} for o in by_pledge.get(pledge["id"], [])]
    item["mous"] = MOUS.dicts(conn, id=initiative_id)
    item["part_of"] = brief(conn, row["part_of_id"])
    item["parts"] = PARTS.dicts(conn, id=initiative_id)
    item["figures"] = [{**f, "amount": whole(f["amount"])} for f in FIGURES.dicts(conn, id=initiative_id)]
    for pledge in item["pledges"]:
        pledge["amount"] = whole(pledge["amount"])
    item.update(provenance(conn, "initiative", initiative_id))
    return item


PARTS = Prepared(select(ini.c.id, ini.c.name).where(ini.c.part_of_id == bindparam("id")).order_by(ini.c.id))
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
    .where(fig.c.initiative_id == bindparam("id"))
    .order_by(fig.c.as_of.desc().nulls_last(), fig.c.id)
)


BRIEF = Prepared(select(ini.c.id, ini.c.name).where(ini.c.id == bindparam("id")))


def brief(conn: Connection, initiative_id: str | None) -> Row | None:
    """Id and name of an initiative other records refer to."""
    if initiative_id is None:
        return None
    return BRIEF.first(conn, id=initiative_id)
