"""A bounded soak: 50 concurrent clients against one uvicorn worker over the real seeds.

    .venv/bin/pytest -m soak -s tests/test_soak.py       # 60 s (SOAK_SECONDS to change)

The short version (8 s unless SOAK_SECONDS is set) runs in the normal suite. Both hold 50
loopback clients on a mix of list pages with random filters (and their next pages), detail
pages, search, facets, pledge summaries, CSV and NDJSON exports, conditional requests and bad
requests, and assert: no 5xx, no connection error (a request slower than 10 s counts as one),
every bad request gets its 4xx, and the server's resident memory (VmRSS, sampled every 0.5 s)
grows by less than 10% between the first and the last ten seconds (the first and last 20% of
a shorter run).

The measured run follows a warm-up of the same traffic, checked the same way
(SOAK_WARMUP_SECONDS: 20 s for the soak, 8 s for the short run): a fresh server grows from
about 77 to 115 MiB in its first seconds (worker threads, malloc arenas, SQLAlchemy's compiled
statement cache), which says nothing about leaks. SOAK_WARMUP_SECONDS=0 measures from start.
"""

import csv
import io
import json
import os
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.models.enums import InitiativeKind, Metric, OrganizationKind, Role, Status, Unit
from app.seeding.load import load
from tests.conftest import SEEDS
from tests.server import uvicorn_server

CLIENTS = 50
SAMPLE_EVERY_S = 0.5
MAX_GROWTH = 0.10
REQUEST_TIMEOUT_S = 10.0  # the data is tiny: a request this slow is a failure
PROBLEM = "application/problem+json"


def soak_seconds(default: float) -> float:
    return float(os.environ.get("SOAK_SECONDS", default))


def warmup_seconds(default: float) -> float:
    return float(os.environ.get("SOAK_WARMUP_SECONDS", default))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


# ---------------------------------------------------------------------------------------------
# The request mix


@dataclass
class Vocabulary:
    ids: dict[str, list[str]]  # resource -> record ids
    countries: list[str]
    sectors: list[str]
    words: list[str]
    dates: list[str]


def fetch_vocabulary(http: httpx.Client) -> Vocabulary:
    items = {
        name: http.get(f"/v1/{name}", params={"limit": 500}).raise_for_status().json()["items"]
        for name in ("initiatives", "organizations", "mous", "pledges", "sources")
    }
    words = sorted(
        {
            w.strip("(),.'\"").lower()
            for i in items["initiatives"] + items["organizations"]
            for w in i["name"].split()
            if len(w.strip("(),.'\"")) >= 3 and w.isascii()
        }
    )
    dates = sorted(
        {i["announced_on"] for i in items["initiatives"] if i["announced_on"]}
        | {m["signed_on"] for m in items["mous"] if m["signed_on"]}
    )
    return Vocabulary(
        ids={name: [i["id"] for i in rows] for name, rows in items.items()},
        countries=sorted({c for i in items["initiatives"] for c in i["countries"]} | {"VN"}),
        sectors=sorted({s for i in items["initiatives"] for s in i["sectors"]}),
        words=words,
        dates=dates or ["2025"],
    )


@dataclass
class Request:
    kind: str
    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    expect: frozenset[int] = frozenset({200})


