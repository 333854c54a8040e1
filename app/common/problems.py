"""One error shape: RFC 9457 problem+json, rendered from one exception family.

Each kind of problem is a class with its status, its title and, as its docstring, what it means
and what to do about it. Its `type` is `/problems/<slug>`, a page the API serves from that
docstring (`GET /problems` lists them all); an error of no class of this family (a framework's
status nobody expected) is `about:blank` with the status phrase as its title.
"""

import html
import logging
import re
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response

log = logging.getLogger("app")
PROBLEM = "application/problem+json"
PROBLEMS_PATH = "/problems"


def slug_of(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class ProblemError(Exception):
    """The request cannot be answered as it is; the detail says why."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers

    @classmethod
    def slug(cls) -> str:
        return slug_of(cls.title)


class InvalidParameter(ProblemError):
    """A query parameter is unknown, given more than once though it takes one value, or has a value
    this endpoint does not accept. `errors` names each parameter (`in: query`) and says what to
    send instead."""

    status = 422
    title = "Invalid query parameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(
            f"{parameter}: {message}",
            errors=[{"parameter": parameter, "in": "query", "message": message}],
        )

    @classmethod
    def each(cls, problems: list[tuple[str, str]]) -> "InvalidParameter":
        """One problem naming several parameters: (parameter, message) pairs."""
        problem = cls(*problems[0])
        problem.errors = [{"parameter": p, "in": "query", "message": m} for p, m in problems]
        problem.detail = "; ".join(f"{p}: {m}" for p, m in problems)
        return problem


class InvalidPathParameter(ProblemError):
    """A part of the path (a record's id) is not of the form it must have; `errors` names it
    (`in: path`) and says what ids look like."""

    status = 422
    title = "Invalid path parameter"


class BadCursor(ProblemError):
    """The `cursor` was not issued by this API, or was issued for another query: another sort,
    other filters or another list. Send it with the same parameters as the page it came from,
    or leave it out to start from the first page."""

    status = 400
    title = "Invalid cursor"

    def __init__(self, message: str) -> None:
        super().__init__(
            f"cursor: {message}",
            errors=[{"parameter": "cursor", "in": "query", "message": message}],
        )


class NotFound(ProblemError):
    """No record has this id, or no endpoint has this path."""

    status = 404
    title = "Not found"


class Renamed(ProblemError):
    """The record's id was changed in the seeds (`renamed_from`): `Location` names its id now,
    with the same query. Clients that follow redirects never see this."""

    status = 308
    title = "Renamed"


class Gone(ProblemError):
    """The record was deleted from the dataset; the detail names the version that deleted it,
    and `?as_of_version=` with an earlier version shows it as it stood."""

    status = 410
    title = "Gone"


class VersionNotCurrent(ProblemError):
    """A table of the data package was asked for at a dataset version that is no longer the
    current one (its `version` parameter, from the package's resource paths): the tables of
    that version are not served any more, and mixing versions would break the package's keys.
    Fetch /v1/datapackage.json again and follow its paths."""

    status = 409
    title = "Version not current"


class MethodNotAllowed(ProblemError):
    """The API is read-only: it answers GET, HEAD and OPTIONS (the `Allow` header), and POST
    only on /v1/reconcile, for OpenRefine's batches of reconciliation queries."""

    status = 405
    title = "Method not allowed"


class NotAcceptable(ProblemError):
    """None of the media types the `Accept` header allows can be served."""

    status = 406
    title = "Not acceptable"


class QueryTooLong(ProblemError):
    """The query string is longer than the server accepts (MAX_QUERY_STRING_LENGTH bytes)."""

    status = 414
    title = "Query string too long"


class InternalError(ProblemError):
    """Something failed that should not have; nothing of it is shown. Retrying may not help."""

    status = 500
    title = "Internal server error"


class ServiceUnavailable(ProblemError):
    """The database is unavailable, too slow, or every connection is busy; retry after the
    number of seconds in the `Retry-After` header."""

    status = 503
    title = "Service unavailable"


def problem_kinds() -> dict[str, type[ProblemError]]:
    """Every kind of problem, by slug: the classes of this family (wherever they are declared)."""
    found: dict[str, type[ProblemError]] = {}
    todo = ProblemError.__subclasses__()  # the base is abstract: an instance of it is about:blank
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        found.setdefault(cls.slug(), cls)
    return dict(sorted(found.items()))


def problem_type(status: int, title: str) -> tuple[str, str]:
    """The `type` and `title` of a problem: its page if it has one, else about:blank."""
    kind = problem_kinds().get(slug_of(title))
    if kind is not None and kind.status == status:
        return f"{PROBLEMS_PATH}/{kind.slug()}", kind.title
    return "about:blank", HTTPStatus(status).phrase


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    kind, title = problem_type(status, title)
    body: dict[str, Any] = {"type": kind, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM, headers=headers)


def _message(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "unknown parameter"
    return str(err.get("msg", "invalid")).removeprefix("Value error, ")


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "query"
        name = ".".join(p for p in loc[1:] if not p.isdigit()) if len(loc) > 1 else where
        errors.append({"parameter": name, "in": where, "message": _message(err)})
    return errors


def _described(kind: type[ProblemError]) -> str:
    doc = html.escape(" ".join((kind.__doc__ or "").split()))
    doc = re.sub(r"`([^`]+)`", r"<code>\1</code>", doc)
    return f"<p>HTTP status {kind.status}; <code>type</code>: {PROBLEMS_PATH}/{kind.slug()}</p><p>{doc}</p>"


def _document(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<body><h1>{html.escape(title)}</h1>{body}"
        f"<p><a href='{PROBLEMS_PATH}'>Every problem</a> · <a href='/docs'>API docs</a></p></body></html>"
    )


def install(app: FastAPI) -> None:
    """Render every error, expected or not, as problem+json; serve a page per kind of problem."""

    @app.get(PROBLEMS_PATH, include_in_schema=False)
    async def _problems() -> HTMLResponse:
        sections = [
            f"<h2 id='{slug}'><a href='{PROBLEMS_PATH}/{slug}'>{html.escape(k.title)}</a></h2>{_described(k)}"
            for slug, k in problem_kinds().items()
        ]
        return _document("Problems this API answers", "".join(sections))

    @app.get(PROBLEMS_PATH + "/{slug}", include_in_schema=False)
    async def _problem_page(slug: str) -> HTMLResponse:
        kind = problem_kinds().get(slug)
        if kind is None:
            raise NotFound(f"no problem {slug!r}; {PROBLEMS_PATH} lists them")
        return _document(kind.title, _described(kind))

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        headers = {"Retry-After": "5"} if exc.status == 503 else exc.headers
        if isinstance(exc, Renamed) and headers and request.url.query:  # the same query, at the new id
            headers = {**headers, "Location": f"{headers['Location']}?{request.url.query}"}
        return problem_response(
            exc.status,
            exc.title,
            exc.detail,
            instance=request.url.path,
            errors=exc.errors,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        kind = InvalidPathParameter if errors and errors[0]["in"] == "path" else InvalidParameter
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return problem_response(kind.status, kind.title, detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        kind = {k.status: k for k in (NotFound, MethodNotAllowed, NotAcceptable)}.get(exc.status_code)
        title = kind.title if kind else HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem_response(
            exc.status_code,
            title,
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    async def _db_unavailable(request: Request, exc: OperationalError) -> Response:
        log.warning("database unavailable: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        return problem_response(
            ServiceUnavailable.status,
            ServiceUnavailable.title,
            "the database is unavailable or too slow right now; try again shortly",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            return await _db_unavailable(request, exc)  # type: ignore[arg-type]
        return unexpected_error(request.url.path, "database error")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return unexpected_error(request.url.path)


def unexpected_error(path: str, what: str = "unexpected error") -> Response:
    """The 500 of an error nobody expected: logged with its traceback, nothing of it shown."""
    log.exception(what)
    return problem_response(
        InternalError.status, InternalError.title, "an unexpected error occurred", instance=path
    )
