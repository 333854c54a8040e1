"""Make the database match the seeds: insert, update and delete, in the caller's transaction."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, Table, and_, bindparam, select, text

from app.history import record as history
from app.history.record import ChangeRow
from app.models import Base
from app.search_text import tsvector
from app.seeding.rows import SUBJECT_COLUMNS, TABLE_ORDER, Row
from app.timeline.build import rebuild as rebuild_timeline

# Columns that identify a row; every other column (but a surrogate id) is compared as its value.
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("id",),
    "organizations": ("id",),
    "organization_aliases": ("organization_id", "alias"),
    "initiatives": ("id",),
    "initiative_countries": ("initiative_id", "country"),
    "initiative_sectors": ("initiative_id", "sector"),
    "people": ("id",),
    "person_aliases": ("person_id", "alias"),
    "positions": ("person_id", "position"),
    "initiative_participants": ("initiative_id", "organization_id", "role"),
    "initiative_milestones": ("initiative_id", "position"),
    "mous": ("id",),
    "mou_parties": ("mou_id", "organization_id"),
    "mou_witnesses": ("mou_id", "person_id"),
    "pledges": ("id",),
    "pledge_pledgers": ("pledge_id", "organization_id"),
    "pledge_countries": ("pledge_id", "country"),
    "figures": ("id",),
    "figure_countries": ("figure_id", "country"),
    "citations": ("source_id", *SUBJECT_COLUMNS, "quote"),
    "inferences": ("resource", "record_id", "field"),
    "search_documents": ("resource", "record_id"),
    "renames": ("resource", "old_id"),
}
SURROGATE = {"citations": "id", "search_documents": "id"}


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


def _columns(table: Table) -> list[str]:
    skip = {SURROGATE.get(table.name), "tsv"}
    return [c.name for c in table.columns if c.name not in skip]


def _key(row: Row, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row[n] for n in names)


# Tables whose rows point at rows of their own: written parents first, deleted children first.
SELF_REFERENCES = {"organizations": "parent_id", "initiatives": "part_of_id"}


def _parent_depth(rows: dict[tuple[Any, ...], Row], column: str) -> dict[str, int]:
    parents = {row["id"]: row[column] for row in rows.values()}
    depth: dict[str, int] = {}
    for org in parents:
        d, current, seen = 0, parents.get(org), {org}
        while current is not None and current not in seen:
            seen.add(current)
            d += 1
            current = parents.get(current)
        depth[org] = d
    return depth


def read_rows(conn: Connection) -> dict[str, list[Row]]:
    """Every table the loader writes, as the rows `build_rows` would give for what is there."""
    tables = Base.metadata.tables
    return {
        name: [
            dict(m)
            for m in conn.execute(select(*[tables[name].c[c] for c in _columns(tables[name])])).mappings()
        ]
        for name in TABLE_ORDER
    }


@dataclass
class Applied:
    """What a load wrote: rows per table, and the changes it recorded in history."""

    counts: dict[str, Counts]
    changes: list[ChangeRow]


def apply_rows(conn: Connection, desired: dict[str, list[Row]], *, digest: str | None = None) -> Applied:
    """Write the difference between the tables and `desired`, and the changes this makes to
    the records' JSON in history, under a new version if anything changed (`digest` names the
    seed files it came from)."""
    tables = Base.metadata.tables
    counts = {name: Counts() for name in TABLE_ORDER}
    current = read_rows(conn)
    existing = {name: {_key(r, KEYS[name]): r for r in current[name]} for name in TABLE_ORDER}
    wanted = {name: {_key(r, KEYS[name]): r for r in desired[name]} for name in TABLE_ORDER}

    park_unique(conn, existing, wanted)
    # Inserts and updates, parents before children.
    for name in TABLE_ORDER:
        table, keys = tables[name], KEYS[name]
        new = [row for k, row in wanted[name].items() if k not in existing[name]]
        if name in SELF_REFERENCES:
            depth = _parent_depth(wanted[name], SELF_REFERENCES[name])
            new.sort(key=lambda r: depth[r["id"]])
        if new:
            conn.execute(table.insert(), new)
        changed = [row for k, row in wanted[name].items() if k in existing[name] and existing[name][k] != row]
        if changed:
            # IS NOT DISTINCT FROM: a key may hold NULL (a citation's other subjects)
            where = and_(*[table.c[k].is_not_distinct_from(bindparam(f"k_{k}")) for k in keys])
            values: dict[str, BindParameter[Any]] = {
                c: bindparam(f"v_{c}") for c in _columns(table) if c not in keys
            }
            conn.execute(
                table.update().where(where).values(values),
                [{**{f"k_{k}": r[k] for k in keys}, **{f"v_{c}": r[c] for c in values}} for r in changed],
            )
        counts[name].inserted, counts[name].updated = len(new), len(changed)

    # Deletes, children before parents.
    for name in reversed(TABLE_ORDER):
        table, keys = tables[name], KEYS[name]
        gone = [k for k in existing[name] if k not in wanted[name]]
        if name in SELF_REFERENCES:
            depth = _parent_depth(existing[name], SELF_REFERENCES[name])
            gone.sort(key=lambda k: -depth[k[0]])
        for start in range(0, len(gone), 500):
            batch = gone[start : start + 500]
            if len(keys) == 1:
                conn.execute(table.delete().where(table.c[keys[0]].in_([k[0] for k in batch])))
            else:
                for key in batch:
                    conn.execute(
                        table.delete().where(
                            and_(
                                *[
                                    table.c[k].is_(None) if v is None else table.c[k] == v
                                    for k, v in zip(keys, key, strict=True)
                                ]
                            )
                        )
                    )
        counts[name].deleted = len(gone)

    if counts["search_documents"].changed:
        refresh_search_index(conn, desired["search_documents"])
    modified = any(c.changed for c in counts.values())
    if modified or _timeline_missing(conn):
        rebuild_timeline(conn)
        modified = True
    changes = history.pending(conn)
    if modified or changes or not conn.execute(text("SELECT 1 FROM dataset WHERE id = 1")).first():
        version, loaded_at = bump_version(conn)
        history.write(conn, version, loaded_at, digest, changes)
        conn.exec_driver_sql("ANALYZE")  # fresh statistics for the query planner
    return Applied(counts, changes)


# Columns unique beyond the key, which a row going away may hold for a row coming in (a source
# renamed keeps its document): such rows give the value up before anything is written.
UNIQUE = {"sources": "document"}


def park_unique(
    conn: Connection,
    existing: dict[str, dict[tuple[Any, ...], Row]],
    wanted: dict[str, dict[tuple[Any, ...], Row]],
) -> None:
    for name, column in UNIQUE.items():
        table, keys = Base.metadata.tables[name], KEYS[name]
        leaving = [
            k
            for k, row in existing[name].items()
            if k not in wanted[name] or wanted[name][k][column] != row[column]
        ]
        for key in leaving:
            where = and_(*[table.c[k] == v for k, v in zip(keys, key, strict=True)])
            parked = f"(leaving) {key[0]}"  # no document name has a space or parentheses
            conn.execute(table.update().where(where).values({column: parked}))
            existing[name][key] = {**existing[name][key], column: parked}


def _timeline_missing(conn: Connection) -> bool:
    """Records but no timeline: a database just migrated to the revision that added it."""
    return not conn.execute(text("SELECT 1 FROM timeline_events")).first() and bool(
        conn.execute(text("SELECT 1 FROM sources")).first()
    )


def refresh_search_index(conn: Connection, docs: list[Row]) -> None:
    """Bring the engine's full-text index in line with search_documents."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        return
    if not docs:
        return
    conn.execute(
        text("UPDATE search_documents SET tsv = CAST(:v AS tsvector) WHERE resource = :r AND record_id = :i"),
        [{"r": d["resource"], "i": d["record_id"], "v": tsvector(d["name"], d["body"])} for d in docs],
    )


def bump_version(conn: Connection) -> tuple[int, datetime]:
    """Increase the dataset version (every ETag changes with it); the version and its time."""
    dataset = Base.metadata.tables["dataset"]
    now = datetime.now(UTC)
    current = conn.execute(select(dataset.c.version).where(dataset.c.id == 1)).scalar()
    if current is None:
        conn.execute(dataset.insert().values(id=1, version=1, loaded_at=now))
        return 1, now
    conn.execute(dataset.update().where(dataset.c.id == 1).values(version=current + 1, loaded_at=now))
    return int(current) + 1, now
