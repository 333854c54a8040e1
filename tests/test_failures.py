"""The failure paths through HTTP: an unexpected exception, a database error, a runaway query,
an exhausted connection pool. Each must answer problem+json without leaking internals, and the
server must go on serving afterwards.

- 500: a throwaway route added to an app from `create_app` raises; a renamed column makes a real
  route's SQL fail. Neither the exception text, the SQL nor a traceback may reach the client.
- 503 on a statement timeout: a genuinely slow search (sixteen prefix words, which the engine
  must expand and rank over every match) on a synthetic database of 10,000 initiatives
  (scripts/synth.py) runs far past the smallest timeout Settings allow (100 ms). Measured on
  the 2-core machine, its slowest statement takes 0.8 to 1.6 s on SQLite, 0.4 to 0.6 s on
  PostgreSQL. The same request with the default timeout answers 200, so the 503 is the timeout's.
- 503 on an exhausted pool: real uvicorn (tests/server.py) with POOL_SIZE=1. A streaming NDJSON
  export holds its connection while the client does not read its body, provided the body is
  larger than what the sockets absorb (the server's send buffer grows to tcp_wmem's maximum,
  4 MB here; a client that reads nothing keeps tcp_rmem's default, 128 KB): 6.6 MB at this
  scale, uncompressed (Accept-Encoding: identity; gzipped it would fit). Exports are opened
  until one is refused, after POOL_WAIT_S; the test checks the size premise afterwards.
"""

import logging
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from scripts.synth import build
from tests.conftest import BACKENDS, SEEDS
from tests.pg import Database, PostgresServer
from tests.server import uvicorn_server

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
PROBLEM_FIELDS = {"type", "title", "status", "detail"}
SECRET = "s3cr3t-token-in-the-exception"
INITIATIVES = 10_000
# The slowest search per engine (see the module docstring): SQLite's FTS5 pays for expanding
# each prefix, PostgreSQL for ranking (ts_rank_cd) every match against every word.
SLOW_SEARCH = {
    "sqlite": "a* b* c* d* e* f* g* h* i* l* m* n* o* p* r* s*",
    "postgresql": "t* a* s* b* o* i* c* p* m* f* n* l*",
}
POOL_WAIT_S = 1.0
EXPORT = "/v1/initiatives?format=ndjson"
UNCOMPRESSED = {"accept-encoding": "identity"}


def socket_buffering() -> int:
    """Bytes loopback sockets can hold for a client that reads nothing (Linux's TCP limits)."""
    send_max = int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    receive_default = int(Path("/proc/sys/net/ipv4/tcp_rmem").read_text().split()[1])
    return send_max + receive_default


def assert_problem(response: httpx.Response, *status: int) -> dict[str, object]:
    """An RFC 9457 problem of one of `status`, without a traceback; returns its body."""
    assert response.status_code in status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_FIELDS <= set(body), body
    assert body["status"] == response.status_code
    assert all(isinstance(body[k], str) and body[k] for k in ("type", "title", "detail")), body
    assert "Traceback" not in response.text
    return body


def assert_secure(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))
    assert response.headers.get("content-security-policy", "").startswith("default-src 'none'")


# --- 500 and 5xx -----------------------------------------------------------------------------------


def _raise() -> None:
    raise RuntimeError(f"{SECRET}: in /srv/app/secret.py, SELECT password FROM users")


def _app_with_a_failing_route(db: Database, **settings: object) -> FastAPI:
    app = create_app(Settings(database_url=db.reader_url, **settings))  # type: ignore[arg-type]
    app.add_api_route("/v1/boom", _raise, methods=["GET"])
    return app


