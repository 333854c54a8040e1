"""JSON bodies with orjson, carrying the caching headers of the request's snapshot."""

from typing import Any

import orjson
from starlette.responses import Response

from app.deps import Snapshot

JSON = "application/json"


def json_response(snap: Snapshot, body: Any, *, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS),
        media_type=JSON,
        headers={**(headers or {}), **snap.headers},
    )
