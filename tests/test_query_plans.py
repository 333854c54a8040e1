"""No list filter may read a large table from end to end: checked on the plans of the
statements the endpoints really run.

Every test sends HTTP requests to the API over a synthetic database (scripts/synth.py, 10,000
initiatives), records every statement the API sends to the database, at the driver and with its
parameters (tests/statements.py), and explains each SELECT: `EXPLAIN QUERY PLAN` on SQLite,
`EXPLAIN (FORMAT JSON)` on PostgreSQL. Each test also asserts that it recorded and explained
statements of the kind it is about, so that one that records nothing fails.

SQLite: this SQLite keeps no histograms (no STAT4), so with ANALYZE's averages, as the loader
leaves the database, or without any statistics, the plans depend on the schema, the SQL and the
proportions of the data, which the synthetic data keeps at every scale. Both are checked. One
proportion does not scale: a page holds at most 50 rows, so its embeds look up at most 50 keys.
A page of pledges names some 40 pledgers; among the 150 organizations of 3,000 initiatives that
is a quarter of the table, which both planners rightly read whole. Among 500 they seek by key,
as they do at any real scale.

PostgreSQL chooses by cost, and on 10,000 initiatives a sequential scan or a hash join over a
table of a few pages is its right choice, whatever it would do at a million rows. What does not
depend on the scale is whether an index can serve a statement at all, so its plans are asked
for with sequential scans and hash and merge joins disabled (the planner still takes them when
nothing else can answer), on the database as the loader leaves it (ANALYZE run). Its scan nodes
are written as SQLite writes its plan lines (Seq Scan: "SCAN t"; an index scan without an Index
Cond: "SCAN t USING [COVERING] INDEX i"; with one: "SEARCH t USING ... (cond)"), so that one set
of rules holds for both:

- any statement: no "SCAN <large table>" that is not "USING [COVERING] INDEX", a full table
  scan (a page in key order may walk an index, it stops after `limit` matches);
- totals and facet counts, which cannot stop early, and lookups of records by key (embeds,
  records, search pages): no SCAN of a large table at all, even through an index, which reads
  every row (plus, for EXISTS filters, a probe per row) whatever the filter matches.

The API counts in SQL (COUNT_BITMAPS off), as it does before its count bitmaps are built and
for filters they cannot answer. Every recording is made on a new app, whose cache of totals
and facets is empty, so that a request runs every statement it needs. Plans that read too much
today are xfail(strict=True) with the change that fixes them, so that making it turns them
into failures to clean up, not silent passes.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from app.config import Settings
from app.main import create_app
from scripts.synth import build
from tests.pg import PostgresServer
from tests.statements import Statement, StatementRecorder

INITIATIVES = 10_000
LARGE_TABLES = {
    "initiatives",
    "pledges",
    "mous",
    "organizations",
    "citations",
    "initiative_participants",
    "initiative_countries",
    "initiative_sectors",
    "pledge_countries",
    "mou_parties",
    "search_documents",
    "figures",
    "figure_countries",
    "timeline_events",
    "timeline_countries",
    "timeline_organizations",
    "timeline_sources",
}
FULL_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?(?!.*USING (?:COVERING )?INDEX)")
ANY_SCAN = re.compile(r"^SCAN (\w+)")
# PostgreSQL: the planner's choices that only a missing index can force on it.
PG_PLANNER = (
    "SET LOCAL enable_seqscan = off",
    "SET LOCAL enable_hashjoin = off",
    "SET LOCAL enable_mergejoin = off",
)

# Records the synthetic database holds (scripts/synth.py numbers them from 1); "@name" values
# are looked up in the database (see `known`).
ORG = "org-000001"  # takes part in the most initiatives
SOURCE = "src-000001"
PARENT = "@parent"  # the organization with the most subsidiaries
INITIATIVE_MOUS = "@initiative_mous"  # the initiative with the most MoUs
INITIATIVE_PLEDGES = "@initiative_pledges"  # the initiative with the most pledges
CURSOR_ID = "ini-0001500"


# -- the database, the API over it, and the plans of what the API runs ---------------------------


@dataclass(frozen=True)
class PlanDatabase:
    backend: str
    url: str  # as the API reads it (PostgreSQL: its read-only role)


@pytest.fixture(scope="module", params=["sqlite-analyzed", "sqlite-no-statistics", "postgresql"])
def plan_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlanDatabase]:
    """SQLite as the loader leaves it (ANALYZE run) and without planner statistics; PostgreSQL
    analyzed (without, autovacuum would analyze it at a time of its choosing)."""
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("pg_server")
        db = server.create_database()
        build(db.writer_url, initiatives=INITIATIVES, seed=1, progress=False, workers=0)
        yield PlanDatabase("postgresql", db.reader_url)
        server.drop_database(db)
        return
    path: Path = tmp_path_factory.mktemp("plans") / "synth.db"
    url = f"sqlite:///{path}"
    # verify=True: every CHECK constraint enforced while inserting, and no dangling reference.
    analyze = request.param == "sqlite-analyzed"
    build(url, initiatives=INITIATIVES, seed=1, progress=False, verify=True, workers=0, analyze=analyze)
    yield PlanDatabase("sqlite", url)


@pytest.fixture(scope="module")
def explainer(plan_db: PlanDatabase) -> Iterator[Engine]:
    """The engine the plans are asked on (not the API's: its statements are being recorded)."""
    engine = create_engine(plan_db.url)
    yield engine
    engine.dispose()


@contextmanager
def api(db: PlanDatabase) -> Iterator[tuple[TestClient, StatementRecorder]]:
    """A new app over the plan database, counting in SQL, recording every statement it runs."""
    app = create_app(Settings(database_url=db.url, count_bitmaps=False))
    with TestClient(app) as client, StatementRecorder(app.state.engine) as recorder:
        yield client, recorder


def selects(recorder: StatementRecorder) -> list[Statement]:
    return [s for s in recorder.queries() if s.keyword in ("SELECT", "WITH")]


def plan_lines(explainer: Engine, statement: Statement) -> list[str]:
    """The plan of `statement` with its parameters, as SQLite's EXPLAIN QUERY PLAN lines."""
    with explainer.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        try:
            if conn.dialect.name == "sqlite":  # the values are written into the recorded SQL
                return [row[3] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement.sql}").fetchall()]
            for setting in PG_PLANNER:  # until the end of this transaction, rolled back below
                cursor.execute(setting)
            cursor.execute(f"EXPLAIN (FORMAT JSON) {statement.sql}", statement.parameters)
            return list(_pg_lines(cursor.fetchone()[0][0]["Plan"]))
        finally:
            cursor.close()
            dbapi.rollback()  # type: ignore[union-attr]


def _pg_lines(node: dict[str, Any]) -> Iterator[str]:
    """PostgreSQL's scan nodes written as SQLite writes its plan lines; other nodes by type."""
    kind, table = node["Node Type"], node.get("Relation Name")
    children = node.get("Plans", [])
    if kind == "Seq Scan":
        yield f"SCAN {table} (Seq Scan)"
    elif kind in ("Index Scan", "Index Only Scan"):
        using = f"USING {'COVERING ' if kind == 'Index Only Scan' else ''}INDEX {node['Index Name']}"
        cond = node.get("Index Cond")
        yield f"SEARCH {table} {using} ({cond})" if cond else f"SCAN {table} {using} ({kind})"
    elif kind == "Bitmap Heap Scan":  # one line per index its bitmap reads
        for index in _bitmap_indexes(node):
            cond = index.get("Index Cond")
            using = f"USING INDEX {index['Index Name']}"
            yield f"SEARCH {table} {using} ({cond})" if cond else f"SCAN {table} {using} (Bitmap Index Scan)"
        children = [c for c in children if not c["Node Type"].startswith("Bitmap")]
    else:
        yield kind
    for child in children:
        yield from _pg_lines(child)


def _bitmap_indexes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for child in node.get("Plans", []):
        if child["Node Type"] == "Bitmap Index Scan":
            yield child
        elif child["Node Type"] in ("BitmapAnd", "BitmapOr"):
            yield from _bitmap_indexes(child)


def scans(lines: list[str], pattern: re.Pattern[str]) -> list[str]:
    """The plan's lines that `pattern` finds on a large table (an empty plan is one too)."""
    if not lines:
        return ["no plan"]
    return [line for line in lines if (m := pattern.match(line)) and m.group(1) in LARGE_TABLES]


def problems(explainer: Engine, statements: list[Statement], pattern: re.Pattern[str]) -> list[str]:
    out = []
    for statement in statements:
        found = scans(plan_lines(explainer, statement), pattern)
        if found:
            out.append(f"{found} in: {statement.normalized[:400]}")
    return out


def is_count(statement: Statement) -> bool:
    return "count(" in statement.normalized


# The table of a resource whose name is not its table's.
TABLES = {"timeline": "timeline_events"}


def is_page(statement: Statement, resource: str) -> bool:
    """A page of a list: rows of the resource's table, in order, up to a limit."""
    table = TABLES.get(resource, resource)
    sql = statement.normalized
    return f"from {table} " in sql and " order by " in sql and " limit " in sql and not is_count(statement)


def get(client: TestClient, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def known(explainer: Engine) -> dict[str, str]:
    queries = {
        PARENT: "SELECT parent_id FROM organizations WHERE parent_id IS NOT NULL"
        " GROUP BY parent_id ORDER BY count(*) DESC, parent_id LIMIT 1",
        INITIATIVE_MOUS: "SELECT initiative_id FROM mous WHERE initiative_id IS NOT NULL"
        " GROUP BY initiative_id ORDER BY count(*) DESC, initiative_id LIMIT 1",
        INITIATIVE_PLEDGES: "SELECT initiative_id FROM pledges WHERE initiative_id IS NOT NULL"
        " GROUP BY initiative_id ORDER BY count(*) DESC, initiative_id LIMIT 1",
    }
    with explainer.connect() as conn:
        return {name: conn.exec_driver_sql(sql).scalar_one() for name, sql in queries.items()}


def resolve(query: dict[str, Any], known: dict[str, str]) -> dict[str, Any]:
    def one(v: Any) -> Any:
        return known[v] if isinstance(v, str) and v.startswith("@") else v

    return {k: [one(x) for x in v] if isinstance(v, list) else one(v) for k, v in query.items()}


# -- filtered lists: pages (first and by cursor), totals and facets -------------------------------

# (id, resource, query parameters, reason for xfail or None)
CASES: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("initiatives-country", "initiatives", {"country": ["MY"]}, None),
    ("initiatives-countries", "initiatives", {"country": ["MY", "SG", "TL"]}, None),
    ("initiatives-kind", "initiatives", {"kind": ["talent_programme"]}, None),
    ("initiatives-country-kind", "initiatives", {"country": ["MY"], "kind": ["policy"]}, None),
    ("initiatives-organization", "initiatives", {"organization": [ORG]}, None),
    ("initiatives-organization-role", "initiatives", {"organization": [ORG], "role": ["lead"]}, None),
    ("initiatives-role", "initiatives", {"role": ["funder"]}, None),
    ("initiatives-sector", "initiatives", {"sector": ["logistics"]}, None),
    ("initiatives-status", "initiatives", {"status": ["active", "announced"]}, None),
    ("initiatives-announced-from", "initiatives", {"announced_from": "2020-03"}, None),
    ("initiatives-announced-to", "initiatives", {"announced_to": "2015"}, None),
    (
        "initiatives-announced-range",
        "initiatives",
        {"announced_from": "2019", "announced_to": "2021-06-30"},
        None,
    ),
    ("initiatives-source", "initiatives", {"source": [SOURCE]}, None),
    ("initiatives-q", "initiatives", {"q": "cloud"}, None),
    ("initiatives-q-prefix-country", "initiatives", {"q": "talent*", "country": ["ID"]}, None),
    ("initiatives-sort-name-kind", "initiatives", {"kind": ["event"], "sort": "name"}, None),
    (
        "initiatives-sort-announced-desc-country",
        "initiatives",
        {"country": ["VN"], "sort": "-announced_on"},
        None,
    ),
    ("pledges-organization", "pledges", {"organization": [ORG]}, None),
    ("pledges-country", "pledges", {"country": ["MY"]}, None),
    ("pledges-metric", "pledges", {"metric": ["investment"]}, None),
    ("pledges-unit", "pledges", {"unit": ["GPU"]}, None),
    ("pledges-min-amount", "pledges", {"min_amount": 1_000_000}, None),
    ("pledges-amount-range", "pledges", {"min_amount": 100, "max_amount": 5_000}, None),
    ("pledges-target-from", "pledges", {"target_from": "2026"}, None),
    ("pledges-target-range", "pledges", {"target_from": "2024-06", "target_to": "2030"}, None),
    ("pledges-announced-from", "pledges", {"announced_from": "2022"}, None),
    ("pledges-initiative", "pledges", {"initiative": [INITIATIVE_PLEDGES]}, None),
    ("pledges-status", "pledges", {"status": ["fulfilled"]}, None),
    ("pledges-overdue", "pledges", {"overdue": True, "as_of": "2026-12-06"}, None),
    ("pledges-not-overdue-unit", "pledges", {"overdue": False, "unit": ["GPU"], "as_of": "2026-12-06"}, None),
    ("pledges-metric-country", "pledges", {"metric": ["people_trained"], "country": ["PH"]}, None),
    ("pledges-source", "pledges", {"source": [SOURCE]}, None),
    ("pledges-q", "pledges", {"q": "people"}, None),
    ("pledges-sort-amount-metric", "pledges", {"metric": ["investment"], "sort": "-amount"}, None),
    ("mous-party", "mous", {"party": [ORG]}, None),
    ("mous-country", "mous", {"country": ["CN"]}, None),
    ("mous-signed-from", "mous", {"signed_from": "2021"}, None),
    ("mous-signed-range", "mous", {"signed_from": "2016-05", "signed_to": "2018"}, None),
    ("mous-initiative", "mous", {"initiative": [INITIATIVE_MOUS]}, None),
    ("mous-source", "mous", {"source": [SOURCE]}, None),
    ("mous-q", "mous", {"q": "quantum"}, None),
    ("organizations-country", "organizations", {"country": ["SG"]}, None),
    ("organizations-kind", "organizations", {"kind": ["university"]}, None),
    ("organizations-parent", "organizations", {"parent": [PARENT]}, None),
    ("organizations-q", "organizations", {"q": "digital"}, None),
    ("figures-metric", "figures", {"metric": ["gpus_deployed"]}, None),
    ("figures-organization", "figures", {"organization": [ORG]}, None),
    ("figures-country", "figures", {"country": ["MY"]}, None),
    ("figures-pledge-reported", "figures", {"as_of_from": "2024"}, None),
    ("timeline-event", "timeline", {"event": ["launched"]}, None),
    ("timeline-type-year", "timeline", {"type": ["pledge"], "year": [2025]}, None),
    ("timeline-country", "timeline", {"country": ["MY"]}, None),
    ("timeline-organization", "timeline", {"organization": [ORG]}, None),
    ("timeline-range", "timeline", {"from": "2023-06", "to": "2024"}, None),
    ("timeline-source", "timeline", {"source": [SOURCE]}, None),
    ("timeline-latest-first", "timeline", {"type": ["mou"], "sort": "-date"}, None),
]
FACETS = {
    "initiatives": "country,sector,kind,status,role",
    "pledges": "metric,unit,status,country,year",
    "mous": "country,year",
    "organizations": None,
    "figures": "metric,unit,country",
    "timeline": "event,type,country,year",
}
# Totals and facets of these cases read more than their matches today (none do).
AGGREGATE_XFAIL: dict[str, str] = {}


def _cases(xfail: Callable[[str, str | None], str | None]) -> list[Any]:
    out = []
    for case_id, resource, query, reason in CASES:
        why = xfail(case_id, reason)
        marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
        out.append(pytest.param(resource, query, id=case_id, marks=marks))
    return out


@pytest.fixture(scope="module")
def list_recordings(plan_db: PlanDatabase) -> dict[str, list[Statement]]:
    """The SELECTs of each filtered list, recorded once for both tests that read them."""
    return {}


def list_statements(
    plan_db: PlanDatabase, recordings: dict[str, list[Statement]], resource: str, query: dict[str, Any]
) -> list[Statement]:
    """Every SELECT a filtered list runs, on a new app: a first page at the default size with
    the resource's facets, a first page of two, and the page after it by its cursor."""
    key = repr((resource, sorted(query.items())))
    if key not in recordings:
        path, facets = f"/v1/{resource}", FACETS[resource]
        with api(plan_db) as (client, recorder):
            get(client, path, {**query, "facets": facets} if facets else query)
            first = get(client, path, {**query, "limit": 2})
            assert first["next_cursor"], (
                "the filter must match more than one page: pick a value the data holds"
            )
            get(client, path, {**query, "limit": 2, "cursor": first["next_cursor"]})
            recordings[key] = selects(recorder)
    return recordings[key]


@pytest.mark.parametrize(("resource", "query"), _cases(lambda _id, reason: reason))
def test_list_plan(
    plan_db: PlanDatabase,
    explainer: Engine,
    known: dict[str, str],
    list_recordings: dict[str, list[Statement]],
    resource: str,
    query: dict[str, Any],
) -> None:
    """No statement of a filtered list (lookups, pages, total, facets, embeds) scans a large table."""
    statements = list_statements(plan_db, list_recordings, resource, resolve(query, known))
    assert len([s for s in statements if is_page(s, resource)]) >= 3, statements
    assert any(is_count(s) for s in statements), statements
    found = problems(explainer, statements, FULL_SCAN)
    assert not found, "full table scans:\n" + "\n".join(found)


@pytest.mark.parametrize(("resource", "query"), _cases(lambda case_id, _reason: AGGREGATE_XFAIL.get(case_id)))
def test_endpoint_aggregates_read_only_matches(
    plan_db: PlanDatabase,
    explainer: Engine,
    known: dict[str, str],
    list_recordings: dict[str, list[Statement]],
    resource: str,
    query: dict[str, Any],
) -> None:
    """A total or a facet count reads the matching rows only, never a whole large table."""
    statements = list_statements(plan_db, list_recordings, resource, resolve(query, known))
    counts = [s for s in statements if is_count(s)]
    facets = FACETS[resource]
    assert len(counts) >= 1 + (len(facets.split(",")) if facets else 0), statements
    found = problems(explainer, counts, ANY_SCAN)
    assert not found, "aggregates reading every row:\n" + "\n".join(found)


# -- whole lists in every sort, and deep pages by cursor ------------------------------------------

SORTS = [
    ("initiatives", "name"),
    ("initiatives", "-announced_on"),
    ("initiatives", "announced_on"),
    ("initiatives", "kind"),
    ("pledges", "-amount"),
    ("pledges", "target_on"),
    ("mous", "-signed_on"),
    ("mous", "title"),
    ("organizations", "name"),
]


# PostgreSQL walks an ascending index backwards as DESC NULLS FIRST: no index gives the API's
# DESC NULLS LAST, so the first page of these sorts reads and sorts the whole table.
NULLS_LAST_DESC = (
    "PostgreSQL: ORDER BY {column} DESC NULLS LAST cannot walk the ({column}, id) index;"
    " fixed by an index on ({column} DESC NULLS LAST, id DESC)"
)
SORTS_XFAIL = {
    ("postgresql", "initiatives", "-announced_on"): NULLS_LAST_DESC.format(column="announced_on"),
    ("postgresql", "mous", "-signed_on"): NULLS_LAST_DESC.format(column="signed_on"),
}


@pytest.mark.parametrize(("resource", "sort"), [pytest.param(r, s, id=f"{r}-{s}") for r, s in SORTS])
def test_unfiltered_sorted_pages(
    request: pytest.FixtureRequest, plan_db: PlanDatabase, explainer: Engine, resource: str, sort: str
) -> None:
    """A page of the whole list in any sort walks an index (the total is a count of all rows:
    counting every row reads every row, whatever the plan)."""
    reason = SORTS_XFAIL.get((plan_db.backend, resource, sort))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    path = f"/v1/{resource}"
    with api(plan_db) as (client, recorder):
        first = get(client, path, {"sort": sort, "limit": 2})
        get(client, path, {"sort": sort, "limit": 2, "cursor": first["next_cursor"]})
        statements = [s for s in selects(recorder) if not is_count(s)]
    assert len([s for s in statements if is_page(s, resource)]) == 2, statements
    found = problems(explainer, statements, FULL_SCAN)
    assert not found, "full table scans:\n" + "\n".join(found)


def deep_page(
    plan_db: PlanDatabase, path: str, params: dict[str, Any], after: Callable[[dict[str, Any]], bool]
) -> tuple[list[dict[str, Any]], list[Statement]]:
    """The page (by cursor) that starts at the first row for which `after` holds, in the list's
    own order, and the SELECTs that request ran."""
    with api(plan_db) as (client, recorder):
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:  # the whole list, to find where the page starts
            body = get(client, path, {**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
            rows += body["items"]
            if not (cursor := body["next_cursor"]):
                break
        position = next(i for i, row in enumerate(rows) if after(row))
        assert 0 < position < len(rows) - 1, "the page must be deep and not the last one"
        cursor = None
        while position:  # a cursor right before that row
            take = min(position, 500)
            body = get(client, path, {**params, "limit": take, **({"cursor": cursor} if cursor else {})})
            cursor, position = body["next_cursor"], position - take
        recorder.clear()
        page = get(client, path, {**params, "cursor": cursor})["items"]
        return page, selects(recorder)


def test_deep_keyset_page(plan_db: PlanDatabase, explainer: Engine) -> None:
    """Page N of a filtered list by cursor: a range on the key, not a walk over the first pages."""
    rows, statements = deep_page(
        plan_db,
        "/v1/initiatives",
        {"country": ["MY"], "kind": ["talent_programme"]},
        lambda row: row["id"] > CURSOR_ID,
    )
    assert rows and all(r["id"] > CURSOR_ID for r in rows)
    pages = [s for s in statements if is_page(s, "initiatives")]
    assert len(pages) == 1, statements
    assert not problems(explainer, pages, FULL_SCAN)
    plan = plan_lines(explainer, pages[0])
    if plan_db.backend == "sqlite":
        ranged = "id>?" in "".join(plan).replace(" ", "")
    else:
        ranged = any(re.search(r"\bid\)?(?:::\w+)? > ", line) for line in plan if line.startswith("SEARCH"))
    assert ranged, f"the cursor is not a range on the key: {plan}"


def test_deep_keyset_page_sorted_by_date(plan_db: PlanDatabase, explainer: Engine) -> None:
    def after(row: dict[str, Any]) -> bool:  # after (2018-05-01, plg-0001500) by -announced_on, -id
        day = row["announced_on"]
        return day is None or day < "2018-05-01" or (day == "2018-05-01" and row["id"] < "plg-0001500")

    rows, statements = deep_page(
        plan_db, "/v1/pledges", {"metric": ["investment"], "sort": "-announced_on"}, after
    )
    assert rows and all(after(r) for r in rows)
    pages = [s for s in statements if is_page(s, "pledges")]
    assert len(pages) == 1, statements
    assert not problems(explainer, pages, FULL_SCAN)


def test_deep_timeline_page(plan_db: PlanDatabase, explainer: Engine) -> None:
    """A deep page of the timeline by cursor: a range on the event's key, which is its order."""
    rows, statements = deep_page(
        plan_db, "/v1/timeline", {"event": ["launched"]}, lambda row: row["date"] >= "2021-01-01"
    )
    assert rows and all(r["date"] >= "2020-12-01" for r in rows)
    pages = [s for s in statements if is_page(s, "timeline")]
    assert len(pages) == 1, statements
    assert not problems(explainer, pages, FULL_SCAN)
    plan = plan_lines(explainer, pages[0])
    if plan_db.backend == "sqlite":
        ranged = "id>?" in "".join(plan).replace(" ", "")
    else:
        ranged = any(re.search(r"\bid\)?(?:::\w+)? > ", line) for line in plan if line.startswith("SEARCH"))
    assert ranged, f"the cursor is not a range on the key: {plan}"


# -- lookups by key (embeds, records, search pages) never scan -----------------------------------

RECORDS = [
    "/v1/initiatives/@initiative_pledges",
    "/v1/initiatives/@initiative_mous",
    "/v1/organizations/" + ORG,
    "/v1/sources/" + SOURCE,
    "/v1/search?q=data",
    "/v1/search?q=data&type=initiative&type=pledge",
]
LISTS = [f"/v1/{resource}?limit=50" for resource in FACETS]


@pytest.mark.parametrize("path", [*RECORDS, *LISTS])
def test_lookups_never_scan(
    plan_db: PlanDatabase, explainer: Engine, known: dict[str, str], path: str
) -> None:
    """A record, a search page and a list page's embeds look records up by key: a SCAN of a
    large table there, even through an index, reads it whole (as a wrongly typed IN once did).
    A list's own page and total are left to the tests above."""
    for name, value in known.items():
        path = path.replace(name, value)
    with api(plan_db) as (client, recorder):
        assert client.get(path).status_code == 200
        statements = selects(recorder)
    resource = path.split("?")[0].removeprefix("/v1/")
    if path in LISTS:
        statements = [s for s in statements if not is_page(s, resource) and not is_count(s)]
    assert len(statements) >= 2, "the endpoint ran no lookup besides the dataset version"
    found = problems(explainer, statements, ANY_SCAN)
    assert not found, "\n".join(found)