@pytest.fixture
def failing_client(seeded_db: Database, caplog: pytest.LogCaptureFixture) -> Iterator[TestClient]:
    """The API with a route that raises, answering 500s instead of re-raising them."""
    caplog.set_level(logging.ERROR)
    app = _app_with_a_failing_route(seeded_db, count_bitmaps=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unexpected_exception_is_a_500_problem_without_its_text(
    failing_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_client.get("/v1/boom")
    body = assert_problem(response, 500)
    assert body["instance"] == "/v1/boom"
    for leak in (SECRET, "RuntimeError", "secret.py", "password", "File "):
        assert leak not in response.text, leak
    assert SECRET in caplog.text  # logged for the operator instead
    assert failing_client.get("/v1/pledges").json()["total"] == 10  # the server keeps serving
    head = failing_client.head("/v1/boom")
    assert head.status_code == 500 and head.content == b""


def test_a_500_carries_the_security_headers(failing_client: TestClient) -> None:
    assert_secure(failing_client.get("/v1/boom"))


def test_a_database_error_is_a_5xx_without_sql_and_frees_its_connection(
    empty_db: Database, tmp_path: Path
) -> None:
    """The schema differs from what the API expects (a renamed column): every pledge query
    fails in the database. On a pool of one, the other resources still answer afterwards.

    PostgreSQL's error is a ProgrammingError, answered 500; SQLite reports "no such column" as
    an OperationalError, which the API answers like an outage: 503 with Retry-After.
    """
    load(empty_db.writer_url, SEEDS)
    engine = create_engine(empty_db.writer_url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE pledges RENAME COLUMN amount TO amount_renamed"))
    engine.dispose()
    settings = Settings(database_url=empty_db.reader_url, pool_size=1, count_bitmaps=False, pool_wait_s=5)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for path in (
            "/v1/pledges",
            "/v1/pledges/huawei-malaysia-30000-ai-professionals",
            "/v1/pledges/summary?group_by=metric",
        ):
            response = client.get(path)
            assert_problem(response, 500 if empty_db.backend == "postgresql" else 503)
            assert_secure(response)  # rendered by a handler inside the middleware
            for leak in ("amount", "SELECT", "pledges.", "psycopg", "sqlite3", "UndefinedColumn"):
                assert leak not in response.text, (path, leak)
        # more requests than the pool holds: each failed one gave its connection back
        for _ in range(3):
            assert client.get("/v1/initiatives?limit=2").status_code == 200
        assert client.get("/v1/organizations/huawei").status_code == 200


# --- statement timeout ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def synth_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A synthetic database of INITIATIVES initiatives (scripts/synth.py), once per module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('synth') / 'synth.db'}"
        db = Database("sqlite", url, url)
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        db = server.create_database()
    build(db.writer_url, initiatives=INITIATIVES, seed=1, progress=False, workers=0)
    yield db
    if db.backend == "postgresql":
        request.getfixturevalue("pg_server").drop_database(db)


def test_a_runaway_query_is_a_503_and_the_next_request_succeeds(synth_db: Database) -> None:
    slow = {"q": SLOW_SEARCH[synth_db.backend]}
    settings = Settings(
        database_url=synth_db.reader_url, statement_timeout_ms=100, pool_size=1, count_bitmaps=False
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/search", params=slow)
        body = assert_problem(response, 503)
        assert_secure(response)
        assert int(response.headers["retry-after"]) > 0
        for leak in ("interrupted", "canceling statement", "search_fts", "tsv", "SELECT"):
            assert leak not in response.text, leak
        assert body["instance"] == "/v1/search"
        # the same (only) pooled connection serves the next requests
        record = client.get("/v1/initiatives/ini-0000042")
        assert record.status_code == 200, record.text
        found = client.get("/v1/search", params={"q": record.json()["name"], "type": "initiative"})
        assert found.status_code == 200, found.text
        assert "ini-0000042" in [item["id"] for item in found.json()["items"]]
        page = client.get("/v1/initiatives?limit=3&facets=kind")
        assert page.status_code == 200 and page.json()["total"] == INITIATIVES
        assert client.get("/v1/search", params=slow).status_code == 503  # and it times out again

    relaxed = Settings(database_url=synth_db.reader_url, pool_size=1, count_bitmaps=False)
    with TestClient(create_app(relaxed)) as client:  # the default timeout: the same search answers
        response = client.get("/v1/search", params=slow)
        assert response.status_code == 200, response.text
        assert response.json()["total"] > 0


# --- pool exhaustion --------------------------------------------------------------------------


def hold_exports(
    http: httpx.Client, stack: ExitStack, limit: int = 8
) -> tuple[list[httpx.Response], httpx.Response]:
    """Open unread exports until one is refused: (the held ones, the refused one)."""
    held: list[httpx.Response] = []
    for _ in range(limit):  # a pool of one holds a few connections at most
        response = stack.enter_context(http.stream("GET", EXPORT))
        if response.status_code != 200:
            response.read()
            return held, response
        held.append(response)  # its body unread: the export waits, holding its connection
    raise AssertionError(f"{limit} unread exports and still no refusal")


def test_an_exhausted_pool_is_a_503_after_the_wait_then_recovers(synth_db: Database, tmp_path: Path) -> None:
    settings = {"POOL_SIZE": "1", "POOL_WAIT_S": str(POOL_WAIT_S), "COUNT_BITMAPS": "false"}
    with (
        uvicorn_server(synth_db.reader_url, tmp_path / "uvicorn.log", settings=settings) as (base, _),
        httpx.Client(base_url=base, timeout=POOL_WAIT_S + 10, headers=UNCOMPRESSED) as http,
    ):
        with ExitStack() as stack:
            held, refused = hold_exports(http, stack)
            assert held, "the first export was refused"
            assert_problem(refused, 503)
            assert_secure(refused)
            assert int(refused.headers["retry-after"]) > 0
            assert refused.elapsed.total_seconds() >= POOL_WAIT_S - 0.05  # it waited for a connection
            assert_problem(http.get("/v1/pledges?limit=1"), 503)  # any request that needs the database
            assert http.get("/health").status_code == 200  # the event loop is not blocked

            first, *others = held
            body = first.read()  # the first export finishes: every row arrives
            assert body.count(b"\n") == int(first.headers["x-total-count"]) == INITIATIVES
            assert len(body) > socket_buffering(), "the sockets could hold the whole export: no test"
            assert http.get("/v1/pledges?limit=1").status_code == 200
        # the other held exports' clients went away (their streams closed unread): their
        # connections come back too, so as many exports as before are held again
        with ExitStack() as stack:
            again = [stack.enter_context(http.stream("GET", EXPORT)) for _ in held]
            assert [r.status_code for r in again] == [200] * len(held)
        assert http.get("/v1/pledges?limit=1").status_code == 200
