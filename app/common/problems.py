"""One error shape: RFC 9457 problem+json, rendered from one exception family."""

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("app")
PROBLEM = "application/problem+json"


class ProblemError(Exception):
    """An error the client can act on; subclasses set the status and title."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class InvalidParameter(ProblemError):
    status = 422
    title = "Invalid query parameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(
            f"{parameter}: {message}",
            errors=[{"parameter": parameter, "in": "query", "message": message}],
        )


class BadCursor(ProblemError):
    status = 400
    title = "Invalid cursor"

    def __init__(self, message: str) -> None:
        super().__init__(
            f"cursor: {message}",
            errors=[{"parameter": "cursor", "in": "query", "message": message}],
        )


class NotFound(ProblemError):
    status = 404
    title = "Not found"


class ServiceUnavailable(ProblemError):
    status = 503
    title = "Service unavailable"


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"https://httpstatuses.io/{status}" if status != 422 else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "query"
        name = ".".join(p for p in loc[1:] if not p.isdigit()) if len(loc) > 1 else where
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            message = "unknown parameter"
        errors.append({"parameter": name, "in": where, "message": message})
    return errors


def install(app: FastAPI) -> None:
    """Render every error, expected or not, as problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
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
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return problem_response(
            422, "Invalid query parameter", detail, instance=request.url.path, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed", 406: "Not acceptable"}
        detail = exc.detail if isinstance(exc.detail, str) else titles.get(exc.status_code, "Error")
        return problem_response(
            exc.status_code,
            titles.get(exc.status_code, "Error"),
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    async def _db_unavailable(request: Request, exc: OperationalError) -> Response:
        log.warning("database unavailable: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        return problem_response(
            503,
            "Service unavailable",
            "the database is unavailable or too slow right now; try again shortly",
            instance=request.url.path,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DBAPIError)
    async def _db_error(request: Request, exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            return await _db_unavailable(request, exc)  # type: ignore[arg-type]
        log.exception("database error")
        return problem_response(
            500, "Internal server error", "an unexpected error occurred", instance=request.url.path
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return unexpected_error(request.url.path)


def unexpected_error(path: str) -> Response:
    """The 500 of an error nobody expected: logged with its traceback, nothing of it shown."""
    log.exception("unexpected error")
    return problem_response(500, "Internal server error", "an unexpected error occurred", instance=path)
