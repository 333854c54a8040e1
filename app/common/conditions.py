"""SQL conditions of list filters, in the forms the planner needs for pages and for counts."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, Table, and_, cast, exists, extract, or_, select

from app.models.enums import Precision


@dataclass(frozen=True)
class Membership:
    """A filter on a link table (country, sector, role), in the two forms the planner needs.

    `probe`, `EXISTS (SELECT 1 FROM link WHERE link_key = key AND column IN values)`, serves
    pages: in key order they stop after `limit` matches, each checked by a primary-key probe.
    `listed`, `key IN (SELECT link_key FROM link WHERE column IN values)`, serves totals and
    facets, which read every match anyway: one index range instead of a probe per record
    (976 ms against 126 ms for a country filter on a million initiatives).
    """

    probe: ColumnElement[bool]
    listed: ColumnElement[bool]


Condition = ColumnElement[bool] | Membership


def has_any(
    key: ColumnElement[Any],
    link: Table,
    link_key: str,
    column: str,
    values: Iterable[Any] | Select[Any],
) -> Membership:
    """Records with a row in `link` whose `column` is one of `values` (a list or a subquery)."""
    wanted = values if isinstance(values, Select) else list(values)
    return Membership(
        probe=exists().where(link.c[link_key] == key, link.c[column].in_(wanted)),
        listed=key.in_(select(link.c[link_key]).where(link.c[column].in_(wanted))),
    )


def for_page(conditions: Sequence[Condition]) -> list[ColumnElement[bool]]:
    return [c.probe if isinstance(c, Membership) else c for c in conditions]


def for_count(conditions: Sequence[Condition]) -> list[ColumnElement[bool]]:
    return [c.listed if isinstance(c, Membership) else c for c in conditions]


def starts_by(column: ColumnElement[Any], hi: date) -> list[ColumnElement[bool]]:
    """The period a partial date names starts on or before `hi` (unknown dates never match)."""
    return [column <= hi, column.is_not(None)]


def ends_from(
    column: ColumnElement[Any], precision: ColumnElement[Any], lo: date
) -> list[ColumnElement[bool]]:
    """The period a partial date names ends on or after `lo` (unknown dates never match).

    A stored date is the first day of its period; its period ends on or after `lo` exactly
    when it starts on or after `lo`, or the first day of `lo`'s month (month precision) or
    year (year precision). Written this way every branch is a range on the indexed column.
    """
    month_start = date(lo.year, lo.month, 1)
    year_start = date(lo.year, 1, 1)
    return [
        column >= year_start,  # implied by the OR below; a range an index can use
        or_(
            column >= lo,
            and_(precision == Precision.month.value, column >= month_start),
            and_(precision == Precision.year.value, column >= year_start),
        ),
        column.is_not(None),
    ]


def year_of(column: ColumnElement[Any]) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)
