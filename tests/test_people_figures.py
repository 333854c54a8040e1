"""/v1/people and /v1/figures through HTTP, on SQLite and PostgreSQL, over a fixture of their own.

tests/fixtures/people_figures: Ali Rahman holds positions at Zeta Group and its subsidiary Zeta
Malaysia; Mei Lin is the Gamma Ministry's minister and witnesses an MoU. Four figures: two of
organizations (Zeta Group, Zeta Malaysia), two of the Zeta Cloud Academy (led by Zeta Group,
hosted by the Gamma Ministry), one reporting progress on Zeta Group's pledge; dated to the day,
the month and the year; quotes spoken by both people.
"""

import csv
import io
from collections.abc import Iterator

import orjson
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.helpers import FIXTURES
from tests.pg import Database

FIXTURE = FIXTURES / "people_figures"
F_ACADEMY = "zeta-academy-250-engineers"  # initiative, 2024-05-05, pledge, Ali speaks
F_CENTRES = "zeta-12-data-centres"  # Zeta Group, undated, worldwide
F_DEVELOPERS = "zeta-malaysia-300-developers"  # Zeta Malaysia, 2025-06, MY, Mei Lin speaks
F_OPEN_DAY = "zeta-academy-open-day-2000"  # initiative, 2025-03
F_STARTUPS = "zeta-8-startups-2023"  # Zeta Group, 2023 (a year)
ALL_FIGURES = sorted([F_ACADEMY, F_CENTRES, F_DEVELOPERS, F_OPEN_DAY, F_STARTUPS])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pf_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('people-figures') / 'pf.db'}"
        db = Database("sqlite", url, url)
    else:
        db = request.getfixturevalue("pg_server").create_database()
    load(db.writer_url, FIXTURE / "seeds", articles=FIXTURE / "articles")
    yield db
    if db.backend == "postgresql":
        request.getfixturevalue("pg_server").drop_database(db)


@pytest.fixture(scope="module")
def api(pf_db: Database) -> Iterator[TestClient]:
    """Counting from bitmaps, built before the first request."""
    app = create_app(Settings(database_url=pf_db.reader_url))
    with TestClient(app) as client:
        app.state.counts.build_now()
        yield client


@pytest.fixture(scope="module")
def sql_api(pf_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=pf_db.reader_url, count_bitmaps=False))) as client:
        yield client


