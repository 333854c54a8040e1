"""Engines for the API (read-only, snapshot per request) and for the loader (owner)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_read_only_url(url: str) -> str:
    """The same SQLite file opened with mode=ro, so the API cannot write by construction."""
    parsed = make_url(url)
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    return parsed.set(database=f"file:{database}", query={"mode": "ro", "uri": "true"}).render_as_string(
        hide_password=False
    )


def _install_sqlite_hooks(engine: Engine, *, writer: bool, statement_timeout_ms: int) -> None:
    """Foreign keys on; explicit BEGIN so that every request reads one consistent snapshot.

    pysqlite starts transactions only before writes; the recipe in SQLAlchemy's SQLite
    dialect docs hands transaction control back to SQLAlchemy. Readers also get a statement
    timeout: SQLite's progress handler interrupts a statement that runs past its deadline.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        if writer:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
        if not writer:
            deadline = record.info["deadline"] = [0.0]
            record.info["statement_timeout_s"] = statement_timeout_ms / 1000
            dbapi_conn.set_progress_handler(lambda: time.monotonic() > deadline[0], 20_000)

    if not writer:

        @event.listens_for(engine, "before_cursor_execute")
        def _start_clock(conn: Any, *_args: Any) -> None:
            start_statement_clock(conn.connection)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if writer:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:  # straight to the driver: once per request, and SQLAlchemy's path costs 0.1 ms
            conn.connection.dbapi_connection.execute("BEGIN")


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that may change the schema: on SQLite, with foreign keys off.

    SQLite alters a table by building a copy and dropping the old one, and a DROP TABLE under
    enforced foreign keys deletes (or cascades) the rows that point at it. SQLite's own recipe for
    schema changes, https://www.sqlite.org/lang_altertable.html#otheralter, switches enforcement off
    outside the transaction and runs `PRAGMA foreign_key_check` before committing: any dangling
    reference fails the whole transaction, so integrity is checked exactly as before.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # outside any transaction: inside one the pragma is silently ignored
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    dangling = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        raise IntegrityError(f"dangling references: {dangling[:5]}")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


class IntegrityError(SQLAlchemyError):
    """A schema transaction would leave a reference to a row that does not exist."""


def start_statement_clock(pooled: Any) -> None:
    """Give the next statement on a pooled API connection its time (SQLite; PostgreSQL's
    statement_timeout needs nothing)."""
    deadline = pooled.info.get("deadline")
    if deadline is not None:
        deadline[0] = time.monotonic() + pooled.info["statement_timeout_s"]


def pool_capacity(pool_size: int) -> int:
    """Connections a pool of `pool_size` may open: as many again as overflow."""
    return 2 * pool_size


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


# JSON columns (history's `before` and `after`) are written as orjson writes a response, so that
# the change feed serves the stored text as it is (app.history.router), and read by orjson.
JSON_CODEC: dict[str, Any] = {"json_serializer": _json_text, "json_deserializer": orjson.loads}


def make_engine(
    url: str,
    *,
    writer: bool = False,
    statement_timeout_ms: int = 5000,
    connect_timeout_s: int = 3,
    pool_size: int = 5,
) -> Engine:
    """Create an engine; `writer=False` gives the API's read-only, snapshot-per-transaction one."""
    if is_sqlite(url):
        engine = create_engine(
            url if writer else _sqlite_read_only_url(url),
            connect_args={"check_same_thread": False},
            **JSON_CODEC,
            pool_size=pool_size,
            max_overflow=pool_capacity(pool_size) - pool_size,
        )
        _install_sqlite_hooks(engine, writer=writer, statement_timeout_ms=statement_timeout_ms)
        return engine
    options = f"-c statement_timeout={statement_timeout_ms}"
    if not writer:
        options += " -c default_transaction_read_only=on"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_capacity(pool_size) - pool_size,
        pool_timeout=connect_timeout_s,
        isolation_level="READ COMMITTED" if writer else "REPEATABLE READ",
        connect_args={"connect_timeout": connect_timeout_s, "options": options},
        **JSON_CODEC,
    )
