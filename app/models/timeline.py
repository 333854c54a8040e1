"""The timeline (CONTRACT.md section 5): every dated event of the records, one row each.

Derived, never curated: rebuilt from the records by app.timeline.build in the loader's
transaction (and by scripts/synth.py), so that a page of events is one index range however
many records there are. An event's `id` is its place in the timeline's order, written out:
`2025-04-10 2 mou mou-huawei-tiong-nam-smart-logistics 1000`: the first day of its period, the
precision's rank (year 0, month 1, day 2: a partial date sorts at the start of its period, the
wider period first), the record's type and id, and a number that tells a record's events of the
same date apart. Keyset pages, count bitmaps and exports then read it like any record id.
"""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import Precision, RecordType, TimelineEvent, sql_in


class TimelineEntry(Base):
    __tablename__ = "timeline_events"
    __table_args__ = (
        CheckConstraint(f"event IN ({sql_in(TimelineEvent)})", name="event"),
        CheckConstraint(f"type IN ({sql_in(RecordType)})", name="type"),
        CheckConstraint(f"precision IN ({sql_in(Precision)})", name="precision"),
        Index(None, "event", "id"),
        Index(None, "type", "id"),
        Index(None, "year", "id"),
        Index(None, "on_date", "id"),
        Index(None, "type", "record_id"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    on_date: Mapped[date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(5))
    year: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    inferred: Mapped[str | None] = mapped_column(Text)


class TimelineCountry(Base):
    """A country of the event's record."""

    __tablename__ = "timeline_countries"
    __table_args__ = (Index(None, "country", "event_id"),)

    event_id: Mapped[str] = mapped_column(
        ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True)


class TimelineOrganization(Base):
    """An organization of the event's record: participant, party, pledger or subject."""

    __tablename__ = "timeline_organizations"
    __table_args__ = (Index(None, "organization_id", "event_id"),)

    event_id: Mapped[str] = mapped_column(
        ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(String(120), primary_key=True)


class TimelineSource(Base):
    """A source citing the event's record (a source's own `published`: itself)."""

    __tablename__ = "timeline_sources"
    __table_args__ = (Index(None, "source_id", "event_id"),)

    event_id: Mapped[str] = mapped_column(
        ForeignKey("timeline_events.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(String(120), primary_key=True)
