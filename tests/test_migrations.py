"""Migrations build the schema from nothing, take it back to nothing, and agree with the models;
every step keeps the data of a database that holds some.

test_each_step_keeps_the_data is parametrized over every revision that has a predecessor with
tables (ids "<down>-<revision>"), so that each new migration is run on a database with rows as
soon as it is added: load the seeds at head, downgrade to the step's down revision (rows of the
columns that remain must be the same), upgrade again (every row back, no drift from the models,
and the API answers as before). A migration whose downgrade cannot keep some column's values
(one it adds and the loader fills) names them in ROUND_TRIP_LOSSES with the reason.
"""

import json
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
ORDER = [script.revision for script in SCRIPTS.walk_revisions()]  # head first
# revision -> {table: columns whose values a downgrade to its down revision loses}.
ROUND_TRIP_LOSSES: dict[str, dict[str, set[str]]] = {}
HISTORY = {"versions", "changes", "renames"}
# revision -> (tables whose rows its downgrade may drop or rewrite, why). The step is then checked
# by what must still hold: the older schema keeps no row the newer did not have, and after the
# upgrade back a load of the same seeds gives exactly the rows and answers of before.
LOSSY_DOWNGRADES: dict[str, tuple[set[str], str]] = {
    "0004": (
        {
            "citations",
            "initiatives",
            "initiative_participants",
            "pledges",
            "pledge_countries",
            "mou_witnesses",
        },
        "revision 3 has no people, figures, several pledgers, `other` kind, `host` role or currencies"
        " beyond USD: their rows and citations go, a pledge keeps its first pledger, a witness their name",
    ),
    "0005": (
        {"timeline_events", "timeline_countries", "timeline_organizations", "timeline_sources"},
        "the timeline is derived: revision 4 has none, and the next load rebuilds it; a pledge status"
        " of section 5 becomes the nearest of revision 4 (none in the seeds)",
    ),
    "0006": (
        HISTORY,
        "revision 5 keeps no history: the versions and changes go, and the next load records every"
        " record as added again, under a new version",
    ),
}
ANSWERS = [
    "/v1",
    "/v1/initiatives?limit=500&facets=country,sector,kind,status,role,organization",
    "/v1/initiatives/skyvast-aiaas-gpuaas",
    "/v1/organizations?limit=500&facets=country,kind",
    "/v1/mous?limit=500&facets=country,party,year",
    "/v1/pledges?limit=500&facets=metric,unit,status,organization,country,year",
    "/v1/pledges/summary?group_by=metric&as_of=2026-12-06",
    "/v1/pledges?limit=500&as_of=2030-01-01&overdue=true",
    "/v1/timeline?limit=500&facets=event,type,country,year",
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


def _as_reloaded(contents: Any) -> Any:
    """Table contents a reload must give again: not the dataset row nor history, whose versions
    and times a reload moves on, nor the surrogate id of a citation (a citation the downgrade
    dropped is inserted again under a new number)."""
    kept = {
        table: rows for table, rows in contents.items() if table not in {"dataset", "versions", "changes"}
    }
    return {**kept, "citations": sorted((row[1:] for row in kept["citations"]), key=repr)}


def _without_history(answer: str) -> Any:
    """An answer without the versions it names: a reload after a lossy step moves them on."""
    try:
        body = json.loads(answer)
    except json.JSONDecodeError:
        return answer  # CSV names no version
    if isinstance(body, dict):
        body.pop("version", None)
        body.pop("loaded_at", None)
        body.pop("first_seen", None)
        body.pop("last_changed", None)
    return body


def test_check_constraints_and_keys_match_the_models(empty_db: Database, tmp_path: Any) -> None:
    """alembic check does not compare CHECK constraints or primary keys: compare them here with a
    schema created from the models."""
    command.upgrade(alembic_config(url=empty_db.writer_url), "head")
    from sqlalchemy import create_engine as engine_for

    models_url = f"sqlite:///{tmp_path / 'models.db'}" if empty_db.backend == "sqlite" else None
    migrated = create_engine(empty_db.writer_url)
    try:
        if models_url is None:  # PostgreSQL: the models' DDL in a schema of its own
            with migrated.begin() as conn:
                conn.exec_driver_sql("CREATE SCHEMA models")
                conn.exec_driver_sql("SET search_path TO models")
                Base.metadata.create_all(conn)
            reference = engine_for(empty_db.writer_url, connect_args={"options": "-c search_path=models"})
        else:
            reference = engine_for(models_url)
            Base.metadata.create_all(reference)

        def shape(engine: Any) -> dict[str, Any]:
            insp = inspect(engine)
            return {
                t: (
                    sorted(
                        (c["name"], " ".join(str(c["sqltext"]).split()))
                        for c in insp.get_check_constraints(t)
                    ),
                    insp.get_pk_constraint(t)["constrained_columns"],
                )
                for t in Base.metadata.tables
            }

        assert shape(migrated) == shape(reference)
        reference.dispose()
    finally:
        migrated.dispose()


def test_there_is_a_step_to_check() -> None:
    assert STEPS, "no migration has a predecessor: test_each_step_keeps_the_data checks nothing"
    assert set(ROUND_TRIP_LOSSES) | set(LOSSY_DOWNGRADES) <= {revision for _, revision in STEPS}


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
    # every downgrade from head down to this step's: a lossy one on the way loses rows for this step too
    crossed = ORDER[: ORDER.index(revision) + 1]
    lossy = [r for r in crossed if r in LOSSY_DOWNGRADES]
    rewritten = set().union(*(LOSSY_DOWNGRADES[r][0] for r in lossy))
    stable = {t: c for t, c in kept.items() if t not in rewritten}
    assert _keyed(older, stable) == _keyed(at_head, stable), f"the downgrade to {down} changed rows"
    for table in rewritten & set(kept):  # fewer rows or fewer columns, never a row invented
        old_rows = {repr(sorted((k, v) for k, v in r.items() if k != "id")) for r in older[table]}
        assert len(older[table]) <= len(at_head[table]), table
        assert old_rows, f"{table} lost every row at {down}"

    command.upgrade(config, revision)
    command.upgrade(config, "head")
    command.check(config)
    if lossy:
        load(empty_db.writer_url, SEEDS)
        assert _as_reloaded(table_contents(empty_db.writer_url)) == _as_reloaded(contents)
        again = _answers(empty_db)  # the same answers, but for the versions they name
        assert {p: _without_history(a) for p, a in again.items()} == {
            p: _without_history(a) for p, a in answers.items()
        }
        return
    losses = ROUND_TRIP_LOSSES.get(revision, {})
    back = table_rows(empty_db.writer_url)
    assert _columns(back) == _columns(at_head)
    comparable = _columns(at_head, losing=losses)
    assert _keyed(back, comparable) == _keyed(at_head, comparable), f"the upgrade to {revision} changed rows"
    if not losses:
        assert table_contents(empty_db.writer_url) == contents
        assert _answers(empty_db) == answers


def test_pledge_statuses_follow_the_vocabulary_of_each_revision(empty_db: Database) -> None:
    """0005 gives pledges the statuses of section 5: `active` becomes `in_progress` and `completed`
    `fulfilled`; its downgrade maps each back to the nearest of revision 4."""
    config = alembic_config(url=empty_db.writer_url)
    load(empty_db.writer_url, SEEDS)
    engine = create_engine(empty_db.writer_url)
    first, second = "skyvast-leadyo-3000-gpus-by-2026", "alibaba-cloud-us1bn-apac"

    def set_statuses(values: dict[str, str]) -> None:
        with engine.begin() as conn:
            for pledge, status in values.items():
                conn.exec_driver_sql(f"UPDATE pledges SET status = '{status}' WHERE id = '{pledge}'")

    def statuses() -> dict[str, str]:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(f"SELECT id, status FROM pledges WHERE id IN ('{first}', '{second}')")
            return dict(rows.all())

    try:
        command.downgrade(config, "0004")
        set_statuses({first: "active", second: "completed"})
        command.upgrade(config, "head")
        assert statuses() == {first: "in_progress", second: "fulfilled"}
        set_statuses({first: "partly_fulfilled", second: "lapsed"})
        command.downgrade(config, "0004")
        assert statuses() == {first: "active", second: "unknown"}
    finally:
        engine.dispose()
