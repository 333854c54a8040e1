"""Differential run at scale: bitmap counting, SQL counting and the Python reference agree.

A synthetic database of 3,000 initiatives (scripts/synth.py, with its 150 organizations,
900 MoUs, 3,000 pledges and 30 sources) is built once per backend. Three answers are then
compared for every case: an app whose count bitmaps are built (totals, facets and pages by id
come off them where the filters allow), an app with `count_bitmaps=False` (everything in SQL),
and tests/oracle.py over the records read back through the API.

Covered: totals, facets, items and order for fixed filter sets and Hypothesis-drawn ones;
pages followed by `next_cursor` deep into thousands of rows (limit 50, by id both ways, which
the bitmaps serve, and by other keys, which SQL serves); late pages reached with big pages and
continued with small ones; every nullable sort in both directions with page boundaries inside
the run of nulls; CSV and NDJSON exports of more than two 1,000-row chunks, filtered and sorted
by a nullable field, against the reference and against the paged JSON.
"""

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.main import create_app
from scripts.synth import build
from tests.oracle import (
    NULLABLE_SORTS,
    RESOURCES,
    Dataset,
    Filters,
    Item,
    Vocabulary,
    as_params,
    build_vocabulary,
    check_list,
    expected,
    export_csv,
    export_ndjson,
    filters,
    get_json,
    read_dataset,
    sorts,
    walk,
)
from tests.pg import Database

INITIATIVES = 3_000
SEED = 3  # its organizations include a subsidiary of a subsidiary
BACKENDS = ["sqlite", "postgresql"]
EXPORT_CHUNK = 1_000  # rows per keyset chunk of an export (app/common/listing.py)

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    database=None,  # nothing written into the shared working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Scale:
    """The synthetic database of one backend, its two apps and the reference's records."""

    bitmaps: TestClient
    sql: TestClient
    data: Dataset
    vocabulary: dict[str, Vocabulary]
    names: dict[str, str]  # "@name" placeholders of the cases -> record ids

    @property
    def apps(self) -> dict[str, TestClient]:
        return {"bitmaps": self.bitmaps, "sql": self.sql}


def _names(d: Dataset) -> dict[str, str]:
    """Records the cases name: found in the data, not guessed from the generator."""
    grandparents = sorted(
        (org for org in d.parent_of if any(d.subsidiaries([child]) for child in d.subsidiaries([org]))),
        key=lambda org: (-len(d.subsidiaries([org])), org),
    )
    assert grandparents, "the synthetic data holds no subsidiary of a subsidiary"
    top = grandparents[0]
    child = min(c for c in d.subsidiaries([top]) if d.subsidiaries([c]))

    def most(resource: str, key: str) -> str:
        counts: dict[str, int] = {}
        for item in d.records[resource]:
            if item[key] is not None:
                counts[item[key]] = counts.get(item[key], 0) + 1
        return min(counts, key=lambda k: (-counts[k], k))

    pledgers: dict[str, int] = {}
    for pledge in d.records["pledges"]:
        for o in pledge["pledgers"]:
            pledgers[o["id"]] = pledgers.get(o["id"], 0) + 1

    return {
        "@grandparent": top,  # owns subsidiaries at two levels at least
        "@child": child,  # a subsidiary of @grandparent that owns one too
        "@source": min(d.cited, key=lambda s: (-len(d.cited[s]["initiatives"]), s)),
        "@pledged": most("pledges", "initiative_id"),
        "@signed": most("mous", "initiative_id"),
        "@pledger": min(pledgers, key=lambda k: (-pledgers[k], k)),
    }


