"""Reloading the seeds under live traffic: every answer is the old data or the new, never a mix.

A real uvicorn server (a subprocess) reads the database as the API's read-only role while
four client threads query it continuously and the loader, in this process, switches the
database between two seed sets A and B again and again. Each response carries the dataset
version of its snapshot in its ETag; every version is known to hold A or B (the main thread
reads it back after each load), so every body must be exactly that seed set's answer.
"""

import csv
import io
import json
import random
import re
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.helpers import FIXTURES, edit
from tests.pg import Database
from tests.server import uvicorn_server

CLIENTS = 4
RELOADS = 16  # loads while the clients run: B, A, B, A, ...

NEW_ORGANIZATION = """\
  - id: gamma-labs
    name: Gamma Labs
    kind: research_institute
    country: SG
    inferred:
      country: "this test's own organization"
"""
NEW_INITIATIVE = """\
initiatives:
  - id: gamma-penang-lab
    name: Gamma Penang Lab
    kind: research_lab
    status: active
    summary: Gamma Labs opens a research lab in Penang.
    countries: [MY]
    scope: listed
    sectors: [semiconductors]
    milestones:
      - {event: launched, on: "2024-05", text: opened a research lab in Penang in May 2024}
    participants:
      - {organization: gamma-labs, role: lead}
      - {organization: acme-malaysia, role: partner}
    citations:
      - quote: Gamma Labs opened a research lab in Penang in May 2024.
        supports: [participants, milestones, status]
    inferred:
      participants: "Acme Malaysia's part is this test's own assumption"
      countries: "Penang is in Malaysia"
"""
NEW_SENTENCE = "Gamma Labs opened a research lab in Penang in May 2024.\n"

# Requests whose answers differ between A and B (and a few that do not, as controls).
PATHS = [
    "/v1",
    "/v1/pledges?limit=500",
    "/v1/mous",
    "/v1/initiatives?limit=500&facets=kind,status,role,organization",
    "/v1/organizations?limit=500&facets=kind,country",
    "/v1/initiatives/acme-academy",
    "/v1/initiatives/gamma-penang-lab",  # 404 in A
    "/v1/mous/mou-acme-beta",  # 404 in B
    "/v1/pledges/acme-500-engineers",
    "/v1/pledges/summary?group_by=organization",
    "/v1/organizations/acme",
    "/v1/organizations/acme-malaysia/partners",
    "/v1/search?q=acme",
    "/v1/search?q=lab*",
    "/v1/initiatives?limit=1&sort=-name",
    "/v1/pledges?format=csv",
    "/v1/mous?format=ndjson",
    "/v1/initiatives?format=csv&country=MY",
]
ETAG = re.compile(r'^W/"(\d+)-[0-9a-f]+"$')


# ---------------------------------------------------------------------------------------------
# Seed sets


def make_seed_sets(tmp: Path) -> dict[str, tuple[Path, Path]]:
    """A: the minimal fixture. B: one more organization and initiative, the pledge's amount
    changed from 500 to 800, the only MoU deleted."""
    sets = {}
    for name in ("A", "B"):
        seeds, articles = tmp / name / "seeds", tmp / name / "articles"
        shutil.copytree(FIXTURES / "minimal" / "seeds", seeds)
        shutil.copytree(FIXTURES / "minimal" / "articles", articles)
        sets[name] = (seeds, articles)
    seeds, articles = sets["B"]
    orgs = seeds / "organizations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8") + NEW_ORGANIZATION, encoding="utf-8")
    article = articles / "a.txt"
    article.write_text(article.read_text(encoding="utf-8") + NEW_SENTENCE, encoding="utf-8")
    source = seeds / "sources" / "a.yaml"
    edit(source, "initiatives:\n", NEW_INITIATIVE)
    edit(source, "amount: 500\n", "amount: 800\n")
    edit(source, 'amount_text: "500"', "amount_text: null")
    edit(
        source,
        '      announced_on: "the article\'s date, March 2024, in its year"',
        '      announced_on: "the article\'s date, March 2024, in its year"\n      amount: "B\'s own amount"',
    )
    text = source.read_text(encoding="utf-8")
    start, end = text.index("mous:\n"), text.index("pledges:\n")
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    return sets


