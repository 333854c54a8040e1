"""The loader: validate everything, then migrate and write in one transaction."""

import hashlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from app.db import make_engine, schema_transaction
from app.seeding.diff import Change
from app.seeding.rows import TABLE_ORDER, build_rows
from app.seeding.seedset import SeedSet
from app.seeding.validate import load_seed_dir
from app.seeding.writer import Applied, Counts, apply_rows

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


def digest(seeds: Path) -> str:
    """sha256 of the seed files: each YAML file's path (relative, /-separated) and bytes."""
    h = hashlib.sha256()
    for path in sorted(seeds.rglob("*.yaml")):
        rel = path.relative_to(seeds).as_posix().encode()
        body = path.read_bytes()
        h.update(b"%d:%s%d:" % (len(rel), rel, len(body)) + body)
    return h.hexdigest()


def load(database_url: str, seeds: Path, *, articles: Path | None = None) -> dict[str, Counts]:
    """Validate the seeds (raising SeedValidationError), then make the database match them."""
    return _apply(database_url, seeds, articles=articles, commit=True).counts


def preview(database_url: str, seeds: Path, *, articles: Path | None = None) -> list[Change]:
    """What `load` would change, record by record, without writing: the load runs in a
    transaction that is rolled back, so the changes shown are the ones history would record."""
    return [
        Change(
            c["resource"],
            c["record_id"],
            c["op"],
            {f: (_get(c["before"], f), _get(c["after"], f)) for f in c["fields"]},
        )
        for c in _apply(database_url, seeds, articles=articles, commit=False).changes
    ]


def _get(record: dict[str, Any] | None, field: str) -> Any:
    return None if record is None else record.get(field)


def _apply(database_url: str, seeds: Path, *, articles: Path | None, commit: bool) -> Applied:
    seed_set: SeedSet = load_seed_dir(seeds, articles=articles)
    rows = build_rows(seed_set)
    engine = make_engine(database_url, writer=True)
    try:
        with schema_transaction(engine) as conn:
            migrate(conn)
            applied = apply_rows(conn, rows, digest=digest(seeds))
            if not commit:
                raise _RolledBack(applied)
        return applied
    except _RolledBack as undone:
        return undone.applied
    finally:
        engine.dispose()


class _RolledBack(Exception):
    """Leaves a transaction that must write nothing, with what it would have written."""

    def __init__(self, applied: Applied) -> None:
        self.applied = applied


def summary(counts: dict[str, Counts]) -> str:
    """A per-table table of rows inserted, updated and deleted."""
    width = max(len(name) for name in TABLE_ORDER)
    lines = [f"{'table':<{width}}  inserted  updated  deleted"]
    for name in TABLE_ORDER:
        c = counts[name]
        lines.append(f"{name:<{width}}  {c.inserted:>8}  {c.updated:>7}  {c.deleted:>7}")
    return "\n".join(lines)
