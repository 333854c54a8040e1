"""The API reads with a connection that cannot write; PostgreSQL specifics are configured."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.seeding.load import load
from tests.conftest import SEEDS
from tests.pg import Database, PostgresServer


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO sources (id, title, document) VALUES ('x', 'x', 'x.txt')",
        "UPDATE pledges SET amount = 1",
        "DELETE FROM citations",
        "DROP TABLE pledges",
    ],
)
def test_the_api_connection_cannot_write(seeded_db: Database, statement: str) -> None:
    engine = make_engine(seeded_db.reader_url)
    try:
        with pytest.raises(DBAPIError), engine.connect() as conn, conn.begin():
            conn.execute(text(statement))
    finally:
        engine.dispose()
    assert _count(seeded_db.writer_url, "SELECT count(*) FROM pledges") == 10


@pytest.fixture(scope="module")
def postgresql_db(pg_server: PostgresServer) -> Database:
    db = pg_server.create_database()
    load(db.writer_url, SEEDS)
    return db


def test_postgresql_reader_role_cannot_write_outside_read_only_transactions(postgresql_db: Database) -> None:
    engine = create_engine(postgresql_db.reader_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SET default_transaction_read_only = off"))
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text("UPDATE pledges SET amount = 1"))
    finally:
        engine.dispose()


def _count(url: str, sql: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = int(conn.execute(text(sql)).scalar_one())
    engine.dispose()
    return value


def test_postgresql_session_settings(postgresql_db: Database) -> None:
    engine = make_engine(postgresql_db.reader_url, statement_timeout_ms=200)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
            assert conn.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(2)"))
        assert engine.pool._pre_ping  # type: ignore[attr-defined]
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


@pytest.fixture
def own_server(pg_server: PostgresServer) -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, so that stopping it disturbs no other test.

    From the binaries pg_server found: without them pg_server skips, or fails when
    REQUIRE_POSTGRES=1, before this starts anything.
    """
    server = PostgresServer(pg_server.bin_dir)
    server.init()
    server.start()
    yield server
    server.destroy()


def test_postgresql_outage_gives_503_then_recovers(own_server: PostgresServer) -> None:
    db = own_server.create_database()
    load(db.writer_url, SEEDS)
    settings = Settings(database_url=db.reader_url, connect_timeout_s=2)
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/pledges?organization=huawei").status_code == 200
        assert client.get("/ready").status_code == 200

        own_server.stop()
        for path in ("/v1/pledges?organization=huawei", "/v1/initiatives/skyvast-aiaas-gpuaas", "/ready"):
            started = time.monotonic()
            response = client.get(path)
            assert time.monotonic() - started < 5, path
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"]
            assert "psycopg" not in response.text and "Traceback" not in response.text
        assert client.get("/health").status_code == 200  # the process itself is alive

        own_server.start()
        deadline = time.monotonic() + 10
        while client.get("/ready").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover"
            time.sleep(0.2)
        assert client.get("/v1/pledges?organization=huawei").json()["total"] == 5


SLOW_QUERY = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)"
    " SELECT count(*) FROM n"
)


def test_statement_timeout_stops_a_runaway_query(seeded_db: Database) -> None:
    engine = make_engine(seeded_db.reader_url, statement_timeout_ms=150)
    try:
        with engine.connect() as conn:
            started = time.monotonic()
            with pytest.raises(OperationalError):
                conn.execute(text(SLOW_QUERY)).scalar()
            assert time.monotonic() - started < 2
        with engine.connect() as conn:  # the pool hands out a working connection afterwards
            assert conn.execute(text("SELECT count(*) FROM pledges")).scalar() == 10
    finally:
        engine.dispose()
