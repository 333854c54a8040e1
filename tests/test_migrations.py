"""Migrations build the schema from nothing, take it back to nothing, and agree with the models."""

from alembic import command
from sqlalchemy import create_engine, inspect

from app.models import Base
from app.seeding.load import alembic_config
from tests.pg import Database


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_round_trip_and_no_drift(empty_db: Database) -> None:
    config = alembic_config(url=empty_db.writer_url)
    command.upgrade(config, "head")
    assert set(Base.metadata.tables) <= _tables(empty_db.writer_url)
    command.check(config)  # raises when the models and the migrations disagree

    command.downgrade(config, "base")
    assert _tables(empty_db.writer_url) <= {"alembic_version"}

    command.upgrade(config, "head")
    command.check(config)
    if empty_db.backend == "sqlite":
        assert "search_fts" in _tables(empty_db.writer_url)
    else:
        engine = create_engine(empty_db.writer_url)
        columns = {c["name"] for c in inspect(engine).get_columns("search_documents")}
        indexes = {i["name"] for i in inspect(engine).get_indexes("search_documents")}
        engine.dispose()
        assert "tsv" in columns
        assert "ix_search_documents_tsv" in indexes
