"""/v1/timeline through HTTP on SQLite and PostgreSQL, over tests/fixtures/lifecycle: its order
with partial dates of every precision on the same first day, its filters (checked against the
items themselves), facets, exports, and paging equal to the unpaged answer (a property test),
counted from bitmaps and in SQL alike."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.dates import parse_partial_date
from app.main import create_app
from app.seeding.load import load
from tests.helpers import FIXTURES
from tests.oracle import walk
from tests.pg import Database

FIXTURE = FIXTURES / "lifecycle"

# (date, precision, type, id, event), in the timeline's order: at the same first day the wider
# period first (year, month, day), then by type and id.
ORDER = [
    ("2021-01-01", "year", "pledge", "omega-1000-teachers", "announced"),
    ("2022-01-01", "year", "figure", "omega-200-teachers-2022", "as_of"),
    ("2022-01-01", "year", "pledge", "omega-vietnam-100-gpus", "target"),
    ("2023-01-01", "year", "figure", "omega-400-teachers-2023", "as_of"),
    ("2023-01-01", "year", "pledge", "omega-1000-teachers", "target"),
    ("2023-06-01", "month", "pledge", "omega-2-data-centres", "target"),
    ("2024-01-01", "year", "initiative", "omega-lab-network", "started"),
    ("2024-01-01", "year", "initiative", "omega-nursing-school", "launched"),
    ("2024-01-01", "month", "mou", "mou-omega-delta", "signed"),
    ("2024-01-01", "day", "initiative", "omega-teachers-college", "launched"),
    ("2024-01-15", "day", "pledge", "omega-3-data-centres", "target"),
    ("2024-03-15", "day", "figure", "omega-600-nurses", "as_of"),
    ("2024-03-15", "day", "pledge", "omega-delta-500-nurses", "announced"),
    ("2024-03-15", "day", "source", "omega-news", "published"),
    ("2025-01-01", "year", "pledge", "omega-delta-500-nurses", "target"),
    ("2030-01-01", "year", "pledge", "omega-50-startups", "target"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tl_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('timeline') / 'tl.db'}"
        db = Database("sqlite", url, url)
    else:
        db = request.getfixturevalue("pg_server").create_database()
    load(db.writer_url, FIXTURE / "seeds", articles=FIXTURE / "articles")
    yield db
    if db.backend == "postgresql":
        request.getfixturevalue("pg_server").drop_database(db)


@pytest.fixture(scope="module")
def api(tl_db: Database) -> Iterator[TestClient]:
    """Counting (and paging by the timeline's order) from bitmaps, built before the first request."""
    app = create_app(Settings(database_url=tl_db.reader_url))
    with TestClient(app) as client:
        app.state.counts.build_now()
        yield client


@pytest.fixture(scope="module")
def sql_api(tl_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=tl_db.reader_url, count_bitmaps=False))) as client:
        yield client