LIST_FILTERS = {
    "initiatives": lambda r, v: [
        ("country", lambda: r.choice(v.countries)),
        ("organization", lambda: r.choice(v.ids["organizations"])),
        ("role", lambda: r.choice(list(Role)).value),
        ("kind", lambda: r.choice(list(InitiativeKind)).value),
        ("sector", lambda: r.choice(v.sectors)),
        ("status", lambda: r.choice(list(Status)).value),
        ("announced_from", lambda: r.choice(v.dates)[: r.choice([4, 7, 10])]),
        ("q", lambda: r.choice(v.words)),
    ],
    "pledges": lambda r, v: [
        ("organization", lambda: r.choice(v.ids["organizations"])),
        ("country", lambda: r.choice(v.countries)),
        ("metric", lambda: r.choice(list(Metric)).value),
        ("unit", lambda: r.choice(list(Unit)).value),
        ("min_amount", lambda: str(r.choice([0, 100, 1000, 1e6]))),
        ("target_to", lambda: r.choice(["2021", "2023-06", "2030-12-31"])),
        ("initiative", lambda: r.choice(v.ids["initiatives"])),
    ],
    "mous": lambda r, v: [
        ("party", lambda: r.choice(v.ids["organizations"])),
        ("country", lambda: r.choice(v.countries)),
        ("signed_from", lambda: r.choice(v.dates)[:7]),
        ("initiative", lambda: r.choice(v.ids["initiatives"])),
    ],
    "organizations": lambda r, v: [
        ("country", lambda: r.choice(v.countries)),
        ("kind", lambda: r.choice(list(OrganizationKind)).value),
        ("parent", lambda: r.choice(v.ids["organizations"])),
        ("q", lambda: r.choice(v.words)),
    ],
    "sources": lambda r, v: [],
}
SORTS = {
    "initiatives": ["id", "-name", "kind,-announced_on", "-status,name", "announced_on"],
    "pledges": ["-amount", "target_on", "metric,-announced_on"],
    "mous": ["-signed_on", "title"],
    "organizations": ["name", "-country", "kind,country"],
    "sources": ["-published_on", "title"],
}
FACETS = {
    "initiatives": "country,kind,status,sector,role,organization",
    "pledges": "metric,unit,country,status,organization,year",
    "mous": "country,party,year",
    "organizations": "kind,country",
    "sources": "publisher,year",
}
DETAIL = {
    "initiatives": "/v1/initiatives/{}",
    "organizations": "/v1/organizations/{}",
    "mous": "/v1/mous/{}",
    "pledges": "/v1/pledges/{}",
    "sources": "/v1/sources/{}",
}
CLIENT_ERRORS = frozenset({400, 404, 405, 413, 414, 422})


def random_list(r: random.Random, v: Vocabulary, *, facets: bool = False) -> Request:
    resource = r.choice(list(LIST_FILTERS))
    options = LIST_FILTERS[resource](r, v)
    params = [(name, make()) for name, make in r.sample(options, k=min(len(options), r.choice([0, 1, 1, 2])))]
    params += [("limit", str(r.randint(1, 12))), ("sort", r.choice(SORTS[resource]))]
    if facets:
        params.append(("facets", FACETS[resource]))
    return Request("facets" if facets else "list", "GET", f"/v1/{resource}", params)


def bad(path: str, params: list[tuple[str, str]] | None = None, *expect: int, method: str = "GET") -> Request:
    return Request("bad", method, path, params or [], expect=frozenset(expect))


def bad_request(r: random.Random, v: Vocabulary) -> Request:
    cursor = r.choice(["abc", "!!!", "W10", "bnVsbA", "x" * 40])
    choices = [
        bad("/v1/initiatives", [("colour", "red")], 422),
        bad("/v1/pledges", [("sort", "-amount"), ("cursor", cursor)], 400, 422),
        bad("/v1/search", [("q", "huawei"), ("cursor", "bm9wZQ")], 400),
        bad("/v1/initiatives", None, 405, method=r.choice(["POST", "PUT", "DELETE", "PATCH"])),
        bad(DETAIL["pledges"].format(r.choice(v.ids["pledges"])), None, 405, method="DELETE"),
        bad(DETAIL[r.choice(list(DETAIL))].format("no-such-record"), None, 404),
        bad("/v1/organizations/no-such-record/partners", None, 404),
        bad("/v1/nowhere", None, 404),
        bad("/v1/organizations", [("limit", "0")], 422),
        bad("/v1/initiatives", [("country", "XX")], 422),
        bad("/v1/mous", [("sort", "colour")], 422),
        bad("/v1/mous", [("facets", "colour")], 422),
        bad("/v1/pledges", [("organization", "no-such-org")], 422),
        bad("/v1/pledges", [("min_amount", "10"), ("max_amount", "1")], 422),
        bad("/v1/initiatives", [("announced_from", "2025"), ("announced_to", "2024")], 422),
        bad("/v1/search", None, 422),
        bad("/v1/organizations", [("format", "xml")], 422),
        bad("/v1/initiatives", [("q", "x" * 5000)], 414),
    ]
    return r.choice(choices)


