"""Totals and facets counted from bitmaps (app.common.counting) equal those counted in SQL.

Every case asks one list with every facet of its resource, once from an app counting with
bitmaps and once from an app counting in SQL, on both databases. Dimension-only filters must
not run a single count in SQL; any other filter must fall back to SQL. A reload must never be
answered from the bitmaps of the version before.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, MetaData, String, Table, create_engine

from app.common.counting import read_ids
from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.helpers import copy_minimal, edit
from tests.pg import Database
from tests.statements import StatementRecorder

FACETS = {
    "initiatives": "country,sector,kind,status,role,organization",
    "pledges": "metric,unit,status,organization,country,year",
    "mous": "country,party,year",
    "organizations": "country,kind",
    "figures": "metric,unit,qualifier,scope,country,organization",
    "people": "organization",
}
# (resource, filters, counted from bitmaps?)
CASES = [
    ("initiatives", "", True),
    ("initiatives", "country=MY", True),
    ("initiatives", "country=MY&country=SG", True),
    ("initiatives", "country=MY&kind=talent_programme", True),
    ("initiatives", "country=FR", True),  # a country no record has
    ("initiatives", "country=FR&country=MY", True),
    ("initiatives", "role=adopter", True),
    ("initiatives", "role=lead&role=operator&status=active", True),
    ("initiatives", "sector=logistics&sector=healthcare", True),
    ("initiatives", "kind=data_corridor&kind=infrastructure&country=CN", True),
    ("initiatives", "sort=-name&country=MY", True),
    ("initiatives", "country=MY&organization=huawei", False),
    ("initiatives", "organization=huawei&role=lead", False),
    ("initiatives", "q=huawei", False),
    ("initiatives", "announced_from=2025&country=MY", False),
    ("pledges", "", True),
    ("pledges", "country=MY", True),
    ("pledges", "metric=investment&unit=USD", True),
    ("pledges", "status=announced&country=SG&country=MY", True),
    ("pledges", "organization=huawei", False),
    ("pledges", "min_amount=1000", False),
    ("mous", "", True),
    ("mous", "country=CN", True),
    ("mous", "country=MY&country=CN", True),
    ("mous", "party=huawei", False),
    ("organizations", "", True),
    ("organizations", "country=MY&kind=company", True),
    ("organizations", "kind=government&kind=university", True),
    ("organizations", "parent=huawei", False),
    ("figures", "", True),
    ("figures", "metric=cloud_regions&scope=region", True),
    ("figures", "unit=region&unit=availability_zone&qualifier=exact", True),
    ("figures", "country=MY", True),
    ("figures", "organization=huawei", False),
    ("figures", "as_of_from=2025", False),
    ("people", "organization=huawei", False),
]


@pytest.fixture(scope="module")
def bitmap_client(seeded_db: Database) -> Iterator[TestClient]:
    """Its own app, so that no other test has filled its cache of SQL counts."""
    app = create_app(Settings(database_url=seeded_db.reader_url))
    with TestClient(app) as c:
        app.state.counts.build_now()
        yield c


@pytest.fixture(scope="module")
def sql_client(seeded_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=seeded_db.reader_url, count_bitmaps=False))) as c:
        yield c


@pytest.fixture(scope="module")
def bitmap_statements(bitmap_client: TestClient) -> Iterator[StatementRecorder]:
    """Every statement `bitmap_client`'s app sends to the database, at the driver."""
    with StatementRecorder(bitmap_client.app.state.engine) as recorder:  # type: ignore[attr-defined]
        yield recorder


def counting_statements(recorder: StatementRecorder) -> list[str]:
    """The statements with count( that `recorder` has seen since it was last cleared."""
    return [s.normalized for s in recorder.queries() if "count(" in s.normalized]


