"""Citations: the quotes behind every record, and the `source` filter."""

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from app.common.conditions import Condition
from app.common.filters import Filter, Given
from app.common.queries import Row, grouped, require_ids
from app.common.sql import Prepared, in_values
from app.models import tables

cit, src = tables.citations, tables.sources


@cache
def _citations(column: str) -> Prepared:
    return Prepared(
        select(
            cit.c[column].label("_key"),
            cit.c.source_id,
            src.c.title.label("source_title"),
            cit.c.quote,
        )
        .join(src, src.c.id == cit.c.source_id)
        .where(in_values(cit.c[column], "ids"))
        .order_by(cit.c[column], cit.c.source_id, cit.c.id)
    )


def citations_of(conn: Connection, column: str, ids: list[str]) -> dict[str, list[Row]]:
    """Citations of records, each with its source's id and title, in a stable order."""
    return grouped(conn, _citations(column), ids=ids)


class CitedBy(Filter):
    """Records cited by any of the sources named (`column`: the citation's link to the record)."""

    def __init__(self, key: ColumnElement[Any], column: str) -> None:
        self.key, self.column = key, column

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        require_ids(conn, src, value, name)
        return value

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.key.in_(select(cit.c[self.column]).where(cit.c.source_id.in_(value)))]
