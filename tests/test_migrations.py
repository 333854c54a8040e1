"""Migrations build the schema from nothing, take it back to nothing, and agree with the models;
every step keeps the data of a database that holds some.

test_each_step_keeps_the_data is parametrized over every revision that has a predecessor with
tables (ids "<down>-<revision>"), so that each new migration is run on a database with rows as
soon as it is added: load the seeds at head, downgrade to the step's down revision (rows of the
columns that remain must be the same), upgrade again (every row back, no drift from the models,
and the API answers as before). A migration whose downgrade cannot keep some column's values
(one it adds and the loader fills) names them in ROUND_TRIP_LOSSES with the reason.
"""

from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from app.config import Settings
from app.main import create_app
from app.models import Base
from app.seeding.load import alembic_config, load
from tests.conftest import SEEDS
from tests.helpers import table_contents, table_rows
from tests.pg import Database

SCRIPTS = ScriptDirectory.from_config(alembic_config())
# (down revision, revision) of every step down from head whose down revision still has tables.
STEPS = [
    (str(script.down_revision), script.revision)
    for script in SCRIPTS.walk_revisions()
    if isinstance(script.down_revision, str)
]
# revision -> {table: columns whose values a downgrade to its down revision loses}.
ROUND_TRIP_LOSSES: dict[str, dict[str, set[str]]] = {}
ANSWERS = [
    "/v1",
    "/v1/initiatives?limit=500&facets=country,sector,kind,status,role,organization",
    "/v1/initiatives/skyvast-aiaas-gpuaas",
    "/v1/organizations?limit=500&facets=country,kind",
    "/v1/mous?limit=500&facets=country,party,year",
    "/v1/pledges?limit=500&facets=metric,unit,status,organization,country,year",
    "/v1/pledges/summary?group_by=metric",
    "/v1/sources?limit=500",
    "/v1/search?q=huawei",
    "/v1/search?q=data*&type=initiative",
    "/v1/initiatives?q=malaysia*&format=csv",
]


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


def _answers(db: Database) -> dict[str, Any]:
    """What the API answers to ANSWERS over `db` (its connections closed afterwards)."""
    answers: dict[str, Any] = {}
    with TestClient(create_app(Settings(database_url=db.reader_url, count_bitmaps=False))) as client:
        for path in ANSWERS:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text)
            answers[path] = response.text
    return answers


Rows = dict[str, list[dict[str, str]]]


def _keyed(rows: Rows, columns: dict[str, set[str]]) -> dict[str, list[str]]:
    """The rows of the tables in `columns`, each restricted to its columns there (sorted)."""
    return {
        table: sorted(
            repr(sorted((k, v) for k, v in row.items() if k in wanted)) for row in rows.get(table, [])
        )
        for table, wanted in columns.items()
    }


def _columns(rows: Rows, *, losing: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Every table's columns (from its rows), less those in `losing`."""
    losing = losing or {}
    return {table: set(found[0] if found else ()) - losing.get(table, set()) for table, found in rows.items()}


def test_there_is_a_step_to_check() -> None:
    assert STEPS, "no migration has a predecessor: test_each_step_keeps_the_data checks nothing"
    assert set(ROUND_TRIP_LOSSES) <= {revision for _, revision in STEPS}


@pytest.mark.parametrize(("down", "revision"), STEPS, ids=[f"{d}-{r}" for d, r in STEPS])
def test_each_step_keeps_the_data(empty_db: Database, down: str, revision: str) -> None:
    config = alembic_config(url=empty_db.writer_url)
    load(empty_db.writer_url, SEEDS)  # migrates to head, then writes the seeds
    at_head = table_rows(empty_db.writer_url)
    assert all(at_head[t] for t in ("initiatives", "organizations", "mous", "pledges", "citations"))
    contents, answers = table_contents(empty_db.writer_url), _answers(empty_db)

    command.downgrade(config, down)
    older = table_rows(empty_db.writer_url)
    assert older, f"no table left at {down}"
    for table, found in older.items():
        assert found or not at_head.get(table), f"{table} lost its rows at {down}"
    kept = _columns(older)
    assert _keyed(older, kept) == _keyed(at_head, kept), f"the downgrade to {down} changed rows"

    command.upgrade(config, revision)
    command.upgrade(config, "head")
    command.check(config)
    losses = ROUND_TRIP_LOSSES.get(revision, {})
    back = table_rows(empty_db.writer_url)
    assert _columns(back) == _columns(at_head)
    comparable = _columns(at_head, losing=losses)
    assert _keyed(back, comparable) == _keyed(at_head, comparable), f"the upgrade to {revision} changed rows"
    if not losses:
        assert table_contents(empty_db.writer_url) == contents
        assert _answers(empty_db) == answers