def ids(client: TestClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"]), body
    return [item["id"] for item in body["items"]]


# --- people ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["ali-rahman", "mei-lin"]),
        ("organization=zeta", ["ali-rahman"]),  # positions at Zeta Group and at its subsidiary
        ("organization=zeta-malaysia", ["ali-rahman"]),
        ("organization=gamma-ministry", ["mei-lin"]),
        ("organization=zeta&organization=gamma-ministry", ["ali-rahman", "mei-lin"]),
        ("source=zeta-news", ["ali-rahman"]),
        ("source=gamma-news", ["mei-lin"]),
        ("source=gamma-news&organization=zeta", []),
        ("q=ali", ["ali-rahman"]),  # an alias
        ("q=rahman", ["ali-rahman"]),
        ("q=minister", ["mei-lin"]),  # a title
        ("sort=-name", ["mei-lin", "ali-rahman"]),
        ("sort=-id", ["mei-lin", "ali-rahman"]),
        ("sort=name", ["ali-rahman", "mei-lin"]),
    ],
)
def test_people_filters_and_sorts(api: TestClient, query: str, expected: list[str]) -> None:
    assert ids(api, f"/v1/people?{query}") == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("organization=zeta-malaysai", "organization"),
        ("source=nowhere", "source"),
        ("sort=title", "sort"),
        ("facets=metric", "facets"),
        ("speaker=mei-lin", "speaker"),
        ("organization=Zeta Group", "organization"),
    ],
)
def test_people_bad_parameters_are_422_naming_them(api: TestClient, query: str, parameter: str) -> None:
    response = api.get(f"/v1/people?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


def test_people_facets_count_people_per_organization(api: TestClient) -> None:
    body = api.get("/v1/people?facets=organization").json()
    assert body["facets"]["organization"] == [
        {"value": "gamma-ministry", "count": 1},
        {"value": "zeta", "count": 1},
        {"value": "zeta-malaysia", "count": 1},
    ]
    narrowed = api.get("/v1/people?organization=zeta&facets=organization").json()
    assert narrowed["facets"]["organization"] == [
        {"value": "zeta", "count": 1},
        {"value": "zeta-malaysia", "count": 1},
    ]


def test_people_pages(api: TestClient) -> None:
    first = api.get("/v1/people?limit=1&sort=name")
    body = first.json()
    assert [p["id"] for p in body["items"]] == ["ali-rahman"] and body["total"] == 2
    assert 'rel="next"' in first.headers["link"]
    second = api.get(f"/v1/people?limit=1&sort=name&cursor={body['next_cursor']}").json()
    assert [p["id"] for p in second["items"]] == ["mei-lin"] and second["next_cursor"] is None


def test_people_list_items(api: TestClient) -> None:
    ali = api.get("/v1/people?organization=zeta").json()["items"][0]
    assert ali == {
        "id": "ali-rahman",
        "name": "Ali Rahman",
        "aliases": ["Ali"],
        "positions": [
            {"title": "Zeta Group chairman", "organization_id": "zeta", "source_id": "zeta-news"},
            {
                "title": "Zeta Malaysia chief executive",
                "organization_id": "zeta-malaysia",
                "source_id": "zeta-news",
            },
        ],
    }


def test_person_detail(api: TestClient) -> None:
    ali = api.get("/v1/people/ali-rahman").json()
    assert [p["organization"]["id"] for p in ali["positions"]] == ["zeta", "zeta-malaysia"]
    assert ali["positions"][1] == {
        "title": "Zeta Malaysia chief executive",
        "organization": {"id": "zeta-malaysia", "name": "Zeta Malaysia", "kind": "company", "country": "MY"},
        "source_id": "zeta-news",
    }
    assert ali["mous_witnessed"] == []
    assert [(q["type"], q["id"], q["name"]) for q in ali["quotes"]] == [
        ("initiative", "zeta-cloud-academy", "Zeta Cloud Academy"),
        ("figure", F_ACADEMY, "Zeta Cloud Academy: 250 people (people trained)"),
    ]
    assert ali["quotes"][1]["supports"] == ["subject", "amount"]
    assert ali["quotes"][1]["source_id"] == "zeta-news"
    assert [c["supports"] for c in ali["citations"]] == [["positions"]]
    assert ali["inferred"] == {}

    mei = api.get("/v1/people/mei-lin").json()
    assert mei["positions"][0]["organization"]["id"] == "gamma-ministry"
    assert mei["mous_witnessed"] == [
        {
            "id": "mou-zeta-malaysia-gamma",
            "title": "Zeta Malaysia and Gamma Ministry MoU",
            "signed_on": "2025-06-02",
            "signed_precision": "day",
        }
    ]
    assert [(q["type"], q["id"], q["attribution"]) for q in mei["quotes"]] == [
        ("figure", F_DEVELOPERS, "Digital Minister Mei Lin")
    ]
    assert mei["inferred"] == {
        "positions": "the Digital Minister is the Gamma Ministry's minister in this fixture"
    }


@pytest.mark.parametrize("path", ["/v1/people/nobody", "/v1/figures/no-such-figure"])
def test_missing_records_are_404(api: TestClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_people_exports(api: TestClient) -> None:
    response = api.get("/v1/people.csv?organization=zeta-malaysia")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows == [
        {
            "id": "ali-rahman",
            "name": "Ali Rahman",
            "aliases": "Ali",
            "positions": "Zeta Group chairman; Zeta Malaysia chief executive",
            "organization_ids": "zeta; zeta-malaysia",
        }
    ]
    lines = api.get("/v1/people.ndjson?sort=-name").text.splitlines()
    assert [orjson.loads(line)["id"] for line in lines] == ["mei-lin", "ali-rahman"]
    assert api.get("/v1/people?format=csv&source=gamma-news").text.count("\n") == 2


# --- figures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ALL_FIGURES),
        # subject Zeta Group, its subsidiary's, and those of the initiative it leads
        ("organization=zeta", ALL_FIGURES),
        ("organization=zeta-malaysia", [F_DEVELOPERS]),
        ("organization=gamma-ministry", [F_ACADEMY, F_OPEN_DAY]),  # hosts the academy
        ("organization=zeta-malaysia&organization=gamma-ministry", [F_ACADEMY, F_OPEN_DAY, F_DEVELOPERS]),
        ("initiative=zeta-cloud-academy", [F_ACADEMY, F_OPEN_DAY]),
        ("metric=people_trained", [F_ACADEMY]),
        ("metric=people_trained&metric=people_attended", [F_ACADEMY, F_OPEN_DAY]),
        ("metric=PEOPLE_TRAINED", [F_ACADEMY]),
        ("unit=people", [F_ACADEMY, F_OPEN_DAY]),
        ("unit=data_centre", [F_CENTRES]),
        ("qualifier=more_than", [F_DEVELOPERS]),
        ("qualifier=exact", [F_CENTRES, F_ACADEMY, F_STARTUPS]),
        ("country=MY", [F_DEVELOPERS]),
        ("country=SG", []),
        ("scope=worldwide", [F_CENTRES]),
        ("scope=unstated&unit=people", [F_ACADEMY, F_OPEN_DAY]),
        ("pledge=zeta-1000-engineers", [F_ACADEMY]),
        ("speaker=ali-rahman", [F_ACADEMY]),
        ("speaker=mei-lin", [F_DEVELOPERS]),
        ("speaker=ali-rahman&speaker=mei-lin", [F_ACADEMY, F_DEVELOPERS]),
        ("source=zeta-news", [F_CENTRES, F_ACADEMY, F_STARTUPS]),
        ("source=gamma-news", [F_OPEN_DAY, F_DEVELOPERS]),
        # partial dates overlap: 2023 (a year) ends after June 2023; undated figures never match
        ("as_of_from=2023-06", [F_STARTUPS, F_ACADEMY, F_OPEN_DAY, F_DEVELOPERS]),
        ("as_of_from=2024-06", [F_OPEN_DAY, F_DEVELOPERS]),
        ("as_of_to=2023-01-15", [F_STARTUPS]),  # the year 2023 starts before
        ("as_of_from=2023-12-31&as_of_to=2023-12-31", [F_STARTUPS]),
        ("as_of_from=2024-05-05&as_of_to=2024-05-05", [F_ACADEMY]),
        ("as_of_from=2024-05-06&as_of_to=2025-02-28", []),
        ("as_of_from=2025-03-15&as_of_to=2025-03-20", [F_OPEN_DAY]),  # March 2025
        ("as_of_from=2025", [F_OPEN_DAY, F_DEVELOPERS]),
        ("as_of_from=2000", [F_STARTUPS, F_ACADEMY, F_OPEN_DAY, F_DEVELOPERS]),
        ("as_of_to=2022", []),
        ("q=developers", [F_DEVELOPERS]),
        ("q=academy", [F_ACADEMY, F_OPEN_DAY]),
        ("q=zeta&metric=data_centres_opened", [F_CENTRES]),
    ],
)
def test_figure_filters(api: TestClient, query: str, expected: list[str]) -> None:
    assert sorted(ids(api, f"/v1/figures?{query}")) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=amount", [F_STARTUPS, F_CENTRES, F_ACADEMY, F_DEVELOPERS, F_OPEN_DAY]),
        ("sort=-amount", [F_OPEN_DAY, F_DEVELOPERS, F_ACADEMY, F_CENTRES, F_STARTUPS]),
        ("sort=as_of", [F_STARTUPS, F_ACADEMY, F_OPEN_DAY, F_DEVELOPERS, F_CENTRES]),  # undated last
        ("sort=-as_of", [F_DEVELOPERS, F_OPEN_DAY, F_ACADEMY, F_STARTUPS, F_CENTRES]),
        ("sort=metric", [F_CENTRES, F_DEVELOPERS, F_OPEN_DAY, F_ACADEMY, F_STARTUPS]),
        ("sort=metric,-amount", [F_CENTRES, F_DEVELOPERS, F_OPEN_DAY, F_ACADEMY, F_STARTUPS]),
        ("sort=-id", ALL_FIGURES[::-1]),
        ("", ALL_FIGURES),
    ],
)
def test_figure_sorts(api: TestClient, query: str, expected: list[str]) -> None:
    assert ids(api, f"/v1/figures?{query}") == expected


