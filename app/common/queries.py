"""Small queries every resource runs: one record, reference checks, batched embeds."""

from collections import defaultdict
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select

from app.common.problems import InvalidParameter
from app.common.sql import Prepared, in_values

Row = dict[str, Any]


def require_ids(conn: Connection, table: Table, ids: list[str], parameter: str) -> None:
    """422 naming the parameter when a filter names a record that does not exist."""
    if not ids:
        return
    found = set(conn.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        what = {"people": "person"}.get(table.name, table.name.removesuffix("s"))
        raise InvalidParameter(parameter, f"no {what} with id {missing[0]!r}")


def grouped(conn: Connection, query: Prepared, **params: Any) -> dict[Any, list[Row]]:
    """Rows of `query` as dicts, grouped by its first column (left out of the dicts)."""
    groups: dict[Any, list[Row]] = defaultdict(list)
    columns = query.columns[1:]
    for key, *rest in query.rows(conn, **params):
        groups[key].append(dict(zip(columns, rest, strict=True)))
    return groups


@cache
def _one(table: Table) -> Prepared:
    return Prepared(select(table).where(table.c.id == bindparam("id")))


def one(conn: Connection, table: Table, record_id: str) -> Row | None:
    return _one(table).first(conn, id=record_id)


@cache
def _values(link: Table, key: str, value: str) -> Prepared:
    return Prepared(
        select(link.c[key], link.c[value])
        .where(in_values(link.c[key], "ids"))
        .order_by(link.c[key], link.c[value])
    )


def values_of(conn: Connection, link: Table, key: str, value: str, ids: list[str]) -> dict[str, list[Any]]:
    """For each id, the sorted values of a link table (countries, sectors, aliases)."""
    out: dict[str, list[Any]] = defaultdict(list)
    for k, v in _values(link, key, value).rows(conn, ids=ids):
        out[k].append(v)
    return out


def whole(amount: float) -> int | float:
    """An amount as the API shows it: an integer when it is whole (30000, not 30000.0)."""
    return int(amount) if float(amount).is_integer() else float(amount)
