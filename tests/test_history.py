"""History (CONTRACT.md section 6) through HTTP, on SQLite and PostgreSQL.

The seeds of tests/fixtures/lifecycle are edited as data (the loader's own YAML reader, then
YAML written back): records of every resource are added, modified, deleted and renamed, each
edit valid by construction, and loaded one after another. After each load `--diff`'s preview
must have announced exactly the changes recorded; at the end, replaying `/v1/changes` from
version 0 must rebuild the detail of every record the API serves, and `?as_of_version=N` of
every record and version must be the `after` of its last change at or before N (404 when
there is none, or it is a deletion). A property test draws the sequences; a fixed one runs
every resource and operation at least once.
"""

import copy
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import httpx
import orjson
import pytest
import yaml
from alembic import command
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.history.records import STAMPED
from app.main import create_app
from app.seeding.load import alembic_config, load, preview
from tests.helpers import FIXTURES, read_seed
from tests.pg import Database
from tests.server import uvicorn_server

FIXTURE = FIXTURES / "lifecycle"
OMEGA = "sources/omega.yaml"
RESOURCES = ["source", "organization", "person", "initiative", "mou", "pledge", "figure"]
PLURAL = {"person": "people", **{r: r + "s" for r in RESOURCES if r != "person"}}
IN_OMEGA = {"initiative": "initiatives", "mou": "mous", "pledge": "pledges", "figure": "figures"}
OPS = ["add", "modify", "delete", "rename"]
SPOKEN = "Omega Group has trained 600 nurses so far."  # a sentence of omega.txt


@dataclass
class Seeds:
    """The fixture's seed files as data, and the records the edits added (nothing refers to them,
    so they can be deleted and renamed)."""

    files: dict[str, Any]
    added: dict[str, list[str]] = field(default_factory=lambda: {r: [] for r in RESOURCES})
    serial: int = 0

    @classmethod
    def pristine(cls) -> "Seeds":
        root = FIXTURE / "seeds"
        return cls({p.relative_to(root).as_posix(): read_seed(p) for p in sorted(root.rglob("*.yaml"))})

    def write(self, seeds: Path) -> None:
        shutil.rmtree(seeds, ignore_errors=True)
        for rel, data in self.files.items():
            (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
            (seeds / rel).write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )

    def records(self, resource: str) -> list[dict[str, Any]]:
        """The record dicts of a resource, in place (editing one edits the seeds)."""
        if resource == "source":
            return [data["source"] for data in self.files.values() if "source" in data]
        if resource == "organization":
            return list(self.files["organizations.yaml"]["organizations"])
        if resource == "person":
            return list(self.files["people.yaml"]["people"])
        return list(self.files[OMEGA].get(IN_OMEGA[resource], []))

    def find(self, resource: str, ident: str) -> dict[str, Any]:
        return next(r for r in self.records(resource) if r["id"] == ident)

    def new_id(self, resource: str) -> str:
        self.serial += 1
        return f"test-{resource}-{self.serial}"

    def add(self, resource: str) -> str:
        ident = self.new_id(resource)
        if resource == "source":
            self.files[f"sources/{ident}.yaml"] = {
                "source": {"id": ident, "title": f"Article {self.serial}", "document": f"{ident}.txt"}
            }
        elif resource == "organization":
            record = {"id": ident, "name": f"Test Organization {self.serial}", "kind": "company"}
            self.files["organizations.yaml"]["organizations"].append(record)
        elif resource == "person":
            quote = {"quote": SPOKEN, "source": "omega-news"}
            record = {"id": ident, "name": f"Test Person {self.serial}", "citations": [quote]}
            self.files["people.yaml"]["people"].append(record)
        else:
            template = copy.deepcopy(Seeds.pristine().files[OMEGA][IN_OMEGA[resource]][0])
            self.files[OMEGA][IN_OMEGA[resource]].append({**template, "id": ident})
        self.added[resource].append(ident)
        return ident

    def modify(self, resource: str, index: int) -> str:
        record = self.records(resource)[index % len(self.records(resource))]
        n = self.serial = self.serial + 1
        if resource in ("organization", "person"):
            record["aliases"] = [*record.get("aliases", []), f"Alias {n}"]
        elif resource == "source":
            record["title"] = f"{record['title']} (revised {n})"
        elif resource in ("initiative", "mou"):
            record["summary"] = f"Summary, revision {n}."
        elif resource == "pledge":
            record["audience"] = f"audience, revision {n}"
        else:
            record["inferred"] = {**record.get("inferred", {}), "countries": f"reason, revision {n}"}
        return str(record["id"])

    def delete(self, resource: str, index: int) -> str:
        ident = self.added[resource].pop(index % len(self.added[resource]))
        if resource == "source":
            del self.files[f"sources/{self.source_file(ident)}"]
        else:
            holder = self._holder(resource)
            holder[:] = [r for r in holder if r["id"] != ident]
        return ident

    def rename(self, resource: str, index: int) -> tuple[str, str]:
        i = index % len(self.added[resource])
        old, new = self.added[resource][i], self.new_id(resource)
        record = self.find(resource, old)
        record["id"], record["renamed_from"] = new, [*record.get("renamed_from", []), old]
        self.added[resource][i] = new
        return old, new

    def source_file(self, ident: str) -> str:
        return next(
            rel.removeprefix("sources/")
            for rel, d in self.files.items()
            if d.get("source", {}).get("id") == ident
        )

    def _holder(self, resource: str) -> list[dict[str, Any]]:
        if resource == "organization":
            return self.files["organizations.yaml"]["organizations"]
        if resource == "person":
            return self.files["people.yaml"]["people"]
        return self.files[OMEGA][IN_OMEGA[resource]]

    def apply(self, op: str, resource: str, index: int) -> None:
        """One edit; an edit with no record to act on (a delete or rename of no added record, a
        modification of a resource with none) adds one instead."""
        if (
            op == "add"
            or (op in ("delete", "rename") and not self.added[resource])
            or not self.records(resource)
        ):
            self.add(resource)
        elif op == "modify":
            self.modify(resource, index)
        elif op == "delete":
            self.delete(resource, index)
        else:
            self.rename(resource, index)


