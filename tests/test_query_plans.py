"""No list filter may read a large table from end to end: checked with EXPLAIN QUERY PLAN.

A synthetic SQLite database (scripts/synth.py, 3,000 initiatives) is enough: this SQLite keeps
no histograms (no STAT4), so with ANALYZE's averages, as the loader leaves the database, or
without any statistics, the plans depend on the schema, the SQL and the proportions of the
data, which the synthetic data keeps at every scale. Both are checked. The SQL is the API's own:

- test_list_plan builds what app.common.listing.run_list runs for a list page (the page query,
  with a keyset condition for a cursor, and the exact count), from the resource's own
  `service.conditions(conn, Query(...))`, compiled with literal binds;
- test_endpoint_plans calls the real endpoint and explains every statement it sends to the
  database (lookups, page, count, embeds, facets), with the parameters it sent them with.

- test_prepared_lookups_never_scan explains the statements run on the driver
  (app.common.sql.Prepared: embeds, records, search pages), which must seek by key.

The API under test counts in SQL (COUNT_BITMAPS off), as it does before its count bitmaps are
built and for filters they cannot answer. A plan fails when it holds "SCAN <large table>" that
is not "USING [COVERING] INDEX": a full table scan. test_endpoint_aggregates_read_only_matches is stricter for totals and facet counts,
which cannot stop early: there a SCAN of a large table even through an index reads every row.
Plans that read too much today are xfail(strict=True) with the change that fixes them, so that
making it turns them into failures to clean up, not silent passes.
"""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.dialects import sqlite

from app.common.listing import Resource, keyset_after, order_by, parse_sort
from app.common.lookups import for_count, for_page
from app.common.sql import Prepared
from app.config import Settings
from app.db import make_engine
from app.initiatives import service as initiatives
from app.initiatives.schemas import InitiativeQuery
from app.main import create_app
from app.mous import service as mous
from app.mous.schemas import MouQuery
from app.organizations import service as organizations
from app.organizations.schemas import OrganizationQuery
from app.pledges import service as pledges
from app.pledges.schemas import PledgeQuery
from scripts.synth import build

INITIATIVES = 3_000
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
}
FULL_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?(?!.*USING (?:COVERING )?INDEX)")

# Records the synthetic database holds (scripts/synth.py numbers them from 1); "@name" values
# are looked up in the database (see `known`).
ORG = "org-000001"  # takes part in the most initiatives
SOURCE = "src-000001"
PARENT = "@parent"  # the organization with the most subsidiaries
INITIATIVE_MOUS = "@initiative_mous"  # the initiative with the most MoUs
INITIATIVE_PLEDGES = "@initiative_pledges"  # the initiative with the most pledges
CURSOR_ID = "ini-0001500"


