"""Load-test our API against Datasette and a bare ASGI ceiling, on the same synthetic database.

python scripts/bench.py [--quick] [--initiatives N] [--duration S] [--connections C]
python scripts/bench.py --export            # full CSV export of every pledge: time, size, peak RSS
python scripts/bench.py --profile SHAPE     # our server under pyinstrument for one query shape
python scripts/bench.py --postgresql        # the shapes on PostgreSQL, against their SQL alone

Builds (or reuses, keyed by scale and seed, under bench-data/) a database with scripts/synth.py,
starts three servers on loopback, each one process under the same uvicorn (uvloop + httptools
when installed, default logging):

  ours      python -m uvicorn app.main:app --workers 1 (DATABASE_URL = the file)
  datasette datasette serve -i FILE (immutable, read-only), suggest_facets off,
            default_page_size 50, SQL and facet time limits raised to 10 s so that Datasette
            never answers faster by giving up; lists use _nocount=1 (its best configuration:
            PERFORMANCE.md), search is a canned query doing the same ranked FTS5 query as ours
  ceiling   a bare ASGI app (scripts.bench:ceiling) answering each shape with the bytes our
            API answered for one request of it

reads the database file once (page cache), waits until our API's count bitmaps are built
(/ready), and drives each with wrk (same connections, duration, one wrk thread) through a Lua script that
cycles through up to 25,000 different paths per shape (ids, filter sets, words, pages), more than
a run can ask for, so that no cache answers for the server (see build_paths). Before measuring,
one request per shape and server must answer 200 with the same rows from ours and Datasette.
Each run reports the CPU the server, wrk and every other process used (/proc), so that a run
disturbed by other work on the machine, or limited by wrk, shows as such; after each run the
server is left to finish the requests wrk abandoned before the next run starts.

Shapes: list, record, deep (page 1,000 by cursor), search, facets, figures, timeline, changes
(the change feed since a version, by cursor) and history (an initiative `?as_of_version=N`);
the synthetic history is scripts/synth.py's (11 versions, 1 initiative in 500 changed by each).
Then list and record again on two workers (`--no-two-workers` skips them), and the report ends
with issue 16's targets, each with its figure and whether it is met.

wrk: `apt-get update && apt-get install -y wrk` (Debian package).
"""

from __future__ import annotations

import argparse
import bisect
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench-data"
SHAPES = ["list", "record", "deep", "search", "facets", "figures", "timeline", "changes", "history"]
# Shapes that are a page of a list filtered by a value and a country, compared row for row.
PAGES = ("list", "deep", "figures", "timeline")
SERVERS = ["ours", "datasette", "ceiling"]
PAGE = 50
CLK_TCK = os.sysconf("SC_CLK_TCK")

# ---------------------------------------------------------------------------------------------
# The ceiling: a bare ASGI app. Kept at the top and free of heavy imports, since uvicorn imports
# this module in the ceiling's own process (BENCH_CEILING_FILE names the bodies to answer).
# ---------------------------------------------------------------------------------------------


