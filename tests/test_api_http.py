"""HTTP behaviour: problem+json errors, caching, compression, read-only methods, limits, and the
number of statements a request sends to the database (recorded at the driver, tests/statements.py)."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.helpers import copy_minimal
from tests.pg import Database
from tests.statements import Statement, StatementRecorder

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, parameter: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    if parameter is not None:
        assert parameter in [e["parameter"] for e in body["errors"]], body
    text = response.text.lower()
    assert "traceback" not in text and "select " not in text
    return body


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/initiatives?countri=MY", "countri"),
        ("/v1/initiatives?country=XX", "country"),
        ("/v1/initiatives?country=MYS", "country"),
        ("/v1/initiatives?kind=hackathon", "kind"),
        ("/v1/initiatives?limit=0", "limit"),
        ("/v1/initiatives?limit=501", "limit"),
        ("/v1/initiatives?limit=ten", "limit"),
        ("/v1/initiatives?sort=colour", "sort"),
        ("/v1/initiatives?sort=name,name", "sort"),
        ("/v1/initiatives?facets=colour", "facets"),
        ("/v1/initiatives?format=xml", "format"),
        ("/v1/initiatives?announced_from=2025-13", "announced_from"),
        ("/v1/initiatives?announced_from=2025-02-30", "announced_from"),
        ("/v1/initiatives?announced_from=2025&announced_to=2024", "announced_to"),
        ("/v1/initiatives?organization=huawie", "organization"),
        ("/v1/initiatives?organization=Not A Slug", "organization"),
        ("/v1/initiatives?source=nowhere", "source"),
        ("/v1/initiatives?q=%20%20", "q"),
        ("/v1/initiatives?q=" + "a" * 201, "q"),
        ("/v1/initiatives?q=...", "q"),
        ("/v1/organizations?parent=nobody", "parent"),
        ("/v1/mous?party=nobody", "party"),
        ("/v1/mous?signed_to=yesterday", "signed_to"),
        ("/v1/pledges?min_amount=-1", "min_amount"),
        ("/v1/pledges?min_amount=nan", "min_amount"),
        ("/v1/pledges?min_amount=10&max_amount=5", "max_amount"),
        ("/v1/pledges?unit=euro", "unit"),  # a currency is its ISO 4217 code: EUR
        ("/v1/pledges?unit=XYZ", "unit"),
        ("/v1/pledges/summary", "group_by"),
        ("/v1/pledges/summary?group_by=colour", "group_by"),
        ("/v1/pledges/summary?group_by=metric&limit=5", "limit"),
        ("/v1/search", "q"),
        ("/v1/search?q=huawei&type=persons", "type"),
        ("/v1/search?q=huawei&cursor=zzz", "cursor"),
    ],
)
def test_bad_parameters_are_named(client: TestClient, path: str, parameter: str) -> None:
    assert_problem(client.get(path), 400 if parameter == "cursor" else 422, parameter)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/initiatives/nothing-here",
        "/v1/organizations/nobody",
        "/v1/organizations/nobody/partners",
        "/v1/mous/nothing",
        "/v1/pledges/nothing",
        "/v1/sources/nothing",
        "/v2/initiatives",
    ],
)
def test_missing_ids_are_404(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE"])
@pytest.mark.parametrize(
    "path", ["/v1/initiatives", "/v1/pledges/huawei-malaysia-30000-ai-professionals", "/nowhere"]
)
def test_the_api_is_read_only(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={"name": "x"})
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


def test_head_and_options(client: TestClient) -> None:
    head = client.head("/v1/initiatives")
    assert head.status_code == 200 and head.content == b""
    options = client.options("/v1/initiatives")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, OPTIONS"


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/v1/pledges?organization=huawei")
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/v1/pledges?organization=huawei", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/v1/pledges?organization=alibaba", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    as_csv = client.get("/v1/pledges?organization=huawei", headers={"Accept": "text/csv"})
    assert as_csv.headers["etag"] != etag
    for path in (
        "/v1",
        "/v1/initiatives/skyvast-aiaas-gpuaas",
        "/v1/search?q=huawei",
        "/v1/pledges/summary?group_by=metric",
    ):
        response = client.get(path)
        assert response.headers["etag"]
        assert client.get(path, headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_large_responses_are_gzipped(client: TestClient) -> None:
    response = client.get("/v1/initiatives?limit=100", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["total"] == 35
    small = client.get(
        "/v1/initiatives?limit=1&kind=data_corridor&country=SG", headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers


def test_security_headers(client: TestClient) -> None:
    api = client.get("/v1/initiatives?limit=1")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    assert client.get("/openapi.json").status_code == 200


def test_query_string_length_is_capped(client: TestClient) -> None:
    response = client.get("/v1/initiatives?" + "&".join(f"country=MY{i}" for i in range(1000)))
    assert_problem(response, 414)


def test_cors_allow_list(seeded_db: Database) -> None:
    settings = Settings(database_url=seeded_db.reader_url, cors_origins=["https://example.org"])
    with TestClient(create_app(settings)) as c:
        allowed = c.get("/v1", headers={"Origin": "https://example.org"})
        assert allowed.headers["access-control-allow-origin"] == "https://example.org"
        denied = c.get("/v1", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in denied.headers
        preflight = c.options(
            "/v1/initiatives",
            headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
        )
        assert preflight.status_code == 200


def test_export_row_cap(seeded_db: Database) -> None:
    with TestClient(create_app(Settings(database_url=seeded_db.reader_url, max_export_rows=5))) as c:
        # 400, not 413: 413 is about the request's own content (RFC 9110 15.5.14)
        body = assert_problem(c.get("/v1/initiatives?format=csv"), 400)
        assert body["type"] == "/problems/export-too-large"
        assert c.get("/v1/initiatives?format=csv&kind=policy").status_code == 200


@pytest.fixture
def statements(client: TestClient) -> Iterator[StatementRecorder]:
    """Every statement `client`'s app sends to the database during the test, at the driver."""
    with StatementRecorder(client.app.state.engine) as recorder:  # type: ignore[attr-defined]
        yield recorder


