"""Every statement an engine's connections send to the database, at the driver.

SQLAlchemy's `before_cursor_execute` event misses the statements the API runs straight on the
DBAPI cursor (prebuilt lookups, the dataset version, SQLite's BEGIN), so the recorder hooks the
drivers themselves:

- SQLite: `sqlite3.Connection.set_trace_callback`, called by SQLite for every statement it
  starts, whoever prepared it. It gets the SQL with the bound values written in
  (sqlite3_expanded_sql), so a `Statement` of SQLite has `parameters` None. Statements SQLite
  runs inside another one (a virtual table's own queries, traced as "-- ...") are left out:
  the app did not send them.
- psycopg 3: a recording subclass of the connection's `cursor_factory` (and
  `server_cursor_factory`); SQLAlchemy and raw `dbapi_connection.cursor()` both create their
  cursors from them. psycopg sends BEGIN / COMMIT itself, not through a cursor: unseen.

A connection is hooked when the pool hands it out (the pool's `checkout` event, which fires for
new connections and for those already in the pool alike), and statements are kept only while
the app holds it: what the pool runs on an idle connection (its liveness ping before a
checkout, its reset after a checkin) is not the app's.
"""

import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END"}


@dataclass(frozen=True)
class Statement:
    """One statement as the driver ran it."""

    sql: str
    parameters: Any  # as given to psycopg's cursor.execute; None on SQLite (the values are in sql)

    @property
    def keyword(self) -> str:
        words = self.sql.split(None, 1)
        return words[0].upper() if words else ""

    @property
    def is_query(self) -> bool:
        """A statement that reads data (not BEGIN, COMMIT and the like)."""
        return self.keyword not in TRANSACTION_CONTROL

    @property
    def normalized(self) -> str:
        """Lower case, whitespace collapsed: for matching in assertions."""
        return " ".join(self.sql.lower().split())


class StatementRecorder:
    """Records every statement that `engine`'s pooled connections run while checked out.

    Use as a context manager (or call `start` / `stop`); `statements` fills as the app runs.
    One recorder per engine at a time: a second would take over the first one's hooks.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[Statement] = []
        self._held: set[int] = set()  # ids of the DBAPI connections the app holds right now
        # id -> (connection, what to restore); holding the connection keeps its id unique
        self._hooked: dict[int, tuple[Any, Any]] = {}
        self._lock = threading.Lock()
        self._cursor_classes: dict[type, type] = {}

    # -- what the tests read ------------------------------------------------------------------

    def clear(self) -> None:
        self.statements.clear()

    def queries(self) -> list[Statement]:
        """The statements recorded so far that read data: no transaction control."""
        return [s for s in list(self.statements) if s.is_query]

    # -- hooks ----------------------------------------------------------------------------------

    def start(self) -> "StatementRecorder":
        event.listen(self.engine, "checkout", self._on_checkout)
        event.listen(self.engine, "checkin", self._on_checkin)
        return self

    def stop(self) -> None:
        event.remove(self.engine, "checkout", self._on_checkout)
        event.remove(self.engine, "checkin", self._on_checkin)
        with self._lock:
            hooked, self._hooked = self._hooked, {}
            self._held.clear()
        for dbapi_connection, restore in hooked.values():
            try:
                if isinstance(dbapi_connection, sqlite3.Connection):
                    dbapi_connection.set_trace_callback(None)
                else:
                    dbapi_connection.cursor_factory, dbapi_connection.server_cursor_factory = restore
            except sqlite3.ProgrammingError:  # closed since: nothing to unhook
                pass

    def __enter__(self) -> "StatementRecorder":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        key = id(dbapi_connection)
        with self._lock:
            self._held.add(key)
            if key in self._hooked:
                return
            if isinstance(dbapi_connection, sqlite3.Connection):
                dbapi_connection.set_trace_callback(lambda sql: self._record(key, sql, None))
                self._hooked[key] = (dbapi_connection, None)
            else:
                restore = (dbapi_connection.cursor_factory, dbapi_connection.server_cursor_factory)
                dbapi_connection.cursor_factory = self._recording(restore[0])
                dbapi_connection.server_cursor_factory = self._recording(restore[1])
                self._hooked[key] = (dbapi_connection, restore)

    def _on_checkin(self, dbapi_connection: Any, _record: Any) -> None:
        with self._lock:
            self._held.discard(id(dbapi_connection))

    def _record(self, key: int, sql: str, parameters: Any) -> None:
        if key in self._held and not sql.startswith("--"):
            self.statements.append(Statement(sql, parameters))

    def _recording(self, base: type) -> type:
        """A subclass of the psycopg cursor class `base` that records what it executes."""
        found = self._cursor_classes.get(base)
        if found is not None:
            return found
        recorder = self

        class Recording(base):  # type: ignore[misc]
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                recorder._record(id(self.connection), _text(query, self), params)
                return super().execute(query, params, **kwargs)

            def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> Any:
                params_seq = list(params_seq)
                recorder._record(id(self.connection), _text(query, self), params_seq)
                return super().executemany(query, params_seq, **kwargs)

        self._cursor_classes[base] = Recording
        return Recording


def _text(query: Any, cursor: Any) -> str:
    if isinstance(query, str):
        return query
    if isinstance(query, bytes):
        return query.decode()
    return str(query.as_string(cursor))  # psycopg.sql.Composable