@pytest.fixture(scope="module", params=BACKENDS)
def scale(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scale]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('differential') / 'synth.db'}"
        db = Database("sqlite", url, url)
    else:
        db = request.getfixturevalue("pg_server").create_database()
    try:
        # synth.py migrates with the project's Alembic migrations, then writes (COPY on
        # PostgreSQL, as the owner: the reader role gets SELECT by default privileges)
        build(db.writer_url, initiatives=INITIATIVES, seed=SEED, progress=False, verify=True, workers=0)
        with ExitStack() as stack:
            fast_app = create_app(Settings(database_url=db.reader_url))
            fast = stack.enter_context(TestClient(fast_app))
            fast_app.state.counts.build_now()
            slow = stack.enter_context(
                TestClient(create_app(Settings(database_url=db.reader_url, count_bitmaps=False)))
            )
            assert fast.get("/ready").json()["count_bitmaps"] == "ready"
            assert slow.get("/ready").json()["count_bitmaps"] == "off"
            data = read_dataset(slow)
            assert len(data.records["initiatives"]) == INITIATIVES
            yield Scale(fast, slow, data, build_vocabulary(data), _names(data))
    finally:
        if db.backend == "postgresql":
            request.getfixturevalue("pg_server").drop_database(db)


def resolve(scale: Scale, query: str) -> Filters:
    parsed: Filters = {}
    for name, value in parse_qsl(query):
        parsed.setdefault(name, []).append(scale.names.get(value, value))
    return parsed


def agree(
    scale: Scale, resource: str, chosen: Filters, sort: str, limit: int, max_pages: int | None = None
) -> None:
    """Both apps answer as the reference does (tests/oracle.py check_list)."""
    for name, client in scale.apps.items():
        try:
            check_list(client, scale.data, resource, chosen, sort, limit, max_pages)
        except AssertionError as exc:
            raise AssertionError(f"counting with {name}: {exc}") from exc


# (resource, filters, sort): "@name" values are resolved by _names
FIXED = [
    ("initiatives", "", "id"),
    ("initiatives", "country=MY", "-name"),
    ("initiatives", "country=MY&country=SG&kind=data_centre", "id"),
    ("initiatives", "sector=ai&sector=cloud&status=active", "-id"),
    ("initiatives", "sector=health", "id"),  # no record holds it
    ("initiatives", "country=FR&country=VN", "id"),
    ("initiatives", "role=funder&role=adopter&kind=policy", "status,-announced_on"),
    ("initiatives", "organization=@grandparent", "-announced_on"),
    ("initiatives", "organization=@grandparent&role=partner&role=funder", "name"),
    ("initiatives", "organization=@child&country=SG", "id"),
    ("initiatives", "announced_from=2019-06&announced_to=2021", "announced_on"),
    ("initiatives", "announced_from=2024-02-15&sector=fintech", "-announced_on"),
    ("initiatives", "announced_to=2012-03", "kind,-announced_on"),
    ("initiatives", "source=@source&status=completed", "id"),
    ("pledges", "", "-amount"),
    ("pledges", "country=ID&metric=investment", "id"),
    ("pledges", "unit=USD&min_amount=1000000&max_amount=50000000", "amount"),
    ("pledges", "organization=@grandparent", "-target_on"),
    ("pledges", "organization=@pledger&status=in_progress&country=MY", "metric,-amount"),
    ("pledges", "target_from=2027&target_to=2028-06", "target_on"),
    ("pledges", "announced_to=2015-03&announced_from=2014-11-20", "-announced_on"),
    ("pledges", "initiative=@pledged&initiative=@signed", "id"),
    ("pledges", "source=@source", "-id"),
    ("mous", "", "-signed_on"),
    ("mous", "country=CN", "title"),
    ("mous", "country=MY&country=TH", "-id"),
    ("mous", "party=@grandparent", "signed_on"),
    ("mous", "signed_from=2020-05&signed_to=2020-05", "id"),
    ("mous", "initiative=@signed&source=@source", "id"),
    ("organizations", "", "-country"),
    ("organizations", "country=MY&kind=company", "name"),
    ("organizations", "parent=@grandparent", "id"),
    ("organizations", "parent=@grandparent&parent=@child", "-name"),  # @child is included
    ("organizations", "parent=@child&kind=company&kind=government", "id"),
]


@pytest.mark.parametrize(("resource", "query", "sort"), FIXED)
def test_fixed_queries_agree(scale: Scale, resource: str, query: str, sort: str) -> None:
    agree(scale, resource, resolve(scale, query), sort, 500)


