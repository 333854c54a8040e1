"""Every answer of the data ends here: JSON bodies with orjson, exports, with the caching headers
of the request's snapshot, a 304 for `If-None-Match: *`, and no body computed for HEAD."""

from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse

from app.common.negotiation import MEDIA_TYPES
from app.common.params import Format
from app.deps import Snapshot


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""


def respond(snap: Snapshot, response: Response) -> Response:
    """The response with its caching headers.

    `If-None-Match: *` matches any current representation: the request has been validated and
    answered by now, so it has one, and gets a 304 instead. A HEAD of a streamed body (an
    export) sends no body: its rows are never read.
    """
    if snap.any_tag:
        return Response(status_code=304, headers=snap.headers)
    response.headers.update(snap.headers)
    if snap.head and isinstance(response, StreamingResponse):
        response.body_iterator = _nothing()
    return response


def json_response(snap: Snapshot, body: Any, *, headers: dict[str, str] | None = None) -> Response:
    content = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    return respond(snap, Response(content, media_type=MEDIA_TYPES[Format.json], headers=headers))
