"""Citations: the quotes behind every record, and the `source` filter."""

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, select

from app.common.conditions import Condition
from app.common.filters import Filter, Given
from app.common.queries import Row, grouped, require_ids
from app.common.sql import Prepared, in_values
from app.models import tables

cit, src, people, inf = tables.citations, tables.sources, tables.people, tables.inferences


@cache
def _citations(column: str) -> Prepared:
    return Prepared(
        select(
            cit.c[column].label("_key"),
            cit.c.source_id,
            src.c.title.label("source_title"),
            cit.c.quote,
            cit.c.supports,
            cit.c.speaker_id,
            people.c.name.label("speaker_name"),
            cit.c.attribution,
        )
        .join(src, src.c.id == cit.c.source_id)
        .outerjoin(people, people.c.id == cit.c.speaker_id)
        .where(in_values(cit.c[column], "ids"))
        .order_by(cit.c[column], cit.c.source_id, cit.c.id)
    )


def citation_out(row: Row) -> Row:
    """A citation as every detail serves it: the quote, the fields it supports, who speaks."""
    speaker_id, speaker_name = row.pop("speaker_id"), row.pop("speaker_name")
    row["supports"] = row["supports"].split()
    row["speaker"] = {"id": speaker_id, "name": speaker_name} if speaker_id else None
    return row


def citations_of(conn: Connection, column: str, ids: list[str]) -> dict[str, list[Row]]:
    """Citations of records, each with its source's id and title, in a stable order."""
    groups = grouped(conn, _citations(column), ids=ids)
    return {key: [citation_out(row) for row in rows] for key, rows in groups.items()}


@cache
def _inferred() -> Prepared:
    return Prepared(
        select(inf.c.record_id, inf.c.field, inf.c.reason)
        .where(inf.c.resource == bindparam("resource"), in_values(inf.c.record_id, "ids"))
        .order_by(inf.c.record_id, inf.c.field)
    )


def provenance(conn: Connection, resource: str, record_id: str) -> Row:
    """`citations` and `inferred` of one record (resource: organization, person, initiative, ...)."""
    reasons = grouped(conn, _inferred(), resource=resource, ids=[record_id]).get(record_id, [])
    return {
        "citations": citations_of(conn, f"{resource}_id", [record_id]).get(record_id, []),
        "inferred": {r["field"]: r["reason"] for r in reasons},
    }


class CitedBy(Filter):
    """Records cited by any of the sources named (`column`: the citation's link to the record)."""

    def __init__(self, key: ColumnElement[Any], column: str) -> None:
        self.key, self.column = key, column

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        require_ids(conn, src, value, name)
        return value

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.key.in_(select(cit.c[self.column]).where(cit.c.source_id.in_(value)))]