# Followed page by page at limit 50: by id with dimension filters only (pages off the bitmaps
# in one app, SQL keyset pages in the other), and by other keys or filters (SQL in both).
DEEP = [
    ("initiatives", "", "id"),
    ("initiatives", "status=active&status=announced&status=completed", "-id"),
    ("initiatives", "country=SG&country=MY", "-announced_on"),
]


@pytest.mark.parametrize(("resource", "query", "sort"), DEEP)
def test_deep_pages_agree(scale: Scale, resource: str, query: str, sort: str) -> None:
    chosen = resolve(scale, query)
    assert len(expected(scale.data, resource, chosen)) > 20 * 50, "too few rows to go deep"
    agree(scale, resource, chosen, sort, 50)


@pytest.mark.parametrize(
    ("resource", "query", "sort"),
    [
        ("initiatives", "", "-id"),
        ("initiatives", "kind=talent_programme&kind=infrastructure&kind=data_centre&kind=policy", "id"),
        ("pledges", "", "target_on"),
        ("initiatives", "status=active&status=announced", "-announced_on"),
    ],
)
def test_late_pages_agree(scale: Scale, resource: str, query: str, sort: str) -> None:
    """Pages of 500 jump most of the way; the rest follows in pages of 50 from that cursor
    (a cursor holds the filters and the sort, not the page size)."""
    chosen = resolve(scale, query)
    want = [i["id"] for i in expected(scale.data, resource, chosen, sort)]
    jumps = len(want) // 500 - 1
    assert jumps >= 2
    params = [*as_params(chosen), ("sort", sort)]
    for name, client in scale.apps.items():
        cursor = None
        for _ in range(jumps):
            page = [*params, ("limit", "500")] + ([("cursor", cursor)] if cursor else [])
            cursor = get_json(client, resource, page)["next_cursor"]
        rest = [i["id"] for i in walk(client, resource, params, 50, cursor=cursor)]
        assert rest == want[jumps * 500 :], (name, resource, query, sort)


