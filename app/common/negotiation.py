"""Content negotiation by RFC 9110 (section 12): which representation to serve, and whether to gzip it.

The headers are parsed by werkzeug (`parse_accept_header`, RFC 9110 grammar, invalid q-values
dropped). Its matching is the RFC's: the most specific media range that matches an offer gives
that offer its q-value (`text/csv;q=0, */*` excludes CSV), q=0 means "not acceptable", and among
offers of equal q-value and specificity the first one offered wins, so JSON is the default.
"""

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from app.common.params import Format
from app.common.problems import NotAcceptable

# The media type a client asks for, by representation; the one served adds `; charset=utf-8`
# to text/csv (MEDIA_TYPES).
ACCEPTED = {Format.json: "application/json", Format.csv: "text/csv", Format.ndjson: "application/x-ndjson"}
MEDIA_TYPES = {**ACCEPTED, Format.csv: "text/csv; charset=utf-8"}
JSON_ONLY = (Format.json,)
EVERY_FORMAT = (Format.json, Format.csv, Format.ndjson)


def not_acceptable(offered: Sequence[Format]) -> NotAcceptable:
    """The 406 of a request that accepts nothing `offered`, saying what is."""
    types = ", ".join(ACCEPTED[f] for f in offered)
    message = f"none of what this endpoint serves is acceptable: {types}"
    if len(offered) > 1:
        message += f" (or choose with format={'|'.join(f.value for f in offered)})"
    return NotAcceptable(message, errors=[{"parameter": "Accept", "in": "header", "message": message}])


def _variants(fmt: Format) -> list[str]:
    """The media types a client may name for `fmt`: with or without its charset parameter."""
    return [ACCEPTED[fmt], f"{ACCEPTED[fmt]}; charset=utf-8"]


def negotiate(accept: str | None, offered: Sequence[Format], *, chosen: str | None = None) -> Format:
    """The representation to serve among `offered` (the first is the default).

    `chosen` is the request's `format` parameter, where the endpoint has one: it wins over
    Accept. A value that is no format is left to the query model's validation, which rejects
    the request before it runs; JSON stands in for it meanwhile. Without an Accept header
    (or an empty one) anything is acceptable; with one that accepts nothing offered, 406.
    """
    if chosen is not None:
        try:
            return Format(chosen.lower())  # vocabularies are read in any case
        except ValueError:
            return Format.json
    ranges = parse_accept_header(accept, MIMEAccept)
    if not ranges.provided:
        return offered[0]
    variants = {variant: fmt for fmt in offered for variant in _variants(fmt)}
    best = ranges.best_match(variants)
    if best is None:
        raise not_acceptable(offered)
    return variants[best]


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether to gzip (RFC 9110 12.5.3): gzip's q-value is positive and not below identity's.

    `gzip;q=0, identity` gets identity, `gzip;q=0.5, identity` too (the client prefers it),
    `gzip` or `*` gets gzip; no header, no gzip.
    """
    codings = parse_accept_header(accept_encoding)
    gzip = codings.quality("gzip")
    return gzip > 0 and gzip >= codings.quality("identity")