def test_the_recorder_sees_at_least_what_sqlalchemy_sees(
    client: TestClient, statements: StatementRecorder
) -> None:
    """The recorder of tests/statements.py misses nothing SQLAlchemy's own event sees."""
    seen: list[str] = []
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for path in ("/v1/initiatives/skyvast-aiaas-gpuaas", "/v1/organizations/huawei", "/v1/mous?limit=3"):
            statements.clear()
            seen.clear()
            assert client.get(path).status_code == 200
            recorded = statements.queries()
            assert len(recorded) >= len(seen), (recorded, seen)
            assert any("from dataset" in s.normalized for s in recorded), recorded  # the ETag's version
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/initiatives?facets=country,kind",
        "/v1/organizations",
        "/v1/mous",
        "/v1/pledges?facets=metric",
        "/v1/sources",
        "/v1/initiatives?organization=huawei",
        "/v1/pledges?organization=huawei",
        "/v1/mous?party=huawei",
    ],
)
def test_a_page_runs_a_bounded_number_of_queries(
    client: TestClient, statements: StatementRecorder, path: str
) -> None:
    sep = "&" if "?" in path else "?"
    client.get(f"{path}{sep}limit=1")  # warms the cache of totals and facet counts
    statements.clear()
    client.get(f"{path}{sep}limit=1")
    small = len(statements.queries())
    assert small >= 2, "the recorder must see the version read and the page"
    statements.clear()
    body = client.get(f"{path}{sep}limit=500").json()
    assert len(body["items"]) > 1
    assert len(statements.queries()) == small <= 10, statements.queries()


# The optional single links whose absence spares a query (an organization's parent, a pledge's
# or an MoU's initiative, an initiative's part_of), and the most statements a record may run (an organization's today).
OPTIONAL_LINKS = ("parent", "initiative", "part_of")
# The lists whose rows have links of their own (a pledge's pledgers): an empty one spares that query.
LINKED_LISTS = ("pledges",)
MAX_RECORD_STATEMENTS = 17  # one of them reads first_seen and last_changed


