"""Reloading the seeds under live traffic: every answer is the old data or the new, never a mix.

A real uvicorn server (a subprocess) reads the database as the API's read-only role while
four client threads query it continuously and the loader, in this process, switches the
database between two seed sets A and B again and again. Each response carries the dataset
version of its snapshot in its ETag; every version is known to hold A or B (the main thread
reads it back after each load), so every body must be exactly that seed set's answer
(tests/traffic.py).
"""

import random
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.pg import Database
from tests.server import uvicorn_server
from tests.traffic import (
    PATHS,
    Answer,
    Traffic,
    assert_saw_both,
    brief,
    expected_answers,
    load_set,
    make_seed_sets,
    normalize,
)

RELOADS = 16  # loads while the clients run: B, A, B, A, ...


# ---------------------------------------------------------------------------------------------
# The tests


def test_same_seeds_same_answers(empty_db: Database, tmp_path: Path) -> None:
    """Loading A, then B, then A again answers every request exactly as the first A did."""
    sets = make_seed_sets(tmp_path)
    first: dict[str, Answer] = {}
    with TestClient(create_app(Settings(database_url=empty_db.reader_url))) as http:
        for step, name in enumerate(["A", "B", "A"]):
            load_set(sets, name, empty_db.writer_url)
            now = {path: normalize(path, http.get(path)) for path in PATHS}
            if step == 0:
                first = now
    differing = {
        path: (brief(first[path].body), brief(now[path].body)) for path in PATHS if first[path] != now[path]
    }
    assert not differing, "A reloaded answers otherwise than A first loaded:\n" + "\n".join(
        f"{path}:\n  first  {before}\n  reload {after}" for path, (before, after) in differing.items()
    )


def test_reload_under_traffic_is_atomic(empty_db: Database, tmp_path: Path) -> None:
    sets = make_seed_sets(tmp_path)
    load_set(sets, "A", empty_db.writer_url)
    with uvicorn_server(empty_db.reader_url, tmp_path / "uvicorn.log") as (base, process):
        dataset_of: dict[int, str] = {}
        with httpx.Client(base_url=base, timeout=30) as http:

            def loaded(name: str) -> None:
                version = http.get("/v1").json()["version"]
                assert version not in dataset_of, f"version {version} did not change on reload"
                dataset_of[version] = name

            def switch(name: str) -> None:
                load_set(sets, name, empty_db.writer_url)
                loaded(name)

            loaded("A")
            expected = expected_answers(http, switch)

            differing = [p for p in PATHS if expected["A"][p] != expected["B"][p]]
            assert len(differing) >= len(PATHS) - 2, "A and B should differ on (almost) every request"
            assert expected["A"]["/v1"].body["counts"] == {
                "initiatives": 1, "organizations": 3, "people": 1, "mous": 1, "pledges": 1, "figures": 1,
                "sources": 1,
            }  # fmt: skip
            assert expected["B"]["/v1"].body["counts"] == {
                "initiatives": 2, "organizations": 4, "people": 1, "mous": 0, "pledges": 1, "figures": 1,
                "sources": 1,
            }  # fmt: skip

            # Traffic, while the loader switches the data back and forth.
            rng = random.Random(0)
            with Traffic(base) as traffic:
                time.sleep(0.3)
                for i in range(RELOADS):
                    switch("B" if i % 2 == 0 else "A")
                    time.sleep(rng.uniform(0.0, 0.25))
                time.sleep(0.3)
            assert process.poll() is None, "uvicorn died"

    print(f"\n{empty_db.backend}: {traffic.summary()} during {RELOADS} reloads")
    assert_saw_both(traffic, expected, dataset_of, RELOADS)
