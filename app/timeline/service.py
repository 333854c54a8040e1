"""SQL for the timeline: its list embeds and what `q` means for events."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_

from app.common.listing import Resource
from app.common.queries import Row, values_of
from app.models import tables
from app.models.enums import RecordType
from app.search.engine import matching_ids
from app.timeline.query import SORTS, TimelineQuery

t = tables.timeline

# Where each type of record is served.
COLLECTIONS = {
    RecordType.initiative: "initiatives",
    RecordType.mou: "mous",
    RecordType.pledge: "pledges",
    RecordType.figure: "figures",
    RecordType.source: "sources",
}


def embed(conn: Connection, rows: list[Row]) -> list[Row]:
    """Events as served: the record's type, id, name and path, and its countries."""
    keys = [r["id"] for r in rows]
    if not keys:
        return []
    by_country = values_of(conn, tables.timeline_countries, "event_id", "country", keys)
    return [
        {
            "date": r["on_date"],
            "precision": r["precision"],
            "event": r["event"],
            "type": r["type"],
            "id": r["record_id"],
            "name": r["name"],
            "text": r["text"],
            "place": r["place"],
            "inferred": r["inferred"],
            "countries": by_country.get(r["id"], []),
            "record": f"/v1/{COLLECTIONS[RecordType(r['type'])]}/{r['record_id']}",
        }
        for r in rows
    ]


def searched(resource: Resource, conn: Connection, q: str) -> ColumnElement[bool]:
    """Events of the records (of any type) whose search documents match `q`."""
    return or_(
        *[
            and_(t.c.type == kind.value, t.c.record_id.in_(matching_ids(conn, kind.value, q)))
            for kind in RecordType
        ]
    )


CSV_COLUMNS = [
    "date",
    "precision",
    "event",
    "type",
    "id",
    "name",
    "text",
    "place",
    "inferred",
    "countries",
    "record",
]


def csv_row(item: Row) -> dict[str, Any]:
    row = {k: item.get(k) for k in CSV_COLUMNS}
    row["countries"] = "; ".join(item["countries"])
    return row


RESOURCE = Resource(
    name="timeline",
    table=t,
    query=TimelineQuery,
    search="timeline",
    sorts=SORTS,
    embed=embed,
    csv_columns=CSV_COLUMNS,
    csv_row=csv_row,
    default_sort="date",
    searched=searched,
)