def get(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def key(item: dict[str, Any]) -> tuple[str, ...]:
    return (item["date"], item["precision"], item["type"], item["id"], item["event"])


def everything(client: TestClient) -> list[dict[str, Any]]:
    body = get(client, "/v1/timeline?limit=500")
    assert body["total"] == len(body["items"]) and body["next_cursor"] is None
    return list(body["items"])


def test_the_order_of_partial_dates(api: TestClient, sql_api: TestClient) -> None:
    for client in (api, sql_api):
        assert [key(i) for i in everything(client)] == ORDER
        latest_first = get(client, "/v1/timeline?sort=-date&limit=500")["items"]
        assert [key(i) for i in latest_first] == ORDER[::-1]


def test_an_event_says_what_the_article_says(api: TestClient) -> None:
    items = {(i["type"], i["id"], i["event"]): i for i in everything(api)}
    college = items[("initiative", "omega-teachers-college", "launched")]
    assert college["text"] == "on 1 January 2024" and college["inferred"] is None
    assert college["record"] == "/v1/initiatives/omega-teachers-college"
    signed = items[("mou", "mou-omega-delta", "signed")]
    assert signed["text"] == "Omega Group and the Delta Agency signed a memorandum in January 2024."
    assert signed["name"] == "Omega Group and Delta Agency MoU"
    assert sorted(signed["countries"]) == ["SG", "VN"]  # the parties' countries
    announced = items[("pledge", "omega-delta-500-nurses", "announced")]
    assert announced["text"] is None and announced["inferred"] == "the dateline, 15 March 2024"
    assert items[("pledge", "omega-delta-500-nurses", "target")]["text"] == "by 2025"
    published = items[("source", "omega-news", "published")]
    assert (published["text"], published["place"]) == ("HANOI, March 15", "Hanoi")
    as_of = items[("figure", "omega-400-teachers-2023", "as_of")]
    assert as_of["text"] == "Omega Group had trained 400 teachers by the end of 2023."


def overlaps(item: dict[str, Any], start: str | None, end: str | None) -> bool:
    first = date.fromisoformat(item["date"])
    last = parse_partial_date(item["date"][: {"year": 4, "month": 7, "day": 10}[item["precision"]]]).end
    return (start is None or last >= parse_partial_date(start).value) and (
        end is None or first <= parse_partial_date(end).end
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from=2024-01&to=2024-01", ORDER[6:11]),  # 2024 and January 2024 overlap January
        ("from=2024-01-02&to=2024-01-31", ORDER[6:9] + ORDER[10:11]),
        ("from=2024-03-15", ORDER[6:8] + ORDER[11:]),  # 2024 overlaps; January 2024 does not
        ("to=2022", ORDER[:3]),
        ("event=target&event=as_of&to=2023", ORDER[1:6]),
        ("type=initiative", [ORDER[i] for i in (6, 7, 9)]),
        ("type=mou&type=source", [ORDER[8], ORDER[13]]),
        ("country=VN", [ORDER[8]]),  # the Delta Agency's MoU (the dollars have no date)
        ("organization=omega-vietnam", [ORDER[2]]),
        ("organization=delta-agency", [ORDER[8], ORDER[12], ORDER[14]]),
        ("year=2024&type=pledge", [ORDER[10], ORDER[12]]),
        ("year=2021&year=2030", [ORDER[0], ORDER[15]]),
        ("source=omega-news&type=source", [ORDER[13]]),
        ("q=nurses", [ORDER[i] for i in (11, 12, 14)] + [ORDER[7]]),
    ],
)
def test_filters(api: TestClient, sql_api: TestClient, query: str, expected: list[tuple[str, ...]]) -> None:
    for client in (api, sql_api):
        body = get(client, f"/v1/timeline?{query}&limit=500")
        assert sorted(key(i) for i in body["items"]) == sorted(expected), query
        assert [key(i) for i in body["items"]] == [k for k in ORDER if k in set(expected)]
        assert body["total"] == len(expected)


def test_organization_includes_subsidiaries(api: TestClient) -> None:
    omega = {key(i) for i in get(api, "/v1/timeline?organization=omega&limit=500")["items"]}
    assert ORDER[2] in omega  # Omega Vietnam's GPUs
    assert ("2024-03-15", "day", "source", "omega-news", "published") not in omega  # a source has none


def test_facets(api: TestClient, sql_api: TestClient) -> None:
    for client in (api, sql_api):
        body = get(client, "/v1/timeline?facets=event,type,country,year&from=2024")
        facets = body["facets"]
        assert facets["type"] == [
            {"value": "pledge", "count": 4},
            {"value": "initiative", "count": 3},
            {"value": "figure", "count": 1},
            {"value": "mou", "count": 1},
            {"value": "source", "count": 1},
        ]
        assert facets["year"] == [
            {"value": 2024, "count": 8},
            {"value": 2025, "count": 1},
            {"value": 2030, "count": 1},
        ]
        assert {f["value"]: f["count"] for f in facets["event"]} == {
            "target": 3,
            "launched": 2,
            "announced": 1,
            "as_of": 1,
            "published": 1,
            "signed": 1,
            "started": 1,
        }
        assert facets["country"] == [{"value": "SG", "count": 1}, {"value": "VN", "count": 1}]


