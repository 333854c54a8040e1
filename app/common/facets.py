"""Facets: counts of records per value over the whole filtered set."""

from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, func, select

from app.common.problems import InvalidParameter
from app.common.vocabulary import fold

Facet = Callable[[Select[Any]], Select[Any, int]]  # (the filtered ids) -> rows of (value, count)
Join = tuple[Table, ColumnElement[bool]]  # a table a link leads to, and how


def column_facet(key: ColumnElement[Any], column: ColumnElement[Any]) -> Facet:
    """Counts of a column's values among the filtered records (`key IN ids`: with the filters
    in place, SQLite would rather walk the GROUP BY column's index over the whole table)."""

    def facet(ids: Select[Any]) -> Select[Any, int]:
        return select(column, func.count()).where(key.in_(ids)).group_by(column)

    return facet


def link_facet(link: Table, key: str, value: ColumnElement[Any], *, through: Join | None = None) -> Facet:
    """Counts of the filtered records per value of a link table (countries, sectors, roles), or
    of a table it leads to (`through`: the parties' organizations): records, not link rows, so
    an initiative with five adopters counts once for `adopter`."""

    def facet(ids: Select[Any]) -> Select[Any, int]:
        stmt = select(value, func.count(func.distinct(link.c[key])))
        if through is not None:
            stmt = stmt.join(*through)
        return stmt.where(link.c[key].in_(ids)).group_by(value)

    return facet


def count_facet(conn: Connection, facet: Facet, ids: Select[Any]) -> list[dict[str, Any]]:
    """Counts per value over the filtered records `ids`, most frequent first (ties by value)."""
    rows = conn.execute(facet(ids)).all()
    return [
        {"value": value, "count": count} for value, count in sorted(rows, key=lambda r: (-r[1], str(r[0])))
    ]


def facet_names(allowed: Collection[str], names: Sequence[str]) -> list[str]:
    """The facets asked for (in any case); 422 for one the resource does not have, or one named twice
    (`uniqueItems`; the same name in two cases is the same facet, counted once)."""
    spellings = {name.lower(): name for name in allowed}
    if len(names) > len(allowed):
        raise InvalidParameter("facets", f"names {len(names)} facets; there are {len(allowed)}")
    found = []
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InvalidParameter("facets", f"{name!r} is given twice")
        facet = fold(name, spellings)
        if facet is None:
            raise InvalidParameter("facets", f"no facet {name!r}; use one of {', '.join(sorted(allowed))}")
        found.append(facet)
    return list(dict.fromkeys(found))
