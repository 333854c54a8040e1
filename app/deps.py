"""Request dependencies: settings, the per-version caches, and one consistent snapshot of the database."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection
from starlette.responses import Response

from app.common.cache import DerivedCache
from app.common.counting import CountIndex
from app.common.problems import ServiceUnavailable
from app.common.version import dataset_version
from app.config import Settings


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def derived_cache(request: Request) -> DerivedCache:
    cache: DerivedCache = request.app.state.derived
    return cache


def count_index(request: Request) -> CountIndex | None:
    counts: CountIndex | None = getattr(request.app.state, "counts", None)
    return counts


SettingsDep = Annotated[Settings, Depends(app_settings)]
DerivedDep = Annotated[DerivedCache, Depends(derived_cache)]
CountsDep = Annotated[CountIndex | None, Depends(count_index)]


class NotModified(Exception):
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


def cache_headers(etag: str, max_age: int) -> dict[str, str]:
    """The caching headers of a 200 and of the 304 that revalidates it."""
    return {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}, must-revalidate",
        "Vary": "Accept, Accept-Encoding",
    }


@dataclass(frozen=True)
class Snapshot:
    conn: Connection
    version: int
    headers: dict[str, str]  # the caching headers of whatever this request answers


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
    settings = app_settings(request)
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


async def snapshot(request: Request, settings: SettingsDep) -> AsyncIterator[Snapshot]:
    """A connection inside one read transaction; answers 304 before any query if the tag matches."""
    async with connection(request) as conn:
        with conn.begin():
            version = dataset_version(conn)
            headers = cache_headers(make_etag(request, version), settings.cache_max_age_s)
            header = request.headers.get("if-none-match")
            if header and _matches(header, headers["ETag"]):
                raise NotModified(headers)
            yield Snapshot(conn, version, headers)


def not_modified_response(exc: NotModified) -> Response:
    return Response(status_code=304, headers=exc.headers)


SnapshotDep = Annotated[Snapshot, Depends(snapshot)]