def _load_ceiling() -> dict[str, tuple[bytes, list[tuple[bytes, bytes]]]]:
    path = os.environ.get("BENCH_CEILING_FILE")
    if not path:
        return {}
    out = {}
    for shape, item in json.loads(Path(path).read_text()).items():
        body = item["body"].encode()
        headers = [
            (b"content-type", item["content_type"].encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        out[shape] = (body, headers)
    return out


_CEILING = _load_ceiling()


async def ceiling(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path, query = scope["path"], scope["query_string"]
    if path == "/v1/search":
        shape = "search"
    elif path == "/v1/figures":
        shape = "figures"
    elif path == "/v1/timeline":
        shape = "timeline"
    elif path == "/v1/changes":
        shape = "changes"
    elif b"as_of_version=" in query:
        shape = "history"
    elif path.startswith("/v1/initiatives/"):
        shape = "record"
    elif b"cursor=" in query:
        shape = "deep"
    elif b"facets=" in query:
        shape = "facets"
    else:
        shape = "list"
    body, headers = _CEILING[shape]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) and of its live children (uvicorn's workers),
    from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    own = (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of the whole line
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return own + sum(cpu_seconds(child) for child in children)


def busy_seconds() -> float:
    """CPU time every process on the machine has used (all CPUs), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK  # minus idle and iowait


def wait_idle(limit: float) -> None:
    """Wait (up to `limit` seconds) for three seconds in a row with the CPUs all but idle."""
    deadline, quiet = time.monotonic() + limit, 0
    while quiet < 3 and time.monotonic() < deadline:
        before = busy_seconds()
        time.sleep(1)
        quiet = quiet + 1 if busy_seconds() - before < 0.1 else 0


def drain(server: Server, limit: float = 120) -> float:
    """Wait until the server has finished the requests wrk left behind; seconds waited.

    wrk closes its connections at the end of a run, but the server still works through the
    requests it had accepted: a slow shape's warm-up would otherwise eat into the measured run.
    """
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(server.proc.pid)
        time.sleep(0.25)
        if cpu_seconds(server.proc.pid) - before < 0.02:
            break
    return time.monotonic() - started


def rss_kb(pid: int, key: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(name: str, cmd: list[str], env: dict[str, str], ready_path: str, port: int) -> Server:
    log = DATA / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, port, proc, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited at start-up; see {log}:\n{log.read_text()[-2000:]}")
        try:
            status, _, _ = fetch(server, ready_path, timeout=5)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"{name} did not answer {ready_path} within 90 s; see {log}")


def fetch(server: Server, path: str, timeout: float = 60) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("content-type") or "", response.read()
    finally:
        conn.close()


def fetch_json(server: Server, path: str) -> Any:
    status, ctype, body = fetch(server, path)
    if status != 200:
        raise AssertionError(f"{server.name} {path} answered {status}: {body[:300]!r}")
    if "json" not in ctype:
        raise AssertionError(f"{server.name} {path} answered {ctype}, not JSON")
    return json.loads(body)


# ---------------------------------------------------------------------------------------------
# The database and the request paths
# ---------------------------------------------------------------------------------------------


def database(initiatives: int, seed: int) -> Path:
    """The synthetic database of this scale and seed, built on first use."""
    path = DATA / f"synth-{initiatives}-s{seed}.db"
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
                # a database of an older synth.py (no history) is built again
                has_history = probe.execute("SELECT count(*) FROM changes").fetchone()[0] > 0
                if probe.execute("SELECT version FROM dataset WHERE id = 1").fetchone() and has_history:
                    print(f"reusing {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:,.0f} MB)")
                    return path
        except sqlite3.Error:
            pass
    from scripts.synth import build

    print(f"building {path.relative_to(ROOT)}: {initiatives:,} initiatives, seed {seed}")
    result = build(f"sqlite:///{path}", initiatives=initiatives, seed=seed, force=True)
    print(
        f"built {result['rows']:,} rows in {result['seconds']:.1f} s: {result['rows_per_s']:,} rows/s,"
        f" {result['bytes'] / 1e6:,.0f} MB"
    )
    return path


def country_where(
    countries: list[str], link: str = "initiative_countries", key: str = "initiative_id"
) -> str:
    """Datasette's `_where` for records with a country among `countries` in their link table."""
    quoted = ", ".join(f"'{c}'" for c in countries)
    return f"id in (select {key} from {link} where country in ({quoted}))"


@dataclass
class Paths:
    """Per shape: the paths each server is asked for (same meaning, index by index)."""

    ours: dict[str, list[str]] = field(default_factory=dict)
    datasette: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    deep_page: int = 0


SEARCH_SQL = (
    "select d.resource, d.record_id, d.name,"
    " snippet(search_fts, 1, '<mark>', '</mark>', '…', 16) as snippet,"
    " -bm25(search_fts, 10.0, 1.0) as score"
    " from search_fts join search_documents d on d.id = search_fts.rowid"
    " where search_fts match :q order by score desc, d.resource, d.record_id limit 20"
)


def datasette_metadata(db_name: str) -> dict[str, Any]:
    return {
        "databases": {
            db_name: {
                "queries": {"search": {"sql": SEARCH_SQL, "title": "Ranked search like /v1/search"}},
                "tables": {"search_documents": {"fts_table": "search_fts", "fts_pk": "id"}},
            }
        }
    }


def absent_countries(present: list[str]) -> list[str]:
    import pycountry

    return sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in present)


def padded(rng: random.Random, base: str, absent: list[str], used: set[tuple[str, ...]]) -> list[str]:
    """`base` with one or two country codes no record has: the same rows, a filter never seen."""
    while True:
        extra = tuple(sorted(rng.sample(absent, rng.choice((1, 2)))))
        if (base, *extra) not in used:
            used.add((base, *extra))
            return [base, *extra]


def build_paths(
    db: Path, db_name: str, seed: int, count: int, deep_page: int, ours: Server | None = None
) -> Paths:
    """Paths per shape, each list long enough that no filter repeats within a run.

    The API caches the totals and facet counts it counts in SQL per dataset version and filter
    set (DerivedCache), which is right, but a benchmark cycling through a few hundred filters
    would measure that cache (the count bitmaps need no cache: they count every request). So list, deep-page and facet filters name, besides a real country, one or
    two countries no record has: every request is a filter set the server has not counted yet,
    with the same rows as the plain filter. Searches use every word of the vocabulary once.
    """
    from app.common.listing import cursor_after
    from app.initiatives import service
    from app.initiatives.query import InitiativeQuery
    from scripts.synth import COUNTRIES, FUNCTION_WORDS, KIND_WEIGHTS, VOCAB

    rng = random.Random(seed)
    paths = Paths()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = conn.execute("SELECT count(*) FROM initiatives").fetchone()[0]
    width = len(conn.execute("SELECT id FROM initiatives ORDER BY id LIMIT 1").fetchone()[0]) - 4
    kinds = list(KIND_WEIGHTS)
    absent = absent_countries(COUNTRIES)
    ds = f"/{db_name}"

    def ds_table(table: str, params: list[tuple[str, str]]) -> str:
        return f"{ds}/{table}.json?" + urllib.parse.urlencode(params)

    def ds_page(kind: str, countries: list[str], *extra: tuple[str, str]) -> str:
        """A page of initiatives of `kind` in any of `countries`, without a total."""
        where = ("_where", country_where(countries))
        page = [("_size", str(PAGE)), ("_nocount", "1"), ("_shape", "objects")]
        return ds_table("initiatives", [("kind", kind), where, *page, *extra])

    def q(countries: list[str]) -> str:
        return "".join(f"&country={c}" for c in countries)

    # 1. filtered list: (country, kind), the country padded so that no total is cached.
    used: set[tuple[str, ...]] = set()
    ours_list, ds_list = [], []
    for _ in range(count):
        c, k = rng.choice(COUNTRIES), rng.choice(kinds)
        cs = padded(rng, c, absent, used)
        ours_list.append(f"/v1/initiatives?kind={k}{q(cs)}&limit={PAGE}")
        ds_list.append(ds_page(k, cs))
    paths.ours["list"], paths.datasette["list"] = ours_list, ds_list
    paths.notes["list"] = (
        "country + kind, 50 rows; datasette: initiatives?kind=..&_where=id in (select initiative_id"
        " from initiative_countries where country in (..))&_nocount=1 (no total; no embedded"
        " countries, sectors, participants)"
    )

    # 2. record by id
    picks = [rng.randint(1, n) for _ in range(count)]
    paths.ours["record"] = [f"/v1/initiatives/ini-{i:0{width}d}" for i in picks]
    paths.datasette["record"] = [f"{ds}/initiatives/ini-{i:0{width}d}.json" for i in picks]
    paths.notes["record"] = (
        "datasette: the row's JSON (the row only; ours embeds countries, sectors, participants,"
        " pledges, MoUs and citations)"
    )

    # 3. deep page by cursor: pages around `deep_page` of the biggest (country, kind) lists.
    sizes = conn.execute(
        "SELECT c.country, i.kind, count(*) FROM initiative_countries c"
        " JOIN initiatives i ON i.id = c.initiative_id GROUP BY 1, 2 ORDER BY 3 DESC"
    ).fetchall()
    spread = 10
    page = deep_page
    if sizes[min(2, len(sizes) - 1)][2] < (page + spread) * PAGE:
        page = max(spread + 2, sizes[min(2, len(sizes) - 1)][2] // PAGE - spread - 1)
    chosen = [r for r in sizes if r[2] >= (page + spread) * PAGE][:8]

    def cursor(countries: list[str], kind: str, last: str) -> str:
        query = InitiativeQuery.model_validate({"country": countries, "kind": [kind]})
        return cursor_after(service.RESOURCE, query, [last])

    lasts: dict[tuple[str, str], list[str]] = {}
    for country, kind, _size in chosen:
        # The cursor of page p holds the id of the last row of page p - 1.
        offset = (page - spread - 1) * PAGE - 1
        rows = conn.execute(
            "SELECT id FROM initiatives WHERE kind = ? AND id IN"
            " (SELECT initiative_id FROM initiative_countries WHERE country = ?) ORDER BY id LIMIT ? OFFSET ?",
            (kind, country, (2 * spread + 1) * PAGE, offset),
        ).fetchall()
        lasts[(country, kind)] = [r[0] for r in rows[::PAGE]]
    if ours is not None:  # our cursors must be the API's: compare with the one it hands out
        country, kind = chosen[0][:2]
        first_ids = conn.execute(
            "SELECT id FROM initiatives WHERE kind = ? AND id IN"
            " (SELECT initiative_id FROM initiative_countries WHERE country = ?) ORDER BY id LIMIT ?",
            (kind, country, PAGE),
        ).fetchall()
        given = fetch_json(ours, f"/v1/initiatives?kind={kind}&country={country}&limit={PAGE}")["next_cursor"]
        mine = cursor([country], kind, first_ids[-1][0])
        if given != mine:
            raise SystemExit(
                "the API's cursors are no longer made like app.common.listing.encode_cursor/_signature;"
                f" update build_paths (API {given!r}, computed {mine!r})"
            )
    used = set()
    ours_deep, ds_deep = [], []
    for _ in range(count):
        country, kind, _size = rng.choice(chosen)
        last = rng.choice(lasts[(country, kind)])
        cs = padded(rng, country, absent, used)
        ours_deep.append(f"/v1/initiatives?kind={kind}{q(cs)}&limit={PAGE}&cursor={cursor(cs, kind, last)}")
        ds_deep.append(ds_page(kind, cs, ("_next", last)))
    paths.ours["deep"], paths.datasette["deep"] = ours_deep, ds_deep
    paths.notes["deep"] = (
        f"page {page - spread}..{page + spread} of {len(chosen)} (country, kind) lists; ours by cursor"
        " (with the exact total), datasette by _next (keyset on id, _nocount=1)"
    )
    paths.deep_page = page

    # 4. full-text search: every word once (function words aside), in random order.
    words = [w for w in VOCAB if w not in FUNCTION_WORDS]
    rng.shuffle(words)
    paths.ours["search"] = [f"/v1/search?q={urllib.parse.quote(w)}" for w in words]
    paths.datasette["search"] = [
        f"{ds}/search.json?" + urllib.parse.urlencode({"q": w, "_shape": "array"}) for w in words
    ]
    paths.notes["search"] = (
        "one word, 20 best by bm25 with snippets; datasette: canned query with the same SQL; ours"
        " also counts every match"
    )

    # 5. facets over a filtered list: a country (padded), facets kind and status.
    used = set()
    ours_facets, ds_facets = [], []
    for _ in range(count):
        cs = padded(rng, rng.choice(COUNTRIES), absent, used)
        ours_facets.append(f"/v1/initiatives?{q(cs)[1:]}&facets=kind,status&limit=1")
        ds_facets.append(
            ds_table(
                "initiatives",
                [
                    ("_where", country_where(cs)),
                    ("_facet", "kind"),
                    ("_facet", "status"),
                    ("_size", "1"),
                    ("_nocount", "1"),
                    ("_shape", "objects"),
                ],
            )  # fmt: skip
        )
    paths.ours["facets"], paths.datasette["facets"] = ours_facets, ds_facets
    paths.notes["facets"] = "datasette: ?_facet=kind&_facet=status on the same filtered table, _nocount=1"

    # 6. figures: a page filtered by metric and country (padded), with the exact total.
    metrics = [m for (m,) in conn.execute("SELECT DISTINCT metric FROM figures ORDER BY metric")]
    used = set()
    ours_figures, ds_figures = [], []
    for _ in range(count):
        m, cs = rng.choice(metrics), padded(rng, rng.choice(COUNTRIES), absent, used)
        ours_figures.append(f"/v1/figures?metric={m}{q(cs)}&limit={PAGE}")
        where = country_where(cs, "figure_countries", "figure_id")
        rows = [("_size", str(PAGE)), ("_nocount", "1"), ("_shape", "objects")]
        ds_figures.append(ds_table("figures", [("metric", m), ("_where", where), *rows]))
    paths.ours["figures"], paths.datasette["figures"] = ours_figures, ds_figures
    paths.notes["figures"] = (
        "figures of a metric in a country, 50 rows; datasette: figures?metric=..&_where=id in (select"
        " figure_id from figure_countries ..)&_nocount=1 (ours embeds names and countries, and counts)"
    )

    # 7. timeline: events of one kind in a country (padded), in date order, with the exact total.
    events = [e for (e,) in conn.execute("SELECT DISTINCT event FROM timeline_events ORDER BY event")]
    used = set()
    ours_timeline, ds_timeline = [], []
    for _ in range(count):
        e, cs = rng.choice(events), padded(rng, rng.choice(COUNTRIES), absent, used)
        ours_timeline.append(f"/v1/timeline?event={e}{q(cs)}&limit={PAGE}")
        where = country_where(cs, "timeline_countries", "event_id")
        rows = [("_size", str(PAGE)), ("_nocount", "1"), ("_shape", "objects")]
        ds_timeline.append(ds_table("timeline_events", [("event", e), ("_where", where), *rows]))
    paths.ours["timeline"], paths.datasette["timeline"] = ours_timeline, ds_timeline
    paths.notes["timeline"] = (
        "events of one kind in a country, 50 in date order; datasette: timeline_events?event=..&_where=id"
        " in (select event_id from timeline_countries ..)&_nocount=1 (its primary key is the order)"
    )

    # 8. the change feed since a version, from a random change on (by cursor), with its total.
    from app.history.router import ChangeQuery, feed_cursor

    changes = conn.execute("SELECT version, resource, record_id FROM changes ORDER BY 1, 2, 3").fetchall()
    latest = conn.execute("SELECT max(version) FROM versions").fetchone()[0]
    ours_changes, ds_changes = [], []
    for _ in range(count):
        since = rng.randint(1, latest - 2)
        first = bisect.bisect_right(changes, (since, "\uffff", ""))
        version, resource, record_id = changes[rng.randint(first, len(changes) - 1)]
        query = ChangeQuery.model_validate({"since": since, "resource": [resource]})
        token = feed_cursor(query, {"version": version, "resource": resource, "id": record_id})
        ours_changes.append(f"/v1/changes?since={since}&resource={resource}&limit={PAGE}&cursor={token}")
        nxt = ",".join((str(version), resource, record_id))
        ds_changes.append(
            ds_table("changes", [("version__gt", str(since)), ("resource", resource), ("_size", str(PAGE)),
                                 ("_next", nxt), ("_nocount", "1"), ("_shape", "objects")])
        )  # fmt: skip
    paths.ours["changes"], paths.datasette["changes"] = ours_changes, ds_changes
    paths.notes["changes"] = (
        f"50 changes of a feed since a version (of {latest}), from a random change on, with the feed's"
        " total; datasette: changes?version__gt=..&resource=..&_next=..&_nocount=1 (its primary key is the order)"
    )

    # 9. a record as of a version, from its history (a version at or after one of its changes).
    ours_history, ds_history = [], []
    for _ in range(count):
        version, resource, record_id = rng.choice(changes)
        at = rng.randint(version, latest)
        ours_history.append(f"/v1/initiatives/{record_id}?as_of_version={at}")
        ds_history.append(
            ds_table("changes", [("resource", resource), ("record_id", record_id), ("version__lte", str(at)),
                                 ("_sort_desc", "version"), ("_size", "1"), ("_nocount", "1"), ("_shape", "objects")])
        )  # fmt: skip
    paths.ours["history"], paths.datasette["history"] = ours_history, ds_history
    paths.notes["history"] = (
        "an initiative as of a version, with first_seen and last_changed; datasette: its last change at"
        " or before the version (changes?record_id=..&version__lte=..&_sort_desc=version&_size=1)"
    )
    conn.close()
    return paths


# ---------------------------------------------------------------------------------------------
# Checks before measuring: every server answers 200 with the expected content, and the same rows
# ---------------------------------------------------------------------------------------------


def check_shape(shape: str, ours: Server, ds: Server, ceiling_srv: Server | None, paths: Paths) -> str:
    path_o, path_d = paths.ours[shape][0], paths.datasette[shape][0]
    o = fetch_json(ours, path_o)
    d = fetch_json(ds, path_d)
    if shape in PAGES:
        assert isinstance(o.get("items"), list) and "total" in o, f"ours {shape}: {str(o)[:200]}"
        assert o["items"], f"ours {shape} returned no rows for {path_o}"
        if shape == "timeline":  # an event: its record and what happened
            ours_ids = [(i["type"], i["id"], i["event"]) for i in o["items"]]
            ds_ids = [(r["type"], r["record_id"], r["event"]) for r in d["rows"]]
        else:
            ours_ids, ds_ids = [i["id"] for i in o["items"]], [r["id"] for r in d["rows"]]
        same = ours_ids == ds_ids
        detail = f"{len(ours_ids)} rows, total {o['total']}"
    elif shape == "record":
        assert o["id"] == path_o.rsplit("/", 1)[1] and "citations" in o, f"ours record: {str(o)[:200]}"
        same = d["rows"][0]["id"] == o["id"] if isinstance(d["rows"][0], dict) else d["rows"][0][0] == o["id"]
        detail = f"{len(o['participants'])} participants, {len(o['citations'])} citations"
    elif shape == "changes":
        assert isinstance(o.get("items"), list) and o["items"], f"ours changes: {str(o)[:200]}"
        ours_keys = [(i["version"], i["resource"], i["id"]) for i in o["items"]]
        same = ours_keys == [(r["version"], r["resource"], r["record_id"]) for r in d["rows"]]
        detail = f"{len(ours_keys)} changes, total {o['total']}"
    elif shape == "history":
        assert o["id"] == path_o.split("/")[3].split("?")[0] and o["last_changed"], (
            f"ours history: {str(o)[:200]}"
        )
        row = d["rows"][0]
        stamps = ("first_seen", "last_changed")
        same = row["record_id"] == o["id"] and json.loads(row["after"]) == {
            k: v for k, v in o.items() if k not in stamps
        }
        detail = f"as of version {path_o.rsplit('=', 1)[1]}, last changed in {o['last_changed']['version']}"
    elif shape == "search":
        assert isinstance(o.get("items"), list) and o["items"], f"ours search: {str(o)[:200]}"
        same = [(i["type"], i["id"]) for i in o["items"]] == [(r["resource"], r["record_id"]) for r in d]
        detail = f"{len(o['items'])} hits of {o['total']}"
    else:  # facets
        assert set(o.get("facets", {})) == {"kind", "status"}, f"ours facets: {str(o)[:200]}"
        assert not d.get("facets_timed_out"), f"datasette facets timed out: {d.get('facets_timed_out')}"
        results = d["facet_results"]
        ds_facets = {
            name: {r["value"]: r["count"] for r in results[name]["results"]} for name in ("kind", "status")
        }
        same = all(
            {f["value"]: f["count"] for f in o["facets"][name]} == ds_facets[name]
            for name in ("kind", "status")
        )
        detail = f"total {o['total']}, {len(o['facets']['kind'])} kinds"
    if ceiling_srv is not None:
        status, _, body = fetch(ceiling_srv, path_o)
        assert status == 200, f"ceiling {shape} answered {status}"
    return f"{shape:<7} ours 200 ({detail}); datasette 200; same rows as datasette: {'yes' if same else 'NO'}"


def capture_ceiling(ours: Server, paths: Paths) -> Path:
    bodies = {}
    for shape in SHAPES:
        status, ctype, body = fetch(ours, paths.ours[shape][0])
        assert status == 200, f"ours {shape}: {status}"
        bodies[shape] = {"content_type": ctype, "body": body.decode()}
    target = DATA / "ceiling-bodies.json"
    target.write_text(json.dumps(bodies))
    return target


# ---------------------------------------------------------------------------------------------
# wrk
# ---------------------------------------------------------------------------------------------

LUA = r"""
local paths = {}
local index = 0
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  index = (tonumber(args[2] or "0") + (offset or 0) * 7919) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d,'
    .. ' "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def run_wrk(
    server: Server, paths: list[str], duration: float, connections: int, threads: int, start: int = 0
) -> dict[str, Any]:
    """One wrk run from paths[start] on; with the CPU seconds wrk and the server spent during it."""
    script = DATA / "paths.lua"
    if not script.exists() or script.read_text() != LUA:
        script.write_text(LUA)
    listing = DATA / f"paths-{server.name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    cmd = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "30s",
        "-s", str(script), server.base, "--", str(listing), str(start),
    ]  # fmt: skip
    server_cpu0 = cpu_seconds(server.proc.pid)
    busy0, own0 = busy_seconds(), time.process_time()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    server_cpu = cpu_seconds(server.proc.pid) - server_cpu0
    busy, own = busy_seconds() - busy0, time.process_time() - own0
    drain(server)
    # communicate() has reaped wrk; its CPU time is what the children's totals grew by.
    wrk_cpu = _children_cpu_delta()
    line = next((x for x in out.decode().splitlines() if x.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({proc.returncode}): {err.decode()}\n{out.decode()}")
    r = json.loads(line[6:])
    seconds = r["duration_us"] / 1e6
    return {
        "rps": r["requests"] / seconds,
        "p50_ms": r["p50_us"] / 1000,
        "p90_ms": r["p90_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000,
        "requests": r["requests"],
        "non_2xx": r["status"],
        "socket_errors": r["connect"] + r["read"] + r["write"] + r["timeout"],
        "mb_per_s": r["bytes"] / seconds / 1e6,
        "server_cores": server_cpu / wall,
        "wrk_cores": wrk_cpu / wall,
        # CPU that neither the server, wrk nor this script used: other people's processes.
        "other_cores": max(0.0, busy - server_cpu - wrk_cpu - own) / wall,
    }


_children_seen = [0.0]


def _children_cpu_delta() -> float:
    t = os.times()
    total = t.children_user + t.children_system
    delta = total - _children_seen[0]
    _children_seen[0] = total
    return delta


# ---------------------------------------------------------------------------------------------
# Modes
# ---------------------------------------------------------------------------------------------


def start_ours(
    db: Path, *, profile_to: Path | None = None, workers: int = 1, url: str | None = None
) -> Server:
    port = free_port()
    uvicorn = [
        "-m",
        "uvicorn",
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    cmd = [sys.executable, *uvicorn]
    if profile_to is not None:
        cmd = [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "pyisession",
            "-o",
            str(profile_to),
            "-i",
            "0.0005",
            *uvicorn,
        ]
    name = "ours" if workers == 1 else f"ours-{workers}-workers"
    server = start(name, cmd, {"DATABASE_URL": url or f"sqlite:///{db}"}, "/health", port)
    wait_for_bitmaps(server, in_a_row=1 if workers == 1 else 10 * workers)
    if workers > 1:  # /ready answered by one worker says nothing of the others: wait for them all
        wait_quiet(server)
    return server


def wait_quiet(server: Server, limit: float = 600) -> None:
    """Wait until the server's processes (every worker) have used almost no CPU for 2 s: each
    worker builds its own count bitmaps at start-up, and a run must not measure that."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(server.proc.pid)
        time.sleep(2)
        if cpu_seconds(server.proc.pid) - before < 0.1:
            print(f"{server.name}: every worker idle after {time.monotonic() - started:.1f} s")
            return
    raise SystemExit(f"{server.name}: its workers were still busy after {limit:.0f} s; see {server.log}")


def wait_for_bitmaps(server: Server, limit: float = 600, in_a_row: int = 1) -> None:
    """Wait until the API counts from its bitmaps (built in the background at start-up); with
    several workers, until `in_a_row` answers in a row (each on a new connection, to any worker) say so."""
    started, ready = time.monotonic(), 0
    while time.monotonic() - started < limit:
        status, _, body = fetch(server, "/ready")
        state = json.loads(body).get("count_bitmaps") if status == 200 else None
        ready = ready + 1 if state in ("ready", "off") else 0
        if ready >= in_a_row:
            print(f"{server.name}: count bitmaps {state} after {time.monotonic() - started:.1f} s")
            return
        time.sleep(0.5 if ready == 0 else 0.05)
    raise SystemExit(f"ours: count bitmaps not built within {limit:.0f} s; see {server.log}")


def start_datasette(db: Path) -> Server:
    port = free_port()
    meta = DATA / "datasette-metadata.json"
    meta.write_text(json.dumps(datasette_metadata(db.stem), indent=2))
    cmd = [
        sys.executable, "-m", "datasette", "serve", "-i", str(db), "-h", "127.0.0.1", "-p", str(port),
        "--metadata", str(meta),
        "--setting", "suggest_facets", "off",
        "--setting", "default_page_size", str(PAGE),
        "--setting", "sql_time_limit_ms", "10000",
        "--setting", "facet_time_limit_ms", "10000",
    ]  # fmt: skip
    return start("datasette", cmd, {}, "/-/versions.json", port)


def start_ceiling(bodies: Path) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "scripts.bench:ceiling", "--host", "127.0.0.1", "--port", str(port),
           "--workers", "1"]  # fmt: skip
    return start("ceiling", cmd, {"BENCH_CEILING_FILE": str(bodies)}, "/v1/search", port)


def warm_page_cache(db: Path) -> None:
    """Read the database file once, so that neither server pays for the first reads from disk
    (the server measured first would otherwise warm the cache for the other)."""
    started = time.monotonic()
    with db.open("rb") as f:
        while f.read(1 << 24):
            pass
    print(f"read {db.name} into the page cache in {time.monotonic() - started:.1f} s")


def environment() -> dict[str, Any]:
    import importlib.util

    return {
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "sqlite": sqlite3.sqlite_version,
        "uvloop": importlib.util.find_spec("uvloop") is not None,
        "httptools": importlib.util.find_spec("httptools") is not None,
    }


def warn_if_busy() -> None:
    load1 = os.getloadavg()[0]
    if load1 > 0.5:
        print(
            f"WARNING: load average {load1:.2f} before starting: other processes use the CPUs;"
            " absolute figures will be low and noisy (ratios suffer less)."
        )


def measured(args: argparse.Namespace, server: Server, paths: list[str]) -> dict[str, Any]:
    """One measured wrk run, after the machine is idle (--wait-idle) and a warm-up on the second
    half of the paths, so that the measured run starts with paths never asked."""
    if args.wait_idle:
        wait_idle(args.wait_idle)
    if args.warmup > 0:
        run_wrk(server, paths, args.warmup, args.connections, args.threads, len(paths) // 2)
    return run_wrk(server, paths, args.duration, args.connections, args.threads)


def run_line(shape: str, label: str, r: dict[str, Any]) -> str:
    return (
        f"  {shape:<7} {label:<9} {r['rps']:>9,.0f} req/s  p50 {r['p50_ms']:7.1f} ms"
        f"  p99 {r['p99_ms']:7.1f} ms  server {r['server_cores']:.2f} cores,"
        f" wrk {r['wrk_cores']:.2f}, others {r['other_cores']:.2f}"
    )


def run_shapes(args: argparse.Namespace, db: Path, shapes: list[str]) -> None:
    servers: dict[str, Server] = {}
    warm_page_cache(db)
    try:
        servers["ours"] = start_ours(db)
        paths = build_paths(db, db.stem, args.seed, args.paths, args.deep_page, servers["ours"])
        servers["datasette"] = start_datasette(db)
        servers["ceiling"] = start_ceiling(capture_ceiling(servers["ours"], paths))
        print("\nchecks (one request per shape and server):")
        for shape in shapes:
            print("  " + check_shape(shape, servers["ours"], servers["datasette"], servers["ceiling"], paths))
        print("\nwhat is compared:")
        for shape in shapes:
            print(f"  {shape:<7} {paths.notes[shape]} ({len(paths.ours[shape])} different paths)")
        warn_if_busy()
        print(
            f"\nwrk: {args.connections} connections, {args.threads} thread(s), {args.duration:g} s per run"
            f" after a {args.warmup:g} s warm-up\n"
        )
        results: dict[str, dict[str, dict[str, Any]]] = {}
        _children_cpu_delta()
        for shape in shapes:
            results[shape] = {}
            for name in SERVERS:
                server = servers[name]
                plist = paths.datasette[shape] if name == "datasette" else paths.ours[shape]
                r = results[shape][name] = measured(args, server, plist)
                print(run_line(shape, name, r), flush=True)
        two: dict[str, dict[str, Any]] = {}
        scaled = [shape for shape in TWO_WORKER_SHAPES if shape in shapes]
        if scaled and not args.no_two_workers:
            servers.pop("ours").stop()
            servers["ours-2"] = start_ours(db, workers=2)
            for shape in scaled:
                r = two[shape] = measured(args, servers["ours-2"], paths.ours[shape])
                print(run_line(shape, "ours, 2 workers", r), flush=True)
        report(args, db, paths, shapes, results, two)
    finally:
        for server in servers.values():
            server.stop()


TWO_WORKER_SHAPES = ("list", "record")
NEW_SHAPES = ("figures", "timeline", "changes", "history")


def targets(
    args: argparse.Namespace,
    shapes: list[str],
    results: dict[str, dict[str, dict[str, Any]]],
    two: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Issue 16's targets, each with its figure from this run and whether it is met."""
    out: list[dict[str, Any]] = []

    def add(target: str, shape: str, figure: float, goal: float, unit: str, below: bool = False) -> None:
        met = figure < goal if below else figure >= goal
        out.append(
            {
                "target": target,
                "shape": shape,
                "figure": round(figure, 3),
                "goal": goal,
                "unit": unit,
                "met": met,
            }
        )

    for shape in shapes:
        ours, ds = results[shape]["ours"]["rps"], results[shape]["datasette"]["rps"]
        add("5x Datasette", shape, ours / max(ds, 1e-9), 5.0, "x")
    for shape in ("list", "record", "deep"):
        if shape in shapes:
            add(
                "p99 under 50 ms (16 connections)",
                shape,
                results[shape]["ours"]["p99_ms"],
                50.0,
                "ms",
                below=True,
            )
    for shape in ("list", "record"):
        if shape in shapes:
            add(
                "10% of the bare ceiling",
                shape,
                results[shape]["ours"]["rps"] / results[shape]["ceiling"]["rps"],
                0.10,
                "%",
            )
    for shape, r in two.items():
        add("2 workers at 1.8x one", shape, r["rps"] / results[shape]["ours"]["rps"], 1.8, "x")
    for shape in NEW_SHAPES:
        if shape in shapes:
            ratio = results[shape]["ours"]["rps"] / results[shape]["ceiling"]["rps"]
            out.append({"target": "new shape: ratio to the ceiling", "shape": shape, "figure": round(ratio, 4),
                        "goal": None, "unit": "%", "met": None})  # fmt: skip
    return out


def print_targets(args: argparse.Namespace, found: list[dict[str, Any]]) -> None:
    print(
        f"\ntargets at {args.initiatives:,} initiatives (issue 16; p99 and 5x are asked at 100,000 and 1,000,000):"
    )
    for t in found:
        value = f"{t['figure']:.1%}" if t["unit"] == "%" else f"{t['figure']:,.2f} {t['unit']}"
        goal = (
            ""
            if t["goal"] is None
            else (f"{t['goal']:.0%}" if t["unit"] == "%" else f"{t['goal']:g} {t['unit']}")
        )
        if t["met"] is None:
            verdict = "(measured)"
        elif t["met"]:
            verdict = "met"
        elif t["unit"] == "ms":
            verdict = f"MISSED by {t['figure'] - t['goal']:,.1f} ms"
        else:
            verdict = f"MISSED: {t['figure'] / t['goal']:.0%} of the goal"
        print(f"  {t['target']:<34} {t['shape']:<8} {value:>10}   goal {goal:>6}   {verdict}")


def report(
    args: argparse.Namespace,
    db: Path,
    paths: Paths,
    shapes: list[str],
    results: dict[str, dict[str, dict[str, Any]]],
    two: dict[str, dict[str, Any]] | None = None,
) -> None:
    print()
    header = (
        f"{'shape':<7} {'server':<9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
        f" {'srv cores':>9} {'wrk cores':>9} {'others':>6}   {'ours/datasette':>14} {'ours/ceiling':>12}"
    )
    print(header)
    print("-" * len(header))
    ratios: dict[str, dict[str, float]] = {}
    warnings: list[str] = []
    busy: list[str] = []
    for shape in shapes:
        ours = results[shape]["ours"]["rps"]
        ratios[shape] = {
            "ours_over_datasette": ours / max(results[shape]["datasette"]["rps"], 1e-9),
            "ours_over_ceiling": ours / max(results[shape]["ceiling"]["rps"], 1e-9),
        }
        for name in SERVERS:
            r = results[shape][name]
            extra = ""
            if name == "ours":
                extra = f"   {ratios[shape]['ours_over_datasette']:>13.2f}x {ratios[shape]['ours_over_ceiling']:>11.1%}"
            print(
                f"{shape:<7} {name:<9} {r['rps']:>9,.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f}"
                f" {r['non_2xx'] + r['socket_errors']:>8} {r['server_cores']:>9.2f} {r['wrk_cores']:>9.2f}"
                f" {r['other_cores']:>5.2f}{'!' if r['other_cores'] > 0.15 else ' '}{extra}"
            )
            if r["other_cores"] > 0.15:
                busy.append(f"{shape}/{name}")
            if r["non_2xx"] or r["socket_errors"]:
                warnings.append(f"{shape}/{name}: {r['non_2xx']} non-2xx, {r['socket_errors']} socket errors")
            if r["wrk_cores"] > 0.6 and r["server_cores"] < 0.85:
                warnings.append(
                    f"{shape}/{name}: wrk used {r['wrk_cores']:.2f} cores and the server only"
                    f" {r['server_cores']:.2f}: the load generator may be the bottleneck"
                )
    print()
    print(
        "wrk vs server CPU: the server processes are single-process uvicorn; 'srv cores' near 1.0 with"
        " 'wrk cores' well below means the server, not wrk, is the bottleneck. 'others': CPU used by"
        " other processes on the machine during the run."
    )
    if busy:
        warnings.append(
            f"other processes used more than 0.15 cores during {', '.join(busy)} (marked !):"
            " those figures are low; rerun on a quiet machine or with --wait-idle 120"
        )
    for w in warnings:
        print("WARNING:", w)
    summary = {
        "initiatives": args.initiatives,
        "seed": args.seed,
        "database": str(db.relative_to(ROOT)),
        "database_mb": round(db.stat().st_size / 1e6),
        "duration_s": args.duration,
        "connections": args.connections,
        "deep_page": paths.deep_page,
        "environment": environment(),
        "results": {
            s: {
                n: {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
                for n, r in rs.items()
            }
            for s, rs in results.items()
        },
        "ratios": {s: {k: round(v, 3) for k, v in r.items()} for s, r in ratios.items()},
        "two_workers": {
            s: {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
            for s, r in (two or {}).items()
        },
        "targets": targets(args, shapes, results, two or {}),
    }
    print_targets(args, summary["targets"])
    print(json.dumps(summary, separators=(",", ":")))


def run_export(args: argparse.Namespace, db: Path) -> None:
    server = start_ours(db)
    try:
        pid = server.proc.pid
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            expected = conn.execute("SELECT count(*) FROM pledges").fetchone()[0]
        baseline = rss_kb(pid)
        peak = [baseline]
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                try:
                    peak[0] = max(peak[0], rss_kb(pid))
                except OSError:
                    return
                stop.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        cpu0 = cpu_seconds(pid)
        t0 = time.perf_counter()
        client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        client.request("GET", "/v1/pledges?format=csv")
        response = client.getresponse()
        first_byte = time.perf_counter() - t0
        size = lines = 0
        while chunk := response.read(1 << 20):
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - t0
        cpu = cpu_seconds(pid) - cpu0
        stop.set()
        poller.join()
        client.close()
        hwm = rss_kb(pid, "VmHWM")
        rows = lines - 1  # the header; no field of the synthetic data holds a line break
        ok = response.status == 200 and rows == expected
        print(
            f"\nexport /v1/pledges?format=csv: status {response.status}, {rows:,} rows (expected {expected:,}),"
            f" {size / 1e6:,.1f} MB in {seconds:.1f} s ({rows / seconds:,.0f} rows/s, {size / seconds / 1e6:.1f} MB/s),"
            f" first byte after {first_byte * 1000:.0f} ms, server CPU {cpu:.1f} s"
        )
        print(
            f"server RSS: {baseline / 1024:,.0f} MB before, peak {peak[0] / 1024:,.0f} MB while exporting"
            f" (polled every 50 ms; kernel high-water mark VmHWM {hwm / 1024:,.0f} MB); target < 300 MB"
        )
        print(
            json.dumps(
                {
                    "export": {
                        "status": response.status,
                        "rows": rows,
                        "expected_rows": expected,
                        "bytes": size,
                        "seconds": round(seconds, 2),
                        "rows_per_s": round(rows / seconds),
                        "first_byte_ms": round(first_byte * 1000),
                        "server_cpu_s": round(cpu, 2),
                        "rss_before_mb": round(baseline / 1024, 1),
                        "rss_peak_mb": round(peak[0] / 1024, 1),
                        "vmhwm_mb": round(hwm / 1024, 1),
                        "ok": ok,
                    },
                    "initiatives": args.initiatives,
                },
                separators=(",", ":"),
            )
        )
    finally:
        server.stop()


def run_profile(args: argparse.Namespace, db: Path, shape: str) -> None:
    session = DATA / f"profile-{shape}.pyisession"
    session.unlink(missing_ok=True)
    server = start_ours(db, profile_to=session)
    try:
        paths = build_paths(db, db.stem, args.seed, args.paths, args.deep_page, server)
        run_wrk(server, paths.ours[shape], 1, args.connections, args.threads, len(paths.ours[shape]) // 2)
        r = run_wrk(server, paths.ours[shape], args.duration, args.connections, args.threads)
        print(f"\n{shape} under pyinstrument: {r['rps']:,.0f} req/s (profiler overhead included)")
    finally:
        server.stop()
    if not session.exists():
        raise SystemExit(f"pyinstrument wrote no session; see {server.log}")
    for title, options in (
        ("call tree", ["-p", "processor_options.filter_threshold=0.01"]),
        ("flat: time spent in each function itself", ["-p", "flat=true"]),
    ):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "pyinstrument",
                "--load",
                str(session),
                "-r",
                "text",
                "--no-color",
                *options,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        text = out.stdout if out.returncode == 0 else out.stderr
        lines = text.splitlines()
        limit = args.profile_lines
        print(f"\n===== {title} ({len(lines)} lines, first {limit}) =====")
        print("\n".join(lines[:limit]))
    print(
        f"\nsession saved: {session.relative_to(ROOT)} (python -m pyinstrument --load {session.relative_to(ROOT)})"
    )


def raw_sql_ms(url: str, paths: list[str], sample: int) -> tuple[float, float]:
    """The SQL our API runs for `sample` of these paths, recorded at the driver
    (tests/statements.py) from an in-process app with its count bitmaps built, then run again
    through psycopg alone, one request's statements in one read-only transaction as the API runs
    them: milliseconds per request of that SQL, and statements per request."""
    import psycopg
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app
    from tests.statements import StatementRecorder

    recorded: list[list[Any]] = []
    with TestClient(create_app(Settings(database_url=url))) as client:
        deadline = time.monotonic() + 600
        while client.get("/ready").json().get("count_bitmaps") not in ("ready", "off"):
            if time.monotonic() > deadline:
                raise SystemExit("in-process app: count bitmaps not built in 600 s")
            time.sleep(0.5)
        with StatementRecorder(client.app.state.engine) as recorder:  # type: ignore[attr-defined]
            for path in paths[:sample]:
                recorder.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"in-process app: {path} answered {response.status_code}")
                recorded.append([(q.sql, q.parameters) for q in recorder.queries()])
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statements in recorded[:20]:  # warm: plans and pages, as the server's were
            for sql, params in statements:
                conn.execute(sql, params).fetchall()
        t0 = time.perf_counter()
        for statements in recorded:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                for sql, params in statements:
                    conn.execute(sql, params).fetchall()
        seconds = time.perf_counter() - t0
    return seconds / len(recorded) * 1000, sum(map(len, recorded)) / len(recorded)


def run_postgresql(args: argparse.Namespace, shapes: list[str]) -> None:
    """Our API on a local PostgreSQL server (Debian's package, started here) over the same
    synthetic data, each shape at 16 connections and at one, against the time of its own SQL
    run through psycopg alone."""
    from scripts.synth import build
    from tests.pg import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install -y postgresql")
    sqlite_db = database(args.initiatives, args.seed)  # the paths are drawn from the same rows
    server = PostgresServer(bin_dir)
    ours: Server | None = None
    try:
        server.init()
        server.start("shared_buffers=4GB", "effective_cache_size=12GB", "work_mem=64MB", "max_connections=50")
        db = server.create_database()
        print(
            f"postgresql {bin_dir.parent.name} on port {server.port}; building {args.initiatives:,} initiatives"
        )
        result = build(
            db.writer_url, initiatives=args.initiatives, seed=args.seed, force=True, progress=False
        )
        print(f"built {result['rows']:,} rows in {result['seconds']:.1f} s ({result['bytes'] / 1e6:,.0f} MB)")
        server.psql("-c", "CHECKPOINT")
        ours = start_ours(sqlite_db, url=db.reader_url)
        paths = build_paths(sqlite_db, sqlite_db.stem, args.seed, args.paths, args.deep_page, ours)
        print(
            f"\nwrk: {args.connections} connections and 1, {args.duration:g} s per run after a {args.warmup:g} s warm-up\n"
        )
        header = (
            f"{'shape':<9}{'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'srv cores':>9}   {'1 conn: ms':>10}"
            f" {'raw SQL ms':>10} {'stmts':>5} {'API ms':>7} {'API share':>9}"
        )
        print(header)
        print("-" * len(header))
        rows: dict[str, dict[str, float]] = {}
        _children_cpu_delta()
        for shape in shapes:
            plist = paths.ours[shape]
            many = measured(args, ours, plist)
            one = run_wrk(ours, plist, args.duration, 1, 1, len(plist) // 4)
            per_request = 1000 / one["rps"]
            raw, statements = raw_sql_ms(db.reader_url, plist[len(plist) // 4 :], 300)
            rows[shape] = {
                "rps": many["rps"], "p50_ms": many["p50_ms"], "p99_ms": many["p99_ms"],
                "server_cores": many["server_cores"], "one_connection_ms": per_request, "raw_sql_ms": raw,
                "statements": statements, "api_ms": per_request - raw,
            }  # fmt: skip
            print(
                f"{shape:<9}{many['rps']:>8,.0f} {many['p50_ms']:>7.1f} {many['p99_ms']:>7.1f}"
                f" {many['server_cores']:>9.2f}   {per_request:>10.2f} {raw:>10.2f} {statements:>5.1f}"
                f" {per_request - raw:>7.2f} {(per_request - raw) / per_request:>9.0%}",
                flush=True,
            )
        print(
            "\n'1 conn: ms' is a request's time end to end with one connection (1 / its req/s); 'raw SQL ms'"
            " the same requests' statements (recorded at the driver) run through psycopg alone, each"
            " request in one read-only transaction; 'API ms' the difference: HTTP, Python, JSON."
        )
        summary = {"postgresql": {"initiatives": args.initiatives, "shapes": rows}}
        print(json.dumps(summary, separators=(",", ":"), default=lambda v: round(v, 3)))
    finally:
        if ours is not None:
            ours.stop()
        server.destroy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 initiatives, 4 s runs")
    parser.add_argument("--initiatives", type=int, help="scale (default 1,000,000; --quick 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, help="seconds per measured run (default 10; --quick 4)")
    parser.add_argument(
        "--warmup", type=float, help="seconds of warm-up before each run (default 2; --quick 1)"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help=f"comma-separated, among {', '.join(SHAPES)}"
    )
    parser.add_argument(
        "--paths",
        type=int,
        default=25_000,
        help="different paths per shape (default 25,000: more than the API's cache holds)",
    )
    parser.add_argument("--deep-page", type=int, default=1000, help="page number of the deep-page shape")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        help="before each run, wait up to this many seconds for the other processes to go quiet",
    )
    parser.add_argument(
        "--no-two-workers", action="store_true", help="skip the runs of list and record on two workers"
    )
    parser.add_argument(
        "--postgresql", action="store_true",
        help="the shapes on a local PostgreSQL server (Debian's package), against their own SQL through psycopg",
    )  # fmt: skip
    parser.add_argument("--export", action="store_true", help="measure a full CSV export of pledges instead")
    parser.add_argument("--profile", choices=SHAPES, help="profile our server for one shape instead")
    parser.add_argument("--profile-lines", type=int, default=80)
    args = parser.parse_args(argv)
    args.initiatives = args.initiatives or (100_000 if args.quick else 1_000_000)
    args.duration = args.duration or (4.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 2.0)
    shapes = [s for s in args.shapes.split(",") if s]
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shapes {sorted(unknown)}")
    if not args.export and shutil.which("wrk") is None:
        print(
            "wrk is not installed. On Debian/Ubuntu: apt-get update && apt-get install -y wrk",
            file=sys.stderr,
        )
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    env = environment()
    print(
        f"{env['cpus']} CPUs, load average {env['loadavg'][0]:.2f}, SQLite {env['sqlite']},"
        f" uvloop {'yes' if env['uvloop'] else 'no'}, httptools {'yes' if env['httptools'] else 'no'}"
    )
    DATA.mkdir(exist_ok=True)
    db = database(args.initiatives, args.seed)  # SQLite: measured, or the source of the paths
    if args.postgresql:
        run_postgresql(args, shapes)
    elif args.export:
        run_export(args, db)
    elif args.profile:
        run_profile(args, db, args.profile)
    else:
        run_shapes(args, db, shapes)
    print(f"\ndone in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