def test_undated_figures_sort_last_both_ways_across_pages(api: TestClient) -> None:
    for sort in ("as_of", "-as_of"):
        seen, cursor = [], None
        while True:
            body = api.get(
                f"/v1/figures?sort={sort}&limit=2" + (f"&cursor={cursor}" if cursor else "")
            ).json()
            seen += [f["id"] for f in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen[-1] == F_CENTRES and len(seen) == 5, (sort, seen)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("organization=nobody", "organization"),
        ("initiative=no-such-initiative", "initiative"),
        ("pledge=no-such-pledge", "pledge"),
        ("speaker=nobody", "speaker"),
        ("source=nowhere", "source"),
        ("metric=weight", "metric"),
        ("unit=kg", "unit"),
        ("qualifier=roughly", "qualifier"),
        ("scope=galaxy", "scope"),
        ("country=Malaysia", "country"),
        ("as_of_from=2025-13", "as_of_from"),
        ("as_of_to=yesterday", "as_of_to"),
        ("as_of_from=2025&as_of_to=2024", "as_of_to"),
        ("sort=name", "sort"),
        ("facets=year", "facets"),
        ("witness=mei-lin", "witness"),
        ("limit=0", "limit"),
    ],
)
def test_figures_bad_parameters_are_422_naming_them(api: TestClient, query: str, parameter: str) -> None:
    response = api.get(f"/v1/figures?{query}")
    assert response.status_code == 422, response.text
    assert [e["parameter"] for e in response.json()["errors"]] == [parameter]