@pytest.mark.parametrize(
    "resource", ["initiatives", "organizations", "people", "mous", "pledges", "figures", "sources"]
)
def test_a_record_runs_a_bounded_number_of_queries(
    client: TestClient, statements: StatementRecorder, resource: str
) -> None:
    """Every record runs as many statements as any other with the same optional links, however
    many related rows it holds: no query per participant, pledge, citation..."""
    ids = [item["id"] for item in client.get(f"/v1/{resource}?limit=500").json()["items"]]
    runs: dict[tuple[bool, ...], dict[int, set[int]]] = {}  # links -> related rows -> statements
    for record_id in ids:
        statements.clear()
        response = client.get(f"/v1/{resource}/{record_id}")
        assert response.status_code == 200, response.text
        body = response.json()
        links = tuple(body.get(k) is None for k in OPTIONAL_LINKS if k in body)
        links += tuple(not body[k] for k in LINKED_LISTS if k in body)
        related = sum(len(v) for v in body.values() if isinstance(v, list))
        runs.setdefault(links, {}).setdefault(related, set()).add(len(statements.queries()))
    counts = {n for by_size in runs.values() for found in by_size.values() for n in found}
    assert 2 <= max(counts) <= MAX_RECORD_STATEMENTS, runs
    for by_size in runs.values():
        assert len(set().union(*by_size.values())) == 1, runs
    widest = max(runs.values(), key=len)
    assert max(widest) - min(widest) >= 3, f"the records hardly differ: {runs}"


def _only_the_version(statement: Statement) -> bool:
    return re.findall(r"\b(?:from|join)\s+(\w+)", statement.normalized) == ["dataset"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/initiatives?country=MY&facets=kind",
        "/v1/pledges?organization=huawei&facets=metric",
        "/v1/initiatives/skyvast-aiaas-gpuaas",
        "/v1/pledges/summary?group_by=metric",
    ],
)
def test_a_304_reads_nothing_but_the_dataset_version(
    client: TestClient, statements: StatementRecorder, path: str
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert len(statements.queries()) >= 2, "the recorder must see the request's queries"
    statements.clear()
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    queries = statements.queries()
    assert len(queries) <= 1 and all(_only_the_version(q) for q in queries), queries


def test_totals_and_facets_are_computed_once_per_dataset_version(seeded_db: Database) -> None:
    """Counted in SQL (no count bitmaps), a filter's total and facets are counted by its first
    request only: later pages and sorts of it take them from the cache of the version."""
    app = create_app(Settings(database_url=seeded_db.reader_url, count_bitmaps=False))
    with TestClient(app) as client, StatementRecorder(app.state.engine) as statements:

        def counts() -> list[str]:
            return [s.normalized for s in statements.queries() if "count(" in s.normalized]

        client.get("/v1/pledges?country=MY&facets=metric,unit&limit=1")
        assert len(counts()) == 3, counts()  # the total and two facets
        statements.clear()
        body = client.get("/v1/pledges?country=MY&facets=metric,unit&limit=2&sort=-amount").json()
        assert not counts(), counts()
        assert body["total"] == 4
        assert sum(f["count"] for f in body["facets"]["metric"]) == 4
        statements.clear()
        client.get("/v1/pledges?country=SG&facets=metric&limit=1")
        assert len(counts()) == 2, counts()  # other filters: counted afresh


def test_a_reload_is_seen_at_once_despite_the_cache(empty_db: Database, tmp_path: Path) -> None:
    seeds, articles = copy_minimal(tmp_path)
    load(empty_db.writer_url, seeds, articles=articles)
    with TestClient(create_app(Settings(database_url=empty_db.reader_url))) as c:
        first = c.get("/v1/pledges?facets=metric")
        assert first.json()["total"] == 1
        source = seeds / "sources" / "a.yaml"
        source.write_text(source.read_text().split("pledges:")[0])
        load(empty_db.writer_url, seeds, articles=articles)
        second = c.get("/v1/pledges?facets=metric", headers={"If-None-Match": first.headers["etag"]})
        assert second.status_code == 200
        assert second.json()["total"] == 0
        assert second.json()["facets"]["metric"] == []
