"""Prebuilt SELECTs, compiled once per dialect and run on the DBAPI cursor of the request's
connection.

SQLAlchemy's work per execution (cache key, events, result and row objects) costs 40 to 200 µs;
SQLite answers a primary-key lookup in 6. A record or a page embed makes up to ten small
queries, so those are written once with SQLAlchemy Core (one text for both databases), compiled
once per dialect here, and run on the same DBAPI connection: same transaction, same snapshot.

A list of values is bound as one parameter (`in_values`): a JSON array read by json_each on
SQLite, an array compared with `= ANY` on PostgreSQL, so that a statement compiles to one
string whatever the list's length. Values come back as the driver gives them: dates are
`datetime.date` on PostgreSQL and ISO text on SQLite, which serialize to the same JSON.
"""

from functools import cached_property
from typing import Any, cast

import orjson
from sqlalchemy import BindParameter, ColumnElement, Connection, Dialect, Select, bindparam
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import NullType, TypeEngine

from app.db import start_statement_clock


class InValues(ColumnElement[bool]):
    """`column IN (the values bound to one parameter)`."""

    type: TypeEngine[Any] = NullType()  # a Boolean type would make SQLite render "... = 1"
    inherit_cache = False  # compiled here once, never through SQLAlchemy's statement cache

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.param: BindParameter[list[Any]] = bindparam(name)


def in_values(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    return InValues(column, name)


@compiles(InValues)
def _any(element: InValues, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.param, **kw)})"


@compiles(InValues, "sqlite")
def _json_each(element: InValues, compiler: SQLCompiler, **kw: Any) -> str:
    column, param = compiler.process(element.column, **kw), compiler.process(element.param, **kw)
    return f"{column} IN (SELECT value FROM json_each({param}))"


def raw_rows(conn: Connection, stmt: Select[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of a statement built per request, as the driver returns them.

    SQLAlchemy still compiles (with its cache) and binds the parameters; the rows are read
    off the DBAPI cursor, skipping per-row result processing (on SQLite, parsing each date).
    """
    result = conn.execute(stmt)
    try:
        # A DBAPI cursor is typed as PEP 249 puts it (a sequence of sequences); sqlite3 and
        # psycopg return a list of tuples.
        return list(result.keys()), cast(list[tuple[Any, ...]], result.cursor.fetchall())
    finally:
        result.close()


class Prepared:
    """One SELECT, with the names of its columns, ready to run on any of our databases."""

    def __init__(self, stmt: Select[Any]) -> None:
        self.stmt = stmt
        self._compiled: dict[str, tuple[str, dict[str, Any], tuple[str, ...] | None]] = {}

    @cached_property
    def columns(self) -> list[str]:
        """Names of the columns, to read rows as dicts (a statement read only by position, as a
        count, may select unnamed expressions)."""
        names = [c.key for c in self.stmt.selected_columns]
        named = [name for name in names if name is not None]
        if len(named) != len(names):
            raise TypeError(f"a column of {self.stmt} has no name to read it by")
        return named

    def _compile(self, dialect: Dialect) -> tuple[str, dict[str, Any], tuple[str, ...] | None]:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.stmt.compile(dialect=dialect)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = self._compiled[dialect.name] = (compiled.string, dict(compiled.params), order)
        return found

    def bind(self, conn: Connection, **params: Any) -> tuple[str, Any]:
        """The SQL for `conn`'s database and the parameters as its driver takes them."""
        sql, defaults, order = self._compile(conn.dialect)
        values = {**defaults, **params}
        if conn.dialect.name == "sqlite":
            values = {k: orjson.dumps(v).decode() if isinstance(v, list) else v for k, v in values.items()}
        return sql, tuple(values[name] for name in order) if order is not None else values

    def rows(self, conn: Connection, **params: Any) -> list[tuple[Any, ...]]:
        sql, bound = self.bind(conn, **params)
        proxied = conn.connection
        start_statement_clock(proxied)
        cursor = proxied.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            # Typed as PEP 249 puts it; sqlite3 and psycopg return a list of tuples.
            return cast(list[tuple[Any, ...]], cursor.fetchall())
        except conn.dialect.loaded_dbapi.Error as error:
            lost = conn.dialect.is_disconnect(error, proxied.dbapi_connection, cursor)
            if lost:
                conn.invalidate(error)
            raise DBAPIError.instance(
                sql,
                bound,
                error,
                conn.dialect.loaded_dbapi.Error,
                connection_invalidated=lost,
                dialect=conn.dialect,
            ) from error
        finally:
            cursor.close()

    def dicts(self, conn: Connection, **params: Any) -> list[dict[str, Any]]:
        columns = self.columns
        return [dict(zip(columns, row, strict=True)) for row in self.rows(conn, **params)]

    def first(self, conn: Connection, **params: Any) -> dict[str, Any] | None:
        found = self.dicts(conn, **params)
        return found[0] if found else None
