"""The reconciliation service as the real OpenRefine uses it: Debian's `openrefine` (3.6),
headless, creates a project from a CSV of organization names and reconciles its column
against a uvicorn serving the seeded API; each cell must be matched, or not, as it should.

Without /usr/bin/openrefine the test is skipped loudly, or fails when REQUIRE_OPENREFINE=1
(as .ci/run sets). It runs in the SQLite half of the suite.
"""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.seeding.load import load
from tests.conftest import SEEDS
from tests.openrefine import OPENREFINE, OpenRefine, openrefine_server
from tests.server import uvicorn_server

# name in the CSV -> (id of the first candidate or None, matched?)
EXPECTED: dict[str, tuple[str | None, bool]] = {
    "Huawei": ("huawei", True),  # exact name
    "Huawei International": ("huawei-international", True),  # a subsidiary, by its own name
    "HUAWEI TECHNOLOGIES (MALAYSIA) CO LTD": ("huawei-malaysia", True),  # an alias, another case
    "Skyvast": ("skyvast-cloud", True),  # an alias
    "NTU": ("nanyang-technological-university", True),  # an alias
    "Prime Minister's Office": ("prime-ministers-office", True),  # ' for ’
    "Cyberview": ("cyberview", True),
    "Universiti Teknologi Malasia": ("universiti-teknologi-malaysia", False),  # a misspelling
    "Nanyang Technological Univ": ("nanyang-technological-university", False),  # a shortening
    "Acme Widget Holdings": (None, False),  # not in the database
}
CSV = "name\n" + "".join(f'"{name}"\n' for name in EXPECTED)


def _require_openrefine() -> None:
    if OPENREFINE.exists():
        return
    message = (
        f"{OPENREFINE} not found: install Debian's 'openrefine' package (apt-get install openrefine)."
        " The OpenRefine reconciliation test is SKIPPED."
    )
    if os.environ.get("REQUIRE_OPENREFINE") == "1":
        pytest.fail(message + " REQUIRE_OPENREFINE=1 makes this a failure.", pytrace=False)
    print(f"\n{'!' * 20}\n{message}\n{'!' * 20}", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_openrefine()
    tmp = tmp_path_factory.mktemp("openrefine-api")
    database_url = f"sqlite:///{tmp / 'initiatives.db'}"
    load(database_url, SEEDS)
    with uvicorn_server(database_url, tmp / "uvicorn.log") as (base_url, _process):
        yield base_url


def test_openrefine_reconciles_a_column_of_organization_names(api_url: str, tmp_path: Path) -> None:
    (tmp_path / "workspace").mkdir()
    with openrefine_server(tmp_path / "workspace", tmp_path / "openrefine.log") as base:
        refine = OpenRefine(base)
        project = refine.create_project("organizations", CSV)
        refine.reconcile(project, "name", f"{api_url}/v1/reconcile", "organization", "Organization")
        rows = refine.rows(project)

    recons = {cells[0]["v"]: cells[0].get("r") for cells in rows if cells[0] is not None}
    got: dict[str, tuple[str | None, bool]] = {}
    for name, recon in recons.items():
        assert recon is not None, f"{name!r} was not reconciled"
        candidates = recon.get("c") or []
        matched = recon.get("j") == "matched"
        if matched:
            assert recon["m"]["score"] == 100
        top = recon["m"]["id"] if matched else candidates[0]["id"] if candidates else None
        got[name] = (top, matched)
    assert got == EXPECTED
