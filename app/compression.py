"""gzip by the q-values of Accept-Encoding, and a Vary that names each header once.

Starlette's GZipMiddleware compresses whenever "gzip" occurs in Accept-Encoding, so
`gzip;q=0` got gzip; its responders (streaming, excluded types, small bodies) are kept, and only
the choice between them is made by RFC 9110 (app.common.negotiation.accepts_gzip). Both
responders append `Accept-Encoding` to a Vary that already holds it: the start message's Vary
is rewritten with each header once.
"""

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.common.negotiation import accepts_gzip


def vary_once(headers: MutableHeaders) -> None:
    """Merge every Vary header into one that lists each field name once, in order."""
    names: dict[str, str] = {}
    for value in headers.getlist("vary"):
        for name in value.split(","):
            if name.strip():
                names.setdefault(name.strip().lower(), name.strip())
    if names:
        del headers["vary"]
        headers["Vary"] = ", ".join(names.values())


class GZip(GZipMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_vary_once(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                vary_once(headers)
                message = {**message, "headers": headers.raw}
            await send(message)

        responder: ASGIApp
        if accepts_gzip(Headers(scope=scope).get("accept-encoding")):
            responder = GZipResponder(
                self.app,
                self.minimum_size,
                compresslevel=self.compresslevel,
                thread_minimum_size=self.thread_minimum_size,
                exclude_content_types=self.exclude_content_types,
            )
        else:
            responder = IdentityResponder(
                self.app, self.minimum_size, exclude_content_types=self.exclude_content_types
            )
        await responder(scope, receive, send_vary_once)
