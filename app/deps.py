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
from app.common.negotiation import EVERY_FORMAT, JSON_ONLY, negotiate
from app.common.params import Format
from app.common.problems import ServiceUnavailable
from app.common.version import dataset_version
from app.config import Settings
from app.dates import today
from app.middleware import HEAD_REQUEST

# What the application keeps in app.state, read directly by the dependencies below: each
# dependency FastAPI resolves costs tens of microseconds, a plain `def` one a thread-pool hop too
# (as much as a record's own queries), so the few that remain are `async def`.


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def derived_of(request: Request) -> DerivedCache:
    cache: DerivedCache = request.app.state.derived
    return cache


def counts_of(request: Request) -> CountIndex | None:
    counts: CountIndex | None = getattr(request.app.state, "counts", None)
    return counts


async def derived_cache(request: Request) -> DerivedCache:
    return derived_of(request)


async def count_index(request: Request) -> CountIndex | None:
    return counts_of(request)


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
    representation: Format  # what this request serves, negotiated before anything is read
    headers: dict[str, str]  # the caching headers of whatever this request answers
    head: bool = False  # a HEAD request: the headers are all it costs (app.common.responses)
    any_tag: bool = False  # If-None-Match: *, which only a response that exists can match


# What the same data and request answer changes with the code too (a new search analyzer, a
# field added): bumped with such a change, so that no client revalidates an old answer to a 304.
ANSWERS_REVISION = 2


# Answers that change with the day as well as the data: a pledge's `overdue` is evaluated at
# `as_of`, by default today (UTC), so without `as_of` their tag names the day too.
DATED_PATHS = ("/v1/pledges",)


def make_etag(request: Request, version: int, representation: Format) -> str:
    """A weak tag from the dataset version, the path, the query (parameters in name order, the
    values of one name in their order), the representation served, whatever Accept said, the
    revision of the answers (ANSWERS_REVISION) and, for DATED_PATHS without `as_of`, the day."""
    query = sorted(request.query_params.multi_items(), key=lambda item: item[0])
    path = request.url.path
    day = (
        today().isoformat() if path.startswith(DATED_PATHS) and "as_of" not in request.query_params else None
    )
    key = repr((ANSWERS_REVISION, version, path, query, representation.value, day)).encode()
    return f'W/"{version}-{hashlib.blake2s(key, digest_size=10).hexdigest()}"'


def _tags(header: str | None) -> list[str]:
    return [t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip()]


@asynccontextmanager
async def connection(request: Request) -> AsyncIterator[Connection]:
    """A pooled connection, waited for without blocking the event loop.

    The routes are `async def` and call the database directly (queries take well under a
    millisecond to a few milliseconds; skipping the thread-pool hop doubles throughput). A
    checkout that had to wait for the pool would block the whole loop, and with it the
    streaming exports that would give connections back: so every checkout first takes a
    slot of an asyncio semaphore as large as the pool, and waits there instead.
    """
    settings = settings_of(request)
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


@asynccontextmanager
async def _snapshot(request: Request, representation: Format) -> AsyncIterator[Snapshot]:
    """A connection inside one read transaction; a 304 before any query if the tag matches.

    A tag is sent only with a 200, and it names the version, the query and the representation:
    a request that matches one is the request that was answered 200 on this version, valid, so
    it is answered 304 at once. `If-None-Match: *` proves nothing of the kind: it is answered
    where the response is produced, once the request has turned out to have one (app.common.responses).
    """
    async with connection(request) as conn:
        with conn.begin():
            version = dataset_version(conn)
            etag = make_etag(request, version, representation)
            headers = cache_headers(etag, settings_of(request).cache_max_age_s)
            tags = _tags(request.headers.get("if-none-match"))
            if etag.removeprefix("W/") in tags:
                raise NotModified(headers)
            head = bool(request.scope.get(HEAD_REQUEST))
            yield Snapshot(conn, version, representation, headers, head=head, any_tag="*" in tags)


async def snapshot(request: Request) -> AsyncIterator[Snapshot]:
    """The snapshot of an endpoint that serves JSON only (406 if the client accepts no JSON)."""
    async with _snapshot(request, negotiate(request.headers.get("accept"), JSON_ONLY)) as snap:
        yield snap


async def list_snapshot(request: Request) -> AsyncIterator[Snapshot]:
    """The snapshot of a list: one JSON page, or every row as CSV / NDJSON (`format` or Accept);
    of a list's export path (`/v1/pledges.csv`), that export only (406 if Accept excludes it)."""
    accept = request.headers.get("accept")
    exported = [f for f in EVERY_FORMAT if request.url.path.endswith(f".{f.value}")]
    if exported:
        representation = negotiate(accept, exported)
    else:
        representation = negotiate(accept, EVERY_FORMAT, chosen=request.query_params.get("format"))
    async with _snapshot(request, representation) as snap:
        yield snap


async def feed_snapshot(request: Request) -> AsyncIterator[Snapshot]:
    """The snapshot of a feed (`/v1/changes.atom`): its path names its one representation."""
    async with _snapshot(request, Format.json) as snap:
        yield snap


def not_modified_response(exc: NotModified) -> Response:
    return Response(status_code=304, headers=exc.headers)


SnapshotDep = Annotated[Snapshot, Depends(snapshot)]
ListSnapshotDep = Annotated[Snapshot, Depends(list_snapshot)]
