from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import Precision, sql_in


class Mou(Base):
    """A memorandum of understanding between two or more organizations."""

    __tablename__ = "mous"
    __table_args__ = (
        CheckConstraint("(signed_on IS NULL) = (signed_precision IS NULL)", name="signed_precision"),
        CheckConstraint(f"signed_precision IN ({sql_in(Precision)})", name="signed_precision_value"),
        Index(None, "signed_on", "id"),
        Index(None, "initiative_id", "id"),
        Index(None, "title", "id"),
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_precision: Mapped[str | None] = mapped_column(String(5))
    place: Mapped[str | None] = mapped_column(Text)
    initiative_id: Mapped[str | None] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"))
    summary: Mapped[str | None] = mapped_column(Text)


class MouParty(Base):
    __tablename__ = "mou_parties"
    __table_args__ = (Index(None, "organization_id", "mou_id"),)

    mou_id: Mapped[str] = mapped_column(ForeignKey("mous.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )


class MouWitness(Base):
    """A person who witnessed the signing, in the order the article names them."""

    __tablename__ = "mou_witnesses"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position"),
        Index(None, "person_id", "mou_id"),
    )

    mou_id: Mapped[str] = mapped_column(ForeignKey("mous.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
