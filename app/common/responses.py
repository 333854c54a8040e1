"""JSON bodies with orjson and the caching headers every GET carries."""

from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

JSON = "application/json"


def with_cache_headers(request: Request, response: Response) -> Response:
    etag = getattr(request.state, "etag", None)
    if etag:
        response.headers["ETag"] = etag
        max_age = request.app.state.settings.cache_max_age_s
        response.headers["Cache-Control"] = f"public, max-age={max_age}, must-revalidate"
        response.headers["Vary"] = "Accept, Accept-Encoding"
    return response


def json_response(
    request: Request, body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    response = Response(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS),
        status_code=status,
        media_type=JSON,
        headers=headers,
    )
    return with_cache_headers(request, response)