@pytest.fixture(scope="module", params=[True, False], ids=["analyzed", "no-statistics"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database as the loader leaves it (ANALYZE run), and one without planner statistics."""
    path: Path = tmp_path_factory.mktemp("plans") / "synth.db"
    url = f"sqlite:///{path}"
    # verify=True: every CHECK constraint enforced while inserting, and no dangling reference.
    build(url, initiatives=INITIATIVES, seed=1, progress=False, verify=True, workers=0, analyze=request.param)
    return url


@pytest.fixture(scope="module")
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)  # the API's own read-only engine
    yield engine
    engine.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        yield conn


@pytest.fixture(scope="module")
def known(engine: Engine) -> dict[str, str]:
    queries = {
        PARENT: "SELECT parent_id FROM organizations WHERE parent_id IS NOT NULL"
        " GROUP BY parent_id ORDER BY count(*) DESC, parent_id LIMIT 1",
        INITIATIVE_MOUS: "SELECT initiative_id FROM mous WHERE initiative_id IS NOT NULL"
        " GROUP BY initiative_id ORDER BY count(*) DESC, initiative_id LIMIT 1",
        INITIATIVE_PLEDGES: "SELECT initiative_id FROM pledges WHERE initiative_id IS NOT NULL"
        " GROUP BY initiative_id ORDER BY count(*) DESC, initiative_id LIMIT 1",
    }
    with engine.connect() as conn:
        return {name: conn.exec_driver_sql(sql).scalar_one() for name, sql in queries.items()}


def resolve(query: dict[str, Any], known: dict[str, str]) -> dict[str, Any]:
    def one(v: Any) -> Any:
        return known[v] if isinstance(v, str) and v.startswith("@") else v

    return {k: [one(x) for x in v] if isinstance(v, list) else one(v) for k, v in query.items()}


def plan_scans(
    conn: Connection, sql: str, params: Any = (), pattern: re.Pattern[str] | None = None
) -> list[str]:
    """The plan's lines that `pattern` (default: a full table scan) finds on a large table."""
    plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()]
    pattern = pattern or FULL_SCAN
    return [line for line in plan if (m := pattern.match(line)) and m.group(1) in LARGE_TABLES] or (
        [] if plan else ["no plan"]
    )


def full_scans(conn: Connection, sql: str, params: Any = ()) -> list[str]:
    """The plan's lines that read a large table from end to end."""
    return plan_scans(conn, sql, params)


def literal_sql(stmt: Any) -> str:
    return str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


# (id, resource module, query model, query parameters, reason for xfail or None)
CASES: list[tuple[str, Any, Any, dict[str, Any], str | None]] = [
    ("initiatives-country", initiatives, InitiativeQuery, {"country": ["MY"]}, None),
    ("initiatives-countries", initiatives, InitiativeQuery, {"country": ["MY", "SG", "TL"]}, None),
    ("initiatives-kind", initiatives, InitiativeQuery, {"kind": ["talent_programme"]}, None),
    ("initiatives-country-kind", initiatives, InitiativeQuery, {"country": ["MY"], "kind": ["policy"]}, None),
    ("initiatives-organization", initiatives, InitiativeQuery, {"organization": [ORG]}, None),
    (
        "initiatives-organization-role",
        initiatives,
        InitiativeQuery,
        {"organization": [ORG], "role": ["lead"]},
        None,
    ),
    ("initiatives-role", initiatives, InitiativeQuery, {"role": ["funder"]}, None),
    ("initiatives-sector", initiatives, InitiativeQuery, {"sector": ["logistics"]}, None),
    ("initiatives-status", initiatives, InitiativeQuery, {"status": ["active", "announced"]}, None),
    (
        "initiatives-announced-from",
        initiatives,
        InitiativeQuery,
        {"announced_from": "2020-03"},
        None,
    ),
    ("initiatives-announced-to", initiatives, InitiativeQuery, {"announced_to": "2015"}, None),
    (
        "initiatives-announced-range",
        initiatives,
        InitiativeQuery,
        {"announced_from": "2019", "announced_to": "2021-06-30"},
        None,
    ),
    ("initiatives-source", initiatives, InitiativeQuery, {"source": [SOURCE]}, None),
    ("initiatives-q", initiatives, InitiativeQuery, {"q": "cloud"}, None),
    ("initiatives-q-prefix-country", initiatives, InitiativeQuery, {"q": "talent*", "country": ["ID"]}, None),
    ("initiatives-sort-name-kind", initiatives, InitiativeQuery, {"kind": ["event"], "sort": "name"}, None),
    (
        "initiatives-sort-announced-desc-country",
        initiatives,
        InitiativeQuery,
        {"country": ["VN"], "sort": "-announced_on"},
        None,
    ),
    ("pledges-organization", pledges, PledgeQuery, {"organization": [ORG]}, None),
    ("pledges-country", pledges, PledgeQuery, {"country": ["MY"]}, None),
    ("pledges-metric", pledges, PledgeQuery, {"metric": ["investment"]}, None),
    ("pledges-unit", pledges, PledgeQuery, {"unit": ["GPU"]}, None),
    ("pledges-min-amount", pledges, PledgeQuery, {"min_amount": 1_000_000}, None),
    ("pledges-amount-range", pledges, PledgeQuery, {"min_amount": 100, "max_amount": 5_000}, None),
    ("pledges-target-from", pledges, PledgeQuery, {"target_from": "2026"}, None),
    ("pledges-target-range", pledges, PledgeQuery, {"target_from": "2024-06", "target_to": "2030"}, None),
    ("pledges-announced-from", pledges, PledgeQuery, {"announced_from": "2022"}, None),
    ("pledges-initiative", pledges, PledgeQuery, {"initiative": [INITIATIVE_PLEDGES]}, None),
    ("pledges-status", pledges, PledgeQuery, {"status": ["completed"]}, None),
    ("pledges-metric-country", pledges, PledgeQuery, {"metric": ["people_trained"], "country": ["PH"]}, None),
    ("pledges-source", pledges, PledgeQuery, {"source": [SOURCE]}, None),
    ("pledges-q", pledges, PledgeQuery, {"q": "people"}, None),
    ("pledges-sort-amount-metric", pledges, PledgeQuery, {"metric": ["investment"], "sort": "-amount"}, None),
    ("mous-party", mous, MouQuery, {"party": [ORG]}, None),
    ("mous-country", mous, MouQuery, {"country": ["CN"]}, None),
    ("mous-signed-from", mous, MouQuery, {"signed_from": "2021"}, None),
    ("mous-signed-range", mous, MouQuery, {"signed_from": "2016-05", "signed_to": "2018"}, None),
    ("mous-initiative", mous, MouQuery, {"initiative": [INITIATIVE_MOUS]}, None),
    ("mous-source", mous, MouQuery, {"source": [SOURCE]}, None),
    ("mous-q", mous, MouQuery, {"q": "quantum"}, None),
    ("organizations-country", organizations, OrganizationQuery, {"country": ["SG"]}, None),
    ("organizations-kind", organizations, OrganizationQuery, {"kind": ["university"]}, None),
    ("organizations-parent", organizations, OrganizationQuery, {"parent": [PARENT]}, None),
    ("organizations-q", organizations, OrganizationQuery, {"q": "digital"}, None),
]


def _params(cases: list[tuple[str, Any, Any, dict[str, Any], str | None]]) -> list[Any]:
    out = []
    for case_id, module, model, query, reason in cases:
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(module, model, query, id=case_id, marks=marks))
    return out