def next_request(r: random.Random, v: Vocabulary, state: dict[str, Any]) -> Request:
    roll = r.random()
    if roll < 0.22:
        pending = state.get("next")
        if pending and r.random() < 0.5:
            state["next"] = None
            return pending
        return random_list(r, v)
    if roll < 0.40:
        resource = r.choice(list(DETAIL))
        return Request("detail", "GET", DETAIL[resource].format(r.choice(v.ids[resource])))
    if roll < 0.45:
        return Request("detail", "GET", f"/v1/organizations/{r.choice(v.ids['organizations'])}/partners")
    if roll < 0.55:
        words = r.sample(v.words, k=r.choice([1, 1, 2]))
        if r.random() < 0.3 and words[-1].isalnum():  # a prefix ends one word (`e-c*` is a 422)
            words[-1] = words[-1][:3] + "*"
        params = [("q", " ".join(words)), ("limit", str(r.randint(1, 20)))]
        if r.random() < 0.3:
            params.append(("type", r.choice(["initiative", "organization", "mou", "pledge", "source"])))
        return Request("search", "GET", "/v1/search", params)
    if roll < 0.63:
        return random_list(r, v, facets=True)
    if roll < 0.68:
        group = r.choice(["organization", "country", "metric", "year", "announced_year"])
        return Request("summary", "GET", "/v1/pledges/summary", [("group_by", group)])
    if roll < 0.78:
        resource = r.choice(list(LIST_FILTERS))
        fmt = r.choice(["csv", "ndjson"])
        if r.random() < 0.5:
            return Request("export", "GET", f"/v1/{resource}", [("format", fmt)])
        accept = "text/csv" if fmt == "csv" else "application/x-ndjson"
        return Request("export", "GET", f"/v1/{resource}", headers={"Accept": accept})
    if roll < 0.83:
        etag = state.get("etag")
        if etag:
            path, params, tag = etag
            return Request("conditional", "GET", path, params, {"If-None-Match": tag}, frozenset({304}))
        return Request("meta", "GET", "/v1")
    if roll < 0.85:
        return Request("meta", "GET", r.choice(["/v1", "/health", "/ready", "/openapi.json"]))
    return bad_request(r, v)


# ---------------------------------------------------------------------------------------------
# Clients and the memory sampler


@dataclass
class Tally:
    done: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    connection_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


def check(req: Request, response: httpx.Response) -> str | None:
    """Why the response is wrong for its request, or None."""
    if response.status_code not in req.expect:
        return f"expected {sorted(req.expect)}"
    if response.status_code in CLIENT_ERRORS:
        if req.method != "HEAD" and not response.headers.get("content-type", "").startswith(PROBLEM):
            return f"a {response.status_code} that is not problem+json"
        return None
    if req.kind == "export":
        if "csv" in response.headers.get("content-type", ""):
            rows = len(list(csv.reader(io.StringIO(response.text)))) - 1
        else:
            rows = len([json.loads(line) for line in response.text.splitlines()])
        if response.headers.get("x-total-count") != str(rows):
            return f"X-Total-Count {response.headers.get('x-total-count')} but {rows} rows"
    return None


def client_loop(base: str, seed: int, vocab: Vocabulary, deadline: float, tally: Tally) -> None:
    r = random.Random(seed)
    state: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as http:
        while time.monotonic() < deadline:
            req = next_request(r, vocab, state)
            try:
                response = http.request(req.method, req.path, params=req.params, headers=req.headers)
            except httpx.HTTPError as exc:
                tally.connection_errors.append(
                    f"{req.method} {req.path} {req.params}: {type(exc).__name__}: {exc}"
                )
                continue
            tally.done += 1
            tally.statuses[response.status_code] += 1
            tally.kinds[req.kind] += 1
            where = f"{req.method} {req.path} {req.params} {req.headers} -> {response.status_code}"
            if response.status_code >= 500:
                tally.server_errors.append(f"{where}: {response.text[:300]}")
                continue
            problem = check(req, response)
            if problem:
                tally.unexpected.append(f"{where}: {problem}: {response.text[:200]}")
                continue
            if response.status_code == 200 and req.kind in ("list", "facets", "detail", "search"):
                etag = response.headers.get("etag")
                if etag and r.random() < 0.5:
                    state["etag"] = (req.path, req.params, etag)
                if req.kind == "list":
                    cursor = json.loads(response.content).get("next_cursor")
                    if cursor:
                        params = [(k, v) for k, v in req.params if k != "cursor"]  # given once
                        state["next"] = Request("list", "GET", req.path, [*params, ("cursor", cursor)])


def sample_rss(pid: int, stop: threading.Event, started: float, samples: list[tuple[float, int]]) -> None:
    while not stop.is_set():
        try:
            samples.append((time.monotonic() - started, rss_kib(pid)))
        except (OSError, AssertionError):
            return
        stop.wait(SAMPLE_EVERY_S)


# ---------------------------------------------------------------------------------------------
# The soak


