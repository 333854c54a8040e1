"""PostgreSQL databases with a linguistic (ICU) collation page, sort and count correctly.

The test server is initialised with C.UTF-8, where text sorts by code point, as Python's `<`
does. A production database may well be created with a linguistic collation, where it does
not: with ICU's `und-u-ka-shifted-kn` (punctuation ignorable, as in glibc's en_US.UTF-8, and
numbers by value) "a-z" sorts after "ab" and "x9" before "x10". (ICU's plain `und` sorts these
lowercase-and-hyphen ids as C does; only names would differ.) The count bitmaps
(app/common/counting.py) read pages sorted by id off record numbers in Python's order, so for
such a database the README promises that pages by id fall back to SQL.

Checked through HTTP on seeds made for it (ids and names whose orders differ between C and the
collation: hyphens, digits, case, accents), with one app counting from bitmaps and one in SQL:
walking pages with next_cursor (from either app, or alternating between them, as a client does
when the bitmaps get built mid-walk) gives the unpaged answer and the order of the SQL export;
totals and facets from bitmaps equal those counted in SQL.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.helpers import copy_minimal, read_seed
from tests.pg import Database, PostgresServer

# Punctuation ignorable at the first level (as with glibc's en_US.UTF-8) and numbers by value.
LOCALES = ["und-u-ka-shifted-kn"]
# Ids (ID_PATTERN: lowercase words joined by hyphens) and names whose linguistic orders differ
# from their code-point orders.
STEMS = [
    "a", "a-1", "a-10", "a-9", "a-b", "a0b", "a1", "a10", "a9", "aa", "ab", "ab-c", "abc", "a-z",
    "b-a", "ba", "x-10", "x10", "x9", "x-9", "x-09", "co-op", "coop", "co-op-2", "coop10", "coop9",
]  # fmt: skip
NAMES = [
    "alpha", "Alpha", "ALPHA", "alpha-beta", "Alpha Beta", "alphabet", "beta", "Beta", "béta",
    "Bêta", "co-op", "coop", "Co op", "zeta", "Zeta", "Émile", "emile", "Ångström", "angstrom",
    "Item 9", "Item 10", "item-9", "X-ray", "xray", "Xylo", "ab",
]  # fmt: skip
KINDS = ["talent_programme", "research_lab", "infrastructure", "policy"]
STATUSES = ["announced", "active", "completed"]
COUNTRIES = [["MY"], ["SG"], ["MY", "SG"], ["ID"], []]
SECTORS = [["education"], ["ai", "cloud"], [], ["logistics"]]
ROLES = ["lead", "partner", "funder"]
QUOTE = "Acme Corp pledged to train 500 engineers in Malaysia by 2027."

SORTS = ["id", "-id", "name", "-name"]
FILTERS = ["", "country=MY", "country=MY&country=ID", "kind=research_lab&status=active", "role=funder"]
FACETS = {"initiatives": "country,sector,kind,status,role", "organizations": "country,kind"}


def write_seeds(tmp: Path) -> tuple[Path, Path]:
    """The minimal fixture plus an organization and an initiative per stem."""
    seeds, articles = copy_minimal(tmp)
    orgs_file = seeds / "organizations.yaml"
    orgs = read_seed(orgs_file)
    for i, stem in enumerate(STEMS):
        orgs["organizations"].append(
            {
                "id": f"o-{stem}",
                "name": NAMES[i % len(NAMES)],
                "kind": ["company", "university", "government"][i % 3],
                "country": ["MY", "SG", "ID", None][i % 4],
                "inferred": {"country": "a collation test's organization"},
            }
        )
    orgs_file.write_text(yaml.safe_dump(orgs, allow_unicode=True, sort_keys=False))
    source_file = seeds / "sources" / "a.yaml"
    source = read_seed(source_file)
    for i, stem in enumerate(STEMS):
        source["initiatives"].append(
            {
                "id": stem,
                "name": NAMES[(i * 7) % len(NAMES)],
                "kind": KINDS[i % len(KINDS)],
                "status": STATUSES[i % len(STATUSES)],
                "countries": COUNTRIES[i % len(COUNTRIES)],
                "scope": "listed" if COUNTRIES[i % len(COUNTRIES)] else "unstated",
                "sectors": SECTORS[i % len(SECTORS)],
                "participants": [
                    {"organization": f"o-{stem}", "role": ROLES[i % len(ROLES)]},
                    {"organization": f"o-{STEMS[(i + 1) % len(STEMS)]}", "role": ROLES[(i + 1) % len(ROLES)]},
                ],
                "citations": [{"quote": QUOTE}],
                "inferred": dict.fromkeys(
                    ("participants", "countries", "status"), "a collation test's record"
                ),
            }
        )
    source_file.write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False))
    return seeds, articles


@pytest.fixture(scope="module", params=LOCALES)
def icu_db(
    request: pytest.FixtureRequest, pg_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    db = pg_server.create_database(icu_locale=request.param)
    seeds, articles = write_seeds(tmp_path_factory.mktemp("collation"))
    load(db.writer_url, seeds, articles=articles)
    yield db
    pg_server.drop_database(db)


@pytest.fixture(scope="module")
def clients(icu_db: Database) -> Iterator[tuple[TestClient, TestClient]]:
    """(an app counting from bitmaps, built before the first request; one counting in SQL)."""
    bitmap_app = create_app(Settings(database_url=icu_db.reader_url))
    with (
        TestClient(bitmap_app) as fast,
        TestClient(create_app(Settings(database_url=icu_db.reader_url, count_bitmaps=False))) as slow,
    ):
        bitmap_app.state.counts.build_now()
        assert fast.get("/ready").json()["count_bitmaps"] == "ready"
        yield fast, slow


def export_ids(client: TestClient, resource: str, query: str) -> list[str]:
    """Ids of the NDJSON export: every matching row, in the database's order."""
    response = client.get(f"/v1/{resource}?{query}&format=ndjson")
    assert response.status_code == 200, response.text
    return [orjson.loads(line)["id"] for line in response.content.splitlines()]