def list_statements(
    conn: Connection, resource: Resource, conds: list[Any], sort: str | None
) -> dict[str, Any]:
    """What run_list sends for a page (first and later, by cursor) and its exact total."""
    keys = parse_sort(resource, sort)
    counted, conds = for_count(conds), for_page(conds)
    page = select(*resource.select_columns()).where(*conds).order_by(*order_by(keys)).limit(51)
    first = conn.execute(page).mappings().first()
    statements = {"page": page, "count": select(func.count()).select_from(resource.table).where(*counted)}
    if first is not None:  # a later page: the cursor holds the sort values of the previous row
        values = [first[k.field.column.key] for k in keys]
        statements["next page"] = (
            select(*resource.select_columns())
            .where(*conds, keyset_after(keys, values))
            .order_by(*order_by(keys))
            .limit(51)
        )
    return statements


@pytest.mark.parametrize(("module", "model", "query"), _params(CASES))
def test_list_plan(
    conn: Connection, known: dict[str, str], module: Any, model: Any, query: dict[str, Any]
) -> None:
    params = model(**resolve(query, known))
    conds = module.conditions(conn, params)
    assert conds, "the case must filter"
    statements = list_statements(conn, module.RESOURCE, conds, params.sort)
    assert "next page" in statements, "the filter matches nothing: pick a value the data holds"
    problems = {
        name: scans for name, stmt in statements.items() if (scans := full_scans(conn, literal_sql(stmt)))
    }
    assert not problems, f"full table scans: {problems}"


SORTS = [
    (initiatives, "name"),
    (initiatives, "-announced_on"),
    (initiatives, "announced_on"),
    (initiatives, "kind"),
    (pledges, "-amount"),
    (pledges, "target_on"),
    (mous, "-signed_on"),
    (mous, "title"),
    (organizations, "name"),
]


