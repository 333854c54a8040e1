"""The organizations behind each pledge, in the order the article names them."""

from sqlalchemy import Connection, select

from app.common.queries import Row, grouped
from app.common.sql import Prepared, in_values
from app.models import tables
from app.organizations.tree import org_brief_columns

pledgers, orgs = tables.pledge_pledgers, tables.organizations

PLEDGERS = Prepared(
    select(pledgers.c.pledge_id, *org_brief_columns())
    .join(orgs, orgs.c.id == pledgers.c.organization_id)
    .where(in_values(pledgers.c.pledge_id, "ids"))
    .order_by(pledgers.c.pledge_id, pledgers.c.position)
)


def pledgers_of(conn: Connection, pledge_ids: list[str]) -> dict[str, list[Row]]:
    """pledge id -> its pledgers as organization briefs (id, name, kind, country)."""
    return grouped(conn, PLEDGERS, ids=pledge_ids) if pledge_ids else {}
