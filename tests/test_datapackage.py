"""The data package at /v1/datapackage.json, as the `frictionless` library reads it from a real
server on both databases: valid with zero errors (types, required fields, primary keys and
foreign keys across every table), every row of every table, pinned to one dataset version."""

import copy
import csv
import io
import re
from pathlib import Path
from typing import Any

import frictionless
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from app.datapackage import router
from app.datapackage.package import TABLES
from app.seeding.load import load
from tests.conftest import SEEDS, articles_dir
from tests.pg import Database
from tests.server import uvicorn_server

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for name, t in TABLES.items()
            }
    finally:
        engine.dispose()


def summary(report: frictionless.Report) -> str:
    lines = [f"valid={report.valid} resources={len(report.tasks)} errors={report.stats['errors']}"]
    lines += [f"  {t.name}: rows={t.stats.get('rows')} errors={len(t.errors)}" for t in report.tasks]
    lines += [f"  ERROR {e.type}: {e.message}" for e in report.errors]
    lines += [f"  ERROR {t.name} {e.type}: {e.message}" for t in report.tasks for e in t.errors[:5]]
    return "\n".join(lines)


def test_the_data_package_validates_with_every_row_pinned_to_one_version(
    empty_db: Database, tmp_path: Path
) -> None:
    # a first version that the curated seeds then replace: its tables are stale
    load(empty_db.writer_url, MINIMAL / "seeds", articles=MINIMAL / "articles")
    load(empty_db.writer_url, SEEDS, articles=articles_dir())
    counts = table_counts(empty_db.writer_url)
    with uvicorn_server(empty_db.reader_url, tmp_path / "uvicorn.log") as (base, _):
        response = httpx.get(f"{base}/v1/datapackage.json")
        assert response.status_code == 200
        descriptor: dict[str, Any] = response.json()
        version = descriptor["dataset_version"]
        assert version == httpx.get(f"{base}/v1").json()["version"] >= 2
        assert descriptor["version"] == str(version)
        assert descriptor["etag"] == response.headers["ETag"]
        names = [r["name"] for r in descriptor["resources"]]
        assert names == list(TABLES)
        assert {"initiatives", "pledge_pledgers", "citations", "inferences", "sources"} <= set(names)
        assert not {"search_documents", "renames", "changes", "versions"} & set(names)

        report = frictionless.Package(f"{base}/v1/datapackage.json").validate()
        print(summary(report))
        assert report.valid, summary(report)
        assert report.stats["errors"] == 0
        assert len(report.tasks) == len(TABLES)
        rows = {t.name: t.stats["rows"] for t in report.tasks}
        assert rows == counts
        assert all(rows.values()), rows  # the curated seeds fill every table

        # each resource's path is pinned: a version that is no longer current is refused
        path = next(r["path"] for r in descriptor["resources"] if r["name"] == "pledges")
        assert path == f"{base}/v1/datapackage/pledges.csv?version={version}"
        assert httpx.get(path).status_code == 200
        stale = httpx.get(f"{base}/v1/datapackage/pledges.csv?version={version - 1}")
        assert stale.status_code == 409
        assert stale.headers["content-type"] == "application/problem+json"
        problem = stale.json()
        assert problem["type"] == "/problems/version-not-current"
        assert "/v1/datapackage.json" in problem["detail"]
        assert httpx.get(f"{base}/v1/datapackage/renames.csv").status_code == 404

        # the foreign keys are checked: without its organizations, every reference to one breaks
        broken = copy.deepcopy(descriptor)
        organizations = next(r for r in broken["resources"] if r["name"] == "organizations")
        for key in ("path", "format", "mediatype", "encoding"):
            organizations.pop(key)
        organizations["data"] = [[f["name"] for f in organizations["schema"]["fields"]]]
        report = frictionless.Package(broken).validate()
        assert not report.valid
        broken_keys = {t.name for t in report.tasks if any(e.type == "foreign-key" for e in t.errors)}
        assert {
            "organization_aliases",
            "initiative_participants",
            "mou_parties",
            "pledge_pledgers",
        } <= broken_keys


def test_the_csv_cells_are_iso_dates_and_empty_nulls_in_key_order(client: TestClient) -> None:
    response = client.get("/v1/datapackage/pledges.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0])[:4] == ["id", "initiative_id", "metric", "amount"]
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids)  # primary-key order (the test databases sort by code point)
    assert any(row["announced_on"] == "" for row in rows)  # null: an empty cell
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["announced_on"]) for row in rows if row["announced_on"])
    assert "None" not in response.text
    head = client.head("/v1/datapackage/pledges.csv")
    assert head.status_code == 200
    assert head.content == b""
    etag = response.headers["ETag"]
    assert client.get("/v1/datapackage/pledges.csv", headers={"If-None-Match": etag}).status_code == 304


def test_tables_read_in_small_keyset_chunks_are_the_same(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Composite keys (positions, link tables) continue where the previous chunk ended."""
    whole = {name: client.get(f"/v1/datapackage/{name}.csv").text for name in TABLES}
    monkeypatch.setattr(router, "CHUNK", 7)
    for name, text in whole.items():
        assert client.get(f"/v1/datapackage/{name}.csv").text == text, name
    assert len(whole["citations"].splitlines()) > 7 * 3
