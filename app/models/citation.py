from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# The resources a citation or an inference can belong to, each its own nullable column.
SUBJECTS = ("organization", "person", "initiative", "mou", "pledge", "figure")


def _one_subject() -> str:
    return " + ".join(f"CASE WHEN {s}_id IS NULL THEN 0 ELSE 1 END" for s in SUBJECTS) + " = 1"


class Citation(Base):
    """A verbatim quote of a source behind one record, with the fields of it that the quote supports."""

    __tablename__ = "citations"
    __table_args__ = (
        CheckConstraint(f"({_one_subject()})", name="one_subject"),
        CheckConstraint("length(quote) > 0", name="quote_not_empty"),
        Index(None, "source_id"),
        Index(None, "speaker_id"),
        *(Index(None, f"{s}_id") for s in SUBJECTS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    quote: Mapped[str] = mapped_column(Text)
    # the record's field names this quote supports, space-separated, in the curator's order
    supports: Mapped[str] = mapped_column(Text, default="")
    speaker_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    attribution: Mapped[str | None] = mapped_column(Text)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    initiative_id: Mapped[str | None] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    mou_id: Mapped[str | None] = mapped_column(ForeignKey("mous.id", ondelete="CASCADE"))
    pledge_id: Mapped[str | None] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    figure_id: Mapped[str | None] = mapped_column(ForeignKey("figures.id", ondelete="CASCADE"))


class Inference(Base):
    """A fact field no quote states, with the curator's reason ("the article's dateline, 2025-04-10")."""

    __tablename__ = "inferences"
    __table_args__ = (
        CheckConstraint(f"resource IN ({', '.join(repr(s) for s in SUBJECTS)})", name="resource"),
        CheckConstraint("length(reason) > 0", name="reason_not_empty"),
    )

    resource: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
