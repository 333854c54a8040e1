"""Screenshot of OpenRefine with a column of organization names reconciled against this API,
for the README (docs/openrefine-reconciled.png).

Starts the API (uvicorn over the seeds, in a temporary SQLite database) and a headless
OpenRefine (Debian's `openrefine`) with a temporary workspace, reconciles the names of
tests/test_openrefine.py, and photographs the project page in Debian's headless Chromium:

    .venv/bin/python scripts/screenshot_openrefine.py [output.png]
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.seeding.load import load  # noqa: E402
from tests.openrefine import OpenRefine, openrefine_server  # noqa: E402
from tests.server import uvicorn_server  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.test_openrefine import CSV  # noqa: E402

OUTPUT = ROOT / "docs" / "openrefine-reconciled.png"
TIMEOUT_MS = 60_000


def main(output: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="openrefine-shot-") as tmp_dir:
        tmp = Path(tmp_dir)
        database_url = f"sqlite:///{tmp / 'initiatives.db'}"
        load(database_url, ROOT / "seeds")
        (tmp / "workspace").mkdir()
        with (
            uvicorn_server(database_url, tmp / "uvicorn.log") as (api, _process),
            openrefine_server(tmp / "workspace", tmp / "openrefine.log") as base,
        ):
            refine = OpenRefine(base)
            project = refine.create_project("SEA tech organizations", CSV)
            refine.reconcile(project, "name", f"{api}/v1/reconcile", "organization", "Organization")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    page = browser.new_page(viewport={"width": 960, "height": 580})
                    page.goto(f"{base}/project?project={project}")
                    # a matched cell offers "Choose new match"; the others list their candidates
                    page.locator(".data-table-recon-action").first.wait_for(timeout=TIMEOUT_MS)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(output))
                finally:
                    browser.close()
    print(f"wrote {output} ({output.stat().st_size} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
