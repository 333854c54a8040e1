from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import Metric, Precision, Qualifier, Region, Scope, Unit, sql_in


class Figure(Base):
    """A quantity an article states that is not a commitment: capacity today, attendance, progress."""

    __tablename__ = "figures"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "(organization_id IS NULL) <> (initiative_id IS NULL)",
            name="one_subject",
        ),
        CheckConstraint(f"metric IN ({sql_in(Metric)})", name="metric"),
        CheckConstraint(f"unit IN ({sql_in(Unit)})", name="unit"),
        CheckConstraint(f"qualifier IN ({sql_in(Qualifier)})", name="qualifier"),
        CheckConstraint("(as_of IS NULL) = (as_of_precision IS NULL)", name="as_of_precision"),
        CheckConstraint(f"as_of_precision IN ({sql_in(Precision)})", name="as_of_precision_value"),
        CheckConstraint(f"scope IN ({sql_in(Scope)})", name="scope"),
        CheckConstraint(f"region IN ({sql_in(Region)})", name="region_value"),
        CheckConstraint("(scope = 'region') = (region IS NOT NULL)", name="region"),
        Index(None, "organization_id", "id"),
        Index(None, "initiative_id", "id"),
        Index(None, "pledge_id", "id"),
        Index(None, "metric", "id"),
        Index(None, "unit", "id"),
        Index(None, "qualifier", "id"),
        Index(None, "scope", "id"),
        Index(None, "amount", "id"),
        Index(None, "as_of", "id"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    initiative_id: Mapped[str | None] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"))
    metric: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)
    amount_text: Mapped[str | None] = mapped_column(Text)
    qualifier: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(24))
    as_of: Mapped[date | None] = mapped_column(Date)
    as_of_precision: Mapped[str | None] = mapped_column(String(5))
    scope: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    pledge_id: Mapped[str | None] = mapped_column(ForeignKey("pledges.id", ondelete="RESTRICT"))


class FigureCountry(Base):
    __tablename__ = "figure_countries"
    __table_args__ = (Index(None, "country", "figure_id"),)

    figure_id: Mapped[str] = mapped_column(ForeignKey("figures.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
