"""A record's detail as the API serves it: now or at a version, with `first_seen` and
`last_changed`; 308 for an id renamed in the seeds, 410 for an id deleted."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from app.common.params import LATEST_POSSIBLE
from app.common.problems import Gone, NotFound, Renamed
from app.common.sql import Prepared
from app.dates import utc
from app.deps import Snapshot
from app.history.records import Record, plain
from app.models import tables
from app.models.enums import ResourceType

ch, versions, renames = tables.changes, tables.versions, tables.renames
_first, _last = func.min(ch.c.version).label("first"), func.max(ch.c.version).label("last")
_spans = (
    select(_first, _last)
    .where(ch.c.resource == bindparam("resource"), ch.c.record_id == bindparam("id"))
    .where(ch.c.version <= bindparam("upto"))
    .subquery()
)
_at_first, _at_last = versions.alias("at_first"), versions.alias("at_last")
# The versions of a record's first and last change (up to `upto`), with their times.
SPANS = Prepared(
    select(_spans.c.first, _at_first.c.loaded_at, _spans.c.last, _at_last.c.loaded_at)
    .join(_at_first, _at_first.c.version == _spans.c.first)
    .join(_at_last, _at_last.c.version == _spans.c.last)
)
# The record's last change at or before a version (run by SQLAlchemy, which decodes its JSON).
AS_OF = (
    select(ch.c.version, ch.c.op, ch.c.after)
    .where(ch.c.resource == bindparam("resource"), ch.c.record_id == bindparam("id"))
    .where(ch.c.version <= bindparam("upto"))
    .order_by(ch.c.version.desc())
    .limit(1)
)
RENAMED = Prepared(
    select(renames.c.new_id).where(
        renames.c.resource == bindparam("resource"), renames.c.old_id == bindparam("id")
    )
)
NOUNS = {ResourceType.mou: "MoU"}
PATHS = {ResourceType.person: "people"}


def noun(resource: ResourceType) -> str:
    return NOUNS.get(resource, resource.value)


def spans(conn: Connection, resource: ResourceType, record_id: str, upto: int) -> dict[str, Any]:
    """`first_seen` and `last_changed` of the record, as of version `upto`."""
    found = SPANS.rows(conn, resource=resource.value, id=record_id, upto=upto)
    if not found or found[0][0] is None:
        return {"first_seen": None, "last_changed": None}
    first, first_at, last, last_at = found[0]
    return {
        "first_seen": {"version": first, "loaded_at": utc(first_at)},
        "last_changed": {"version": last, "loaded_at": utc(last_at)},
    }


def served(
    snap: Snapshot,
    resource: ResourceType,
    record_id: str,
    as_of_version: int | None,
    current: Callable[[], Record | None],
) -> Record:
    """The record now (from `current`) or at `as_of_version`, stamped with its spans."""
    conn, what = snap.conn, f"{noun(resource)} with id {record_id!r}"
    key = {"resource": resource.value, "id": record_id}
    if as_of_version is not None:
        if as_of_version > snap.version:
            raise NotFound(f"no version {as_of_version} yet: the latest is {snap.version} (see /v1/versions)")
        found = conn.execute(AS_OF, {**key, "upto": as_of_version}).all()
        if not found:
            began = conn.execute(select(func.min(versions.c.version))).scalar()
            if began is not None and as_of_version < began:
                raise NotFound(
                    f"history begins at version {began}: version {as_of_version} was loaded before this"
                    " database kept history (see /v1/versions)"
                )
            raise NotFound(f"no {what} at version {as_of_version}")
        version, op, after = found[0]
        if after is None:
            raise NotFound(f"no {what} at version {as_of_version}: version {version} deleted it")
        stamps: dict[str, Any] = {"overdue": None} if resource is ResourceType.pledge else {}
        return {**after, **stamps, **spans(conn, resource, record_id, as_of_version)}
    item = current()
    if item is not None:
        return {**item, **spans(conn, resource, record_id, LATEST_POSSIBLE)}
    moved = RENAMED.rows(conn, **key)
    if moved:
        new_id = moved[0][0]
        path = f"/v1/{PATHS.get(resource, resource.value + 's')}/{new_id}"
        raise Renamed(f"{what} is now {new_id!r}: {path}", headers={"Location": path})
    last = conn.execute(AS_OF, {**key, "upto": LATEST_POSSIBLE}).all()
    if last and last[0][1] == "deleted":
        version = last[0][0]
        raise Gone(
            f"the {what} was deleted in version {version}; ?as_of_version={version - 1} shows it as it"
            f" stood before (see /v1/changes?id={record_id})"
        )
    raise NotFound(f"no {what}")


__all__ = ["Record", "plain", "served", "spans"]
