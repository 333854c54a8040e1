"""Pledge accountability and the timeline (CONTRACT.md section 5).

Pledges get their own status vocabulary (announced, reaffirmed, in_progress, fulfilled,
partly_fulfilled, lapsed, withdrawn, cancelled, unknown): a pledge's `active` becomes
`in_progress` and `completed` becomes `fulfilled`; the downgrade maps the new statuses back to
the nearest of revision 1 (reaffirmed: announced, in_progress and partly_fulfilled: active,
fulfilled: completed, withdrawn: cancelled, lapsed: unknown). The timeline tables are derived:
the next load fills them (app.timeline.build).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


STATUSES_4 = "'announced', 'active', 'completed', 'cancelled', 'unknown'"
STATUSES = (
    "'announced', 'reaffirmed', 'in_progress', 'fulfilled', 'partly_fulfilled', 'lapsed', 'withdrawn',"
    " 'cancelled', 'unknown'"
)
UP = {"active": "in_progress", "completed": "fulfilled"}
DOWN = {
    "reaffirmed": "announced",
    "in_progress": "active",
    "partly_fulfilled": "active",
    "fulfilled": "completed",
    "withdrawn": "cancelled",
    "lapsed": "unknown",
}


def _statuses(mapping: dict[str, str], allowed: str) -> None:
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pledges_status"), type_="check")
    for old, new in mapping.items():
        op.execute(
            sa.text("UPDATE pledges SET status = :new WHERE status = :old").bindparams(old=old, new=new)
        )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_pledges_status"), f"status IN ({allowed})")


def upgrade() -> None:
    _statuses(UP, STATUSES)
    op.create_table(
        "timeline_events",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("precision", sa.String(length=5), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("inferred", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "event IN ('announced', 'launched', 'held', 'established', 'started', 'signed', 'cancelled', 'completed', 'target', 'other', 'as_of', 'published')",
            name=op.f("ck_timeline_events_event"),
        ),
        sa.CheckConstraint(
            "precision IN ('day', 'month', 'year')", name=op.f("ck_timeline_events_precision")
        ),
        sa.CheckConstraint(
            "type IN ('initiative', 'mou', 'pledge', 'figure', 'source')",
            name=op.f("ck_timeline_events_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_events")),
    )
    with op.batch_alter_table("timeline_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_timeline_events_event_id"), ["event", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_timeline_events_on_date_id"), ["on_date", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_timeline_events_type_id"), ["type", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_timeline_events_type_record_id"), ["type", "record_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_timeline_events_year_id"), ["year", "id"], unique=False)

    op.create_table(
        "timeline_countries",
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["timeline_events.id"],
            name=op.f("fk_timeline_countries_event_id_timeline_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "country", name=op.f("pk_timeline_countries")),
    )
    with op.batch_alter_table("timeline_countries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_countries_country_event_id"), ["country", "event_id"], unique=False
        )

    op.create_table(
        "timeline_organizations",
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["timeline_events.id"],
            name=op.f("fk_timeline_organizations_event_id_timeline_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "organization_id", name=op.f("pk_timeline_organizations")),
    )
    with op.batch_alter_table("timeline_organizations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_organizations_organization_id_event_id"),
            ["organization_id", "event_id"],
            unique=False,
        )

    op.create_table(
        "timeline_sources",
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["timeline_events.id"],
            name=op.f("fk_timeline_sources_event_id_timeline_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "source_id", name=op.f("pk_timeline_sources")),
    )
    with op.batch_alter_table("timeline_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_sources_source_id_event_id"), ["source_id", "event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("timeline_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_sources_source_id_event_id"))

    op.drop_table("timeline_sources")
    with op.batch_alter_table("timeline_organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_organizations_organization_id_event_id"))

    op.drop_table("timeline_organizations")
    with op.batch_alter_table("timeline_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_countries_country_event_id"))

    op.drop_table("timeline_countries")
    with op.batch_alter_table("timeline_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_events_year_id"))
        batch_op.drop_index(batch_op.f("ix_timeline_events_type_record_id"))
        batch_op.drop_index(batch_op.f("ix_timeline_events_type_id"))
        batch_op.drop_index(batch_op.f("ix_timeline_events_on_date_id"))
        batch_op.drop_index(batch_op.f("ix_timeline_events_event_id"))

    op.drop_table("timeline_events")
    _statuses(DOWN, STATUSES_4)
