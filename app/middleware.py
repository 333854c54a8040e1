"""Pure-ASGI guard: read-only methods, bounded query strings, security headers."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.common.problems import problem_response, unexpected_error

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


class Guard:
    def __init__(self, app: ASGIApp, *, max_query_string: int) -> None:
        self.app = app
        self.max_query_string = max_query_string

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        path = scope["path"]
        headers = dict(scope.get("headers") or [])
        if method not in READ_METHODS:
            response = problem_response(
                405,
                "Method not allowed",
                f"{method} is not allowed: this API is read-only",
                instance=path,
                headers={"Allow": ALLOW},
            )
            await self._send_with_headers(response, scope, receive, send)
            return
        if method == "OPTIONS" and b"access-control-request-method" not in headers:
            response = problem_response(405, "Method not allowed", "use GET", instance=path)
            response.status_code = 204
            response.body = b""
            response.headers["Allow"] = ALLOW
            del response.headers["content-type"]
            response.headers["content-length"] = "0"
            await self._send_with_headers(response, scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query_string:
            response = problem_response(
                414,
                "Query string too long",
                f"the query string is longer than {self.max_query_string} bytes",
                instance=path,
            )
            await self._send_with_headers(response, scope, receive, send)
            return
        csp = DOCS_CSP if path in DOCS_PATHS else API_CSP

        started = False

        async def send_secure(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = list(message.get("headers", []))
                raw += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", csp.encode()),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": raw}
            await send(message)

        sender = send_secure
        if method == "HEAD":  # answered as the GET it mirrors, without the body
            scope = {**scope, "method": "GET"}

            async def send_head(message: Message) -> None:
                if message["type"] == "http.response.body":
                    message = {**message, "body": b""}
                await send_secure(message)

            sender = send_head
        try:
            await self.app(scope, receive, sender)
        except Exception:  # rendered here, inside this guard, so that a 500 has its headers too
            if started:
                raise
            await unexpected_error(path)(scope, receive, sender)

    async def _send_with_headers(self, response, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[no-untyped-def]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = API_CSP
        await response(scope, receive, send)
