from datetime import date

from sqlalchemy import CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import Precision, sql_in


class Source(Base):
    """One article the records are curated from."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("(published_on IS NULL) = (published_precision IS NULL)", name="published_precision"),
        CheckConstraint(f"published_precision IN ({sql_in(Precision)})", name="published_precision_value"),
        CheckConstraint("(dateline_on IS NULL) = (dateline_precision IS NULL)", name="dateline_precision"),
        CheckConstraint(f"dateline_precision IN ({sql_in(Precision)})", name="dateline_precision_value"),
        CheckConstraint("dateline_text IS NOT NULL OR dateline_on IS NULL", name="dateline"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_precision: Mapped[str | None] = mapped_column(String(5))
    url: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str] = mapped_column(String(255), unique=True)
    dateline_text: Mapped[str | None] = mapped_column(Text)
    dateline_place: Mapped[str | None] = mapped_column(Text)
    dateline_on: Mapped[date | None] = mapped_column(Date)
    dateline_precision: Mapped[str | None] = mapped_column(String(5))
