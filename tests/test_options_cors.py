"""OPTIONS and CORS: one answer with CORS off, and CORS headers on every answer with it on.

With CORS off (the default): OPTIONS on a path the API serves is 204 with `Allow`, and a
preflight is the same plain OPTIONS, without CORS headers; OPTIONS on any other path is the
404 problem a GET gets. With `CORS_ORIGINS` set, an allowed origin can read every answer,
errors included (405, 414, 404, 422, 500, 503), and preflights are CORS's.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.pg import Database
from tests.test_api_http import assert_problem

ORIGIN = "https://example.org"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "if-none-match",
}
SERVED = [
    "/v1",
    "/v1/initiatives",
    "/v1/pledges/huawei-malaysia-30000-ai-professionals",
    "/v1/pledges.csv",
    "/docs",
]


def assert_secure(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"]


def no_cors(response) -> bool:  # type: ignore[no-untyped-def]
    return not any(name.lower().startswith("access-control-") for name in response.headers)


@pytest.mark.parametrize("path", SERVED)
@pytest.mark.parametrize("headers", [{}, PREFLIGHT], ids=["plain", "preflight"])
def test_options_on_a_served_path_is_204_with_allow(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    response = client.options(path, headers=headers)
    assert response.status_code == 204, response.text
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""
    assert no_cors(response)
    assert_secure(response)


@pytest.mark.parametrize("path", ["/nowhere", "/v2/initiatives", "/v1/pledges/x/y"])
@pytest.mark.parametrize("headers", [{}, PREFLIGHT], ids=["plain", "preflight"])
def test_options_on_an_unknown_path_is_404(client: TestClient, path: str, headers: dict[str, str]) -> None:
    response = client.options(path, headers=headers)
    assert_problem(response, 404)
    assert response.json() == client.get(path).json()
    assert no_cors(response)
    assert_secure(response)


@pytest.fixture
def cors_client(seeded_db: Database) -> Iterator[TestClient]:
    settings = Settings(database_url=seeded_db.reader_url, cors_origins=[ORIGIN], count_bitmaps=False)
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/v1/boom", boom, methods=["GET"])
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/initiatives?limit=1", 200),
        ("DELETE", "/v1/initiatives", 405),
        ("GET", "/v1/initiatives?" + "&".join(f"country=MY{i}" for i in range(1000)), 414),
        ("GET", "/v1/pledges/no-such-pledge", 404),
        ("GET", "/nowhere", 404),
        ("OPTIONS", "/nowhere", 404),
        ("GET", "/v1/initiatives?country=XX", 422),
        ("GET", "/v1/boom", 500),
        ("OPTIONS", "/v1/initiatives", 204),
    ],
)
def test_with_cors_every_answer_carries_its_headers(
    cors_client: TestClient, method: str, path: str, status: int
) -> None:
    response = cors_client.request(method, path, headers={"Origin": ORIGIN})
    assert response.status_code == status, response.text
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    assert_secure(response)


def test_with_cors_a_503_carries_its_headers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'missing' / 'none.db'}",
        cors_origins=[ORIGIN],
        count_bitmaps=False,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        response = test_client.get("/v1/initiatives", headers={"Origin": ORIGIN})
    assert_problem(response, 503)
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in response.headers["access-control-expose-headers"].lower()


def test_with_cors_preflights_are_answered_by_cors_with_the_security_headers(cors_client: TestClient) -> None:
    response = cors_client.options("/v1/initiatives", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "GET" in response.headers["access-control-allow-methods"]
    assert_secure(response)
    other = cors_client.get("/v1", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("origin", [ORIGIN, "https://refine.example"])
def test_with_cors_the_reconciliation_service_still_answers_any_origin(
    cors_client: TestClient, origin: str
) -> None:
    response = cors_client.get("/v1/reconcile", headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers.get_list("access-control-allow-origin") == ["*"]
    assert "access-control-allow-credentials" not in response.headers
    preflight = cors_client.options(
        "/v1/reconcile", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert preflight.headers.get_list("access-control-allow-origin") == ["*"]
    assert_secure(preflight)
