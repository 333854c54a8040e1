"""Alembic environment: migrates the loader's database (LOADER_DATABASE_URL or DATABASE_URL)."""

from logging.config import fileConfig
from typing import Any

from alembic import context

from app.config import get_settings
from app.db import make_engine, schema_transaction
from app.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# Full-text machinery that only one engine has, created by hand in the migrations.
ENGINE_SPECIFIC_TABLES = {"search_fts"}
ENGINE_SPECIFIC_COLUMNS = {("search_documents", "tsv")}
ENGINE_SPECIFIC_INDEXES = {"ix_search_documents_tsv"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table":
        return not (name or "").startswith(tuple(ENGINE_SPECIFIC_TABLES))
    if type_ == "column":
        return (obj.table.name, name) not in ENGINE_SPECIFIC_COLUMNS
    if type_ == "index":
        return name not in ENGINE_SPECIFIC_INDEXES
    return True


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.attributes.get("url") or get_settings().writer_url
    engine = make_engine(url, writer=True)
    with schema_transaction(engine) as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