def test_figure_pages_follow_the_cursor(api: TestClient) -> None:
    seen, cursor = [], None
    while True:
        path = "/v1/figures?limit=1&sort=-amount" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(path).json()
        assert body["total"] == 5
        seen += [f["id"] for f in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [F_OPEN_DAY, F_DEVELOPERS, F_ACADEMY, F_CENTRES, F_STARTUPS]
    other = api.get(
        f"/v1/figures?limit=1&sort=amount&cursor={api.get('/v1/figures?limit=1').json()['next_cursor']}"
    )
    assert other.status_code == 400  # a cursor of another query


FIGURE_FACETS = "metric,unit,country,qualifier,scope,organization"


def test_figure_facets(api: TestClient) -> None:
    facets = api.get(f"/v1/figures?facets={FIGURE_FACETS}").json()["facets"]
    assert facets["unit"] == [
        {"value": "people", "count": 2},
        {"value": "data_centre", "count": 1},
        {"value": "developer", "count": 1},
        {"value": "startup", "count": 1},
    ]
    assert facets["country"] == [{"value": "MY", "count": 1}]
    assert facets["qualifier"] == [
        {"value": "exact", "count": 3},
        {"value": "about", "count": 1},
        {"value": "more_than", "count": 1},
    ]
    assert facets["scope"] == [
        {"value": "unstated", "count": 3},
        {"value": "listed", "count": 1},
        {"value": "worldwide", "count": 1},
    ]
    # the subject organization, or a participant of the subject initiative
    assert facets["organization"] == [
        {"value": "zeta", "count": 4},
        {"value": "gamma-ministry", "count": 2},
        {"value": "zeta-malaysia", "count": 1},
    ]
    narrowed = api.get("/v1/figures?unit=people&facets=metric,organization").json()["facets"]
    assert narrowed["metric"] == [
        {"value": "people_attended", "count": 1},
        {"value": "people_trained", "count": 1},
    ]
    assert narrowed["organization"] == [
        {"value": "gamma-ministry", "count": 2},
        {"value": "zeta", "count": 2},
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "metric=people_trained&metric=people_attended",
        "unit=people&scope=unstated",
        "country=MY",
        "country=SG",
        "qualifier=exact",
        "organization=zeta",
        "speaker=ali-rahman",
        "as_of_from=2025",
    ],
)
def test_figure_counts_from_bitmaps_equal_sql(api: TestClient, sql_api: TestClient, query: str) -> None:
    path = f"/v1/figures?{query}&facets={FIGURE_FACETS}&limit=2"
    fast, slow = api.get(path).json(), sql_api.get(path).json()
    assert fast == slow


def test_figures_are_bitmap_dimensions(api: TestClient) -> None:
    bitmaps = api.app.state.counts.current[1]  # type: ignore[attr-defined]
    assert set(bitmaps["figures"].values) == {"metric", "unit", "qualifier", "country", "scope"}
    assert "people" not in bitmaps  # its filters all need the database: trees and sources


def test_figure_list_items(api: TestClient) -> None:
    items = {f["id"]: f for f in api.get("/v1/figures").json()["items"]}
    assert items[F_DEVELOPERS] == {
        "id": F_DEVELOPERS,
        "name": "Zeta Malaysia: 300 developer (developers supported)",
        "subject_type": "organization",
        "organization_id": "zeta-malaysia",
        "initiative_id": None,
        "metric": "developers_supported",
        "amount": 300,
        "amount_text": "over 300",
        "qualifier": "more_than",
        "unit": "developer",
        "as_of": "2025-06-01",
        "as_of_precision": "month",
        "scope": "listed",
        "region": None,
        "pledge_id": None,
        "countries": ["MY"],
    }
    assert isinstance(items[F_OPEN_DAY]["amount"], int)  # whole amounts are integers
    assert items[F_OPEN_DAY]["subject_type"] == "initiative"


