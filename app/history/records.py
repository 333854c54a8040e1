"""A record's JSON as history keeps it: its detail as the API serves it, with nothing of the
request stamped on (`first_seen`, `last_changed`, and a pledge's `overdue`, which depends on the
day asked about). One serializer for the change rows and the detail endpoints."""

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from sqlalchemy import Connection, Table, select

from app.figures import service as figures
from app.initiatives import service as initiatives
from app.models import tables
from app.models.enums import ResourceType
from app.mous import service as mous
from app.organizations import service as organizations
from app.people import service as people
from app.pledges import service as pledges
from app.sources import service as sources

Record = dict[str, Any]
Detail = Callable[[Connection, str], Record | None]

# The resources in the order a change feed lists one version's changes, with their detail.
DETAILS: dict[ResourceType, tuple[Table, Detail]] = {
    ResourceType.source: (tables.sources, sources.detail),
    ResourceType.organization: (tables.organizations, organizations.detail),
    ResourceType.person: (tables.people, people.detail),
    ResourceType.initiative: (tables.initiatives, initiatives.detail),
    ResourceType.mou: (tables.mous, mous.detail),
    ResourceType.pledge: (tables.pledges, lambda conn, ident: pledges.detail(conn, ident, {})),
    ResourceType.figure: (tables.figures, figures.detail),
}
# Fields of a served record that are not the record's: added to each answer (app.history.served).
STAMPED = ("first_seen", "last_changed", "overdue")


def plain(item: Record) -> Record:
    """The JSON the API serves for `item` (dates as ISO strings), as Python values."""
    value: Record = orjson.loads(orjson.dumps(item, option=orjson.OPT_NON_STR_KEYS))
    for key in STAMPED:
        value.pop(key, None)
    return value


def record(conn: Connection, resource: ResourceType, record_id: str) -> Record | None:
    """The record as history keeps it, or None if there is none with that id."""
    item = DETAILS[resource][1](conn, record_id)
    return None if item is None else plain(item)


def snapshot(conn: Connection) -> Iterator[tuple[tuple[str, str], Record]]:
    """Every record, as history keeps it, keyed by (resource, id)."""
    for resource, (table, _) in DETAILS.items():
        for record_id in conn.execute(select(table.c.id).order_by(table.c.id)).scalars():
            item = record(conn, resource, record_id)
            assert item is not None  # read in the same transaction
            yield (resource.value, record_id), item
