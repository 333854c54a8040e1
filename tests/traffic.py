"""Two seed sets A and B, the answers that tell them apart, and client threads that query a live
server while its data changes, so that every answer can be checked to be all A or all B.

Each response carries the dataset version of its snapshot in its ETag; a test records which set
every version holds (`dataset_of`), and `check` compares each body with that set's answer.
Used by tests/test_reload_consistency.py (one database reloaded under traffic) and
tests/test_replica.py (a streaming replica of the database the loader writes).
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.seeding.load import load
from tests.helpers import FIXTURES, edit

CLIENTS = 4

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


def load_set(sets: dict[str, tuple[Path, Path]], name: str, url: str) -> None:
    seeds, articles = sets[name]
    load(url, seeds, articles=articles)


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


class Traffic:
    """CLIENTS threads querying `base` until the block ends; `observations` holds every answer."""

    def __init__(self, base: str, clients: int = CLIENTS) -> None:
        self.results: list[list[Observation]] = [[] for _ in range(clients)]
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=client_loop, args=(base, i, self.stop, self.results[i]), daemon=True)
            for i in range(clients)
        ]
        self.elapsed = 0.0

    def __enter__(self) -> "Traffic":
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        self.elapsed = time.monotonic() - self.started
        assert not any(t.is_alive() for t in self.threads), "a client thread hung"

    @property
    def observations(self) -> list[Observation]:
        return [o for result in self.results for o in result]

    def summary(self) -> str:
        statuses = dict(Counter(o.status for o in self.observations))
        return f"{len(self.observations)} requests in {self.elapsed:.1f} s; statuses {statuses}"


def check(
    observations: list[Observation], expected: dict[str, dict[str, Answer]], dataset_of: dict[int, str]
) -> Counter[str]:
    """Every answer is exactly the answer of the set its ETag's version holds (a 304 only for the
    tag sent, a 404 or 410 without a tag one set's absent record); how many answers each set gave."""
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
    return seen_sets


def expected_answers(http: httpx.Client, switch: Callable[[str], None]) -> dict[str, dict[str, Answer]]:
    """Each set's answers: `switch` loads B, then A again, and waits until `http` serves it. A's
    are taken once it has been reloaded (test_same_seeds_same_answers checks that answers do not
    depend on the load history)."""
    expected = {}
    for name in ("B", "A"):
        switch(name)
        expected[name] = answers(http)
    return expected


def assert_saw_both(
    traffic: Traffic, expected: dict[str, dict[str, Answer]], dataset_of: dict[int, str], loads: int
) -> None:
    """`check`, and the clients saw both sets and at least half of the versions loaded."""
    seen_sets = check(traffic.observations, expected, dataset_of)
    assert seen_sets["A"] > 20 and seen_sets["B"] > 20, f"the clients did not see both sets: {seen_sets}"
    seen_versions = {version_of(o.etag) for o in traffic.observations} - {None}
    assert len(seen_versions) >= loads // 2, f"only versions {sorted(seen_versions)} were seen"