def timeline(samples: list[tuple[float, int]], elapsed: float, points: int = 12) -> str:
    marks = []
    for i in range(points + 1):
        at = elapsed * i / points
        _, kib = min(samples, key=lambda s: abs(s[0] - at))
        marks.append(f"{at:.0f}: {kib / 1024:.1f}")
    return ", ".join(marks)


def run_soak(tmp_path: Path, seconds: float, warmup: float) -> None:
    """`warmup` seconds of the same traffic (checked the same way), then `seconds` measured."""
    database_url = f"sqlite:///{tmp_path / 'initiatives.db'}"
    load(database_url, SEEDS)
    log = tmp_path / "uvicorn.log"
    with uvicorn_server(database_url, log) as (base, process):
        with httpx.Client(base_url=base, timeout=30) as http:
            vocab = fetch_vocabulary(http)
        tallies = [Tally() for _ in range(CLIENTS)]
        samples: list[tuple[float, int]] = []
        stop = threading.Event()
        started = time.monotonic()
        deadline = started + warmup + seconds
        sampler = threading.Thread(target=sample_rss, args=(process.pid, stop, started, samples), daemon=True)
        clients = [
            threading.Thread(target=client_loop, args=(base, i, vocab, deadline, tallies[i]), daemon=True)
            for i in range(CLIENTS)
        ]
        sampler.start()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=seconds + 120)
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join(timeout=5)
        hung = sum(t.is_alive() for t in clients)
        alive = process.poll() is None

    done = sum(t.done for t in tallies)
    statuses = sum((t.statuses for t in tallies), Counter())
    kinds = sum((t.kinds for t in tallies), Counter())
    server_errors = [e for t in tallies for e in t.server_errors]
    connection_errors = [e for t in tallies for e in t.connection_errors]
    unexpected = [e for t in tallies for e in t.unexpected]

    window = min(10.0, 0.2 * seconds)
    first = [kib for at, kib in samples if warmup <= at <= warmup + window]
    last = [kib for at, kib in samples if at >= elapsed - window]
    assert first and last, f"too few memory samples: {samples}"
    rss_start, rss_end = statistics.mean(first), statistics.mean(last)
    growth = (rss_end - rss_start) / rss_start
    print(
        f"\nsoak {seconds:.0f} s after {warmup:.0f} s of warm-up, {CLIENTS} clients:"
        f" {done} requests in {elapsed:.1f} s"
        f" = {done / elapsed:.0f} req/s"
        f"\n  statuses {dict(sorted(statuses.items()))}"
        f"\n  kinds {dict(sorted(kinds.items()))}"
        f"\n  5xx {len(server_errors)}, connection errors {len(connection_errors)},"
        f" wrong answers {len(unexpected)}"
        f"\n  server RSS: {samples[0][1] / 1024:.1f} MiB at start;"
        f" first {window:.1f} s after warm-up mean {rss_start / 1024:.1f} MiB,"
        f" last {window:.1f} s mean {rss_end / 1024:.1f} MiB, growth {growth:+.1%}"
        f" (min {min(k for _, k in samples) / 1024:.1f}, max {max(k for _, k in samples) / 1024:.1f} MiB,"
        f" {len(samples)} samples)"
        f"\n  RSS timeline (s: MiB): {timeline(samples, elapsed)}"
    )

    log_tail = log.read_text(errors="replace")[-3000:]
    assert alive, f"uvicorn died:\n{log_tail}"
    assert hung == 0, f"{hung} client threads still running"
    assert not server_errors, f"{len(server_errors)} 5xx:\n" + "\n".join(server_errors[:20]) + f"\n{log_tail}"
    assert not connection_errors, f"{len(connection_errors)} connection errors:\n" + "\n".join(
        connection_errors[:20]
    )
    assert not unexpected, f"{len(unexpected)} wrong answers:\n" + "\n".join(sorted(set(unexpected))[:30])
    assert done >= CLIENTS, "the soak made almost no requests"
    assert statuses[200] and any(s in statuses for s in CLIENT_ERRORS) and statuses[304]
    assert growth < MAX_GROWTH, f"server RSS grew {growth:.1%} (from {rss_start} to {rss_end} KiB)"


@pytest.mark.soak
def test_soak(tmp_path: Path) -> None:
    run_soak(tmp_path, soak_seconds(60), warmup_seconds(20))


def test_soak_short(tmp_path: Path) -> None:
    run_soak(tmp_path, soak_seconds(8), warmup_seconds(8))
