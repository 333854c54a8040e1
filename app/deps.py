"""Request dependencies: one consistent snapshot of the database, with its ETag."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, select
from starlette.responses import Response

from app.common.problems import ServiceUnavailable
from app.common.sql import Prepared
from app.models import Dataset

VERSION = Prepared(select(Dataset.__table__.c.version).where(Dataset.__table__.c.id == 1))


class NotModified(Exception):
    def __init__(self, etag: str) -> None:
        self.etag = etag


@dataclass(frozen=True)
class Snapshot:
    conn: Connection
    version: int


def make_etag(request: Request, version: int) -> str:
    """A weak tag from the dataset version, the path, the query and the wanted format."""
    query = sorted(request.query_params.multi_items())
    accept = request.headers.get("accept", "")
    key = repr((version, request.url.path, query, accept)).encode()
    return f'W/"{version}-{hashlib.blake2s(key, digest_size=10).hexdigest()}"'


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    bare = etag.removeprefix("W/")
    return "*" in tags or any(t.removeprefix("W/") == bare for t in tags)


@asynccontextmanager
async def connection(request: Request) -> AsyncIterator[Connection]:
    """A pooled connection, waited for without blocking the event loop.

    The routes are `async def` and call the database directly (queries take well under a
    millisecond to a few milliseconds; skipping the thread-pool hop doubles throughput). A
    checkout that had to wait for the pool would block the whole loop, and with it the
    streaming exports that would give connections back: so every checkout first takes a
    slot of an asyncio semaphore as large as the pool, and waits there instead.
    """
    settings = request.app.state.settings
    gate: asyncio.Semaphore = request.app.state.gate
    if gate.locked():  # wait_for costs a task: only when there is something to wait for
        try:
            await asyncio.wait_for(gate.acquire(), timeout=settings.pool_wait_s)
        except TimeoutError:
            raise ServiceUnavailable("every database connection is busy; try again shortly") from None
    else:
        await gate.acquire()
    try:
        with request.app.state.engine.connect() as conn:
            yield conn
    finally:
        gate.release()


async def snapshot(request: Request) -> AsyncIterator[Snapshot]:
    """A connection inside one read transaction; answers 304 before any query if the tag matches."""
    async with connection(request) as conn:
        with conn.begin():
            found = VERSION.rows(conn)
            version = found[0][0] if found else 0
            etag = make_etag(request, version)
            request.state.etag = etag
            header = request.headers.get("if-none-match")
            if header and _matches(header, etag):
                raise NotModified(etag)
            yield Snapshot(conn, version)


def not_modified_response(request: Request, exc: NotModified) -> Response:
    max_age = request.app.state.settings.cache_max_age_s
    return Response(
        status_code=304,
        headers={
            "ETag": exc.etag,
            "Cache-Control": f"public, max-age={max_age}, must-revalidate",
            "Vary": "Accept, Accept-Encoding",
        },
    )


SnapshotDep = Annotated[Snapshot, Depends(snapshot)]