def test_exports_hold_the_same_events(api: TestClient) -> None:
    items = everything(api)
    ndjson = api.get("/v1/timeline.ndjson")
    assert ndjson.status_code == 200 and int(ndjson.headers["x-total-count"]) == len(ORDER)
    assert [key(orjson.loads(line)) for line in ndjson.text.splitlines()] == ORDER
    rows = list(csv.DictReader(io.StringIO(api.get("/v1/timeline.csv?type=mou").text)))
    assert [(r["date"], r["precision"], r["type"], r["id"], r["event"], r["countries"]) for r in rows] == [
        ("2024-01-01", "month", "mou", "mou-omega-delta", "signed", "SG; VN")
    ]
    assert len(items) == len(ORDER)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=2025&to=2024", "to"),
        ("from=2024-13", "from"),
        ("event=opened", "event"),
        ("type=person", "type"),
        ("sort=id", "sort"),
        ("organization=nobody", "organization"),
        ("year=0", "year"),
    ],
)
def test_bad_requests_are_422(api: TestClient, query: str, parameter: str) -> None:
    response = api.get(f"/v1/timeline?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "event": st.lists(
            st.sampled_from(["announced", "target", "as_of", "launched", "signed"]), max_size=2, unique=True
        ),
        "type": st.lists(
            st.sampled_from(["initiative", "mou", "pledge", "figure", "source"]), max_size=2, unique=True
        ),
        "country": st.lists(st.sampled_from(["SG", "VN", "MY"]), max_size=2, unique=True),
        "year": st.lists(
            st.sampled_from(["2021", "2022", "2023", "2024", "2025", "2030"]), max_size=2, unique=True
        ),
        "organization": st.lists(st.sampled_from(["omega", "delta-agency", "omega-vietnam"]), max_size=1),
        "from": st.sampled_from(["2022", "2023-06", "2024-01-01", "2024-02"]).map(lambda v: [v]),
        "to": st.sampled_from(["2024", "2024-01", "2024-03-15"]).map(lambda v: [v]),
        "sort": st.sampled_from(["date", "-date"]).map(lambda v: [v]),
    },
)


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filters=FILTERS, limit=st.integers(1, 5), counted_in_sql=st.booleans())
def test_pages_equal_the_unpaged_answer(
    api: TestClient, sql_api: TestClient, filters: dict[str, list[str]], limit: int, counted_in_sql: bool
) -> None:
    if "from" in filters and "to" in filters:
        assume(parse_partial_date(filters["from"][0]).value <= parse_partial_date(filters["to"][0]).end)
    client = sql_api if counted_in_sql else api
    params = [(name, value) for name, values in filters.items() for value in values]
    whole = get(client, "/v1/timeline?" + "&".join(f"{n}={v}" for n, v in [*params, ("limit", "500")]))
    assert walk(client, "timeline", params, limit) == whole["items"]
    # the filters mean what the items say (organization aside: the items do not list it)
    expected = everything(client)
    for name, values in filters.items():
        if not values:  # a filter given no value is no filter
            continue
        if name in ("event", "type"):
            expected = [i for i in expected if i[name] in values]
        elif name == "country":
            expected = [i for i in expected if set(i["countries"]) & set(values)]
        elif name == "year":
            expected = [i for i in expected if i["date"][:4] in values]
    expected = [
        i for i in expected if overlaps(i, filters.get("from", [None])[0], filters.get("to", [None])[0])
    ]
    if filters.get("sort") == ["-date"]:
        expected = expected[::-1]
    if not filters.get("organization"):
        assert whole["items"] == expected
    else:
        assert [key(i) for i in whole["items"]] == [key(i) for i in expected if i in whole["items"]]
