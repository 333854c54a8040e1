"""Sorting a list by fields the resource allows, with a keyset condition to page after a row."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, and_, false, or_

from app.common.problems import InvalidParameter


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
    """Sort keys of `names` (`-field` descending), ending with `id` so that the order is total.

    A field named again the other way (`name,-name`) is a key that never breaks a tie: allowed,
    as the schema allows it, and without effect; the same item twice is not (`uniqueItems`)."""
    keys: list[SortKey] = []
    for i, raw in enumerate(names):
        if raw in names[:i]:
            raise InvalidParameter("sort", f"{raw!r} is given twice")
        descending = raw.startswith("-")
        name = raw.removeprefix("-")
        if name not in sorts:
            allowed = ", ".join(sorted(sorts))
            raise InvalidParameter("sort", f"cannot sort by {name!r}; use one of {allowed}")
        keys.append(SortKey(name, sorts[name], descending))
    if keys[-1].name != "id" and not any(k.name == "id" for k in keys):
        keys.append(SortKey("id", sorts["id"], keys[0].descending))
    return keys


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
