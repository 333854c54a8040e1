"""Initial schema: sources, organizations, initiatives, MoUs, pledges, citations, search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_dataset_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset")),
    )
    op.create_table(
        "initiatives",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("announced_precision", sa.String(length=5), nullable=True),
        sa.CheckConstraint(
            "announced_precision IN ('day', 'month', 'year')",
            name=op.f("ck_initiatives_announced_precision_value"),
        ),
        sa.CheckConstraint(
            "kind IN ('talent_programme', 'infrastructure', 'data_centre', 'research_lab', 'innovation_centre', 'data_corridor', 'investment_programme', 'policy', 'event', 'service')",
            name=op.f("ck_initiatives_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('announced', 'active', 'completed', 'cancelled', 'unknown')",
            name=op.f("ck_initiatives_status"),
        ),
        sa.CheckConstraint(
            "(announced_on IS NULL) = (announced_precision IS NULL)",
            name=op.f("ck_initiatives_announced_precision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiatives")),
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiatives_announced_on_id"), ["announced_on", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_initiatives_kind_id"), ["kind", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiatives_name_id"), ["name", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiatives_status_id"), ["status", "id"], unique=False)

    op.create_table(
        "organizations",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("parent_id", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "kind IN ('company', 'government', 'university', 'research_institute', 'association', 'ngo', 'other')",
            name=op.f("ck_organizations_kind"),
        ),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> id", name=op.f("ck_organizations_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organizations.id"],
            name=op.f("fk_organizations_parent_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organizations_country_id"), ["country", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_kind_id"), ["kind", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_name_id"), ["name", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_parent_id_id"), ["parent_id", "id"], unique=False)

    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("resource", "record_id", name=op.f("uq_search_documents_resource_record_id")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_precision", sa.String(length=5), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("document", sa.String(length=255), nullable=False),
        sa.CheckConstraint(
            "published_precision IN ('day', 'month', 'year')",
            name=op.f("ck_sources_published_precision_value"),
        ),
        sa.CheckConstraint(
            "(published_on IS NULL) = (published_precision IS NULL)",
            name=op.f("ck_sources_published_precision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("document", name=op.f("uq_sources_document")),
    )
    op.create_table(
        "initiative_countries",
        sa.Column("initiative_id", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_countries_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "country", name=op.f("pk_initiative_countries")),
    )
    with op.batch_alter_table("initiative_countries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_countries_country_initiative_id"),
            ["country", "initiative_id"],
            unique=False,
        )

    op.create_table(
        "initiative_participants",
        sa.Column("initiative_id", sa.String(length=120), nullable=False),
        sa.Column("organization_id", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'partner', 'operator', 'funder', 'supplier', 'beneficiary', 'adopter')",
            name=op.f("ck_initiative_participants_role"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_participants_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_initiative_participants_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "initiative_id", "organization_id", "role", name=op.f("pk_initiative_participants")
        ),
    )
    with op.batch_alter_table("initiative_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_participants_organization_id_initiative_id"),
            ["organization_id", "initiative_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_initiative_participants_role_initiative_id"),
            ["role", "initiative_id"],
            unique=False,
        )

    op.create_table(
        "initiative_sectors",
        sa.Column("initiative_id", sa.String(length=120), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_sectors_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "sector", name=op.f("pk_initiative_sectors")),
    )
    with op.batch_alter_table("initiative_sectors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_sectors_sector_initiative_id"),
            ["sector", "initiative_id"],
            unique=False,
        )

    op.create_table(
        "mous",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_precision", sa.String(length=5), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("initiative_id", sa.String(length=120), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "signed_precision IN ('day', 'month', 'year')",
            name=op.f("ck_mous_signed_precision_value"),
        ),
        sa.CheckConstraint(
            "(signed_on IS NULL) = (signed_precision IS NULL)",
            name=op.f("ck_mous_signed_precision"),
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_mous_initiative_id_initiatives"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mous")),
    )
    with op.batch_alter_table("mous", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mous_initiative_id_id"), ["initiative_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mous_signed_on_id"), ["signed_on", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mous_title_id"), ["title", "id"], unique=False)

    op.create_table(
        "organization_aliases",
        sa.Column("organization_id", sa.String(length=120), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_aliases_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", "alias", name=op.f("pk_organization_aliases")),
    )
    op.create_table(
        "pledges",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("pledger_id", sa.String(length=120), nullable=False),
        sa.Column("initiative_id", sa.String(length=120), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("audience", sa.Text(), nullable=True),
        sa.Column("announced_on", sa.Date(), nullable=True),
        sa.Column("announced_precision", sa.String(length=5), nullable=True),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("target_precision", sa.String(length=5), nullable=True),
        sa.Column("target_text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "announced_precision IN ('day', 'month', 'year')",
            name=op.f("ck_pledges_announced_precision_value"),
        ),
        sa.CheckConstraint(
            "metric IN ('people_trained', 'investment', 'gpus_deployed', 'startups_supported', 'institutions_supported', 'developers_supported', 'data_centres_opened')",
            name=op.f("ck_pledges_metric"),
        ),
        sa.CheckConstraint(
            "status IN ('announced', 'active', 'completed', 'cancelled', 'unknown')",
            name=op.f("ck_pledges_status"),
        ),
        sa.CheckConstraint(
            "target_precision IN ('day', 'month', 'year')",
            name=op.f("ck_pledges_target_precision_value"),
        ),
        sa.CheckConstraint(
            "unit IN ('people', 'USD', 'GPU', 'startup', 'institution', 'developer', 'data_centre')",
            name=op.f("ck_pledges_unit"),
        ),
        sa.CheckConstraint(
            "(announced_on IS NULL) = (announced_precision IS NULL)",
            name=op.f("ck_pledges_announced_precision"),
        ),
        sa.CheckConstraint(
            "(target_on IS NULL) = (target_precision IS NULL)",
            name=op.f("ck_pledges_target_precision"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_pledges_amount_positive")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_pledges_initiative_id_initiatives"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pledger_id"],
            ["organizations.id"],
            name=op.f("fk_pledges_pledger_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_amount_id"), ["amount", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_announced_on_id"), ["announced_on", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pledges_initiative_id_id"), ["initiative_id", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pledges_metric_id"), ["metric", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_pledger_id_id"), ["pledger_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_status_id"), ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_target_on_id"), ["target_on", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_unit_id"), ["unit", "id"], unique=False)

    op.create_table(
        "citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("initiative_id", sa.String(length=120), nullable=True),
        sa.Column("mou_id", sa.String(length=120), nullable=True),
        sa.Column("pledge_id", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "(CASE WHEN initiative_id IS NULL THEN 0 ELSE 1 END + CASE WHEN mou_id IS NULL THEN 0 ELSE 1 END + CASE WHEN pledge_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_citations_one_subject"),
        ),
        sa.CheckConstraint("length(quote) > 0", name=op.f("ck_citations_quote_not_empty")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_citations_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mou_id"], ["mous.id"], name=op.f("fk_citations_mou_id_mous"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_citations_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_citations_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citations")),
    )
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citations_initiative_id"), ["initiative_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_mou_id"), ["mou_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_pledge_id"), ["pledge_id"], unique=False)

    op.create_table(
        "mou_parties",
        sa.Column("mou_id", sa.String(length=120), nullable=False),
        sa.Column("organization_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["mou_id"], ["mous.id"], name=op.f("fk_mou_parties_mou_id_mous"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_mou_parties_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("mou_id", "organization_id", name=op.f("pk_mou_parties")),
    )
    with op.batch_alter_table("mou_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mou_parties_organization_id_mou_id"),
            ["organization_id", "mou_id"],
            unique=False,
        )

    op.create_table(
        "mou_witnesses",
        sa.Column("mou_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_mou_witnesses_position")),
        sa.ForeignKeyConstraint(
            ["mou_id"], ["mous.id"], name=op.f("fk_mou_witnesses_mou_id_mous"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("mou_id", "position", name=op.f("pk_mou_witnesses")),
    )
    op.create_table(
        "pledge_countries",
        sa.Column("pledge_id", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_countries_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", "country", name=op.f("pk_pledge_countries")),
    )
    with op.batch_alter_table("pledge_countries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_countries_country_pledge_id"),
            ["country", "pledge_id"],
            unique=False,
        )

    _create_full_text_index()


def downgrade() -> None:
    _drop_full_text_index()
    with op.batch_alter_table("pledge_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_countries_country_pledge_id"))

    op.drop_table("pledge_countries")
    op.drop_table("mou_witnesses")
    with op.batch_alter_table("mou_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mou_parties_organization_id_mou_id"))

    op.drop_table("mou_parties")
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citations_pledge_id"))
        batch_op.drop_index(batch_op.f("ix_citations_mou_id"))
        batch_op.drop_index(batch_op.f("ix_citations_initiative_id"))

    op.drop_table("citations")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_unit_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_target_on_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_status_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_pledger_id_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_metric_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_initiative_id_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_announced_on_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_amount_id"))

    op.drop_table("pledges")
    op.drop_table("organization_aliases")
    with op.batch_alter_table("mous", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mous_title_id"))
        batch_op.drop_index(batch_op.f("ix_mous_signed_on_id"))
        batch_op.drop_index(batch_op.f("ix_mous_initiative_id_id"))

    op.drop_table("mous")
    with op.batch_alter_table("initiative_sectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_sectors_sector_initiative_id"))

    op.drop_table("initiative_sectors")
    with op.batch_alter_table("initiative_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_participants_role_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_initiative_participants_organization_id_initiative_id"))

    op.drop_table("initiative_participants")
    with op.batch_alter_table("initiative_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_countries_country_initiative_id"))

    op.drop_table("initiative_countries")
    op.drop_table("sources")
    op.drop_table("search_documents")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_parent_id_id"))
        batch_op.drop_index(batch_op.f("ix_organizations_name_id"))
        batch_op.drop_index(batch_op.f("ix_organizations_kind_id"))
        batch_op.drop_index(batch_op.f("ix_organizations_country_id"))

    op.drop_table("organizations")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiatives_status_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_name_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_kind_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_announced_on_id"))

    op.drop_table("initiatives")
    op.drop_table("dataset")


def _create_full_text_index() -> None:
    """The engine's own full-text index over search_documents (name, body)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "name, body, content='search_documents', content_rowid='id',"
            " tokenize='unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.add_column("search_documents", sa.Column("tsv", postgresql.TSVECTOR(), nullable=True))
        op.create_index("ix_search_documents_tsv", "search_documents", ["tsv"], postgresql_using="gin")


def _drop_full_text_index() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE search_fts")
    elif dialect == "postgresql":
        op.drop_index("ix_search_documents_tsv", table_name="search_documents")
        op.drop_column("search_documents", "tsv")
