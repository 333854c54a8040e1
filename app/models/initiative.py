from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import InitiativeKind, MilestoneEvent, Precision, Region, Role, Scope, Status, sql_in


class Initiative(Base):
    """A programme, deployment, lab, centre, data corridor, policy, event or service."""

    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(InitiativeKind)})", name="kind"),
        CheckConstraint(f"status IN ({sql_in(Status)})", name="status"),
        CheckConstraint("(announced_on IS NULL) = (announced_precision IS NULL)", name="announced_precision"),
        CheckConstraint(f"announced_precision IN ({sql_in(Precision)})", name="announced_precision_value"),
        CheckConstraint(f"scope IN ({sql_in(Scope)})", name="scope"),
        CheckConstraint(f"region IN ({sql_in(Region)})", name="region_value"),
        CheckConstraint("(scope = 'region') = (region IS NOT NULL)", name="region"),
        CheckConstraint("part_of_id IS NULL OR part_of_id <> id", name="not_own_part"),
        Index(None, "kind", "id"),
        Index(None, "scope", "id"),
        Index(None, "part_of_id", "id"),
        Index(None, "status", "id"),
        Index(None, "announced_on", "id"),
        Index(None, "name", "id"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(Text)
    announced_on: Mapped[date | None] = mapped_column(Date)
    announced_precision: Mapped[str | None] = mapped_column(String(5))
    scope: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    part_of_id: Mapped[str | None] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"))


class Milestone(Base):
    """A dated event of an initiative: announced, held, established, cancelled, a target year..."""

    __tablename__ = "initiative_milestones"
    __table_args__ = (
        CheckConstraint(f"event IN ({sql_in(MilestoneEvent)})", name="event"),
        CheckConstraint("(on_date IS NULL) = (precision IS NULL)", name="precision"),
        CheckConstraint(f"precision IN ({sql_in(Precision)})", name="precision_value"),
        CheckConstraint("position >= 0", name="position"),
        Index(None, "on_date", "initiative_id"),
        Index(None, "event", "initiative_id"),
    )

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date | None] = mapped_column(Date)
    precision: Mapped[str | None] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)


class InitiativeCountry(Base):
    __tablename__ = "initiative_countries"
    __table_args__ = (Index(None, "country", "initiative_id"),)

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True)


class InitiativeSector(Base):
    __tablename__ = "initiative_sectors"
    __table_args__ = (Index(None, "sector", "initiative_id"),)

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(64), primary_key=True)


class Participant(Base):
    """An organization's part in an initiative."""

    __tablename__ = "initiative_participants"
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_in(Role)})", name="role"),
        Index(None, "organization_id", "initiative_id"),
        Index(None, "role", "initiative_id"),
    )

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
