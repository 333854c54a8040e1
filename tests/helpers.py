"""Small helpers shared by the tests."""

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, inspect, select

from app.models import Base
from app.seeding.yaml_reader import read_yaml

FIXTURES = Path(__file__).parent / "fixtures"


def table_contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sorted), or {} when the schema does not exist yet."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            existing = set(inspect(conn).get_table_names())
            contents = {}
            for name, table in Base.metadata.tables.items():
                if name in existing:
                    contents[name] = sorted(
                        (tuple(str(v) for v in row) for row in conn.execute(select(table))), key=repr
                    )
            if "alembic_version" in existing:
                contents["alembic_version"] = [
                    tuple(r) for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")
                ]
            return contents
    finally:
        engine.dispose()


def table_rows(url: str) -> dict[str, list[dict[str, str]]]:
    """Every row (sorted) of every model table the database holds, with the columns the
    database has: those of whatever migration it is at, not the models'. Values as text."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            existing = set(inspect(conn).get_table_names())
            rows = {}
            for name in Base.metadata.tables:
                if name in existing:
                    table = Table(name, MetaData(), autoload_with=conn)
                    found = [
                        {k: str(v) for k, v in row.items()} for row in conn.execute(select(table)).mappings()
                    ]
                    rows[name] = sorted(found, key=lambda r: repr(sorted(r.items())))
            return rows
    finally:
        engine.dispose()


def copy_minimal(tmp: Path) -> tuple[Path, Path]:
    """A writable copy of the small fixture seeds and its articles."""
    seeds = tmp / "seeds"
    articles = tmp / "articles"
    shutil.copytree(FIXTURES / "minimal" / "seeds", seeds)
    shutil.copytree(FIXTURES / "minimal" / "articles", articles)
    return seeds, articles


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def read_seed(path: Path) -> Any:
    """A seed file as plain data, read as the loader reads it (YAML 1.2: `on:` is a key, not True)."""
    return json.loads(json.dumps(read_yaml(path)))