# ---------------------------------------------------------------------------------------------
# Answers


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # normalized: parsed JSON without per-version fields, or export rows


def version_of(etag: str | None) -> int | None:
    match = ETAG.match(etag or "")
    return int(match.group(1)) if match else None


def normalize(path: str, response: httpx.Response) -> Answer:
    """The response's content, checked for internal consistency, without per-version fields."""
    kind = response.headers.get("content-type", "")
    if "format=csv" in path and response.status_code == 200:
        assert kind.startswith("text/csv"), kind
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert response.headers["x-total-count"] == str(len(rows)), (
            f"{path}: X-Total-Count {response.headers['x-total-count']} but {len(rows)} rows"
        )
        return Answer(200, rows)
    if "format=ndjson" in path and response.status_code == 200:
        rows = [json.loads(line) for line in response.text.splitlines()]
        assert response.headers["x-total-count"] == str(len(rows)), (
            f"{path}: X-Total-Count {response.headers['x-total-count']} but {len(rows)} rows"
        )
        return Answer(200, rows)
    if response.status_code in (404, 410) and path.count("/") == 3:
        # a record absent from this set: never loaded yet (404) or deleted by a load (410)
        return Answer(404, "absent")
    body = response.json()
    if isinstance(body, dict):  # the versions a record's detail names move on with every load
        body = {k: v for k, v in body.items() if k not in ("first_seen", "last_changed")}
    if path == "/v1" and response.status_code == 200:
        assert body["version"] == version_of(response.headers.get("etag")), "version vs ETag"
        body = {k: v for k, v in body.items() if k not in ("version", "loaded_at")}
    elif response.status_code == 200 and "items" in body and "total" in body and "limit=500" in path:
        assert body["total"] == len(body["items"]), f"{path}: total {body['total']} vs {len(body['items'])}"
    return Answer(response.status_code, body)


def answers(http: httpx.Client) -> dict[str, Answer]:
    return {path: normalize(path, http.get(path)) for path in PATHS}


def brief(body: Any) -> Any:
    """A list answer as its (type, id, score) rows: enough to see an order that changed."""
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return [tuple(item.get(k) for k in ("type", "id", "score") if k in item) for item in body["items"]]
    return body


@dataclass
class Observation:
    path: str
    status: int
    etag: str | None
    sent_etag: str | None
    answer: Answer | None
    problem: str | None = None


def client_loop(base: str, seed: int, stop: threading.Event, out: list[Observation]) -> None:
    rng = random.Random(seed)
    last_etag: dict[str, str] = {}
    with httpx.Client(base_url=base, timeout=30) as http:
        while not stop.is_set():
            path = rng.choice(PATHS)
            sent = last_etag.get(path) if rng.random() < 0.25 else None
            try:
                response = http.get(path, headers={"If-None-Match": sent} if sent else {})
            except httpx.HTTPError as exc:
                out.append(Observation(path, -1, None, sent, None, f"{type(exc).__name__}: {exc}"))
                continue
            etag = response.headers.get("etag")
            if etag:
                last_etag[path] = etag
            answer, problem = None, None
            if response.status_code != 304:
                try:
                    answer = normalize(path, response)
                except (AssertionError, ValueError, KeyError) as exc:
                    problem = f"inconsistent answer: {exc}"
            out.append(Observation(path, response.status_code, etag, sent, answer, problem))


# ---------------------------------------------------------------------------------------------
# The tests


