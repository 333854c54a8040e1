"""The dataset version, read through one function: the loader bumps it whenever any row changes."""

from sqlalchemy import Connection, select

from app.common.sql import Prepared
from app.models import tables

VERSION = Prepared(select(tables.dataset.c.version).where(tables.dataset.c.id == 1))


def dataset_version(conn: Connection) -> int:
    """The version of the data `conn` sees (0 before the first load)."""
    found = VERSION.rows(conn)
    return int(found[0][0]) if found and found[0][0] is not None else 0
