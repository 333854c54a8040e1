from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Dataset(Base):
    """The one row that versions the data: the loader bumps `version` whenever a row changes."""

    __tablename__ = "dataset"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchDocument(Base):
    """Text of one record for full-text search; the engine's index is built over it.

    `name_stems` and `body_stems` are the stems of the words of `name` and `body`
    (app.search_text.stems), written by the loader: when the analyzer's output changes, the
    loader sees them differ and rebuilds the index. SQLite indexes the four text columns with
    an external-content FTS5 table (`search_fts`), PostgreSQL with a `tsv` column the loader
    fills and a GIN index; both are created by the migrations, not here.
    """

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("resource", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    name_stems: Mapped[str] = mapped_column(Text, server_default="")
    body_stems: Mapped[str] = mapped_column(Text, server_default="")
