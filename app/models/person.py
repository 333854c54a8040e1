from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Person(Base):
    """Someone the articles name: a minister, an executive, a governor."""

    __tablename__ = "people"
    __table_args__ = (Index(None, "name", "id"),)

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class PersonAlias(Base):
    """Another form of a person's name used by an article ("Gobind")."""

    __tablename__ = "person_aliases"

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    alias: Mapped[str] = mapped_column(Text, primary_key=True)


class Position(Base):
    """A title an article gives a person, at an organization when it names one."""

    __tablename__ = "positions"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        Index(None, "organization_id", "person_id"),
        Index(None, "source_id", "person_id"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
