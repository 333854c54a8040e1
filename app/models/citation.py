from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Citation(Base):
    """A verbatim quote of a source that supports exactly one initiative, MoU or pledge."""

    __tablename__ = "citations"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN mou_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN pledge_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
        CheckConstraint("length(quote) > 0", name="quote_not_empty"),
        Index(None, "source_id"),
        Index(None, "initiative_id"),
        Index(None, "mou_id"),
        Index(None, "pledge_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    quote: Mapped[str] = mapped_column(Text)
    initiative_id: Mapped[str | None] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    mou_id: Mapped[str | None] = mapped_column(ForeignKey("mous.id", ondelete="CASCADE"))
    pledge_id: Mapped[str | None] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
