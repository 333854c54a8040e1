"""What a load would change, record by record and field by field (`load_seeds.py --diff`).

Rows of the loader's tables are folded into one view per record: its own columns, and each link
table as a list field (countries, participants, citations, inferred, ...). Two such views, of the
database and of the seeds, compare field by field.
"""

import json
from dataclasses import dataclass
from typing import Any

from app.seeding.rows import SUBJECT_COLUMNS, Row

# Tables holding records, and the resource each holds.
RECORDS = {
    "sources": "source",
    "organizations": "organization",
    "people": "person",
    "initiatives": "initiative",
    "mous": "mou",
    "pledges": "pledge",
    "figures": "figure",
}
# Link tables: (resource, column naming the record, field of the record they fill).
LINKS = {
    "organization_aliases": ("organization", "organization_id", "aliases"),
    "person_aliases": ("person", "person_id", "aliases"),
    "positions": ("person", "person_id", "positions"),
    "initiative_countries": ("initiative", "initiative_id", "countries"),
    "initiative_sectors": ("initiative", "initiative_id", "sectors"),
    "initiative_participants": ("initiative", "initiative_id", "participants"),
    "initiative_milestones": ("initiative", "initiative_id", "milestones"),
    "mou_parties": ("mou", "mou_id", "parties"),
    "mou_witnesses": ("mou", "mou_id", "witnesses"),
    "pledge_pledgers": ("pledge", "pledge_id", "pledgers"),
    "pledge_countries": ("pledge", "pledge_id", "countries"),
    "figure_countries": ("figure", "figure_id", "countries"),
}
View = dict[tuple[str, str], dict[str, Any]]


def _value(row: Row, drop: set[str]) -> Any:
    rest = {k: v for k, v in row.items() if k not in drop}
    return next(iter(rest.values())) if len(rest) == 1 else rest


def _sort_key(item: Any) -> Any:
    if isinstance(item, dict):
        return (item.get("position", 0), repr(sorted(item.items())))
    return (0, repr(item))


def views(rows: dict[str, list[Row]]) -> View:
    """One dict per (resource, id): the record's columns plus a list per link table."""
    out: View = {}
    for table, resource in RECORDS.items():
        for row in rows[table]:
            out[(resource, row["id"])] = {k: v for k, v in row.items() if k != "id"}

    def add(resource: str, ident: str, field: str, value: Any) -> None:
        record = out.setdefault((resource, ident), {})
        record.setdefault(field, []).append(value)

    for table, (resource, column, field) in LINKS.items():
        for row in rows[table]:
            add(resource, row[column], field, _value(row, {column}))
    for row in rows["citations"]:
        column = next(c for c in SUBJECT_COLUMNS if row[c] is not None)
        add(column.removesuffix("_id"), row[column], "citations", _value(row, set(SUBJECT_COLUMNS)))
    for row in rows["inferences"]:
        add(row["resource"], row["record_id"], "inferred", {row["field"]: row["reason"]})
    for record in out.values():
        for value in record.values():
            if isinstance(value, list):
                value.sort(key=_sort_key)
    return out


@dataclass(frozen=True)
class Change:
    resource: str
    id: str
    op: str  # added | modified | deleted
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new); every field of an added record


def diff(before: dict[str, list[Row]], after: dict[str, list[Row]]) -> list[Change]:
    """The records added, modified and deleted, in resource then id order."""
    old, new = views(before), views(after)
    changes = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        a, b = a or {}, b or {}
        fields = {f: (a.get(f), b.get(f)) for f in sorted(a.keys() | b.keys()) if a.get(f) != b.get(f)}
        op = "added" if key not in old else "deleted" if key not in new else "modified"
        changes.append(Change(key[0], key[1], op, fields))
    return changes


def describe(changes: list[Change]) -> str:
    """The changes as a curator reads them: one line per record, one indented line per field."""
    if not changes:
        return "no changes"
    lines = []
    for change in changes:
        lines.append(f"{change.op} {change.resource} {change.id}")
        if change.op == "modified":
            for field, (old, new) in change.fields.items():
                lines.append(f"    {field}: {_show(old)} -> {_show(new)}")
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.op] = counts.get(change.op, 0) + 1
    lines.append(", ".join(f"{n} {op}" for op, n in sorted(counts.items())))
    return "\n".join(lines)


def _show(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."
