from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import Metric, PledgeStatus, Precision, Qualifier, Region, Scope, Unit, sql_in


class Pledge(Base):
    """A quantified commitment by one or more organizations."""

    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"metric IN ({sql_in(Metric)})", name="metric"),
        CheckConstraint(f"unit IN ({sql_in(Unit)})", name="unit"),
        CheckConstraint(f"status IN ({sql_in(PledgeStatus)})", name="status"),
        CheckConstraint("(announced_on IS NULL) = (announced_precision IS NULL)", name="announced_precision"),
        CheckConstraint(f"announced_precision IN ({sql_in(Precision)})", name="announced_precision_value"),
        CheckConstraint("(target_on IS NULL) = (target_precision IS NULL)", name="target_precision"),
        CheckConstraint(f"target_precision IN ({sql_in(Precision)})", name="target_precision_value"),
        CheckConstraint(f"qualifier IN ({sql_in(Qualifier)})", name="qualifier"),
        CheckConstraint(f"scope IN ({sql_in(Scope)})", name="scope"),
        CheckConstraint(f"region IN ({sql_in(Region)})", name="region_value"),
        CheckConstraint("(scope = 'region') = (region IS NOT NULL)", name="region"),
        Index(None, "qualifier", "id"),
        Index(None, "scope", "id"),
        Index(None, "initiative_id", "id"),
        Index(None, "metric", "id"),
        Index(None, "unit", "id"),
        Index(None, "status", "id"),
        Index(None, "amount", "id"),
        Index(None, "target_on", "id"),
        Index(None, "announced_on", "id"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    initiative_id: Mapped[str | None] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"))
    metric: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)
    amount_text: Mapped[str | None] = mapped_column(Text)
    qualifier: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(16))
    audience: Mapped[str | None] = mapped_column(Text)
    announced_on: Mapped[date | None] = mapped_column(Date)
    announced_precision: Mapped[str | None] = mapped_column(String(5))
    target_on: Mapped[date | None] = mapped_column(Date)
    target_precision: Mapped[str | None] = mapped_column(String(5))
    target_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))


class PledgePledger(Base):
    """One of the organizations that made a pledge, in the order the article names them."""

    __tablename__ = "pledge_pledgers"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position"),
        Index(None, "organization_id", "pledge_id"),
    )

    pledge_id: Mapped[str] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)


class PledgeCountry(Base):
    __tablename__ = "pledge_countries"
    __table_args__ = (Index(None, "country", "pledge_id"),)

    pledge_id: Mapped[str] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
