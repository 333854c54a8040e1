from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import OrganizationKind, sql_in


class Organization(Base):
    """A partner: company, government body, university, ..."""

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(OrganizationKind)})", name="kind"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index(None, "country", "id"),
        Index(None, "kind", "id"),
        Index(None, "parent_id", "id"),
        Index(None, "name", "id"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))


class OrganizationAlias(Base):
    """Another spelling of an organization's name used by an article."""

    __tablename__ = "organization_aliases"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    alias: Mapped[str] = mapped_column(Text, primary_key=True)