@pytest.mark.parametrize(
    ("module", "sort"), [pytest.param(m, s, id=f"{m.RESOURCE.name}-{s}") for m, s in SORTS]
)
def test_unfiltered_sorted_pages(conn: Connection, module: Any, sort: str) -> None:
    """A page of the whole list in any sort walks an index (the total is a count of all rows)."""
    statements = list_statements(conn, module.RESOURCE, [], sort)
    del statements["count"]  # counting every row reads every row, whatever the plan
    problems = {
        name: scans for name, stmt in statements.items() if (scans := full_scans(conn, literal_sql(stmt)))
    }
    assert not problems, f"full table scans: {problems}"


def test_deep_keyset_page(conn: Connection) -> None:
    """Page N of a filtered list by cursor: a range on the key, not a walk over the first pages."""
    resource = initiatives.RESOURCE
    conds = for_page(initiatives.conditions(conn, InitiativeQuery(country=["MY"], kind=["talent_programme"])))
    keys = parse_sort(resource, None)
    stmt = (
        select(*resource.select_columns())
        .where(*conds, keyset_after(keys, [CURSOR_ID]))
        .order_by(*order_by(keys))
        .limit(51)
    )
    sql = literal_sql(stmt)
    assert not full_scans(conn, sql)
    plan = " | ".join(r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "id>?" in plan.replace(" ", ""), f"the cursor is not a range on the key: {plan}"
    rows = conn.execute(stmt).all()
    assert rows and all(r.id > CURSOR_ID for r in rows)


def test_deep_keyset_page_sorted_by_date(conn: Connection) -> None:
    resource = pledges.RESOURCE
    conds = for_page(pledges.conditions(conn, PledgeQuery(metric=["investment"])))
    keys = parse_sort(resource, "-announced_on")
    stmt = (
        select(*resource.select_columns())
        .where(*conds, keyset_after(keys, [date(2018, 5, 1), "plg-0001500"]))
        .order_by(*order_by(keys))
        .limit(51)
    )
    assert not full_scans(conn, literal_sql(stmt))


# -- the same filters through the real endpoints, every statement they run ----------------------

ENDPOINT = {
    initiatives: "/v1/initiatives",
    pledges: "/v1/pledges",
    mous: "/v1/mous",
    organizations: "/v1/organizations",
}
FACETS = {
    initiatives: "country,sector,kind,status,role",
    pledges: "metric,unit,status,country,year",
    mous: "country,year",
    organizations: None,
}


PREPARED: list[tuple[str, Any]] = []  # the statements `api` ran through app.common.sql.Prepared


@pytest.fixture(scope="module")
def api(db_url: str) -> Iterator[tuple[TestClient, list[tuple[str, Any]]]]:
    """The API counting in SQL (as it does for any filter before its count bitmaps are built,
    and always for filters they cannot answer), recording every statement it runs: through
    SQLAlchemy and the prepared ones run on the driver (app.common.sql)."""
    app = create_app(Settings(database_url=db_url, count_bitmaps=False))
    seen: list[tuple[str, Any]] = []
    with TestClient(app) as client, pytest.MonkeyPatch.context() as patch:

        @event.listens_for(app.state.engine, "before_cursor_execute")
        def _record(
            _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
        ) -> None:
            seen.append((statement, parameters))

        run = Prepared.rows

        def recorded(self: Prepared, conn: Connection, **params: Any) -> list[tuple[Any, ...]]:
            seen.append(self.bind(conn, **params))
            PREPARED.append(seen[-1])
            return run(self, conn, **params)

        patch.setattr(Prepared, "rows", recorded)
        yield client, seen


def _endpoint_cases() -> list[Any]:
    out = []
    for case_id, module, _model, query, reason in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(module, query, id=case_id, marks=marks))
    return out