def walk(clients: list[TestClient], path: str) -> tuple[list[str], set[int]]:
    """Ids of every page following next_cursor, asking `clients` in turn; and the totals seen."""
    seen: list[str] = []
    totals: set[int] = set()
    cursor = None
    for page in range(1000):
        client = clients[page % len(clients)]
        response = client.get(f"{path}&cursor={cursor}" if cursor else path)  # cursors are URL-safe
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        seen += [item["id"] for item in body["items"]]
        totals.add(body["total"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, totals
    raise AssertionError("pagination did not end")


def test_postgresql_collation_orders_differ_from_code_points(clients: tuple[TestClient, TestClient]) -> None:
    """Without this the other tests could pass on an order that happens to be Python's."""
    fast, slow = clients
    for resource in ("initiatives", "organizations"):
        by_id = export_ids(slow, resource, "sort=id")
        assert len(by_id) > len(STEMS)
        assert by_id != sorted(by_id), f"{resource}: the collation sorts these ids as C does"
        names = [i["name"] for i in slow.get(f"/v1/{resource}?sort=name&limit=500").json()["items"]]
        assert names != sorted(names), f"{resource}: the collation sorts these names as C does"


@pytest.mark.parametrize("limit", [3])
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("resource", ["initiatives", "organizations"])
def test_postgresql_pages_walk_to_the_unpaged_answer(
    clients: tuple[TestClient, TestClient], resource: str, sort: str, limit: int
) -> None:
    fast, slow = clients
    for filters in FILTERS if resource == "initiatives" else ["", "country=MY", "kind=university"]:
        query = f"sort={sort}&{filters}".rstrip("&")
        expected = export_ids(slow, resource, query)
        assert expected, query
        for app in (fast, slow):
            unpaged = app.get(f"/v1/{resource}?{query}&limit=500").json()
            assert [i["id"] for i in unpaged["items"]] == expected, (query, app is fast)
            assert unpaged["total"] == len(expected)
        path = f"/v1/{resource}?{query}&limit={limit}"
        for walkers in ([fast], [fast, slow], [slow, fast]):
            seen, totals = walk(walkers, path)
            assert seen == expected, (query, [w is fast for w in walkers])
            assert totals == {len(expected)}


@pytest.mark.parametrize(
    "filters", [*FILTERS, "sector=ai&sector=logistics", "country=SG&role=lead&role=partner"]
)
@pytest.mark.parametrize("resource", ["initiatives", "organizations"])
def test_postgresql_bitmap_counts_equal_sql_counts(
    clients: tuple[TestClient, TestClient], resource: str, filters: str
) -> None:
    if resource == "organizations":
        filters = "country=MY&kind=company" if "country" in filters else "kind=university&kind=government"
    fast, slow = clients
    path = f"/v1/{resource}?{filters}&facets={FACETS[resource]}&limit=3"
    a, b = fast.get(path), slow.get(path)
    assert a.status_code == b.status_code == 200, a.text
    assert (a.json()["total"], a.json()["facets"]) == (b.json()["total"], b.json()["facets"])
    assert a.json()["items"] == b.json()["items"]
