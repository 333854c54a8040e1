"""History (CONTRACT.md section 6): the versions of the dataset, the changes each made, and the
ids renamed in the seeds.

Written by the loader in the transaction of the load it records (app.history.record); a
change's `before` and `after` are the record's JSON as its detail endpoint serves it
(app.history.records), so that history never disagrees with the API.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import ChangeOp, ResourceType, sql_in


class Version(Base):
    """One load that changed something: when, from which seed files, how many records it touched."""

    __tablename__ = "versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # sha256 of the seed files (path and bytes, in path order); null for a version recorded
    # before history began (the one a database had when migration 0006 ran)
    digest: Mapped[str | None] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)  # resource -> {added, modified, deleted}


class Change(Base):
    """One record added, modified or deleted by a version, with its JSON before and after."""

    __tablename__ = "changes"
    __table_args__ = (
        CheckConstraint(f"op IN ({sql_in(ChangeOp)})", name="op"),
        CheckConstraint(f"resource IN ({sql_in(ResourceType)})", name="resource"),
        Index(None, "record_id", "version"),
        Index(None, "resource", "version", "record_id"),
    )

    version: Mapped[int] = mapped_column(ForeignKey("versions.version"), primary_key=True)
    resource: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    op: Mapped[str] = mapped_column(String(8))
    fields: Mapped[list[str]] = mapped_column(JSON)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class Rename(Base):
    """An id a record had before (`renamed_from` in the seeds): the old id redirects to the new."""

    __tablename__ = "renames"
    __table_args__ = (CheckConstraint(f"resource IN ({sql_in(ResourceType)})", name="resource"),)

    resource: Mapped[str] = mapped_column(String(16), primary_key=True)
    old_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(120))
