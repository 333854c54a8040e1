"""List filters declared once, as data.

A filter is declared on its query parameter, `Annotated[list[Metric], Field(...), Values(col)]`,
and the declaration yields the parameter's SQL condition, its facet and, where "records holding
the value" is exactly what the filter means, its count-bitmap dimension. Anything that needs the
database (ids that must exist, organization trees) happens in `resolve`, one step before the
conditions are built, so that building them runs no query.
"""

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, Table, select

from app.common.conditions import Condition, ends_from, has_any, starts_by
from app.common.counting import Dimension
from app.common.facets import Facet, column_facet, link_facet
from app.common.problems import InvalidParameter
from app.common.queries import require_ids
from app.dates import parse_partial_date

Given = Mapping[str, Any]  # every filter's value in the request, by parameter name


class Filter:
    """What one query parameter means."""

    facet: Facet | None = None
    dimension: Dimension | None = None

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        """The value as the condition needs it, checked against the database where needed."""
        return value

    def where(self, value: Any, given: Given) -> list[Condition]:
        """The SQL condition of the resolved value (`given`: the other filters, resolved)."""
        raise NotImplementedError


def parameter_name(field: str) -> str:
    """The query parameter of a query model's field: `from_` is `from` (a Python keyword)."""
    return field.removesuffix("_")


def plain(values: list[Any]) -> list[Any]:
    """Enum members as the values stored."""
    return [v.value if isinstance(v, Enum) else v for v in values]


def key_of(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The id column of the table `column` belongs to."""
    table: Table = column.table
    return table.c.id


class Values(Filter):
    """Records whose `column` holds one of the values."""

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        key = key_of(column)
        self.facet = column_facet(key, column)
        self.dimension = Dimension(lambda: select(key, column))

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.column.in_(plain(value))]


class Linked(Filter):
    """Records with a row in a link table holding one of the values (`via`: a column of the
    table the link's `column` refers to, e.g. the country of a party)."""

    def __init__(
        self,
        key: ColumnElement[Any],
        link: Table,
        link_key: str,
        column: str,
        *,
        via: ColumnElement[Any] | None = None,
    ) -> None:
        self.key, self.link, self.link_key, self.column, self.via = key, link, link_key, column, via
        value = link.c[column] if via is None else via
        through = None
        if via is not None:
            target: Table = via.table
            through = (target, target.c.id == link.c[column])
        self.facet = link_facet(link, link_key, value, through=through)

        def pairs() -> Any:
            stmt = select(link.c[link_key], value)
            return stmt if through is None else stmt.join(*through)

        self.dimension = Dimension(pairs)

    def where(self, value: Any, given: Given) -> list[Condition]:
        wanted: Any = plain(value)
        if self.via is not None:
            wanted = select(key_of(self.via)).where(self.via.in_(wanted))
        return [has_any(self.key, self.link, self.link_key, self.column, wanted)]


class LinkedRefs(Linked):
    """Linked, to records that must exist in `table`: an unknown id is a 422, not an empty list."""

    def __init__(
        self, key: ColumnElement[Any], link: Table, link_key: str, column: str, table: Table
    ) -> None:
        super().__init__(key, link, link_key, column)
        self.table = table
        # Bitmaps match without resolving, so they could not say that an id does not exist.
        self.dimension = None

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        require_ids(conn, self.table, value, name)
        return value


class Refs(Filter):
    """Records whose `column` refers to one of the records named, which must exist in `table`."""

    def __init__(self, column: ColumnElement[Any], table: Table) -> None:
        self.column, self.table = column, table

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        require_ids(conn, self.table, value, name)
        return value

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.column.in_(value)]


class AtLeast(Filter):
    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.column >= value]


class AtMost(Filter):
    """At most the value; `lower` names the parameter that must not exceed it."""

    def __init__(self, column: ColumnElement[Any], *, lower: str) -> None:
        self.column, self.lower = column, lower

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        low = given.get(self.lower)
        if low is not None and low > value:
            raise InvalidParameter(name, f"is smaller than {self.lower}")
        return value

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.column <= value]


def _day(name: str, value: str, *, last: bool) -> date:
    try:
        parsed = parse_partial_date(value)
    except ValueError as exc:
        raise InvalidParameter(name, str(exc)) from None
    return parsed.end if last else parsed.value


class DateFrom(Filter):
    """A partial date (YYYY, YYYY-MM, YYYY-MM-DD) whose period ends on or after the first day named."""

    def __init__(self, column: ColumnElement[Any], precision: ColumnElement[Any]) -> None:
        self.column, self.precision = column, precision

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return _day(name, value, last=False)

    def where(self, value: Any, given: Given) -> list[Condition]:
        return list(ends_from(self.column, self.precision, value))


class DateTo(Filter):
    """A partial date whose period starts on or before the last day named (`2025`: 2025-12-31);
    `start` names the parameter of the range's other end."""

    def __init__(self, column: ColumnElement[Any], *, start: str) -> None:
        self.column, self.start = column, start

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        start = given.get(self.start)
        lo = _day(self.start, start, last=False) if start is not None else None
        hi = _day(name, value, last=True)
        if lo is not None and lo > hi:
            raise InvalidParameter(name, f"{value} is before {parameter_name(self.start)}={start}")
        return hi

    def where(self, value: Any, given: Given) -> list[Condition]:
        return list(starts_by(self.column, value))


def declared(model: type[BaseModel]) -> dict[str, Filter]:
    """The filters declared on a query model's fields, in field order."""
    found = {}
    for name, info in model.model_fields.items():
        filters = [m for m in info.metadata if isinstance(m, Filter)]
        if filters:
            found[name] = filters[0]
    return found