@dataclass
class History:
    """A database under test, its API, and what the loads so far should have recorded."""

    db: Database
    api: TestClient
    seeds_dir: Path
    renamed: dict[tuple[str, str], str] = field(default_factory=dict)  # (resource, old) -> new

    def load_checked(self, seeds: Seeds) -> None:
        """Load the seeds; what `--diff` announced before is what the load recorded."""
        seeds.write(self.seeds_dir)
        announced = preview(self.db.writer_url, self.seeds_dir)
        before = self.version()
        load(self.db.writer_url, self.seeds_dir)
        after = self.version()
        recorded = self.get(f"/v1/changes?since={before}&limit=500")["items"]
        assert after == before + (1 if announced else 0)
        assert [(c.resource, c.id, c.op, sorted(c.fields)) for c in announced] == [
            (c["resource"], c["id"], c["op"], c["fields"]) for c in recorded
        ]
        for c, r in zip(announced, recorded, strict=True):
            assert c.fields == {f: (_at(r["before"], f), _at(r["after"], f)) for f in r["fields"]}
        self.renamed = {}  # what the seeds declare now: a deleted record's old ids are gone too
        for resource in RESOURCES:
            for record in seeds.records(resource):
                for old in record.get("renamed_from", []):
                    self.renamed[(resource, old)] = record["id"]

    def version(self) -> int:
        return int(self.get("/v1")["version"])

    def get(self, path: str) -> Any:
        response = self.api.get(path)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    def changes(self, since: int = 0) -> list[dict[str, Any]]:
        response = self.api.get(f"/v1/changes.ndjson?since={since}")
        assert response.status_code == 200
        return [orjson.loads(line) for line in response.content.splitlines()]

    def check(self) -> None:
        """Replay, as_of_version, 410, 308 and the spans, against what the API serves now."""
        changes = self.changes()
        paged, cursor = [], None
        while True:
            page = self.get("/v1/changes?limit=7" + (f"&cursor={cursor}" if cursor else ""))
            paged += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert paged == changes
        assert [(c["version"], c["resource"], c["id"]) for c in changes] == sorted(
            (c["version"], c["resource"], c["id"]) for c in changes
        )
        state: dict[tuple[str, str], dict[str, Any] | None] = {}
        spans: dict[tuple[str, str], tuple[int, int]] = {}
        for c in changes:
            key = (c["resource"], c["id"])
            assert state.get(key) == c["before"], key
            state[key] = c["after"]
            spans[key] = (spans.get(key, (c["version"], 0))[0], c["version"])
        for resource in RESOURCES:
            listed = {i["id"] for i in self.get(f"/v1/{PLURAL[resource]}?limit=500")["items"]}
            assert listed == {i for (r, i), after in state.items() if r == resource and after is not None}
        latest = self.version()
        for (resource, ident), after in state.items():
            path = f"/v1/{PLURAL[resource]}/{ident}"
            response = self.api.get(path)
            if after is None:
                if (resource, ident) in self.renamed:
                    assert response.status_code == 308
                    assert (
                        response.headers["location"]
                        == f"/v1/{PLURAL[resource]}/{self.renamed[(resource, ident)]}"
                    )
                else:
                    assert response.status_code == 410, response.text
                    assert f"deleted in version {spans[(resource, ident)][1]}" in response.json()["detail"]
                continue
            served = response.json()
            assert {k: v for k, v in served.items() if k not in STAMPED} == after
            first, last = spans[(resource, ident)]
            assert served["first_seen"]["version"] == first
            assert served["last_changed"]["version"] == last
            for version in range(1, latest + 1):
                expected = None
                for c in changes:
                    if (c["resource"], c["id"]) == (resource, ident) and c["version"] <= version:
                        expected = c["after"]
                answer = self.api.get(f"{path}?as_of_version={version}")
                if expected is None:
                    assert answer.status_code == 404, (path, version)
                else:
                    assert answer.status_code == 200, (path, version, answer.text)
                    body = answer.json()
                    assert {k: v for k, v in body.items() if k not in STAMPED} == expected
                    assert body["last_changed"]["version"] <= version
                    assert body.get("overdue", None) is None


