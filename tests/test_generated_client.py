"""A typed client generated from the served OpenAPI document works against a real server.

openapi-python-client (pinned in the dev extra; it runs ruff over what it writes, and needs no
network) generates a client package from /openapi.json into a temporary directory; the test
imports it and uses it over HTTP against uvicorn for a list, a walk over every page by cursor,
a record, errors (problem details) and the exports.
"""

import csv
import importlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import orjson
import pytest

from app.seeding.load import load
from tests.conftest import SEEDS
from tests.server import uvicorn_server

PACKAGE = "sea_client"
# openapi-python-client knows no NDJSON; as octet-stream its body comes back as bytes.
CONFIG = "content_type_overrides:\n  application/x-ndjson: application/octet-stream\n"


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("client-server")
    database_url = f"sqlite:///{tmp / 'initiatives.db'}"
    load(database_url, SEEDS)
    with uvicorn_server(database_url, tmp / "uvicorn.log") as (base_url, _process):
        yield base_url


@pytest.fixture(scope="module")
def generated(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    """The generated package's modules by name, imported from a temporary directory."""
    tmp = tmp_path_factory.mktemp("client")
    (tmp / "openapi.json").write_bytes(httpx.get(f"{api_url}/openapi.json").content)
    (tmp / "config.yaml").write_text(CONFIG)
    bin_dir = str(Path(sys.executable).parent)  # openapi-python-client and the ruff it runs
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        f"{bin_dir}/openapi-python-client", "generate", "--path", str(tmp / "openapi.json"),
        "--output-path", str(tmp / PACKAGE), "--meta", "none", "--config", str(tmp / "config.yaml"),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(tmp))
    try:
        names = [
            "",
            ".api.pledges.list_pledges",
            ".api.pledges.get_pledge",
            ".api.pledges.pledge_summary",
            ".api.pledges.export_pledges_csv",
            ".api.pledges.export_pledges_ndjson",
            ".api.organizations.get_organization_partners",
            ".api.search.search",
            ".models",
        ]
        yield {name.rsplit(".", 1)[-1] or PACKAGE: importlib.import_module(PACKAGE + name) for name in names}
    finally:
        sys.path.remove(str(tmp))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_client_reads_lists_pages_records_errors_and_exports(
    generated: dict[str, ModuleType], api_url: str
) -> None:
    api: Any = generated[PACKAGE].Client(base_url=api_url, raise_on_unexpected_status=True)
    models = generated["models"]
    list_pledges, get_pledge = generated["list_pledges"], generated["get_pledge"]

    page = list_pledges.sync(client=api, organization=["huawei"], limit=50)
    assert isinstance(page, models.PledgeList)
    every = [p.id for p in page.items]
    assert page.total == len(every) == 5 and page.next_cursor is None
    family = ("huawei", "huawei-malaysia", "huawei-international")
    assert all(any(o.id in family for o in p.pledgers) for p in page.items)

    walked: list[str] = []
    cursor: Any = None
    sort: list[Any] = ["-amount"]  # an item is the enum or its other spellings (any case)
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = list_pledges.sync(client=api, organization=["huawei"], limit=2, sort=sort, **kwargs)
        assert isinstance(page, models.PledgeList) and page.total == 5
        walked += [p.id for p in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(walked) == sorted(every) and len(walked) == 5

    record = get_pledge.sync(client=api, pledge_id="huawei-malaysia-30000-ai-professionals")
    assert isinstance(record, models.PledgeDetail)
    assert record.pledgers[0].id == "huawei" and record.amount == 30000 and record.citations

    missing = get_pledge.sync(client=api, pledge_id="no-such-pledge")
    assert isinstance(missing, models.Problem) and missing.status == 404
    invalid = list_pledges.sync(client=api, country=["XX"])
    assert isinstance(invalid, models.Problem) and invalid.status == 422
    assert [e.parameter for e in invalid.errors] == ["country"]

    summary = generated["pledge_summary"].sync(client=api, group_by=models.GroupBy("metric"))
    assert isinstance(summary, models.Summary) and summary.groups
    partners = generated["get_organization_partners"].sync(client=api, organization_id="huawei")
    assert isinstance(partners, models.PartnerList)
    hits = generated["search"].sync(client=api, q="trusted data zone")
    assert isinstance(hits, models.SearchResult) and hits.items

    text = generated["export_pledges_csv"].sync(client=api, organization=["huawei"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["id"] for r in rows) == sorted(every)
    ndjson = generated["export_pledges_ndjson"].sync(client=api, organization=["huawei"], sort=sort)
    lines = [orjson.loads(line) for line in ndjson.payload.read().splitlines()]
    assert [line["id"] for line in lines] == walked
