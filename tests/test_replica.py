"""Several machines: the loader writes to a PostgreSQL primary, the API reads a streaming replica.

A primary and a hot standby are started from Debian's server binaries, the standby made by
`pg_basebackup -R` (PostgreSQL's own streaming replication: nothing home-made). The seeds are
loaded on the primary only; a real uvicorn serves the API from the replica as the read-only
role, while client threads query it (tests/traffic.py). Each load reaches the replica as one
committed transaction, so every answer there is all of the old data or all of the new, with the
ETag of its version; a replica whose replay is paused (fallen behind) goes on answering its own
version, 304s included, until it catches up.
"""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.seeding.load import load
from tests.helpers import FIXTURES
from tests.pg import ROOT, Database, PostgresServer
from tests.server import uvicorn_server
from tests.traffic import (
    Traffic,
    answers,
    assert_saw_both,
    check,
    expected_answers,
    load_set,
    make_seed_sets,
    version_of,
)

RELOADS = 8
CATCH_UP_S = 30.0


@pytest.fixture(scope="module")
def replication(pg_server: PostgresServer) -> Iterator[tuple[PostgresServer, PostgresServer]]:
    """A primary and its streaming replica (hot standby, feedback on), servers of this module's own."""
    primary = PostgresServer(pg_server.bin_dir)
    replica = PostgresServer(pg_server.bin_dir)
    try:
        primary.init()
        primary.start()
        replica.replicate(primary)
        replica.start("hot_standby_feedback=on")
        assert replica.psql("-tAc", "SELECT pg_is_in_recovery()").strip() == "t"
        yield primary, replica
    finally:
        replica.destroy()
        primary.destroy()


def name_of(db: Database) -> str:
    return db.writer_url.rsplit("/", 1)[1]


def replicated_database(primary: PostgresServer, replica: PostgresServer) -> tuple[Database, Database]:
    """A new database (with its roles) made on the primary, once the replica has it too."""
    db = primary.create_database()
    deadline = time.monotonic() + CATCH_UP_S
    while True:
        try:
            replica.psql("-c", "SELECT 1", database=name_of(db))
            return db, replica.database(name_of(db))
        except Exception:
            assert time.monotonic() < deadline, "the database never reached the replica"
            time.sleep(0.1)


def version_on(server: PostgresServer, db: Database) -> int:
    return int(server.psql("-tAc", "SELECT version FROM dataset WHERE id = 1", database=name_of(db)))


def served_version(http: httpx.Client) -> int:
    response = http.get("/v1")
    assert response.status_code == 200, response.text
    version = response.json()["version"]
    assert version == version_of(response.headers["etag"])
    return int(version)


def caught_up(http: httpx.Client, version: int) -> None:
    """Wait until the API on the replica serves `version`."""
    deadline = time.monotonic() + CATCH_UP_S
    while (served := served_version(http)) != version:
        assert served < version, f"the replica serves version {served}, beyond the primary's {version}"
        assert time.monotonic() < deadline, f"the replica still serves version {served}, not {version}"
        time.sleep(0.05)


def test_postgresql_replica_serves_every_load_whole(
    replication: tuple[PostgresServer, PostgresServer], tmp_path: Path
) -> None:
    primary, replica = replication
    sets = make_seed_sets(tmp_path)
    db, on_replica = replicated_database(primary, replica)
    load_set(sets, "A", db.writer_url)
    with uvicorn_server(on_replica.reader_url, tmp_path / "uvicorn.log") as (base, process):
        dataset_of: dict[int, str] = {}
        with httpx.Client(base_url=base, timeout=30) as http:

            def loaded(name: str) -> None:
                """After a load on the primary, the replica serves its version."""
                version = version_on(primary, db)
                assert version not in dataset_of, f"version {version} did not change on reload"
                dataset_of[version] = name
                caught_up(http, version)

            def switch(name: str) -> None:
                load_set(sets, name, db.writer_url)
                loaded(name)

            loaded("A")
            expected = expected_answers(http, switch)
            assert expected["A"]["/v1/mous/mou-acme-beta"].status == 200
            assert expected["B"]["/v1/mous/mou-acme-beta"].status == 404

            with Traffic(base) as traffic:
                time.sleep(0.3)
                for i in range(RELOADS):
                    switch("B" if i % 2 == 0 else "A")
                    time.sleep(0.1)
                time.sleep(0.3)
            assert process.poll() is None, "uvicorn died"

    print(f"\nreplica: {traffic.summary()} during {RELOADS} loads on the primary")
    assert_saw_both(traffic, expected, dataset_of, RELOADS)


