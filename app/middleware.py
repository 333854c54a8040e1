"""Pure-ASGI middleware: security headers on every response; a guard of read-only methods,
OPTIONS and bounded query strings.

The order, outermost first: SecurityHeaders, then CORS (when `CORS_ORIGINS` is set), then
Guard, then the app. So the guard's own answers (405, 414, the 204 of OPTIONS) and the 500 it
renders pass through CORS and carry its headers, and CORS's preflight answers carry the
security headers.

OPTIONS: on a path the API serves, 204 with `Allow`; on any other path, the app's 404 problem.
A preflight (OPTIONS with Access-Control-Request-Method) is answered by CORS when it is on;
when it is off, it is a plain OPTIONS, with no CORS header.

The reconciliation service (RECONCILE_PATH and below) is the exception: OpenRefine runs in a
browser on the user's own machine, at an origin nobody can list, so ReconcileCors (between
the security headers and CORS) answers every origin there (`*`, credentials never) and hides
the Origin from the configured CORS; its preview may be framed by any page; and POST, the
only method of the API that is not a read, is allowed on RECONCILE_PATH alone (form posts of
batches of queries).
"""

from starlette.responses import Response
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.common.problems import QueryTooLong, problem_response, unexpected_error

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
ALLOW = "GET, HEAD, OPTIONS"
DOCS_PATHS = {"/docs", "/docs/oauth2-redirect"}
# Swagger UI (app/docs.py) loads its script, styles and favicon from /static/swagger-ui and
# runs an inline bootstrap script and inline styles; it fetches /openapi.json and the API.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
RECONCILE_PATH = "/v1/reconcile"
RECONCILE_ALLOW = "GET, HEAD, OPTIONS, POST"
# The preview is framed by OpenRefine: no frame-ancestors, no X-Frame-Options; inline styles, no script.
PREVIEW_PATH = RECONCILE_PATH + "/preview"
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def is_reconcile(path: str) -> bool:
    return path == RECONCILE_PATH or path.startswith(RECONCILE_PATH + "/")


# The scope key that marks a HEAD answered as the GET it mirrors: the response knows it sends no
# body (an export then reads none of its rows; app.common.responses).
HEAD_REQUEST = "app.head"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        framable = path == PREVIEW_PATH
        csp = (DOCS_CSP if path in DOCS_PATHS else PREVIEW_CSP if framable else API_CSP).encode()

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", csp),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if not framable:
                    raw.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_secure)


class ReconcileCors:
    """`Access-Control-Allow-Origin: *` on the reconciliation paths, preflights answered here;
    elsewhere, nothing (the configured CORS, inside, applies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_reconcile(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k != b"origin"]
        preflight = scope["method"] == "OPTIONS" and any(
            k == b"access-control-request-method" for k, _ in headers
        )
        if preflight:
            response = Response(
                status_code=204,
                headers={
                    "Allow": RECONCILE_ALLOW,
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Allow-Methods": RECONCILE_ALLOW,
                    "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match",
                    "Access-Control-Max-Age": "600",
                },
            )
            await response(scope, receive, send)
            return

        async def send_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [(k, v) for k, v in message.get("headers", []) if not k.startswith(b"access-control-")]
                raw += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", b"ETag")]
                message = {**message, "headers": raw}
            await send(message)

        await self.app({**scope, "headers": headers}, receive, send_cors)


class Guard:
    def __init__(self, app: ASGIApp, *, max_query_string: int, router: Router) -> None:
        self.app = app
        self.max_query_string = max_query_string
        self.router = router  # to tell the paths the API serves

    def _serves(self, scope: Scope) -> bool:
        probe = {**scope, "method": "GET"}
        return any(route.matches(probe)[0] is Match.FULL for route in self.router.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        path = scope["path"]
        allow = RECONCILE_ALLOW if path == RECONCILE_PATH else ALLOW
        if method not in READ_METHODS and not (method == "POST" and path == RECONCILE_PATH):
            detail = f"{method} is not allowed: this API is read-only"
            if path == RECONCILE_PATH:
                detail += " (POST only for batches of reconciliation queries)"
            response = problem_response(
                405, "Method not allowed", detail, instance=path, headers={"Allow": allow}
            )
            await response(scope, receive, send)
            return
        if method == "OPTIONS" and self._serves(scope):
            await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query_string:
            response = problem_response(
                QueryTooLong.status,
                QueryTooLong.title,
                f"the query string is longer than {self.max_query_string} bytes",
                instance=path,
            )
            await response(scope, receive, send)
            return

        started = False

        async def send_started(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        sender = send_started
        if method == "HEAD":  # answered as the GET it mirrors, without the body
            scope = {**scope, "method": "GET", HEAD_REQUEST: True}

            async def send_head(message: Message) -> None:
                if message["type"] == "http.response.body":
                    message = {**message, "body": b""}
                await send_started(message)

            sender = send_head
        try:
            await self.app(scope, receive, sender)
        except Exception:  # rendered here, inside CORS and the security headers, so that a 500 has them too
            if started:
                raise
            await unexpected_error(path)(scope, receive, sender)