@pytest.mark.parametrize(("resource", "filters", "bitmapped"), CASES)
def test_bitmap_counts_equal_sql_counts(
    bitmap_client: TestClient,
    bitmap_statements: StatementRecorder,
    sql_client: TestClient,
    resource: str,
    filters: str,
    bitmapped: bool,
) -> None:
    path = f"/v1/{resource}?{filters}&facets={FACETS[resource]}&limit=3"
    bitmap_statements.clear()
    fast = bitmap_client.get(path)
    assert bitmap_statements.queries(), "the recorder must see the request's statements"
    counted = counting_statements(bitmap_statements)
    slow = sql_client.get(path)
    assert fast.status_code == slow.status_code == 200, fast.text
    a, b = fast.json(), slow.json()
    assert (a["total"], a["facets"]) == (b["total"], b["facets"])
    assert a["items"] == b["items"]
    totals = [s for s in counted if "group by" not in s]
    if bitmapped:  # no total in SQL, and only the facets that are not dimensions
        assert totals == [], totals
        dimensions = bitmap_client.app.state.counts.current[1][resource].values  # type: ignore[attr-defined]
        sql_facets = [f for f in FACETS[resource].split(",") if f not in dimensions]
        assert len(counted) <= len(sql_facets), counted
    else:
        assert len(totals) == 1, counted
    assert bitmap_client.get("/ready").json()["count_bitmaps"] == "ready"
    assert sql_client.get("/ready").json()["count_bitmaps"] == "off"


def test_a_new_version_is_never_counted_from_old_bitmaps(empty_db: Database, tmp_path: Path) -> None:
    seeds, articles = copy_minimal(tmp_path)
    load(empty_db.writer_url, seeds, articles=articles)
    app = create_app(Settings(database_url=empty_db.reader_url))
    with TestClient(app) as client:
        first = app.state.counts.build_now()
        path = "/v1/initiatives?country=MY&facets=country,kind"
        before = client.get(path).json()
        assert before["total"] == 1
        assert before["facets"]["kind"] == [{"value": "talent_programme", "count": 1}]

        edit(seeds / "sources" / "a.yaml", "    kind: talent_programme", "    kind: research_lab")
        edit(
            seeds / "sources" / "a.yaml",
            "    countries: [MY]\n    scope: listed",
            "    countries: [SG]\n    scope: listed",
        )
        load(empty_db.writer_url, seeds, articles=articles)
        app.state.counts.start = lambda: None  # hold the rebuild: the old bitmaps stay current
        assert app.state.counts.current[0] == first
        stale = client.get(path).json()  # version first + 1, counted in SQL
        assert stale["total"] == 0 and stale["facets"]["country"] == []
        moved = client.get("/v1/initiatives?country=SG&facets=kind").json()
        assert moved["total"] == 1
        assert moved["facets"]["kind"] == [{"value": "research_lab", "count": 1}]

        assert app.state.counts.build_now() == first + 1
        assert client.get(path).json() == stale
        assert client.get("/v1/initiatives?country=SG&facets=kind").json() == moved


def test_pages_come_off_the_bitmaps_only_when_the_id_order_is_pythons() -> None:
    """Pages by id are read off the bitmaps by bisecting the ids, which needs the database's
    order of ids to be Python's; any other collation must leave paging to SQL."""
    metadata = MetaData()
    table = Table("t", metadata, Column("id", String(collation="NOCASE"), primary_key=True))
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(table.insert(), [{"id": "a"}, {"id": "B"}, {"id": "c"}])
        assert read_ids(conn, table) is None  # NOCASE: a, B, c; Python: B, a, c
        conn.execute(table.delete().where(table.c.id == "B"))
        assert list(read_ids(conn, table) or []) == ["a", "c"]


def test_the_seeded_databases_page_off_the_bitmaps(bitmap_client: TestClient) -> None:
    bitmaps = bitmap_client.app.state.counts.current[1]  # type: ignore[attr-defined]
    assert all(b.ids is not None for b in bitmaps.values())  # test databases use C collation
    assert list(bitmaps["initiatives"].ids) == sorted(
        i["id"] for i in bitmap_client.get("/v1/initiatives?limit=500").json()["items"]
    )
