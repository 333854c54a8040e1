"""The data package's descriptor, derived from the SQLAlchemy metadata: one tabular resource
per curated table, its fields typed from the column types, its primary and foreign keys.

Nothing here is declared twice: a column added to a model is a field of the package, a foreign
key a `foreignKeys` entry. The tables are those the loader writes (TABLE_ORDER), less what it
derives for the API's own use (the search index, the renames behind 308s).
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, Numeric, String, Table, Text

from app.models import Base
from app.seeding.rows import TABLE_ORDER

DERIVED = ("search_documents", "renames")  # the API's own indexes, not data
TABLES: dict[str, Table] = {name: Base.metadata.tables[name] for name in TABLE_ORDER if name not in DERIVED}

# Table Schema types by column type, most specific first (DateTime before Date, Text before String).
TYPES: list[tuple[type[Any], str]] = [
    (Boolean, "boolean"),
    (DateTime, "datetime"),
    (Date, "date"),
    (Integer, "integer"),
    (Float, "number"),
    (Numeric, "number"),
    (Text, "string"),
    (String, "string"),
]


def field_type(column: Column[Any]) -> str:
    for sql_type, name in TYPES:
        if isinstance(column.type, sql_type):
            return name
    raise TypeError(f"{column.table.name}.{column.name}: no Table Schema type for {column.type!r}")


def _may_be_empty(column: Column[Any]) -> bool:
    """A NOT NULL text column whose value may be "": an empty CSV cell, which reads as null."""
    default = column.default
    return default is not None and getattr(default, "arg", None) == ""


def field(column: Column[Any]) -> dict[str, Any]:
    described: dict[str, Any] = {"name": column.name, "type": field_type(column)}
    if column.comment:
        described["description"] = column.comment
    if not column.nullable and not _may_be_empty(column):
        described["constraints"] = {"required": True}
    return described


def schema(table: Table) -> dict[str, Any]:
    keys = []
    for fk in sorted(table.foreign_key_constraints, key=lambda fk: [c.name for c in fk.columns]):
        target = fk.referred_table.name
        keys.append(
            {
                "fields": [e.parent.name for e in fk.elements],
                # "" is the resource itself (a parent organization, the initiative a part is of)
                "reference": {
                    "resource": "" if target == table.name else target,
                    "fields": [e.column.name for e in fk.elements],
                },
            }
        )
    described: dict[str, Any] = {
        "fields": [field(c) for c in table.columns],
        "primaryKey": [c.name for c in table.primary_key.columns],
    }
    if keys:
        described["foreignKeys"] = keys
    return described


def _doc(table: Table) -> str | None:
    for mapper in Base.registry.mappers:
        if mapper.local_table is table and mapper.class_.__doc__:
            return " ".join(mapper.class_.__doc__.split())
    return None


def descriptor(
    version: int, etag: str, loaded_at: datetime | None, table_url: Callable[[str], str]
) -> dict[str, Any]:
    """The package of dataset version `version`; `table_url(name)` is where a table's CSV streams."""
    resources = []
    for name, table in TABLES.items():
        resource: dict[str, Any] = {
            "name": name,
            "path": f"{table_url(name)}?version={version}",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema(table),
        }
        doc = _doc(table)
        if doc:
            resource["description"] = doc
        resources.append(resource)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "sea-tech-initiatives",
        "title": "Southeast Asia tech initiatives",
        "description": "A hand-curated, source-cited database of technology initiatives in Southeast"
        " Asia, every table of one dataset version. Each resource's path names that version: fetch"
        " this descriptor again once the dataset has changed.",
        "version": str(version),
        "dataset_version": version,
        "etag": etag,
    }
    if loaded_at is not None:
        package["created"] = loaded_at.isoformat().replace("+00:00", "Z")
    package["resources"] = resources
    return package


def cell(value: Any) -> Any:
    """A value as its CSV cell: ISO dates, `true`/`false`, null as an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
