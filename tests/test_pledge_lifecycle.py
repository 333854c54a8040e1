"""Was the pledge kept? `progress`, `overdue` at `as_of` and the summary's pledged / reported /
overdue, through HTTP on SQLite and PostgreSQL, over a fixture of their own.

tests/fixtures/lifecycle (one article, dated 2024-03-15): Omega Group and the Delta Agency's 500
nurses by 2025, reached by a figure of 600; 1,000 teachers by 2023, partly fulfilled, with figures
of 200 (2022) and 400 (2023); 3 data centres by 15 January 2024 (a deadline to the day), nothing
reported; 50 startups by 2030; US$20 million without a deadline, reported as RM50 million (another
unit); 2 data centres by June 2023, fulfilled; Omega Vietnam's 100 GPUs by 2022, withdrawn.
"""

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.dates import today
from app.main import create_app
from app.seeding.load import load
from tests.helpers import FIXTURES
from tests.pg import Database

FIXTURE = FIXTURES / "lifecycle"
NURSES = "omega-delta-500-nurses"
TEACHERS = "omega-1000-teachers"
CENTRES_3 = "omega-3-data-centres"
STARTUPS = "omega-50-startups"
DOLLARS = "omega-usd-20-million"
CENTRES_2 = "omega-2-data-centres"
GPUS = "omega-vietnam-100-gpus"
PLEDGES = sorted([NURSES, TEACHERS, CENTRES_3, STARTUPS, DOLLARS, CENTRES_2, GPUS])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def lc_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('lifecycle') / 'lc.db'}"
        db = Database("sqlite", url, url)
    else:
        db = request.getfixturevalue("pg_server").create_database()
    load(db.writer_url, FIXTURE / "seeds", articles=FIXTURE / "articles")
    yield db
    if db.backend == "postgresql":
        request.getfixturevalue("pg_server").drop_database(db)


@pytest.fixture(scope="module")
def api(lc_db: Database) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=lc_db.reader_url))
    with TestClient(app) as client:
        app.state.counts.build_now()
        yield client


def get(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def overdue_ids(client: TestClient, as_of: str | None, value: str = "true") -> list[str]:
    query = f"overdue={value}&limit=500" + (f"&as_of={as_of}" if as_of else "")
    body = get(client, f"/v1/pledges?{query}")
    assert body["total"] == len(body["items"])
    return [item["id"] for item in body["items"]]


# --- overdue ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2021-06-01", []),
        ("2022-12-31", []),  # the GPUs' 2022 has not ended; withdrawn anyway
        ("2023-06-30", []),  # June 2023 ends today: not yet
        ("2023-12-31", []),  # the teachers' 2023 ends today
        ("2024-01-01", [TEACHERS]),  # partly fulfilled is not kept: 400 of 1,000
        ("2024-01-15", [TEACHERS]),  # the deadline day itself
        ("2024-01-16", [CENTRES_3, TEACHERS]),
        ("2026-01-01", [CENTRES_3, TEACHERS]),  # the nurses' 2025 has ended, but 600 reached 500
        ("2030-12-31", [CENTRES_3, TEACHERS]),
        ("2031-01-01", [CENTRES_3, STARTUPS, TEACHERS]),
        ("9999-12-31", [CENTRES_3, STARTUPS, TEACHERS]),  # no deadline (the dollars): never
    ],
)
def test_overdue_at_a_reference_day(api: TestClient, as_of: str, expected: list[str]) -> None:
    expected = sorted(expected)  # pages sort by id
    assert overdue_ids(api, as_of) == expected
    assert overdue_ids(api, as_of, "false") == [p for p in PLEDGES if p not in expected]
    items = get(api, f"/v1/pledges?as_of={as_of}&limit=500")["items"]
    assert [i["id"] for i in items if i["overdue"]] == expected
    for pledge in (CENTRES_3, NURSES, DOLLARS):
        assert get(api, f"/v1/pledges/{pledge}?as_of={as_of}")["overdue"] is (pledge in expected)


def test_overdue_defaults_to_today_in_utc(api: TestClient) -> None:
    day = today().isoformat()
    assert overdue_ids(api, None) == overdue_ids(api, day)
    items = {i["id"]: i["overdue"] for i in get(api, "/v1/pledges?limit=500")["items"]}
    dated = {i["id"]: i["overdue"] for i in get(api, f"/v1/pledges?limit=500&as_of={day}")["items"]}
    assert items == dated
    assert get(api, "/v1/pledges/summary?group_by=metric")["as_of"] == day


def test_overdue_combines_with_other_filters(api: TestClient) -> None:
    assert overdue_ids(api, "2031-01-01") == sorted([CENTRES_3, STARTUPS, TEACHERS])
    body = get(api, "/v1/pledges?overdue=true&as_of=2031-01-01&unit=data_centre&facets=unit,status")
    assert [i["id"] for i in body["items"]] == [CENTRES_3]
    assert body["facets"]["unit"] == [{"value": "data_centre", "count": 1}]
    body = get(api, "/v1/pledges?overdue=false&as_of=2031-01-01&organization=omega&facets=status")
    assert body["total"] == 4  # the nurses, the dollars, the 2 centres, Omega Vietnam's GPUs
    assert {f["value"] for f in body["facets"]["status"]} == {"announced", "fulfilled", "withdrawn"}