def test_same_seeds_same_answers(empty_db: Database, tmp_path: Path) -> None:
    """Loading A, then B, then A again answers every request exactly as the first A did."""
    sets = make_seed_sets(tmp_path)
    first: dict[str, Answer] = {}
    with TestClient(create_app(Settings(database_url=empty_db.reader_url))) as http:
        for step, name in enumerate(["A", "B", "A"]):
            seeds, articles = sets[name]
            load(empty_db.writer_url, seeds, articles=articles)
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

    def load_set(name: str) -> None:
        seeds, articles = sets[name]
        load(empty_db.writer_url, seeds, articles=articles)

    load_set("A")
    with uvicorn_server(empty_db.reader_url, tmp_path / "uvicorn.log") as (base, process):
        dataset_of: dict[int, str] = {}
        expected: dict[str, dict[str, Answer]] = {}
        with httpx.Client(base_url=base, timeout=30) as http:

            def loaded(name: str) -> None:
                version = http.get("/v1").json()["version"]
                assert version not in dataset_of, f"version {version} did not change on reload"
                dataset_of[version] = name

            loaded("A")
            load_set("B")
            loaded("B")
            expected["B"] = answers(http)
            load_set("A")
            loaded("A")
            # A's answers once it has been reloaded (test_same_seeds_same_answers checks that
            # they do not depend on the load history)
            expected["A"] = answers(http)

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
            stop = threading.Event()
            results: list[list[Observation]] = [[] for _ in range(CLIENTS)]
            threads = [
                threading.Thread(target=client_loop, args=(base, i, stop, results[i]), daemon=True)
                for i in range(CLIENTS)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            rng = random.Random(0)
            try:
                time.sleep(0.3)
                for i in range(RELOADS):
                    name = "B" if i % 2 == 0 else "A"
                    load_set(name)
                    loaded(name)
                    time.sleep(rng.uniform(0.0, 0.25))
                time.sleep(0.3)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)
            elapsed = time.monotonic() - started
            assert not any(t.is_alive() for t in threads), "a client thread hung"
            assert process.poll() is None, "uvicorn died"

    observations = [o for result in results for o in result]
    print(
        f"\n{empty_db.backend}: {len(observations)} requests in {elapsed:.1f} s during {RELOADS} reloads;"
        f" statuses {dict(Counter(o.status for o in observations))}"
    )
    failures: list[str] = []
    seen_sets: Counter[str] = Counter()
    for o in observations:
        where = f"{o.path} [{o.status}, {o.etag}]"
        if o.problem:
            failures.append(f"{where}: {o.problem}")
            continue
        if o.status == 304:
            if o.sent_etag is None or o.etag != o.sent_etag:
                failures.append(f"{where}: 304 without the tag that was sent ({o.sent_etag})")
            continue
        assert o.answer is not None
        if o.status not in (200, 404, 410):
            failures.append(f"{where}: unexpected status {o.status}: {o.answer.body}")
            continue
        version = version_of(o.etag)
        if version is None:  # a 404 or 410 carries no tag: it must be A's or B's absent record
            if o.answer not in (expected["A"][o.path], expected["B"][o.path]):
                failures.append(f"{where}: neither A's nor B's answer: {o.answer.body}")
            continue
        if version not in dataset_of:
            failures.append(f"{where}: version {version} was never loaded")
            continue
        name = dataset_of[version]
        seen_sets[name] += 1
        if o.answer != expected[name][o.path]:
            other = "B" if name == "A" else "A"
            also = " (it is the other set's answer)" if o.answer == expected[other][o.path] else ""
            failures.append(
                f"{where}: version {version} holds {name} but the body is not {name}'s answer{also}:"
                f" {str(o.answer.body)[:300]}"
            )
    assert not failures, f"{len(failures)} bad answers of {len(observations)}:\n" + "\n".join(
        sorted(set(failures))[:30]
    )
    assert seen_sets["A"] > 20 and seen_sets["B"] > 20, f"the clients did not see both sets: {seen_sets}"
    seen_versions = {version_of(o.etag) for o in observations} - {None}
    assert len(seen_versions) >= RELOADS // 2, f"only versions {sorted(seen_versions)} were seen"