def test_postgresql_replica_behind_answers_its_own_version(
    replication: tuple[PostgresServer, PostgresServer], tmp_path: Path
) -> None:
    primary, replica = replication
    sets = make_seed_sets(tmp_path)
    db, on_replica = replicated_database(primary, replica)
    record = "/v1/pledges/acme-500-engineers"  # its amount is 500 in A, 800 in B

    def loaded(name: str) -> int:
        """Load a set on the primary; the version it made."""
        load_set(sets, name, db.writer_url)
        return version_on(primary, db)

    loaded("B")
    with uvicorn_server(on_replica.reader_url, tmp_path / "uvicorn.log") as (base, process):
        with httpx.Client(base_url=base, timeout=30) as http:
            caught_up(http, version_on(primary, db))
            expected_b = answers(http)
            old = loaded("A")
            caught_up(http, old)
            expected_a = answers(http)
            before = http.get(record)
            assert before.json()["amount"] == 500

            replica.psql("-c", "SELECT pg_wal_replay_pause()")
            try:
                new = loaded("B")
                assert new > old
                # Behind: the replica answers version `old` and nothing else, whole and consistent.
                with Traffic(base) as traffic:
                    time.sleep(1.5)
                seen_sets = check(traffic.observations, {"A": expected_a, "B": expected_b}, {old: "A"})
                assert seen_sets["A"] > 20, seen_sets
                assert served_version(http) == old
                again = http.get(record, headers={"If-None-Match": before.headers["etag"]})
                assert again.status_code == 304 and again.headers["etag"] == before.headers["etag"]
                lag = replica.psql("-tAc", "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")
                assert lag.strip() == "t", "the replica has received the new load but not replayed it"
            finally:
                replica.psql("-c", "SELECT pg_wal_replay_resume()")

            caught_up(http, new)
            after = http.get(record, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200, "an old version's tag must not revalidate the new data"
            assert version_of(after.headers["etag"]) == new
            assert after.json()["amount"] == 800
            assert answers(http) == expected_b
        assert process.poll() is None, "uvicorn died"


def as_postgres(server: PostgresServer, env: dict[str, str], *command: str) -> list[str]:
    """`command` with exactly `env`, as the postgres user when the tests run as root."""
    settings = [f"{name}={value}" for name, value in env.items()]
    prefix = ["runuser", "-u", "postgres", "--"] if server.as_root else []
    return [*prefix, "env", "-i", *settings, *command]


def test_postgresql_compose_scripts_make_a_streaming_replica(pg_server: PostgresServer) -> None:
    """docker-compose.yml's own scripts, run with Debian's binaries: docker/initdb/20-replication.sh
    on a primary (the replication role and its pg_hba.conf line), then docker/replica/start.sh
    (pg_basebackup -R, then postgres as a hot standby), which must stream every load.
    The test servers trust loopback connections, so the role's password itself is not tried."""
    primary, standby = PostgresServer(pg_server.bin_dir), PostgresServer(pg_server.bin_dir)
    path = f"{pg_server.bin_dir}:/usr/bin:/bin"
    process = None
    try:
        primary.init()
        primary.start()
        grant = {
            "PATH": path, "PGHOST": "127.0.0.1", "PGPORT": str(primary.port), "PGDATA": str(primary.data),
            "POSTGRES_USER": "postgres", "REPLICATION_USER": "replicator", "REPLICATION_PASSWORD": "test-password",
        }  # fmt: skip
        script = str(ROOT / "docker" / "initdb" / "20-replication.sh")
        subprocess.run(as_postgres(primary, grant, script), check=True, capture_output=True, timeout=60)
        assert "host replication replicator all scram-sha-256" in (primary.data / "pg_hba.conf").read_text()
        primary.psql("-c", "SELECT pg_reload_conf()")
        db = primary.create_database()
        load(db.writer_url, FIXTURES / "minimal" / "seeds", articles=FIXTURES / "minimal" / "articles")

        env = {
            "PATH": path, "PGDATA": str(standby.data), "PGPORT": str(primary.port), "PRIMARY_HOST": "127.0.0.1",
            "REPLICATION_USER": "replicator", "REPLICATION_PASSWORD": "test-password",
        }  # fmt: skip
        start = str(ROOT / "docker" / "replica" / "start.sh")
        server_args = ["-p", str(standby.port), "-k", str(standby.data), "-c", "listen_addresses=127.0.0.1"]
        log = (standby.base / "start.log").open("wb")
        process = subprocess.Popen(
            as_postgres(standby, env, start, *server_args), stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + CATCH_UP_S
        while True:
            assert process.poll() is None, (standby.base / "start.log").read_text()
            try:
                if standby.psql("-tAc", "SELECT pg_is_in_recovery()").strip() == "t":
                    break
            except subprocess.CalledProcessError:
                pass
            assert time.monotonic() < deadline, (standby.base / "start.log").read_text()
            time.sleep(0.2)
        assert (standby.data / "standby.signal").exists(), "pg_basebackup -R wrote no standby.signal"
        senders = primary.psql("-tAc", "SELECT usename, state FROM pg_stat_replication")
        assert senders.split() == ["replicator|streaming"], senders

        on_standby = standby.database(name_of(db))
        assert version_on(standby, on_standby) == version_on(primary, db)
        sets = make_seed_sets(standby.base / "sets")
        load_set(sets, "B", db.writer_url)
        deadline = time.monotonic() + CATCH_UP_S
        while version_on(standby, on_standby) != version_on(primary, db):
            assert time.monotonic() < deadline, "the standby did not stream the second load"
            time.sleep(0.1)
    finally:
        standby.destroy()  # pg_ctl stop: the postmaster that start.sh became
        if process is not None:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        primary.destroy()