def test_figure_detail(api: TestClient) -> None:
    academy = api.get(f"/v1/figures/{F_ACADEMY}").json()
    assert academy["subject_type"] == "initiative"
    assert academy["subject"] == {"id": "zeta-cloud-academy", "name": "Zeta Cloud Academy"}
    assert academy["pledge"] == {
        "id": "zeta-1000-engineers",
        "pledgers": [{"id": "zeta", "name": "Zeta Group"}],
        "metric": "people_trained",
        "amount": 1000,
        "unit": "people",
        "audience": "engineers",
        "target_on": "2026-01-01",
        "target_precision": "year",
        "status": "announced",
    }
    assert [c["speaker"] for c in academy["citations"]] == [{"id": "ali-rahman", "name": "Ali Rahman"}]
    assert academy["inferred"] == {"as_of": "the dateline, 5 May 2024"}

    centres = api.get(f"/v1/figures/{F_CENTRES}").json()
    assert centres["subject_type"] == "organization"
    assert centres["subject"] == {"id": "zeta", "name": "Zeta Group", "kind": "company", "country": "SG"}
    assert centres["pledge"] is None
    assert centres["citations"][0]["speaker"] is None

    developers = api.get(f"/v1/figures/{F_DEVELOPERS}").json()
    assert developers["citations"][0]["attribution"] == "Digital Minister Mei Lin"


def test_the_pledge_lists_the_figure_reporting_progress(api: TestClient) -> None:
    pledge = api.get("/v1/pledges/zeta-1000-engineers").json()
    assert [f["id"] for f in pledge["figures"]] == [F_ACADEMY]


def test_figure_exports(api: TestClient) -> None:
    response = api.get("/v1/figures.csv?sort=-amount&unit=people")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["id"], r["amount"], r["as_of"], r["initiative_id"]) for r in rows] == [
        (F_OPEN_DAY, "2000", "2025-03-01", "zeta-cloud-academy"),
        (F_ACADEMY, "250", "2024-05-05", "zeta-cloud-academy"),
    ]
    developers = api.get("/v1/figures.csv?country=MY").text
    assert list(csv.DictReader(io.StringIO(developers)))[0]["countries"] == "MY"
    lines = api.get("/v1/figures.ndjson?organization=zeta-malaysia").text.splitlines()
    assert [orjson.loads(line)["amount_text"] for line in lines] == ["over 300"]
    assert api.get("/v1/figures.csv?limit=5").status_code == 422


# --- search and the front page --------------------------------------------------------------


def test_search_finds_people_and_figures(api: TestClient) -> None:
    people = api.get("/v1/search?q=ali&type=person").json()
    assert [(h["type"], h["id"]) for h in people["items"]] == [("person", "ali-rahman")]
    figures = api.get("/v1/search?q=zeta&type=figure").json()
    assert sorted(h["id"] for h in figures["items"]) == ALL_FIGURES
    assert all(h["type"] == "figure" for h in figures["items"])
    anything = api.get("/v1/search?q=ali").json()
    assert {(h["type"], h["id"]) for h in anything["items"]} >= {
        ("person", "ali-rahman"),
        ("figure", F_ACADEMY),
    }
    both = api.get("/v1/search?q=zeta&type=person&type=figure").json()
    assert {h["type"] for h in both["items"]} == {"person", "figure"}
    assert api.get("/v1/search?q=zeta&type=people").status_code == 422


def test_front_page_counts_and_links_people_and_figures(api: TestClient) -> None:
    body = api.get("/v1").json()
    assert body["counts"]["people"] == 2 and body["counts"]["figures"] == 5
    assert body["links"]["people"] == "/v1/people" and body["links"]["figures"] == "/v1/figures"


def test_openapi_documents_the_new_lists(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    figures = {p["name"]: p for p in schema["paths"]["/v1/figures"]["get"]["parameters"]}
    assert {"organization", "speaker", "as_of_from", "as_of_to", "pledge", "scope"} <= set(figures)
    sorts = figures["sort"]["schema"]["items"]["anyOf"][0]["enum"]
    assert {"amount", "-as_of", "metric", "id"} <= set(sorts)
    facets = set(figures["facets"]["schema"]["items"]["anyOf"][0]["enum"])
    assert facets == {"metric", "unit", "country", "qualifier", "scope", "organization"}
    people = {p["name"] for p in schema["paths"]["/v1/people"]["get"]["parameters"]}
    assert {"organization", "source", "q"} <= people
    for path in ("/v1/people.csv", "/v1/figures.ndjson", "/v1/people/{person_id}", "/v1/figures/{figure_id}"):
        assert path in schema["paths"]
