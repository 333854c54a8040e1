"""Sorting a list by fields the resource allows, with a keyset condition to page after a row."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, and_, false, or_

from app.common.problems import InvalidParameter
from app.common.vocabulary import fold


@dataclass(frozen=True)
class SortField:
    column: Column[Any]  # a table's column: rows carry its value under its key
    kind: type = str  # str, date or float: how a cursor value is read back
    nullable: bool = False


@dataclass(frozen=True)
class SortKey:
    name: str
    field: SortField
    descending: bool


def parse_sort(sorts: Mapping[str, SortField], names: Sequence[str]) -> list[SortKey]:
    """Sort keys of `names` (`-field` descending, in any case), ending with `id` so that the order
    is total.

    A field named again the other way (`name,-name`) is a key that never breaks a tie: allowed,
    as the schema allows it, and without effect; the same item twice is not (`uniqueItems`)."""
    spellings = {name.lower(): name for name in sorts}
    if len(names) > len(sorts):
        raise InvalidParameter("sort", f"names {len(names)} fields; there are {len(sorts)} to sort by")
    keys: list[SortKey] = []
    for i, raw in enumerate(names):
        if raw in names[:i]:
            raise InvalidParameter("sort", f"{raw!r} is given twice")
        descending = raw.startswith("-")
        name = fold(raw.removeprefix("-"), spellings)
        if name is None:
            raise InvalidParameter("sort", _unknown_sort(raw, spellings))
        keys.append(SortKey(name, sorts[name], descending))
    tiebreak = sorts.get("id")  # a resource without `id` among its sorts has one order, total already
    if tiebreak is not None and not any(k.name == "id" for k in keys):
        keys.append(SortKey("id", tiebreak, keys[0].descending))
    return keys


def _unknown_sort(raw: str, spellings: dict[str, str]) -> str:
    """What to send instead of a sort field that is not one (`amount desc`: `-amount`)."""
    worded = re.fullmatch(r"([\w-]+)[\s:.]+(asc|desc)(?:ending)?", raw.strip(), re.IGNORECASE)
    name = fold(worded.group(1).lstrip("-+"), spellings) if worded else None
    if worded and name:
        if worded.group(2).lower() == "desc":
            return f"cannot sort by {raw!r}: use -{name} for descending"
        return f"cannot sort by {raw!r}: use {name} for ascending (`-{name}` for descending)"
    allowed = ", ".join(sorted(spellings.values()))
    return f"cannot sort by {raw!r}; use one of {allowed}, each with a leading - for descending"


def sort_text(keys: Sequence[SortKey]) -> str:
    """The `sort` parameter that means these keys (the id that breaks ties left implicit)."""
    shown = list(keys)
    if len(shown) > 1 and shown[-1].name == "id" and shown[-1].descending == shown[0].descending:
        shown.pop()
    return ",".join(("-" if k.descending else "") + k.name for k in shown)


def order_by(keys: Sequence[SortKey]) -> list[Any]:
    clauses = []
    for key in keys:
        clause = key.field.column.desc() if key.descending else key.field.column.asc()
        clauses.append(clause.nulls_last() if key.field.nullable else clause)
    return clauses


def keyset_after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `keys` (NULLs sort last both ways)."""
    alternatives = []
    for i, key in enumerate(keys):
        value = values[i]
        if value is None:
            continue  # nothing sorts after NULL within the same prefix
        col = key.field.column
        after = col < value if key.descending else col > value
        if key.field.nullable:
            after = or_(after, col.is_(None))
        equal_prefix = [
            keys[j].field.column.is_(None) if values[j] is None else keys[j].field.column == values[j]
            for j in range(i)
        ]
        alternatives.append(and_(*equal_prefix, after))
    return or_(*alternatives) if alternatives else false()
