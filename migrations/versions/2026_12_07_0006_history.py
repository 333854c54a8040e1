"""History (CONTRACT.md section 6): versions, changes and renames.

The tables start empty: the first load after this migration records the records it finds as
`added` at the version the database already had (its `loaded_at`, no digest), then what the
load itself changes (app.history.record). The downgrade drops them, and history with them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESOURCES = "'initiative', 'organization', 'person', 'mou', 'pledge', 'figure', 'source'"


def upgrade() -> None:
    op.create_table(
        "versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_versions")),
    )
    op.create_table(
        "changes",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.CheckConstraint("op IN ('added', 'modified', 'deleted')", name=op.f("ck_changes_op")),
        sa.CheckConstraint(f"resource IN ({RESOURCES})", name=op.f("ck_changes_resource")),
        sa.ForeignKeyConstraint(["version"], ["versions.version"], name=op.f("fk_changes_version_versions")),
        sa.PrimaryKeyConstraint("version", "resource", "record_id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_record_id_version"), "changes", ["record_id", "version"])
    op.create_index(
        op.f("ix_changes_resource_version_record_id"), "changes", ["resource", "version", "record_id"]
    )
    op.create_table(
        "renames",
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("old_id", sa.String(length=120), nullable=False),
        sa.Column("new_id", sa.String(length=120), nullable=False),
        sa.CheckConstraint(f"resource IN ({RESOURCES})", name=op.f("ck_renames_resource")),
        sa.PrimaryKeyConstraint("resource", "old_id", name=op.f("pk_renames")),
    )


def downgrade() -> None:
    op.drop_table("renames")
    op.drop_index(op.f("ix_changes_resource_version_record_id"), table_name="changes")
    op.drop_index(op.f("ix_changes_record_id_version"), table_name="changes")
    op.drop_table("changes")
    op.drop_table("versions")