@pytest.mark.parametrize(
    ("resource", "sort"),
    [(r, d + f) for r in RESOURCES for f in NULLABLE_SORTS[r] for d in ("", "-")],
)
def test_nullable_sorts_agree(scale: Scale, resource: str, sort: str) -> None:
    """About 15 pages each (more for the 150 organizations), with a page boundary inside the
    run of nulls (last both ways), so that a cursor holds a null."""
    want = expected(scale.data, resource, {}, sort)
    column = sort.lstrip("-")
    nulls = sum(item[column] is None for item in want)
    limit = max(1, min(len(want) // 15, nulls - 1))
    assert limit < nulls < len(want) - limit, (nulls, limit)
    assert all(item[column] is None for item in want[-nulls:])
    agree(scale, resource, {}, sort, limit)


EXPORTS = [
    ("initiatives", "status=active&status=announced&status=completed&status=unknown", "-announced_on"),
    ("pledges", "metric=people_trained&metric=investment&metric=gpus_deployed&metric=startups_supported"
     "&metric=developers_supported", "target_on"),
]  # fmt: skip


def csv_view(item: Item) -> dict[str, str]:
    """How the CSV export writes a record: nulls empty, lists joined with "; "."""
    out: dict[str, str] = {}
    for key, value in item.items():
        if value is None and key == "progress":
            out.update(dict.fromkeys(("progress_amount", "progress_share", "progress_as_of"), ""))
        elif value is None:
            out[key] = ""
        elif key == "participants":
            out[key] = "; ".join(f"{p['organization_id']} ({p['role']})" for p in value)
        elif key == "parties":
            out[key] = "; ".join(p["id"] for p in value)
        elif key == "pledgers":
            out["pledger_ids"] = "; ".join(p["id"] for p in value)
            out["pledger_names"] = "; ".join(p["name"] for p in value)
        elif key == "witnesses":
            out[key] = "; ".join(p["id"] for p in value)
        elif key == "progress":  # a pledge's latest progress in its unit
            latest = value["latest"] or {}
            for part in ("amount", "share", "as_of"):
                out[f"progress_{part}"] = "" if latest.get(part) is None else str(latest[part])
        elif key == "milestones":  # "held 2020-10-28 (day)", "launched (undated)"
            out[key] = "; ".join(
                f"{m['event']} {m['on']} ({m['precision']})" if m["on"] else f"{m['event']} (undated)"
                for m in value
            )
        elif isinstance(value, list):
            out[key] = "; ".join(value)
        else:
            out[key] = str(value)
    return out


@pytest.mark.parametrize(("resource", "query", "sort"), EXPORTS)
def test_exports_agree(scale: Scale, resource: str, query: str, sort: str) -> None:
    """NDJSON and CSV exports (streamed in chunks of 1,000 rows) hold the reference's records
    in its order, as the JSON pages do."""
    chosen = resolve(scale, query)
    want = expected(scale.data, resource, chosen, sort)
    assert len(want) > 2.5 * EXPORT_CHUNK
    params = [*as_params(chosen), ("sort", sort)]
    paged = [i["id"] for i in walk(scale.bitmaps, resource, params, 500)]
    assert paged == [i["id"] for i in want]

    streamed = export_ndjson(scale.bitmaps, resource, params)
    assert [i["id"] for i in streamed] == paged
    assert streamed == want

    rows = export_csv(scale.bitmaps, resource, params)
    assert [r["id"] for r in rows] == paged
    for row, item in zip(rows, want, strict=True):
        view = csv_view(item)
        assert set(row) <= set(view), sorted(set(row) - set(view))
        assert row == {k: view[k] for k in row}


@pytest.mark.parametrize("resource", RESOURCES)
@SETTINGS
@given(data=st.data())
def test_random_queries_agree(scale: Scale, resource: str, data: st.DataObject) -> None:
    chosen = data.draw(
        filters(resource, scale.vocabulary[resource], exclude=frozenset({"q"})), label="filters"
    )
    sort = data.draw(sorts(resource), label="sort")
    limit = data.draw(st.sampled_from([7, 50, 200]), label="limit")
    agree(scale, resource, chosen, sort, limit, max_pages=3)  # the total and facets count them all


def test_synthetic_history_replays_to_the_data(scale: Scale) -> None:
    """scripts/synth.py's history (the benchmark's change feed and `as_of_version`): version 1 the
    bulk load, then versions each modifying some initiatives; replaying the feed from version 0
    gives every changed initiative exactly as its detail serves it now, and `as_of_version`
    answers from it."""
    from scripts.synth import HISTORY_VERSIONS

    http = scale.sql
    versions = http.get("/v1/versions").json()["items"]
    assert [v["version"] for v in versions] == list(range(1, HISTORY_VERSIONS + 1))
    assert http.get("/v1").json()["version"] == HISTORY_VERSIONS
    feed = [json.loads(line) for line in http.get("/v1/changes.ndjson").text.splitlines()]
    assert len(feed) == sum(c["modified"] for v in versions for c in v["counts"].values()) > 0
    assert {c["op"] for c in feed} == {"modified"} and {c["version"] for c in feed} == set(
        range(2, HISTORY_VERSIONS + 1)
    )
    replayed = {c["id"]: c["after"] for c in feed}
    assert len(replayed) == len(feed), "each initiative is changed once"
    for record_id, after in sorted(replayed.items())[:40]:
        now = http.get(f"/v1/initiatives/{record_id}").json()
        version = next(c["version"] for c in feed if c["id"] == record_id)
        assert now["last_changed"]["version"] == now["first_seen"]["version"] == version
        assert {k: v for k, v in now.items() if k not in ("first_seen", "last_changed")} == after
        at = http.get(f"/v1/initiatives/{record_id}?as_of_version={HISTORY_VERSIONS}")
        assert at.status_code == 200 and at.json()["id"] == record_id
        assert http.get(f"/v1/initiatives/{record_id}?as_of_version={version - 1}").status_code == 404