def endpoint_statements(
    api: tuple[TestClient, list[tuple[str, Any]]], module: Any, query: dict[str, Any]
) -> list[tuple[str, Any]]:
    """Every SELECT the list endpoint runs for a first page with facets and the next page."""
    client, seen = api
    params: dict[str, Any] = {**query, "limit": 2}
    if FACETS[module]:
        params["facets"] = FACETS[module]
    derived = getattr(client.app.state, "derived", None)  # totals and facets cached per version
    if derived is not None:
        client.app.state.derived = type(derived)()  # start empty: every statement must run
    seen.clear()
    first = client.get(ENDPOINT[module], params=params)
    assert first.status_code == 200, first.text
    assert first.json()["next_cursor"], "the filter must match more than one page"
    second = client.get(ENDPOINT[module], params={**params, "cursor": first.json()["next_cursor"]})
    assert second.status_code == 200, second.text
    return [(st, p) for st, p in seen if st.lstrip()[:6].upper() in ("SELECT", "WITH")]


@pytest.mark.parametrize(("module", "query"), _endpoint_cases())
def test_endpoint_plans(
    api: tuple[TestClient, list[tuple[str, Any]]],
    conn: Connection,
    known: dict[str, str],
    module: Any,
    query: dict[str, Any],
) -> None:
    problems = []
    for statement, parameters in endpoint_statements(api, module, resolve(query, known)):
        scans = full_scans(conn, statement, parameters)
        if scans:
            problems.append(f"{scans} in: {statement[:300]}")
    assert not problems, "full table scans:\n" + "\n".join(problems)


# -- totals and facet counts: reading a whole index is reading the whole table ------------------
#
# A page in key order may walk an index and stop after `limit` matches, so "SCAN t USING INDEX"
# is fine there. A count or a GROUP BY cannot stop early: a SCAN of a large table, through an
# index or not, reads every row (plus, for EXISTS filters, a probe per row) whatever the filter
# matches. The API caches totals and facets per dataset version, but the first request for each
# filter set pays this, at 1,000,000 initiatives in seconds.
ANY_SCAN = re.compile(r"^SCAN (\w+)")

AGGREGATE_XFAIL: dict[str, str] = {}


def _aggregate_cases() -> list[Any]:
    out = []
    for case_id, module, _model, query, _reason in CASES:
        reason = AGGREGATE_XFAIL.get(case_id)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(module, query, id=case_id, marks=marks))
    return out


@pytest.mark.parametrize(("module", "query"), _aggregate_cases())
def test_endpoint_aggregates_read_only_matches(
    api: tuple[TestClient, list[tuple[str, Any]]],
    conn: Connection,
    known: dict[str, str],
    module: Any,
    query: dict[str, Any],
) -> None:
    problems = []
    for statement, parameters in endpoint_statements(api, module, resolve(query, known)):
        if "count(" not in statement.lower():
            continue
        found = plan_scans(conn, statement, parameters, ANY_SCAN)
        if found:
            problems.append(f"{found} in: {' '.join(statement.split())[:300]}")
    assert not problems, "aggregates reading every row:\n" + "\n".join(problems)


# -- prepared lookups (embeds, records, search pages) seek by key, they never scan -----------------

RECORDS = [
    "/v1/initiatives/@initiative_pledges",
    "/v1/initiatives/@initiative_mous",
    "/v1/organizations/" + ORG,
    "/v1/sources/" + SOURCE,
    "/v1/search?q=data",
    "/v1/search?q=data&type=initiative&type=pledge",
]


@pytest.mark.parametrize("path", [*RECORDS, *(ENDPOINT[m] + "?limit=50" for m in ENDPOINT)])
def test_prepared_lookups_never_scan(
    api: tuple[TestClient, list[tuple[str, Any]]], conn: Connection, known: dict[str, str], path: str
) -> None:
    """Statements run on the driver (app.common.sql) look records up by key: a SCAN of a large
    table there, even through an index, reads it whole (as a wrongly typed IN once did)."""
    client, _seen = api
    PREPARED.clear()
    for name, value in known.items():
        path = path.replace(name, value)
    assert client.get(path).status_code == 200
    assert PREPARED, "the endpoint ran no prepared statement"
    for statement, parameters in PREPARED:
        found = plan_scans(conn, statement, parameters, ANY_SCAN)
        assert not found, f"{found} in: {statement[:300]}"
