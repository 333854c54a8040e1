"""Swagger UI in a real headless Chromium: /docs renders offline, shows the examples, and
"Try it out" sends them as they are.

Needs Debian's chromium at /usr/bin/chromium (never `playwright install`). Without it the
test is skipped loudly, or fails when REQUIRE_BROWSER=1.
"""

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.seeding.load import load
from tests.conftest import SEEDS
from tests.server import uvicorn_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PLEDGE_ID = "huawei-singapore-1000-ai-developers"  # what the examples of GET /v1/pledges find
UI_TIMEOUT_MS = 20_000

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} not found: install Debian's 'chromium' package (apt-get install chromium)."
        " The Swagger UI browser test is SKIPPED."
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message + " REQUIRE_BROWSER=1 makes this a failure.", pytrace=False)
    print(f"\n{'!' * 20}\n{message}\n{'!' * 20}", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server over a seeded SQLite database; yields its base URL."""
    _require_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite:///{tmp / 'initiatives.db'}"
    load(database_url, SEEDS)
    with uvicorn_server(database_url, tmp / "uvicorn.log") as (base_url, _process):
        yield base_url


def test_swagger_ui_try_it_out(api_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))
            page.on(
                "console",
                lambda message: console_errors.append(message.text) if message.type == "error" else None,
            )
            page.goto(f"{api_url}/docs")
            page.locator(".swagger-ui .info .title").wait_for(timeout=UI_TIMEOUT_MS)
            assert "Southeast Asia Tech Initiatives API" in page.locator(".info .title").inner_text()

            # The block of GET /v1/pledges: its id is operations-<tag>-<operationId>.
            operation = page.locator(".opblock.opblock-get").filter(
                has=page.locator('.opblock-summary-path[data-path="/v1/pledges"]')
            )
            operation.first.wait_for(timeout=UI_TIMEOUT_MS)
            assert operation.count() == 1
            assert (operation.get_attribute("id") or "").startswith("operations-pledges-")
            operation.locator(".opblock-summary").first.click()
            # The documented 200 example, a real record, shows before anything is sent.
            documented = operation.locator(".responses-wrapper .response .example").first
            documented.wait_for(timeout=UI_TIMEOUT_MS)
            example_text = documented.inner_text()
            operation.get_by_role("button", name="Try it out").click()

            # The form comes filled with the parameters' examples (organization is an
            # array<string>: one input per item); Execute sends them as they are.
            item = operation.locator('tr[data-param-name="organization"] input').first
            item.wait_for(timeout=UI_TIMEOUT_MS)
            prefilled = {
                name: operation.locator(f'tr[data-param-name="{name}"] input').first.input_value()
                for name in ("organization", "country", "min_amount", "announced_to")
            }

            operation.get_by_role("button", name="Execute").click()
            live = operation.locator(".live-responses-table")
            live.wait_for(timeout=UI_TIMEOUT_MS)
            request_url = operation.locator(".request-url pre").first.inner_text()
            status = live.locator("tbody .response-col_status").first.inner_text()
            body = live.locator("tbody .response-col_description pre").first.inner_text()

            page.screenshot(path=tmp_path / "swagger.png", full_page=True)
        finally:
            browser.close()

    assert prefilled == {
        "organization": "huawei",
        "country": "SG",
        "min_amount": "1000",
        "announced_to": "2025",
    }
    assert PLEDGE_ID in example_text
    assert "organization=huawei" in request_url and "country=SG" in request_url
    assert status.strip() == "200"
    assert PLEDGE_ID in body
    assert (tmp_path / "swagger.png").is_file()
    assert (tmp_path / "swagger.png").stat().st_size > 0
    remote_failures = [entry for entry in failed if urlsplit(entry.split()[0]).hostname not in LOCAL_HOSTS]
    assert remote_failures == [], remote_failures
    assert failed == [], failed
    assert console_errors == [], console_errors
