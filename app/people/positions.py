"""The titles the articles give people, for every resource that shows a person."""

from sqlalchemy import Connection, select

from app.common.queries import Row, grouped
from app.common.sql import Prepared, in_values
from app.models import tables

positions = tables.positions

TITLES = Prepared(
    select(positions.c.person_id, positions.c.title, positions.c.organization_id, positions.c.source_id)
    .where(in_values(positions.c.person_id, "ids"))
    .order_by(positions.c.person_id, positions.c.position)
)


def titles_of(conn: Connection, person_ids: list[str]) -> dict[str, list[Row]]:
    """person id -> positions (title, organization_id, source_id) in the curator's order."""
    return grouped(conn, TITLES, ids=person_ids) if person_ids else {}
