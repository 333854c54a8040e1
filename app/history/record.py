"""What a load changed, written beside it: one change per record whose JSON differs from the
`after` of its last change (so a record changed by the data, by the records it embeds or by the
code that serves it is recorded alike), and the version's row with its counts and digest."""

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from app.history.records import Record, snapshot
from app.models import tables
from app.models.enums import ChangeOp

Key = tuple[str, str]  # (resource, id)
ChangeRow = dict[str, Any]


def latest(conn: Connection) -> dict[Key, Record]:
    """Each record as its last change left it (deleted records left out)."""
    ch = tables.changes
    last = (
        select(ch.c.resource, ch.c.record_id, func.max(ch.c.version).label("version"))
        .group_by(ch.c.resource, ch.c.record_id)
        .subquery()
    )
    query = select(ch.c.resource, ch.c.record_id, ch.c.after).join(
        last,
        (ch.c.resource == last.c.resource)
        & (ch.c.record_id == last.c.record_id)
        & (ch.c.version == last.c.version),
    )
    return {(r, i): after for r, i, after in conn.execute(query) if after is not None}


def changed_fields(before: Record | None, after: Record | None) -> list[str]:
    """The fields that differ (every field of a record added or deleted), in name order."""
    a, b = before or {}, after or {}
    return sorted(f for f in a.keys() | b.keys() if before is None or after is None or a.get(f) != b.get(f))


def pending(conn: Connection) -> list[ChangeRow]:
    """The changes the records now in `conn` make to history, in resource then id order."""
    old, new = latest(conn), dict(snapshot(conn))
    rows = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        op = ChangeOp.added if before is None else ChangeOp.deleted if after is None else ChangeOp.modified
        rows.append(
            {
                "resource": key[0],
                "record_id": key[1],
                "op": op.value,
                "fields": changed_fields(before, after),
                "before": before,
                "after": after,
            }
        )
    return rows


def counts(changes: list[ChangeRow]) -> dict[str, dict[str, int]]:
    """Per resource, how many records were added, modified and deleted."""
    tally = Counter((c["resource"], c["op"]) for c in changes)
    resources = sorted({c["resource"] for c in changes})
    return {r: {op.value: tally[(r, op.value)] for op in ChangeOp} for r in resources}


def write(
    conn: Connection, version: int, loaded_at: datetime, digest: str | None, changes: list[ChangeRow]
) -> None:
    """The version's row and its changes."""
    conn.execute(
        insert(tables.versions).values(
            version=version, loaded_at=loaded_at, digest=digest, counts=counts(changes)
        )
    )
    if changes:
        conn.execute(insert(tables.changes), [{**c, "version": version} for c in changes])