def test_the_reference_day_is_part_of_the_tag(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    first = api.get(f"/v1/pledges/{CENTRES_3}")
    assert (
        api.get(f"/v1/pledges/{CENTRES_3}", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    monkeypatch.setattr("app.deps.today", lambda: date(2000, 1, 1))
    # another day: the same URL is another answer, never revalidated from yesterday's tag
    later = api.get(f"/v1/pledges/{CENTRES_3}", headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200
    dated = api.get(f"/v1/pledges/{CENTRES_3}?as_of=2024-01-16")
    assert (
        api.get(
            f"/v1/pledges/{CENTRES_3}?as_of=2024-01-16", headers={"If-None-Match": dated.headers["ETag"]}
        ).status_code
        == 304
    )
    assert dated.headers["ETag"] != api.get(f"/v1/pledges/{CENTRES_3}?as_of=2024-01-15").headers["ETag"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("as_of=2024", "as_of"),
        ("as_of=2024-02-30", "as_of"),
        ("as_of=15-01-2024", "as_of"),
        ("overdue=maybe", "overdue"),
    ],
)
def test_a_bad_reference_day_is_a_422(api: TestClient, query: str, parameter: str) -> None:
    for path in ("/v1/pledges", f"/v1/pledges/{CENTRES_3}", "/v1/pledges/summary?group_by=metric"):
        joiner = "&" if "?" in path else "?"
        response = api.get(f"{path}{joiner}{query}")
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


# --- progress ---------------------------------------------------------------------------------


def test_progress_of_each_pledge(api: TestClient) -> None:
    items = {i["id"]: i for i in get(api, "/v1/pledges?limit=500")["items"]}
    nurses = items[NURSES]["progress"]
    assert nurses["latest"] == {
        "figure_id": "omega-600-nurses",
        "amount": 600,
        "as_of": "2024-03-15",
        "as_of_precision": "day",
        "share": 1.2,
    }
    teachers = items[TEACHERS]["progress"]
    assert [f["id"] for f in teachers["figures"]] == ["omega-400-teachers-2023", "omega-200-teachers-2022"]
    assert teachers["latest"]["figure_id"] == "omega-400-teachers-2023"
    assert teachers["latest"]["share"] == 0.4
    dollars = items[DOLLARS]["progress"]  # reported in ringgit: listed, but no share of dollars
    assert dollars["latest"] is None
    assert [(f["id"], f["unit"], f["amount"]) for f in dollars["figures"]] == [
        ("omega-myr-50-million", "MYR", 50000000)
    ]
    for pledge in (CENTRES_3, STARTUPS, CENTRES_2, GPUS):
        assert items[pledge]["progress"] is None


def test_the_detail_shows_progress_and_its_figures(api: TestClient) -> None:
    detail = get(api, f"/v1/pledges/{TEACHERS}?as_of=2024-01-01")
    listed = {i["id"]: i for i in get(api, "/v1/pledges?as_of=2024-01-01&limit=500")["items"]}[TEACHERS]
    assert detail["progress"] == listed["progress"]
    assert detail["overdue"] is True and listed["overdue"] is True
    assert [f["id"] for f in detail["figures"]] == [f["id"] for f in detail["progress"]["figures"]]


def test_csv_and_ndjson_carry_overdue_and_progress(api: TestClient) -> None:
    response = api.get("/v1/pledges.csv?as_of=2024-01-16")
    assert response.status_code == 200
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(response.text))}
    assert rows[CENTRES_3]["overdue"] == "True" and rows[NURSES]["overdue"] == "False"
    assert (rows[TEACHERS]["progress_amount"], rows[TEACHERS]["progress_share"]) == ("400", "0.4")
    assert rows[TEACHERS]["progress_as_of"] == "2023-01-01"
    assert rows[DOLLARS]["progress_amount"] == ""
    lines = api.get("/v1/pledges.ndjson?as_of=2024-01-16&overdue=true").text.splitlines()
    assert len(lines) == 2 and all('"overdue":true' in line for line in lines)


# --- summary ----------------------------------------------------------------------------------


def groups(body: dict[str, Any]) -> dict[tuple[Any, str], tuple[Any, ...]]:
    return {
        (g["key"], g["unit"]): (g["pledged"], g["reported"], g["overdue"], g["count"]) for g in body["groups"]
    }


def test_summary_per_organization_and_unit(api: TestClient) -> None:
    body = get(api, "/v1/pledges/summary?group_by=organization&as_of=2024-03-15")
    assert body["as_of"] == "2024-03-15"
    assert groups(body) == {
        # the nurses count in both pledgers' groups, and once in the totals
        ("delta-agency", "people"): (500, 600, 0, 1),
        ("omega", "people"): (1500, 1000, 1, 2),
        ("omega", "data_centre"): (5, None, 1, 2),
        ("omega", "startup"): (50, None, 0, 1),
        ("omega", "USD"): (20000000, None, 0, 1),  # the ringgit are never added to dollars
        ("omega-vietnam", "GPU"): (100, None, 0, 1),
    }
    totals = {t["unit"]: (t["pledged"], t["reported"], t["overdue"], t["count"]) for t in body["totals"]}
    assert totals == {
        "people": (1500, 1000, 1, 2),
        "data_centre": (5, None, 1, 2),
        "startup": (50, None, 0, 1),
        "USD": (20000000, None, 0, 1),
        "GPU": (100, None, 0, 1),
    }
    assert all(g["total"] == g["pledged"] for g in body["groups"] + body["totals"])


def test_summary_takes_the_lifecycle_filters(api: TestClient) -> None:
    body = get(api, "/v1/pledges/summary?group_by=year&overdue=true&as_of=2031-01-01")
    assert groups(body) == {
        (2023, "people"): (1000, 400, 1, 1),
        (2024, "data_centre"): (3, None, 1, 1),
        (2030, "startup"): (50, None, 1, 1),
    }
    body = get(api, "/v1/pledges/summary?group_by=metric&status=fulfilled&status=withdrawn&as_of=2031-01-01")
    assert sum(t["overdue"] for t in body["totals"]) == 0