def _at(record: dict[str, Any] | None, name: str) -> Any:
    return None if record is None else record.get(name)


def _database(request: pytest.FixtureRequest, backend: str, folder: Path) -> Database:
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'history.db'}"
        return Database("sqlite", url, url)
    server = request.getfixturevalue("pg_server")
    database: Database = server.create_database()
    return database


@pytest.fixture
def history(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> Iterator[History]:
    db = _database(request, backend, tmp_path)
    app = create_app(Settings(database_url=db.reader_url))
    load(db.writer_url, FIXTURE / "seeds", articles=FIXTURE / "articles")
    with TestClient(app, follow_redirects=False) as api:
        yield History(db, api, tmp_path / "seeds")
    if backend == "postgresql":
        request.getfixturevalue("pg_server").drop_database(db)


BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
EDITS = st.lists(
    st.tuples(st.sampled_from(OPS), st.sampled_from(RESOURCES), st.integers(0, 20)), min_size=1, max_size=5
)


@BACKENDS
def test_random_edit_sequences_replay_to_every_detail(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str
) -> None:
    """The property of the issue, on fresh databases: for any sequence of edits, replaying the
    change feed rebuilds every record, and every version of every record is its last change."""

    @settings(
        max_examples=8 if backend == "sqlite" else 3,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(edits=EDITS)
    def run(edits: list[tuple[str, str, int]]) -> None:
        folder = tmp_path_factory.mktemp("property")
        db = _database(request, backend, folder)
        try:
            load(db.writer_url, FIXTURE / "seeds")
            with TestClient(create_app(Settings(database_url=db.reader_url)), follow_redirects=False) as api:
                h = History(db, api, folder / "seeds")
                seeds = Seeds.pristine()
                for op, resource, index in edits:
                    seeds.apply(op, resource, index)
                    h.load_checked(seeds)
                h.check()
        finally:
            if backend == "postgresql":
                request.getfixturevalue("pg_server").drop_database(db)

    run()


@BACKENDS
def test_every_resource_and_operation_in_one_sequence(history: History) -> None:
    seeds = Seeds.pristine()
    for resource in RESOURCES:
        seeds.add(resource)
        seeds.add(resource)
    history.load_checked(seeds)
    for op in ("modify", "rename", "delete"):
        for resource in RESOURCES:
            seeds.apply(op, resource, 0)
        history.load_checked(seeds)
    seeds.rename("organization", 0)  # renamed twice: both old ids lead to the newest
    history.load_checked(seeds)
    history.check()
    versions = history.get("/v1/versions")["items"]
    assert [v["version"] for v in versions] == list(range(1, 7))
    assert versions[3]["counts"]["figure"] == {"added": 1, "modified": 0, "deleted": 1}  # the rename
    old = next(old for (r, old), new in history.renamed.items() if r == "organization")
    assert history.api.get(f"/v1/organizations/{old}").status_code == 308


@BACKENDS
def test_an_unchanged_reload_records_nothing(history: History) -> None:
    before = history.get("/v1/versions")
    tag = history.api.get("/v1/changes").headers["etag"]
    load(history.db.writer_url, FIXTURE / "seeds", articles=FIXTURE / "articles")
    assert history.get("/v1/versions") == before
    assert history.api.get("/v1/changes", headers={"If-None-Match": tag}).status_code == 304
    assert preview(history.db.writer_url, FIXTURE / "seeds") == []
    (first,) = before["items"]
    assert first["version"] == 1 and len(first["digest"]) == 64
    assert sum(c["added"] for c in first["counts"].values()) == len(history.changes())


@BACKENDS
def test_a_modified_record_names_its_fields_and_changes_its_tag(history: History) -> None:
    path = "/v1/pledges/omega-1000-teachers"
    tag = history.api.get(path).headers["etag"]
    seeds = Seeds.pristine()
    seeds.find("pledge", "omega-1000-teachers")["audience"] = "teachers of science"
    history.load_checked(seeds)
    changes = history.get("/v1/changes?since=1&id=omega-1000-teachers")["items"]
    assert [(c["op"], c["fields"]) for c in changes] == [("modified", ["audience"])]
    assert (changes[0]["before"]["audience"], changes[0]["after"]["audience"]) == (
        "teachers",
        "teachers of science",
    )
    response = history.api.get(path, headers={"If-None-Match": tag})
    assert response.status_code == 200 and response.headers["etag"] != tag
    assert response.json()["last_changed"]["version"] == 2
    assert response.json()["first_seen"]["version"] == 1
    old = history.get(f"{path}?as_of_version=1")
    assert old["audience"] == "teachers" and old["overdue"] is None
    # the records that embed it change with it: the figures reporting on the pledge, and the
    # source that lists it by its name, which names the audience
    assert {(c["resource"], c["id"]) for c in history.get("/v1/changes?since=1")["items"]} == {
        ("pledge", "omega-1000-teachers"),
        ("figure", "omega-200-teachers-2022"),
        ("figure", "omega-400-teachers-2023"),
        ("source", "omega-news"),
    }


@BACKENDS
def test_gone_and_renamed_answers(history: History) -> None:
    seeds = Seeds.pristine()
    mou = seeds.add("mou")
    history.load_checked(seeds)
    seeds.delete("mou", 0)
    pledge = seeds.add("pledge")
    history.load_checked(seeds)
    old, new = seeds.rename("pledge", 0)
    history.load_checked(seeds)
    gone = history.api.get(f"/v1/mous/{mou}")
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["detail"].startswith(f"the MoU with id {mou!r} was deleted in version 3")
    assert history.api.get(f"/v1/mous/{mou}?as_of_version=2").status_code == 200
    assert history.api.get(f"/v1/mous/{mou}?as_of_version=3").status_code == 404
    moved = history.api.get(f"/v1/pledges/{old}?as_of=2026-01-01")
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/v1/pledges/{new}?as_of=2026-01-01"
    assert pledge == old
    with TestClient(history.api.app) as following:
        followed = following.get(f"/v1/pledges/{old}")
        assert followed.status_code == 200 and followed.json()["id"] == new
    assert history.api.get("/v1/mous/no-such-mou").status_code == 404
    future = history.api.get(f"/v1/pledges/{new}?as_of_version=99")
    assert future.status_code == 404 and "the latest is 4" in future.json()["detail"]
    for bad in ("0", "-1", "x", str(2**31)):
        answer = history.api.get(f"/v1/pledges/{new}?as_of_version={bad}")
        assert answer.status_code == 422 and answer.json()["errors"][0]["parameter"] == "as_of_version"


@BACKENDS
def test_changes_filters_formats_and_feed(history: History) -> None:
    seeds = Seeds.pristine()
    seeds.add("figure")
    seeds.modify("initiative", 0)
    history.load_checked(seeds)
    everything = history.changes()
    for query, keep in [
        ("resource=figure", lambda c: c["resource"] == "figure"),
        ("op=modified", lambda c: c["op"] == "modified"),
        ("id=omega&id=omega-news", lambda c: c["id"] in ("omega", "omega-news")),
        (
            "since=1&resource=initiative&resource=figure",
            lambda c: c["version"] > 1 and c["resource"] in ("initiative", "figure"),
        ),
    ]:
        assert history.get(f"/v1/changes?{query}&limit=500")["items"] == [c for c in everything if keep(c)]
    csv_text = history.api.get("/v1/changes.csv?since=1").text
    assert csv_text.splitlines()[0] == "version,loaded_at,resource,id,op,fields,before,after"
    assert len(csv_text.splitlines()) == 1 + len([c for c in everything if c["version"] > 1])
    for bad, parameter in [
        ("since=-1", "since"),
        ("op=renamed", "op"),
        ("resource=people", "resource"),
        ("cursor=abc", "cursor"),
        ("sincе=1", "sincе"),
    ]:
        answer = history.api.get(f"/v1/changes?{bad}")
        assert 400 <= answer.status_code < 500, bad
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["parameter"] == parameter
    feed_response = history.api.get("/v1/changes.atom?since=1")
    assert feed_response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(feed_response.content)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    latest = [c for c in everything if c["version"] > 1][::-1]
    assert [e.title.split(":")[0] for e in feed.entries] == [
        f"{'MoU' if c['resource'] == 'mou' else c['resource'].capitalize()} {c['op']}" for c in latest
    ]
    assert all(e.link.startswith("http://testserver/v1/") for e in feed.entries)


@BACKENDS
def test_reads_during_loads_see_whole_versions(history: History, tmp_path: Path) -> None:
    """A real server answers `/v1/changes` while the loader writes version after version: each
    answer holds every change of the versions up to its own (its ETag's) and none after."""
    seeds, stop, answers = Seeds.pristine(), threading.Event(), []

    def poll(base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                response = client.get("/v1/changes.ndjson")
                assert response.status_code == 200
                tag_version = int(response.headers["etag"].split('"')[1].split("-")[0])
                answers.append((tag_version, [orjson.loads(x) for x in response.content.splitlines()]))

    with uvicorn_server(history.db.reader_url, tmp_path / "uvicorn.log") as (base, _):
        readers = [threading.Thread(target=poll, args=(base,)) for _ in range(2)]
        for reader in readers:
            reader.start()
        try:
            for i in range(8):
                for resource in RESOURCES:
                    seeds.apply(OPS[i % 4], resource, i)
                seeds.write(history.seeds_dir)
                load(history.db.writer_url, history.seeds_dir)
        finally:
            stop.set()
            for reader in readers:
                reader.join()
    final = history.changes()
    assert history.version() == 9
    seen_versions = {v for v, _ in answers}
    assert len(answers) > 8 and len(seen_versions) > 2, seen_versions
    for version, changes in answers:
        assert changes == [c for c in final if c["version"] <= version]


@BACKENDS
def test_history_begins_with_the_first_load_after_the_migration(history: History) -> None:
    """A database loaded before migration 0006 (here: taken back to 0005, which drops history)
    gets its history from its next load: every record added, under a new version."""
    command.downgrade(alembic_config(url=history.db.writer_url), "0005")
    load(history.db.writer_url, FIXTURE / "seeds", articles=FIXTURE / "articles")
    (began,) = history.get("/v1/versions")["items"]
    assert began["version"] == 2
    assert {c["op"] for c in history.changes()} == {"added"}
    history.check()
    answer = history.api.get("/v1/pledges/omega-1000-teachers?as_of_version=1")
    assert answer.status_code == 404
    assert answer.json()["detail"].startswith("history begins at version 2")
