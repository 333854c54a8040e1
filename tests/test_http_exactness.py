"""HTTP exactness: content negotiation by RFC 9110 (Accept q-values, format=, 406), If-None-Match,
ETags by representation, one Vary, gzip by Accept-Encoding q-values, and a HEAD of an export
that reads no row (statements recorded at the driver, tests/statements.py)."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.pg import Database
from tests.statements import Statement, StatementRecorder

PROBLEM = "application/problem+json"
PLEDGE = "/v1/pledges/huawei-malaysia-30000-ai-professionals"
# Every endpoint that serves JSON only.
JSON_ONLY = [
    "/v1",
    "/health",
    "/ready",
    PLEDGE,
    "/v1/initiatives/skyvast-aiaas-gpuaas",
    "/v1/organizations/huawei",
    "/v1/organizations/huawei/partners",
    "/v1/pledges/summary?group_by=metric",
    "/v1/search?q=huawei",
]


@pytest.fixture
def statements(client: TestClient) -> Iterator[StatementRecorder]:
    with StatementRecorder(client.app.state.engine) as recorder:  # type: ignore[attr-defined]
        yield recorder


def media_type(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.headers["content-type"]).split(";")[0]


def tables_read(statement: Statement) -> list[str]:
    return re.findall(r"\b(?:from|join)\s+(\w+)", statement.normalized)


# -- 1. content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json, text/csv;q=0.1", "application/json"),
        ("text/csv;q=0, */*", "application/json"),
        ("application/json;q=0.5, text/csv", "text/csv"),
        ("*/*, text/csv", "text/csv"),  # named beats the wildcard at equal q
        ("text/*", "text/csv"),
        ("text/csv;charset=UTF-8", "text/csv"),
        ("application/x-ndjson;q=0.9, text/csv;q=0.5", "application/x-ndjson"),
        ("application/*", "application/json"),
        ("*/*", "application/json"),
        ("", "application/json"),
    ],
)
def test_accept_is_negotiated_by_q_values_and_specificity(
    client: TestClient, accept: str, expected: str
) -> None:
    response = client.get("/v1/pledges", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert media_type(response) == expected
    if expected == "application/json":
        assert response.json()["total"] > 1


def test_a_page_stays_a_page_when_csv_is_less_wanted(client: TestClient) -> None:
    response = client.get("/v1/pledges?limit=1", headers={"Accept": "application/json, text/csv;q=0.1"})
    assert media_type(response) == "application/json"
    assert len(response.json()["items"]) == 1


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/v1/pledges", "text/csv;q=0"),
        ("/v1/pledges", "image/png, text/html"),
        ("/v1/pledges", "application/json;q=0, text/*;q=0, application/x-ndjson;q=0"),
        ("/v1/pledges", "*/*;q=0"),
    ],
)
def test_nothing_acceptable_is_406_saying_what_can_be_served(
    client: TestClient, path: str, accept: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 406
    for served in ("application/json", "text/csv", "application/x-ndjson", "format="):
        assert served in body["detail"], body
    assert body["errors"][0]["parameter"] == "Accept"


def test_format_wins_over_accept(client: TestClient) -> None:
    csv = client.get("/v1/pledges?format=csv", headers={"Accept": "application/json"})
    assert media_type(csv) == "text/csv"
    json = client.get("/v1/pledges?format=json", headers={"Accept": "text/csv"})
    assert media_type(json) == "application/json"


@pytest.mark.parametrize(
    ("query", "accept", "parameter"),
    [
        ("format=csv&limit=5", "*/*", "limit"),
        ("format=ndjson&facets=metric", "*/*", "facets"),
        ("format=csv&cursor=abc", "*/*", "cursor"),
        ("limit=5", "text/csv", "limit"),
        ("facets=metric", "application/x-ndjson", "facets"),
    ],
)
def test_page_parameters_do_not_apply_to_exports(
    client: TestClient, query: str, accept: str, parameter: str
) -> None:
    response = client.get(f"/v1/pledges?{query}", headers={"Accept": accept})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["parameter"] == parameter
    assert "does not apply to exports" in error["message"]


@pytest.mark.parametrize("path", JSON_ONLY)
def test_json_only_endpoints_negotiate_too(client: TestClient, path: str) -> None:
    refused = client.get(path, headers={"Accept": "text/csv"})
    assert refused.status_code == 406, refused.text
    assert refused.headers["content-type"] == PROBLEM
    assert "application/json" in refused.json()["detail"]
    assert "format=" not in refused.json()["detail"]
    served = client.get(path, headers={"Accept": "text/csv, application/json;q=0.2"})
    assert served.status_code == 200, served.text
    assert media_type(served) == "application/json"


@pytest.mark.parametrize(
    ("path", "media"), [("/v1/pledges.csv", "text/csv"), ("/v1/pledges.ndjson", "application/x-ndjson")]
)
def test_an_export_path_serves_its_format_only(client: TestClient, path: str, media: str) -> None:
    refused = client.get(path, headers={"Accept": "application/json"})
    assert refused.status_code == 406, refused.text
    assert media in refused.json()["detail"]
    served = client.get(path, headers={"Accept": f"application/json, {media};q=0.5"})
    assert served.status_code == 200 and media_type(served) == media
    anything = client.get(path)
    assert anything.status_code == 200 and media_type(anything) == media
    assert anything.headers["etag"] == served.headers["etag"]  # one representation, one tag


def test_a_406_reads_nothing(client: TestClient, statements: StatementRecorder) -> None:
    for path in ("/v1/pledges", PLEDGE):
        assert client.get(path, headers={"Accept": "image/png"}).status_code == 406
    assert statements.queries() == []


# -- 2. If-None-Match: * matches only a representation that exists -----------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/pledges/no-such-pledge", 404),
        ("/v1/organizations/nobody/partners", 404),
        ("/v1/pledges?foo=1", 422),
        ("/v1/pledges?cursor=zzz", 400),
        ("/v1/pledges?organization=huawie", 422),
        ("/v1/pledges?format=csv&limit=5", 422),
        ("/v1/pledges?format=xml", 422),
        ("/v1/search?q=huawei&cursor=zzz", 400),
        ("/v1/pledges/summary", 422),
    ],
)
def test_if_none_match_star_never_turns_an_error_into_a_304(
    client: TestClient, path: str, status: int
) -> None:
    plain = client.get(path)
    assert plain.status_code == status, plain.text
    assert "etag" not in plain.headers  # an error has no tag to revalidate
    starred = client.get(path, headers={"If-None-Match": "*"})
    assert starred.status_code == status, starred.text
    assert starred.headers["content-type"] == PROBLEM


def test_if_none_match_star_over_the_export_cap_is_the_error(seeded_db: Database) -> None:
    with TestClient(create_app(Settings(database_url=seeded_db.reader_url, max_export_rows=5))) as c:
        response = c.get("/v1/initiatives?format=csv", headers={"If-None-Match": "*"})
        assert response.status_code not in (200, 304), response.status_code
        assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("path", ["/v1", PLEDGE, "/v1/pledges?organization=huawei", "/v1/pledges?format=csv"])
def test_if_none_match_star_matches_what_exists(client: TestClient, path: str) -> None:
    tag = client.get(path).headers["etag"]
    for header in ("*", '"other", *'):
        response = client.get(path, headers={"If-None-Match": header})
        assert response.status_code == 304, response.text
        assert response.content == b"" and response.headers["etag"] == tag


def test_if_none_match_star_on_an_export_reads_no_row(
    client: TestClient, statements: StatementRecorder
) -> None:
    assert client.get("/v1/pledges?format=csv", headers={"If-None-Match": "*"}).status_code == 304
    assert statements.queries(), "the recorder must see the version read and the count"
    assert all(tables_read(q) == ["dataset"] or "count(" in q.normalized for q in statements.queries())


# -- 3. ETag by representation, Vary once -------------------------------------------------------


def test_the_same_json_gets_the_same_tag_whatever_accept_said(client: TestClient) -> None:
    path = "/v1/pledges?organization=huawei&limit=2"
    accepts = [None, "*/*", "application/json", "application/json, text/csv;q=0.1", "text/csv;q=0, */*"]
    tags = {client.get(path, headers={"Accept": a} if a else {}).headers["etag"] for a in accepts}
    assert len(tags) == 1, tags
    (tag,) = tags
    assert (
        client.get(path, headers={"Accept": "text/html, */*;q=0.1", "If-None-Match": tag}).status_code == 304
    )
    # another representation of the same query is another tag
    as_csv = client.get("/v1/pledges?organization=huawei", headers={"Accept": "text/csv"})
    assert (
        as_csv.headers["etag"]
        == client.get("/v1/pledges?organization=huawei", headers={"Accept": "text/*"}).headers["etag"]
    )
    json = client.get("/v1/pledges?organization=huawei")
    assert as_csv.headers["etag"] != json.headers["etag"]
    assert (
        client.get(
            "/v1/pledges?organization=huawei", headers={"If-None-Match": as_csv.headers["etag"]}
        ).status_code
        == 200
    )


def test_the_tag_normalizes_the_order_of_parameters(client: TestClient) -> None:
    one = client.get("/v1/pledges?country=MY&metric=people_trained").headers["etag"]
    other = client.get("/v1/pledges?metric=people_trained&country=MY").headers["etag"]
    assert one == other


def vary(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [name.strip().lower() for value in response.headers.get_list("vary") for name in value.split(",")]


@pytest.mark.parametrize(
    ("path", "encoding"),
    [
        ("/v1/initiatives?limit=100", "gzip"),  # compressed
        ("/v1/initiatives?limit=100", "identity"),
        ("/v1/initiatives?limit=1&kind=data_corridor", "gzip"),  # too small to compress
        ("/v1/pledges?format=csv", "gzip"),  # streamed
    ],
)
def test_vary_names_each_header_once(client: TestClient, path: str, encoding: str) -> None:
    response = client.get(path, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert vary(response) == ["accept", "accept-encoding"], response.headers.get_list("vary")
    again = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert vary(again) == ["accept", "accept-encoding"]


# -- 4. gzip by Accept-Encoding q-values --------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("gzip;q=0.5", True),
        ("*", True),
        ("deflate, GZIP;q=0.8", True),
        ("gzip;q=0, identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("gzip;q=0.5, identity", False),  # identity is preferred
        ("identity", False),
        ("br", False),
    ],
)
def test_gzip_follows_accept_encoding_q_values(
    client: TestClient, accept_encoding: str, gzipped: bool
) -> None:
    for path in ("/v1/initiatives?limit=100", "/v1/initiatives?format=ndjson"):
        response = client.get(path, headers={"Accept-Encoding": accept_encoding})
        assert response.status_code == 200
        assert (response.headers.get("content-encoding") == "gzip") is gzipped, (path, response.headers)
        assert response.content  # decoded by httpx either way


# -- 5. HEAD costs what the headers cost --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/v1/pledges?format=csv", "*/*"),
        ("/v1/pledges?format=ndjson", "*/*"),
        ("/v1/initiatives", "text/csv"),
    ],
)
def test_head_of_an_export_reads_no_row(
    client: TestClient, statements: StatementRecorder, path: str, accept: str
) -> None:
    get = client.get(path, headers={"Accept": accept})
    assert get.status_code == 200 and get.content
    read = [q for q in statements.queries() if tables_read(q) != ["dataset"] and "count(" not in q.normalized]
    assert read, "the recorder must see the GET read its rows"
    statements.clear()
    head = client.head(path, headers={"Accept": accept})
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "etag", "x-total-count", "content-disposition", "cache-control"):
        assert head.headers[name] == get.headers[name], name
    queries = statements.queries()
    assert [tables_read(q) for q in queries if tables_read(q) == ["dataset"]] == [["dataset"]], queries
    others = [q for q in queries if tables_read(q) != ["dataset"]]
    assert len(others) == 1 and "count(" in others[0].normalized, others  # X-Total-Count, and the cap


def test_head_of_an_export_has_the_status_of_its_get(client: TestClient) -> None:
    for path in ("/v1/pledges?format=csv&organization=huawie", "/v1/pledges?format=csv&limit=5"):
        head = client.head(path)
        assert head.status_code == client.get(path).status_code == 422
