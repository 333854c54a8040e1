"""The loader: validate everything, then migrate and write in one transaction."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from app.db import make_engine, schema_transaction
from app.seeding.diff import Change, diff
from app.seeding.rows import TABLE_ORDER, build_rows
from app.seeding.seedset import SeedSet
from app.seeding.validate import load_seed_dir
from app.seeding.writer import Counts, apply_rows, read_rows

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(*, connection: Connection | None = None, url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    if url is not None:
        config.attributes["url"] = url
    return config


def migrate(connection: Connection) -> None:
    """Upgrade to head inside the caller's transaction."""
    command.upgrade(alembic_config(connection=connection), "head")


def load(database_url: str, seeds: Path, *, articles: Path | None = None) -> dict[str, Counts]:
    """Validate the seeds (raising SeedValidationError), then make the database match them."""
    seed_set: SeedSet = load_seed_dir(seeds, articles=articles)
    rows = build_rows(seed_set)
    engine = make_engine(database_url, writer=True)
    try:
        with schema_transaction(engine) as conn:
            migrate(conn)
            return apply_rows(conn, rows)
    finally:
        engine.dispose()


def preview(database_url: str, seeds: Path, *, articles: Path | None = None) -> list[Change]:
    """What `load` would change, record by record, without writing (the database is migrated
    in a transaction that is rolled back, so an older schema is compared as it would become)."""
    seed_set = load_seed_dir(seeds, articles=articles)
    rows = build_rows(seed_set)
    engine = make_engine(database_url, writer=True)
    try:
        with schema_transaction(engine) as conn:
            migrate(conn)
            current = read_rows(conn)
            raise _RolledBack
    except _RolledBack:
        return diff(current, rows)
    finally:
        engine.dispose()


class _RolledBack(Exception):
    """Leaves a transaction that must write nothing."""


def summary(counts: dict[str, Counts]) -> str:
    """A per-table table of rows inserted, updated and deleted."""
    width = max(len(name) for name in TABLE_ORDER)
    lines = [f"{'table':<{width}}  inserted  updated  deleted"]
    for name in TABLE_ORDER:
        c = counts[name]
        lines.append(f"{name:<{width}}  {c.inserted:>8}  {c.updated:>7}  {c.deleted:>7}")
    return "\n".join(lines)
