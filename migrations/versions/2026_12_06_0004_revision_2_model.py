"""Revision 2 of the contract: people, figures, several pledgers, milestones, provenance.

New tables: people, person_aliases, positions, figures, figure_countries, pledge_pledgers,
initiative_milestones, inferences. Citations may belong to an organization, a person or a figure
too, and say which fields they support and who speaks. Initiatives and pledges gain `scope` (and
`region`); initiatives gain `part_of_id`; pledges lose `pledger_id` for pledge_pledgers and gain
`amount_text` and `qualifier`; MoU witnesses become people; sources gain the dateline.

Rows already there are converted so that the API answers on them before the next load: a pledge's
pledger becomes its first pledger, a witness "Name, title" becomes the person "Name", countries
listed become scope `listed` and none `unstated`, every amount `exact`. The downgrade keeps the
first pledger and the witnesses' names; what revision 2 alone holds is lost (ROUND_TRIP_LOSSES in
tests/test_migrations.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The vocabularies as this revision fixes them (app.models.enums may grow later).
KINDS_3 = (
    "'talent_programme', 'infrastructure', 'data_centre', 'research_lab', 'innovation_centre',"
    " 'data_corridor', 'investment_programme', 'policy', 'event', 'service'"
)
KINDS = KINDS_3 + ", 'other'"
ROLES_3 = "'lead', 'partner', 'operator', 'funder', 'supplier', 'beneficiary', 'adopter'"
ROLES = ROLES_3 + ", 'host'"
METRICS_3 = (
    "'people_trained', 'investment', 'gpus_deployed', 'startups_supported', 'institutions_supported',"
    " 'developers_supported', 'data_centres_opened'"
)
METRICS = METRICS_3 + (
    ", 'people_attended', 'cloud_regions', 'availability_zones', 'models_supported',"
    " 'performance_gain', 'energy_saving'"
)
UNITS_3 = "'people', 'USD', 'GPU', 'startup', 'institution', 'developer', 'data_centre'"
UNITS = (
    "'people', 'GPU', 'startup', 'institution', 'developer', 'data_centre', 'region',"
    " 'availability_zone', 'model', 'percent', 'USD', 'EUR', 'CNY', 'JPY', 'KRW', 'MYR', 'SGD',"
    " 'IDR', 'THB', 'VND', 'PHP', 'BND', 'KHR', 'LAK', 'MMK'"
)
QUALIFIERS = "'exact', 'more_than', 'at_least', 'up_to', 'about'"
SCOPES = "'listed', 'partial', 'worldwide', 'region', 'unstated'"
REGIONS = "'asean', 'asia_pacific', 'southeast_asia', 'asia', 'global_south'"
SUBJECTS_3 = ("initiative", "mou", "pledge")
SUBJECTS = ("organization", "person", "initiative", "mou", "pledge", "figure")


def _one_subject(subjects: Sequence[str]) -> str:
    return "(" + " + ".join(f"CASE WHEN {s}_id IS NULL THEN 0 ELSE 1 END" for s in subjects) + " = 1)"


def _scope_checks(batch_op: "op.BatchOperations", table: str) -> None:  # type: ignore[name-defined]
    batch_op.create_check_constraint(op.f(f"ck_{table}_scope"), f"scope IN ({SCOPES})")
    batch_op.create_check_constraint(op.f(f"ck_{table}_region_value"), f"region IN ({REGIONS})")
    batch_op.create_check_constraint(op.f(f"ck_{table}_region"), "(scope = 'region') = (region IS NOT NULL)")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:120] or "person"


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "inferences",
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "resource IN ('organization', 'person', 'initiative', 'mou', 'pledge', 'figure')",
            name=op.f("ck_inferences_resource"),
        ),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_inferences_reason_not_empty")),
        sa.PrimaryKeyConstraint("resource", "record_id", "field", name=op.f("pk_inferences")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_name_id"), ["name", "id"], unique=False)

    op.create_table(
        "initiative_milestones",
        sa.Column("initiative_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(length=5), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "event IN ('announced', 'launched', 'held', 'established', 'started', 'signed', 'cancelled', 'completed', 'target', 'other')",
            name=op.f("ck_initiative_milestones_event"),
        ),
        sa.CheckConstraint(
            "precision IN ('day', 'month', 'year')", name=op.f("ck_initiative_milestones_precision_value")
        ),
        sa.CheckConstraint(
            "(on_date IS NULL) = (precision IS NULL)", name=op.f("ck_initiative_milestones_precision")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_initiative_milestones_position")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_initiative_milestones_initiative_id_initiatives"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "position", name=op.f("pk_initiative_milestones")),
    )
    with op.batch_alter_table("initiative_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_initiative_milestones_event_initiative_id"),
            ["event", "initiative_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_initiative_milestones_on_date_initiative_id"),
            ["on_date", "initiative_id"],
            unique=False,
        )

    op.create_table(
        "person_aliases",
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_aliases_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "alias", name=op.f("pk_person_aliases")),
    )
    op.create_table(
        "positions",
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.String(length=120), nullable=True),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_positions_title_not_empty")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_positions_position")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_positions_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_positions_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_positions_source_id_sources"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("person_id", "position", name=op.f("pk_positions")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_positions_organization_id_person_id"),
            ["organization_id", "person_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_positions_source_id_person_id"), ["source_id", "person_id"], unique=False
        )

    op.create_table(
        "figures",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("organization_id", sa.String(length=120), nullable=True),
        sa.Column("initiative_id", sa.String(length=120), nullable=True),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("amount_text", sa.Text(), nullable=True),
        sa.Column("qualifier", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=24), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("as_of_precision", sa.String(length=5), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("pledge_id", sa.String(length=120), nullable=True),
        sa.CheckConstraint("(scope = 'region') = (region IS NOT NULL)", name=op.f("ck_figures_region")),
        sa.CheckConstraint(
            "as_of_precision IN ('day', 'month', 'year')", name=op.f("ck_figures_as_of_precision_value")
        ),
        sa.CheckConstraint(
            "metric IN ('people_trained', 'investment', 'gpus_deployed', 'startups_supported', 'institutions_supported', 'developers_supported', 'data_centres_opened', 'people_attended', 'cloud_regions', 'availability_zones', 'models_supported', 'performance_gain', 'energy_saving')",
            name=op.f("ck_figures_metric"),
        ),
        sa.CheckConstraint(
            "qualifier IN ('exact', 'more_than', 'at_least', 'up_to', 'about')",
            name=op.f("ck_figures_qualifier"),
        ),
        sa.CheckConstraint(
            "region IN ('asean', 'asia_pacific', 'southeast_asia', 'asia', 'global_south')",
            name=op.f("ck_figures_region_value"),
        ),
        sa.CheckConstraint(
            "scope IN ('listed', 'partial', 'worldwide', 'region', 'unstated')", name=op.f("ck_figures_scope")
        ),
        sa.CheckConstraint(
            "unit IN ('people', 'GPU', 'startup', 'institution', 'developer', 'data_centre', 'region', 'availability_zone', 'model', 'percent', 'USD', 'EUR', 'CNY', 'JPY', 'KRW', 'MYR', 'SGD', 'IDR', 'THB', 'VND', 'PHP', 'BND', 'KHR', 'LAK', 'MMK')",
            name=op.f("ck_figures_unit"),
        ),
        sa.CheckConstraint(
            "(as_of IS NULL) = (as_of_precision IS NULL)", name=op.f("ck_figures_as_of_precision")
        ),
        sa.CheckConstraint(
            "(organization_id IS NULL) <> (initiative_id IS NULL)", name=op.f("ck_figures_one_subject")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_figures_amount_positive")),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiatives.id"],
            name=op.f("fk_figures_initiative_id_initiatives"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_figures_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_figures_pledge_id_pledges"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_amount_id"), ["amount", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_as_of_id"), ["as_of", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_figures_initiative_id_id"), ["initiative_id", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_figures_metric_id"), ["metric", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_figures_organization_id_id"), ["organization_id", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_figures_pledge_id_id"), ["pledge_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_qualifier_id"), ["qualifier", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_scope_id"), ["scope", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_unit_id"), ["unit", "id"], unique=False)

    op.create_table(
        "pledge_pledgers",
        sa.Column("pledge_id", sa.String(length=120), nullable=False),
        sa.Column("organization_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_pledge_pledgers_position")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_pledge_pledgers_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_pledgers_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", "organization_id", name=op.f("pk_pledge_pledgers")),
    )
    with op.batch_alter_table("pledge_pledgers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_pledgers_organization_id_pledge_id"),
            ["organization_id", "pledge_id"],
            unique=False,
        )

    op.create_table(
        "figure_countries",
        sa.Column("figure_id", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["figure_id"],
            ["figures.id"],
            name=op.f("fk_figure_countries_figure_id_figures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("figure_id", "country", name=op.f("pk_figure_countries")),
    )
    with op.batch_alter_table("figure_countries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_figure_countries_country_figure_id"), ["country", "figure_id"], unique=False
        )

    with op.batch_alter_table("sources") as batch_op:
        batch_op.add_column(sa.Column("dateline_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("dateline_place", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("dateline_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("dateline_precision", sa.String(length=5), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_sources_dateline_precision"), "(dateline_on IS NULL) = (dateline_precision IS NULL)"
        )
        batch_op.create_check_constraint(
            op.f("ck_sources_dateline_precision_value"), "dateline_precision IN ('day', 'month', 'year')"
        )
        batch_op.create_check_constraint(
            op.f("ck_sources_dateline"), "dateline_text IS NOT NULL OR dateline_on IS NULL"
        )

    with op.batch_alter_table("initiatives") as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("part_of_id", sa.String(length=120), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE initiatives SET scope = CASE WHEN EXISTS (SELECT 1 FROM initiative_countries c"
            " WHERE c.initiative_id = initiatives.id) THEN 'listed' ELSE 'unstated' END"
        )
    )
    with op.batch_alter_table("initiatives") as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_constraint(op.f("ck_initiatives_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_initiatives_kind"), f"kind IN ({KINDS})")
        _scope_checks(batch_op, "initiatives")
        batch_op.create_check_constraint(
            op.f("ck_initiatives_not_own_part"), "part_of_id IS NULL OR part_of_id <> id"
        )
        batch_op.create_index(batch_op.f("ix_initiatives_part_of_id_id"), ["part_of_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiatives_scope_id"), ["scope", "id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_initiatives_part_of_id_initiatives"),
            "initiatives",
            ["part_of_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("initiative_participants") as batch_op:
        batch_op.drop_constraint(op.f("ck_initiative_participants_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_initiative_participants_role"), f"role IN ({ROLES})")

    conn.execute(
        sa.text(
            "INSERT INTO pledge_pledgers (pledge_id, organization_id, position) SELECT id, pledger_id, 0 FROM pledges"
        )
    )
    with op.batch_alter_table("pledges") as batch_op:
        batch_op.add_column(sa.Column("amount_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("qualifier", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=32), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE pledges SET qualifier = 'exact', scope = CASE WHEN EXISTS (SELECT 1 FROM pledge_countries c"
            " WHERE c.pledge_id = pledges.id) THEN 'listed' ELSE 'unstated' END"
        )
    )
    with op.batch_alter_table("pledges") as batch_op:
        batch_op.alter_column("qualifier", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("scope", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_index(batch_op.f("ix_pledges_pledger_id_id"))
        batch_op.drop_constraint(batch_op.f("fk_pledges_pledger_id_organizations"), type_="foreignkey")
        batch_op.drop_column("pledger_id")
        batch_op.drop_constraint(op.f("ck_pledges_metric"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pledges_metric"), f"metric IN ({METRICS})")
        batch_op.drop_constraint(op.f("ck_pledges_unit"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pledges_unit"), f"unit IN ({UNITS})")
        batch_op.create_check_constraint(op.f("ck_pledges_qualifier"), f"qualifier IN ({QUALIFIERS})")
        _scope_checks(batch_op, "pledges")
        batch_op.create_index(batch_op.f("ix_pledges_qualifier_id"), ["qualifier", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_scope_id"), ["scope", "id"], unique=False)

    # Witnesses "Name, title" become people named "Name".
    witnesses = conn.execute(sa.text("SELECT mou_id, position, name FROM mou_witnesses")).mappings().all()
    people: dict[str, str] = {}
    for w in witnesses:
        name = w["name"].split(",")[0].strip() or w["name"]
        people.setdefault(_slug(name), name)
    if people:
        conn.execute(
            sa.text("INSERT INTO people (id, name) VALUES (:id, :name)"),
            [{"id": k, "name": v} for k, v in people.items()],
        )
    op.drop_table("mou_witnesses")
    op.create_table(
        "mou_witnesses",
        sa.Column("mou_id", sa.String(length=120), nullable=False),
        sa.Column("person_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_mou_witnesses_position")),
        sa.ForeignKeyConstraint(
            ["mou_id"], ["mous.id"], name=op.f("fk_mou_witnesses_mou_id_mous"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_mou_witnesses_person_id_people"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("mou_id", "person_id", name=op.f("pk_mou_witnesses")),
    )
    op.create_index(op.f("ix_mou_witnesses_person_id_mou_id"), "mou_witnesses", ["person_id", "mou_id"])
    rows: dict[tuple[str, str], int] = {}
    for w in witnesses:
        name = w["name"].split(",")[0].strip() or w["name"]
        rows.setdefault((w["mou_id"], _slug(name)), w["position"])
    if rows:
        conn.execute(
            sa.text("INSERT INTO mou_witnesses (mou_id, person_id, position) VALUES (:m, :p, :n)"),
            [{"m": m, "p": p, "n": n} for (m, p), n in rows.items()],
        )

    with op.batch_alter_table("citations") as batch_op:
        batch_op.add_column(sa.Column("supports", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("speaker_id", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("attribution", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("organization_id", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("person_id", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("figure_id", sa.String(length=120), nullable=True))
    with op.batch_alter_table("citations") as batch_op:
        batch_op.alter_column("supports", existing_type=sa.Text(), server_default=None)
        batch_op.drop_constraint(op.f("ck_citations_one_subject"), type_="check")
        batch_op.create_check_constraint(op.f("ck_citations_one_subject"), _one_subject(SUBJECTS))
        batch_op.create_index(batch_op.f("ix_citations_figure_id"), ["figure_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_citations_speaker_id"), ["speaker_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_citations_figure_id_figures"), "figures", ["figure_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citations_person_id_people"), "people", ["person_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citations_speaker_id_people"),
            "people",
            ["speaker_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_citations_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM figures"))
    # Citations of the new subjects have nowhere to go.
    conn.execute(
        sa.text(
            "DELETE FROM citations WHERE "
            + " OR ".join(f"{s}_id IS NOT NULL" for s in SUBJECTS[:2] + SUBJECTS[5:])
        )
    )
    with op.batch_alter_table("citations") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_citations_organization_id_organizations"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_citations_speaker_id_people"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_citations_person_id_people"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_citations_figure_id_figures"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_citations_speaker_id"))
        batch_op.drop_index(batch_op.f("ix_citations_person_id"))
        batch_op.drop_index(batch_op.f("ix_citations_organization_id"))
        batch_op.drop_index(batch_op.f("ix_citations_figure_id"))
        batch_op.drop_constraint(op.f("ck_citations_one_subject"), type_="check")
        batch_op.drop_column("figure_id")
        batch_op.drop_column("person_id")
        batch_op.drop_column("organization_id")
        batch_op.drop_column("attribution")
        batch_op.drop_column("speaker_id")
        batch_op.drop_column("supports")
        batch_op.create_check_constraint(op.f("ck_citations_one_subject"), _one_subject(SUBJECTS_3))

    witnesses = (
        conn.execute(
            sa.text(
                "SELECT w.mou_id, w.position, p.name FROM mou_witnesses w JOIN people p ON p.id = w.person_id"
                " ORDER BY w.mou_id, w.position"
            )
        )
        .mappings()
        .all()
    )
    op.drop_table("mou_witnesses")
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
    if witnesses:
        conn.execute(
            sa.text("INSERT INTO mou_witnesses (mou_id, position, name) VALUES (:mou_id, :position, :name)"),
            [dict(w) for w in witnesses],
        )

    conn.execute(sa.text(f"DELETE FROM pledges WHERE unit NOT IN ({UNITS_3}) OR metric NOT IN ({METRICS_3})"))
    with op.batch_alter_table("pledges") as batch_op:
        batch_op.add_column(sa.Column("pledger_id", sa.String(length=120), nullable=True))
    conn.execute(
        sa.text(
            "UPDATE pledges SET pledger_id = (SELECT p.organization_id FROM pledge_pledgers p"
            " WHERE p.pledge_id = pledges.id ORDER BY p.position LIMIT 1)"
        )
    )
    with op.batch_alter_table("pledges") as batch_op:
        batch_op.alter_column("pledger_id", existing_type=sa.String(length=120), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pledges_pledger_id_organizations"),
            "organizations",
            ["pledger_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.drop_index(batch_op.f("ix_pledges_scope_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_qualifier_id"))
        batch_op.create_index(batch_op.f("ix_pledges_pledger_id_id"), ["pledger_id", "id"], unique=False)
        for name in ("qualifier", "scope", "region_value", "region", "metric", "unit"):
            batch_op.drop_constraint(op.f(f"ck_pledges_{name}"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pledges_metric"), f"metric IN ({METRICS_3})")
        batch_op.create_check_constraint(op.f("ck_pledges_unit"), f"unit IN ({UNITS_3})")
        batch_op.drop_column("region")
        batch_op.drop_column("scope")
        batch_op.drop_column("qualifier")
        batch_op.drop_column("amount_text")

    conn.execute(sa.text("DELETE FROM initiative_participants WHERE role = 'host'"))
    with op.batch_alter_table("initiative_participants") as batch_op:
        batch_op.drop_constraint(op.f("ck_initiative_participants_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_initiative_participants_role"), f"role IN ({ROLES_3})")

    conn.execute(sa.text("UPDATE initiatives SET kind = 'service' WHERE kind = 'other'"))
    with op.batch_alter_table("initiatives") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_initiatives_part_of_id_initiatives"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_initiatives_scope_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_part_of_id_id"))
        for name in ("kind", "scope", "region_value", "region", "not_own_part"):
            batch_op.drop_constraint(op.f(f"ck_initiatives_{name}"), type_="check")
        batch_op.create_check_constraint(op.f("ck_initiatives_kind"), f"kind IN ({KINDS_3})")
        batch_op.drop_column("part_of_id")
        batch_op.drop_column("region")
        batch_op.drop_column("scope")

    with op.batch_alter_table("sources") as batch_op:
        for name in ("dateline_precision", "dateline_precision_value", "dateline"):
            batch_op.drop_constraint(op.f(f"ck_sources_{name}"), type_="check")
        batch_op.drop_column("dateline_precision")
        batch_op.drop_column("dateline_on")
        batch_op.drop_column("dateline_place")
        batch_op.drop_column("dateline_text")

    with op.batch_alter_table("figure_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_countries_country_figure_id"))

    op.drop_table("figure_countries")
    with op.batch_alter_table("pledge_pledgers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_pledgers_organization_id_pledge_id"))

    op.drop_table("pledge_pledgers")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_unit_id"))
        batch_op.drop_index(batch_op.f("ix_figures_scope_id"))
        batch_op.drop_index(batch_op.f("ix_figures_qualifier_id"))
        batch_op.drop_index(batch_op.f("ix_figures_pledge_id_id"))
        batch_op.drop_index(batch_op.f("ix_figures_organization_id_id"))
        batch_op.drop_index(batch_op.f("ix_figures_metric_id"))
        batch_op.drop_index(batch_op.f("ix_figures_initiative_id_id"))
        batch_op.drop_index(batch_op.f("ix_figures_as_of_id"))
        batch_op.drop_index(batch_op.f("ix_figures_amount_id"))

    op.drop_table("figures")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_positions_source_id_person_id"))
        batch_op.drop_index(batch_op.f("ix_positions_organization_id_person_id"))

    op.drop_table("positions")
    op.drop_table("person_aliases")
    with op.batch_alter_table("initiative_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiative_milestones_on_date_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_initiative_milestones_event_initiative_id"))

    op.drop_table("initiative_milestones")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_name_id"))

    op.drop_table("people")
    op.drop_table("inferences")
