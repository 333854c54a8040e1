"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server."""

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.pg import Database, PostgresServer, find_bin_dir

# The test session creates many apps: frozen, each would keep its cyclic garbage for good.
os.environ.setdefault("GC_FREEZE", "false")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
ARTICLES = ROOT.parent / "shared" / "seeds"
BACKENDS = ["sqlite", "postgresql"]


def articles_dir() -> Path | None:
    return ARTICLES if ARTICLES.is_dir() else None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None or shutil.which("psql") is None:
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) or psql not found: install Debian's"
            " 'postgresql' package. The PostgreSQL half of the suite is SKIPPED."
        )
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " REQUIRE_POSTGRES=1 makes this a failure.", pytrace=False)
        print(f"\n{'!' * 20}\n{message}\n{'!' * 20}", file=sys.stderr)
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    server.init()
    server.start()
    yield server
    server.destroy()


def _new_database(request: pytest.FixtureRequest, tmp: Path, backend: str) -> Database:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'initiatives.db'}"
        return Database("sqlite", url, url)
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database()


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty database for a test that writes."""
    db = _new_database(request, tmp_path, request.param)
    yield db
    if db.backend == "postgresql":
        request.getfixturevalue("pg_server").drop_database(db)


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """A database loaded once per session with the curated seeds (read-only tests only)."""
    db = _new_database(request, tmp_path_factory.mktemp(f"seeded-{request.param}"), request.param)
    load(db.writer_url, SEEDS, articles=articles_dir())
    return db


@pytest.fixture(scope="session")
def client(seeded_db: Database) -> Iterator[TestClient]:
    """HTTP client of the API reading the seeded database as its read-only role.

    Its count bitmaps are built before the first request, so that every list test counts
    with them; tests/test_counting.py compares them with counting in SQL.
    """
    app = create_app(Settings(database_url=seeded_db.reader_url))
    with TestClient(app) as test_client:
        app.state.counts.build_now()
        yield test_client
