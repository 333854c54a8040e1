"""Swagger UI served from the installed `fastapi-offline` package instead of a CDN.

FastAPI's default /docs page loads Swagger UI from cdn.jsdelivr.net; this serves the same
page with the script, stylesheet and favicon shipped in the `fastapi-offline` wheel
(Swagger UI 5, which renders OpenAPI 3.1), so the docs work without internet access.
"""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
STATIC_URL = "/static/swagger-ui"
DOCS_URL = "/docs"


def install_docs(app: FastAPI) -> None:
    """Mount the Swagger UI files at STATIC_URL and serve the Swagger UI page at DOCS_URL.

    Build the app with `docs_url=None, redoc_url=None` so FastAPI's CDN pages are not added.
    """
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="swagger-ui")
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui_html(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            oauth2_redirect_url=f"{root}{oauth2_redirect_url}" if oauth2_redirect_url else None,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    if oauth2_redirect_url:

        @app.get(oauth2_redirect_url, include_in_schema=False)
        async def swagger_ui_oauth2_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()
