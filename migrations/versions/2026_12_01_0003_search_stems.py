"""Search by stem: `GPUs` finds `GPU`. Stems of each document's words, indexed by both engines.

search_documents gains name_stems and body_stems (app.search_text.stems), filled here for the
rows there are; SQLite's FTS5 table indexes them beside name and body, and PostgreSQL's tsv is
rebuilt as app.search_text.tsvector lays it out. The loader keeps them up to date from then on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.search_text import stems
from app.seeding.writer import refresh_search_index

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS5 = (
    "CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_documents',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    conn = op.get_bind()
    for name in ("name_stems", "body_stems"):
        op.add_column("search_documents", sa.Column(name, sa.Text(), nullable=False, server_default=""))
    docs = [
        dict(row)
        for row in conn.execute(sa.text("SELECT id, resource, record_id, name, body FROM search_documents"))
        .mappings()
        .all()
    ]
    if docs:
        conn.execute(
            sa.text("UPDATE search_documents SET name_stems = :n, body_stems = :b WHERE id = :id"),
            [{"id": d["id"], "n": stems(d["name"]), "b": stems(d["body"])} for d in docs],
        )
    if conn.dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
        op.execute(FTS5.format(columns="name, body, name_stems, body_stems"))
    refresh_search_index(conn, docs)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    # PostgreSQL's tsv keeps the stems beside the words: the older queries still find words.
    with op.batch_alter_table("search_documents") as batch_op:
        batch_op.drop_column("body_stems")
        batch_op.drop_column("name_stems")
    if conn.dialect.name == "sqlite":
        op.execute(FTS5.format(columns="name, body"))
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
