"""Keyset cursors: the sort values of a page's last row, bound to the query that issued them."""

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import orjson

from app.common.problems import BadCursor
from app.common.sorting import SortKey, sort_text


def signature(resource: str, keys: Sequence[SortKey], filters: Mapping[str, Any]) -> str:
    """What a cursor must have been issued for: the resource, its sort and its filters."""
    spec = [resource, [(k.name, k.descending) for k in keys], sorted(filters.items())]
    return hashlib.blake2s(orjson.dumps(spec, default=str), digest_size=6).hexdigest()


def encode_cursor(signed: str, keys: Sequence[SortKey], values: Sequence[Any]) -> str:
    """A cursor holds its query's signature, the row's sort values and the sort they follow."""
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    payload = orjson.dumps([signed, plain, sort_text(keys)])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(token: str, signed: str, keys: Sequence[SortKey]) -> list[Any]:
    """The sort values a cursor holds, or BadCursor saying why it is not usable here."""
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise BadCursor("not a cursor issued by this API") from None
    if (
        not isinstance(payload, list)
        or len(payload) != 3
        or not isinstance(payload[1], list)
        or not isinstance(payload[2], str)
        or not re.fullmatch(r"[a-z_,-]{1,100}", payload[2])
    ):
        raise BadCursor("not a cursor issued by this API")
    issued, wanted = payload[2], sort_text(keys)
    if issued != wanted:
        raise BadCursor(
            f"this cursor was issued for sort={issued}; send it with sort={issued},"
            f" or leave the cursor out to start again from the first page of sort={wanted}"
        )
    if payload[0] != signed:
        raise BadCursor(
            "this cursor was issued for other filters or another list; send it with the parameters"
            " of the page it came from, or leave it out to start again from the first page"
        )
    if len(payload[1]) != len(keys):
        raise BadCursor("not a cursor issued by this API")
    return [_value(key, value) for key, value in zip(keys, payload[1], strict=True)]


def _value(key: SortKey, value: Any) -> Any:
    if value is None and key.field.nullable:
        return None
    if key.field.kind is date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadCursor("not a cursor issued by this API") from None
    if key.field.kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if key.field.kind is str and isinstance(value, str):
        return value
    raise BadCursor("not a cursor issued by this API")
