"""Build a synthetic database of initiatives at a chosen scale, for benchmarks and query-plan tests.

python scripts/synth.py --database-url sqlite:///bench-data/synth.db --initiatives 1000000 --seed 1

The schema comes from the project's Alembic migrations (like app.seeding.load.migrate), on an
empty database; a non-empty one is refused unless --force (SQLite: the file is deleted;
PostgreSQL: the migration is downgraded to base first). Proportions and skews imitate the
curated data: about one organization per 20 initiatives (10% with a parent), 1-4 participants
and 1-3 countries per initiative with a Zipf-like skew over ASEAN + CN, US, JP, KR, IN, ~0.3
MoUs and ~1 pledge per initiative, ~10 sources per 1000 initiatives, 1-2 quoted citations per
initiative, MoU and pledge, a search document per record and the engine's full-text index, and a
history of 11 versions (`history`: 1 initiative in 500 modified by each version after the first).

The same --seed gives the same rows: each chunk of 2,000 records draws from its own
random.Random seeded with (seed, table, first record), so the rows do not depend on how many
processes make them. From 20,000 initiatives on, one generator process per CPU makes chunks
while this process writes them in order (parents before children). SQLite is written through
the DBAPI cursor's executemany in one transaction, journal and fsync off, CHECK constraints
skipped (--verify enforces them and checks foreign keys), with the secondary indexes dropped
during the load and recreated from their own DDL afterwards (a sort is much cheaper than
millions of random B-tree inserts); then the FTS5 'rebuild' and ANALYZE, as the loader does.
PostgreSQL is written with COPY, and its `tsv` column is made by app.search_text.tsvector as
app.seeding.writer.refresh_search_index makes it; the stems of every document (both engines)
by app.search_text.stems, as the loader's rows.

Measured on the 2-core machine, quiet: 100,000 initiatives (1.54 M rows) 12.3 s = 125,000
rows/s; 1,000,000 initiatives (15.4 M rows, 4.2 GB) 147 s = 105,000 rows/s.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import multiprocessing
import os
import random
import sys
import time
import traceback
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, inspect  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.db import JSON_CODEC, schema_transaction  # noqa: E402
from app.models import Base  # noqa: E402
from app.models.enums import (  # noqa: E402
    InitiativeKind,
    Metric,
    MilestoneEvent,
    OrganizationKind,
    PledgeStatus,
    Role,
    Status,
    Unit,
    unit_fits,
)
from app.search_text import stems, tsvector  # noqa: E402
from app.seeding.rows import TABLE_ORDER, figure_title, format_amount, pledge_title  # noqa: E402
from app.timeline.build import rebuild as rebuild_timeline  # noqa: E402

BATCH = 10_000  # rows per executemany / COPY
CHUNK = 2_000  # primary records per chunk: the rows of all tables made between two flushes
CORPUS_WORDS = 1_000_000  # the text every summary and quote is cut from
NUMBERED = {"citations", "search_documents"}  # surrogate ids, given in the order rows are written

# ---------------------------------------------------------------------------------------------
# Vocabularies. Fixed (independent of --seed), so a benchmark can pick search words from them.
# ---------------------------------------------------------------------------------------------

COUNTRIES = ["SG", "MY", "ID", "VN", "TH", "PH", "CN", "US", "JP", "KR", "IN", "KH", "MM", "LA", "BN", "TL"]
COUNTRY_NAMES = {
    "SG": "Singapore", "MY": "Malaysia", "ID": "Indonesia", "VN": "Vietnam", "TH": "Thailand",
    "PH": "Philippines", "CN": "China", "US": "United States", "JP": "Japan", "KR": "Korea",
    "IN": "India", "KH": "Cambodia", "MM": "Myanmar", "LA": "Laos", "BN": "Brunei", "TL": "Timor-Leste",
}  # fmt: skip
CITIES = [
    "Kuala Lumpur", "Singapore", "Jakarta", "Bangkok", "Hanoi", "Ho Chi Minh City", "Manila",
    "Beijing", "Shenzhen", "Tokyo", "Seoul", "Bengaluru", "Phnom Penh", "Vientiane",
    "Bandar Seri Begawan", "Dili", "Cyberjaya", "Johor Bahru", "Penang", "Batam", "Cebu", "Da Nang",
]  # fmt: skip
SECTORS = [
    "ai", "cloud", "data_centres", "telecommunications", "semiconductors", "e-commerce", "fintech",
    "logistics", "government_services", "education", "healthcare", "agriculture", "energy",
    "manufacturing", "cybersecurity", "smart_cities", "transport", "tourism", "media", "banking",
    "retail", "maritime", "mining", "space",
]  # fmt: skip
FUNCTION_WORDS = (
    "the of and to in for with on by a as at will its their new from this that is are be an"
    " which has have also to over under into more than all other our such both each"
).split()
_DOMAIN_TEXT = (
    "ai artificial intelligence cloud data centre centres digital talent training programme"
    " skills workforce students developers startups innovation research laboratory university"
    " government ministry agency national regional economy economic investment investor fund"
    " funding capital infrastructure network networks broadband fibre cable submarine satellite"
    " 5g mobile telecommunications semiconductor chips chip gpu gpus compute computing"
    " supercomputer hyperscale sovereign security cybersecurity privacy governance policy"
    " regulation framework strategy roadmap blueprint partnership partners collaboration"
    " memorandum agreement cooperation alliance consortium ecosystem platform platforms"
    " services service public private sector sectors industry industrial manufacturing"
    " logistics supply chain port ports maritime shipping transport smart city cities urban"
    " energy renewable solar grid power sustainable sustainability green carbon climate"
    " agriculture farming food health healthcare hospital medical education school schools"
    " teachers scholarships academy academies certification courses curriculum bootcamp"
    " finance fintech banking payments payment digital-bank e-commerce marketplace retail"
    " tourism media content creative language languages model models llm generative machine"
    " learning analytics automation robotics iot sensors edge quantum blockchain software"
    " hardware open source standards interoperability exchange corridor corridors cross-border"
    " trade export exports import growth jobs employment youth women inclusion rural villages"
    " smes msmes entrepreneurs incubator accelerator hub hubs campus park zone zones special"
    " launch launched announced signed pledged committed deploy deployed build building"
    " expand expansion upgrade modernise transform transformation adoption pilot phase"
    " million billion thousand percent annual target targets goal goals year years decade"
    " first largest leading local global international southeast asia asean pacific"
)
DOMAIN_WORDS = list(dict.fromkeys(_DOMAIN_TEXT.split()))
SYLLABLES = (
    "ka ra lo ten mi su dan pe ri wa no by ta sen ku la ma ni to ve zo ar in on un el bor"
    " kan tri pa do ha ja ge ro sa mu li ne ko tu ba di yo ga fe vi chu nam lin sar tek"
).split()
INITIATIVE_NOUN = {
    "talent_programme": ["Talent Programme", "Skills Academy", "Training Initiative", "Scholarship Scheme"],
    "infrastructure": ["Network Rollout", "Fibre Backbone", "Cable System", "Infrastructure Project"],
    "data_centre": ["Data Centre", "Cloud Region", "Hyperscale Campus", "Availability Zone"],
    "research_lab": ["Research Lab", "Joint Laboratory", "Research Centre", "AI Lab"],
    "innovation_centre": ["Innovation Centre", "Innovation Hub", "Experience Centre", "Incubator"],
    "data_corridor": ["Data Corridor", "Trusted Data Zone", "Digital Corridor", "Data Exchange"],
    "investment_programme": ["Investment Fund", "Investment Programme", "Venture Fund", "Grant Scheme"],
    "policy": ["Policy", "Framework", "Roadmap", "Blueprint"],
    "event": ["Summit", "Forum", "Conference", "Expo"],
    "service": ["Cloud Service", "Platform", "Digital Service", "Marketplace"],
    "other": ["Initiative", "Project", "Scheme", "Effort"],
}
TOPICS = [
    "AI", "Cloud", "Digital", "Data", "Cybersecurity", "Semiconductor", "Smart City", "5G", "Fintech",
    "Green Energy", "E-Commerce", "Logistics", "Healthcare AI", "EdTech", "Quantum", "Robotics",
]  # fmt: skip
REGIONS = ["National", "Regional", "ASEAN", "Southeast Asia", "Cross-Border", "Rural", "Urban", "Youth"]
ORG_SUFFIX = {
    "company": ["Sdn Bhd", "Pte Ltd", "Holdings", "Technologies", "Group", "Corporation", "Tbk", "Inc"],
    "government": ["Ministry of Digital", "Digital Agency", "Economic Board", "Authority"],
    "university": ["University", "Institute of Technology", "Polytechnic"],
    "research_institute": ["Research Institute", "Research Centre", "Academy of Sciences"],
    "association": ["Association", "Chamber of Commerce", "Federation"],
    "ngo": ["Foundation", "Trust", "Initiative"],
    "other": ["Consortium", "Partnership", "Alliance"],
}
ORG_INDUSTRY = ["Cloud", "Digital", "Data", "Telecom", "Semiconductor", "Networks", "AI", "Capital", "Energy"]
PUBLISHERS = [
    "The Star", "The Edge", "Straits Times", "Jakarta Post", "Bangkok Post", "VnExpress", "Inquirer",
    "Nikkei Asia", "South China Morning Post", "Reuters", "DigitalNews Asia", "Tech in Asia", None,
]  # fmt: skip
FIRST_NAMES = (
    "Ahmad Siti Wei Li Nguyen Tran Budi Dewi Somchai Malee Jose Maria Kenji Yuna Arjun Priya".split()
)
LAST_NAMES = "Rahman Tan Lim Wong Santoso Pham Le Chaiyaporn Reyes Cruz Sato Kim Sharma Lee Abdullah".split()
TITLES = ["Minister of Digital", "Chief Executive", "Secretary-General", "Ambassador", "Chairman", "Director"]
AUDIENCES = [
    "students", "civil servants", "SMEs", "local professionals", "developers", "women in tech",
    "rural youth", "teachers", "startups", "researchers",
]  # fmt: skip

# Skews: weights in the order of the lists (more than a few values dominate).
KIND_WEIGHTS = {
    "talent_programme": 24, "infrastructure": 14, "data_centre": 13, "research_lab": 7,
    "innovation_centre": 9, "data_corridor": 3, "investment_programme": 10, "policy": 10,
    "event": 4, "service": 6, "other": 2,
}  # fmt: skip
STATUS_WEIGHTS = {"active": 40, "announced": 30, "completed": 15, "unknown": 10, "cancelled": 5}
PLEDGE_STATUS_WEIGHTS = {
    "announced": 45, "reaffirmed": 5, "in_progress": 20, "fulfilled": 10, "partly_fulfilled": 6, "lapsed": 4,
    "withdrawn": 2, "cancelled": 2, "unknown": 6,
}  # fmt: skip
# Events after an initiative's announcement, with their weights (about a third of initiatives have one).
LATER_EVENTS = {"launched": 50, "started": 20, "held": 10, "completed": 10, "cancelled": 5, "established": 5}
ORG_KIND_WEIGHTS = {
    "company": 60, "government": 12, "university": 10, "research_institute": 6, "association": 5,
    "ngo": 4, "other": 3,
}  # fmt: skip
ROLE_WEIGHTS = {
    "partner": 45, "funder": 12, "operator": 12, "supplier": 12, "beneficiary": 8, "adopter": 6, "lead": 5, "host": 3,
}  # fmt: skip
METRICS: dict[str, tuple[str, float, float, float]] = {
    # metric: (unit, weight, median, sigma) of a log-normal amount
    "people_trained": ("people", 35, 2_000, 1.5),
    "investment": ("USD", 30, 20_000_000, 2.0),
    "gpus_deployed": ("GPU", 8, 1_000, 1.3),
    "startups_supported": ("startup", 9, 100, 1.0),
    "institutions_supported": ("institution", 7, 30, 1.0),
    "developers_supported": ("developer", 8, 5_000, 1.3),
    "data_centres_opened": ("data_centre", 3, 2, 0.7),
}
# Stay in step with the model's vocabularies: a value outside them would fail a CHECK anyway.
assert set(KIND_WEIGHTS) == {k.value for k in InitiativeKind}
assert set(STATUS_WEIGHTS) == {s.value for s in Status}
assert set(PLEDGE_STATUS_WEIGHTS) == {s.value for s in PledgeStatus}
assert set(LATER_EVENTS) <= {e.value for e in MilestoneEvent}
assert set(ORG_KIND_WEIGHTS) == {k.value for k in OrganizationKind}
assert set(ROLE_WEIGHTS) == {r.value for r in Role}
assert set(METRICS) <= {m.value for m in Metric}
assert all(unit_fits(Metric(m), Unit(u)) for m, (u, *_) in METRICS.items())


def _cum(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def zipf_weights(n: int, s: float = 1.0, offset: float = 1.0) -> list[float]:
    return [1.0 / (rank + offset) ** s for rank in range(n)]


def vocabulary() -> list[str]:
    """Words by rank (most frequent first): function words, domain words, then made-up words."""
    rng = random.Random(20_240_601)
    made_up: dict[str, None] = {}
    known = set(FUNCTION_WORDS) | set(DOMAIN_WORDS)
    while len(made_up) < 4_000:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if word not in known:
            made_up[word] = None
    return FUNCTION_WORDS + DOMAIN_WORDS + list(made_up)


VOCAB = vocabulary()
VOCAB_CUM = _cum(zipf_weights(len(VOCAB), 1.0, 2.0))


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------

DAY0 = date(2010, 1, 1)
DAYS = [(DAY0 + timedelta(days=i)).isoformat() for i in range((date(2026, 12, 31) - DAY0).days + 1)]
# More announcements in recent years: weight of a day grows with its year.
DAYS_CUM = _cum(1.0 + 0.35 * (int(d[:4]) - 2010) for d in DAYS)


class Generator:
    """Rows of every table for a scale.

    Each chunk of records draws from its own random.Random seeded with (seed, table, first
    record), so a chunk is the same whichever process makes it and in whatever order; what
    chunks share (the text corpus, organization names) comes from generators of its own.
    """

    def __init__(self, initiatives: int, seed: int) -> None:
        self.sizes(initiatives)
        self.seed = seed
        self.reseed("corpus", 0)
        width = max(7, len(str(initiatives)))
        self.ini_id = f"ini-{{:0{width}d}}".format
        self.mou_id = f"mou-{{:0{width}d}}".format
        self.plg_id = f"plg-{{:0{width}d}}".format
        self.fig_id = f"fig-{{:0{width}d}}".format  # a figure of its own
        self.progress_id = f"fig-plg-{{:0{width}d}}".format  # the figure reporting on pledge n
        self.org_id = f"org-{{:0{max(6, len(str(self.n_orgs)))}d}}".format
        self.src_id = f"src-{{:0{max(6, len(str(self.n_sources)))}d}}".format
        self.per_id = f"per-{{:0{max(6, len(str(self.n_people)))}d}}".format
        self.country_cum = _cum(zipf_weights(len(COUNTRIES), 1.1, 1.0))
        self.sector_cum = _cum(zipf_weights(len(SECTORS), 1.0, 1.0))
        self.org_cum = _cum(zipf_weights(self.n_orgs, 0.9, 3.0))
        # One long text drawn word by word with the vocabulary's Zipf frequencies; every summary
        # and quote is a window of it (a slice: no per-word work for the millions of sentences).
        # Words are drawn uniformly from a list holding each about as often as its frequency.
        total = VOCAB_CUM[-1]
        weights = itertools.pairwise([0.0, *VOCAB_CUM])
        population = [
            w
            for w, (a, b) in zip(VOCAB, weights, strict=True)
            for _ in range(max(1, round((b - a) / total * 200_000)))
        ]
        words = self.choices(population, k=CORPUS_WORDS)
        self.corpus = " ".join(words) + " "
        self.offsets = array("l", itertools.accumulate((len(w) + 1 for w in words), initial=0))
        self.corpus_words = len(words)
        # Every chunk of MoUs and pledges needs organization names: make them all once.
        self.org_ids = [self.org_id(i) for i in range(1, self.n_orgs + 1)]
        self.org_names = [""] * self.n_orgs
        for start, count in _spans(self.n_orgs, CHUNK):
            self.reseed("organizations", start)
            self.organizations({t: [] for t in TABLE_ORDER}, start, count)

    def reseed(self, table: str, start: int) -> None:
        self.rng = rng = random.Random(f"{self.seed}:{table}:{start}")
        self.random = rng.random
        self.choices = rng.choices

    def plan(self) -> list[tuple[str, Callable[[Tables, int, int], None], int, int]]:
        """Every chunk: (table, fill, first record, records), in the order they are written."""
        steps: list[tuple[str, Callable[[Tables, int, int], None], int]] = [
            ("sources", self.sources, self.n_sources),
            ("organizations", self.organizations, self.n_orgs),
            ("people", self.people, self.n_people),
            ("initiatives", self.initiatives, self.n),
            ("mous", self.mous, self.n_mous),
            ("pledges", self.pledges, self.n_pledges),
            ("figures", self.figures, self.n_figures),
        ]
        return [
            (name, fill, start, count) for name, fill, total in steps for start, count in _spans(total, CHUNK)
        ]

    def sizes(self, initiatives: int) -> None:
        self.n = initiatives
        self.n_orgs = max(10, math.ceil(initiatives / 20))
        self.n_sources = max(3, math.ceil(initiatives * 10 / 1000))
        self.n_people = max(10, math.ceil(initiatives / 100))
        self.n_mous = round(initiatives * 0.3)
        self.n_pledges = initiatives
        self.n_figures = math.ceil(initiatives / 4)  # besides the ~30% of pledges reported on

    # -- small helpers ------------------------------------------------------------------------

    def text(self, lo: int, hi: int) -> str:
        """A sentence of lo..hi words."""
        rnd, off = self.random, self.offsets
        length = lo + int(rnd() * (hi - lo + 1))
        first = int(rnd() * (self.corpus_words - length))
        return self.corpus[off[first] : off[first + length] - 1].capitalize() + "."

    def dates(self, k: int, precision_weights: Sequence[float]) -> list[tuple[str | None, str | None]]:
        """k (date, precision) pairs: day/month/year precision or (None, None)."""
        days = self.choices(DAYS, cum_weights=DAYS_CUM, k=k)
        precisions = self.choices(("day", "month", "year", None), weights=precision_weights, k=k)
        out: list[tuple[str | None, str | None]] = []
        for d, p in zip(days, precisions, strict=True):
            if p is None:
                out.append((None, None))
            elif p == "day":
                out.append((d, p))
            elif p == "month":
                out.append((d[:8] + "01", p))
            else:
                out.append((d[:5] + "01-01", p))
        return out

    def distinct(self, population: Sequence[Any], cum: Sequence[float], n: int) -> list[Any]:
        """n distinct values drawn with the skew of `cum` (n is small)."""
        out: list[Any] = []
        total, rnd, size = cum[-1], self.random, len(population) - 1
        while len(out) < n:
            v = population[bisect.bisect(cum, rnd() * total, 0, size)]
            if v not in out:
                out.append(v)
        return out

    def org_index(self) -> int:
        return bisect.bisect(self.org_cum, self.random() * self.org_cum[-1], 0, self.n_orgs - 1)

    def cite(self, out: Tables, column: int, ident: str, quotes: list[str]) -> None:
        """Citations of a record; `column`: 0 organization, 1 person, 2 initiative, 3 MoU, 4 pledge,
        5 figure. Without the id: the writer numbers citations and documents in the order it writes them.
        """
        for quote in quotes:
            subject: list[str | None] = [None] * 6
            subject[column] = ident
            source = self.src_id(1 + int(self.random() ** 1.5 * self.n_sources))
            out["citations"].append((source, quote, "", None, None, *subject))

    def doc(self, out: Tables, resource: str, record_id: str, name: str, body: str) -> None:
        out["search_documents"].append((resource, record_id, name, body, stems(name), stems(body)))

    # -- tables -------------------------------------------------------------------------------

    def sources(self, out: Tables, start: int, count: int) -> None:
        dates = self.dates(count, (60, 20, 10, 10))
        publishers = self.choices(PUBLISHERS, k=count)
        for j in range(count):
            sid = self.src_id(start + j)
            title = self.text(6, 14)[:-1]
            day, precision = dates[j]
            out["sources"].append(
                (sid, title, publishers[j], day, precision, f"https://news.example.org/{sid}", f"{sid}.txt")
            )
            self.doc(out, "source", sid, title, "\n".join(p for p in (title, publishers[j]) if p))

    def organizations(self, out: Tables, start: int, count: int) -> None:
        rnd = self.random
        kinds = self.choices(list(ORG_KIND_WEIGHTS), weights=list(ORG_KIND_WEIGHTS.values()), k=count)
        countries = self.choices(COUNTRIES, cum_weights=self.country_cum, k=count)
        start_made_up = len(FUNCTION_WORDS) + len(DOMAIN_WORDS)
        for j in range(count):
            index = start + j
            oid = self.org_id(index)
            kind = kinds[j]
            stem = VOCAB[start_made_up + int(rnd() * 4000)].capitalize()
            if kind == "company":
                name = f"{stem} {self.rng.choice(ORG_INDUSTRY)} {self.rng.choice(ORG_SUFFIX[kind])}"
            else:
                name = f"{stem} {self.rng.choice(ORG_SUFFIX[kind])}"
            self.org_names[index - 1] = name
            country = None if rnd() < 0.05 else countries[j]
            parent = None
            if index > 10 and rnd() < 0.10:
                parent = self.org_id(1 + int(rnd() ** 2 * (index - 1)))  # big groups own most
            out["organizations"].append((oid, name, kind, country, parent))
            aliases: list[str] = []
            if rnd() < 0.2:
                aliases.append(
                    "".join(w[0] for w in name.split()).upper() if rnd() < 0.5 else f"{stem} Group"
                )
                if rnd() < 0.3:
                    aliases.append(f"{name} ({COUNTRY_NAMES[country or 'SG']})")
                aliases = list(dict.fromkeys(a for a in aliases if a != name))
                out["organization_aliases"] += [(oid, a) for a in aliases]
            self.doc(out, "organization", oid, name, "\n".join([name, *aliases]))

    def people(self, out: Tables, start: int, count: int) -> None:
        rng = self.rng
        for j in range(count):
            index = start + j
            pid = self.per_id(index)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {index}"
            out["people"].append((pid, name))
            title = rng.choice(TITLES)
            org = self.org_ids[self.org_index()] if self.random() < 0.7 else None
            source = self.src_id(1 + int(self.random() * self.n_sources))
            out["positions"].append((pid, 0, title, org, source))
            quote = f"{title} {name} said. {self.text(6, 20)}"
            self.cite(out, 1, pid, [quote])
            self.doc(out, "person", pid, name, "\n".join([name, title, quote]))

    def initiatives(self, out: Tables, start: int, count: int) -> None:
        rnd = self.random
        kinds = self.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
        statuses = self.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=count)
        n_countries = self.choices((1, 2, 3), weights=(55, 30, 15), k=count)
        n_sectors = self.choices((0, 1, 2, 3), weights=(5, 50, 30, 15), k=count)
        n_parts = self.choices((1, 2, 3, 4), weights=(35, 35, 20, 10), k=count)
        n_quotes = self.choices((1, 2), weights=(55, 45), k=count)
        dates = self.dates(count, (55, 25, 12, 8))
        later = self.dates(count, (40, 30, 30, 0))
        later_events = self.choices(list(LATER_EVENTS), weights=list(LATER_EVENTS.values()), k=count)
        roles = list(ROLE_WEIGHTS)
        role_cum = _cum(ROLE_WEIGHTS.values())
        made_up = len(FUNCTION_WORDS) + len(DOMAIN_WORDS)
        org_ids = self.org_ids
        ini_rows, c_rows, s_rows, p_rows = (
            out["initiatives"],
            out["initiative_countries"],
            out["initiative_sectors"],
            out["initiative_participants"],
        )
        for j in range(count):
            iid = self.ini_id(start + j)
            kind = kinds[j]
            ctry = self.distinct(COUNTRIES, self.country_cum, n_countries[j])
            noun = INITIATIVE_NOUN[kind][int(rnd() * 4)]
            topic = TOPICS[int(rnd() * len(TOPICS))]
            if rnd() < 0.6:
                name = f"{VOCAB[made_up + int(rnd() * 4000)].capitalize()} {topic} {noun}"
            else:
                name = f"{REGIONS[int(rnd() * len(REGIONS))]} {topic} {noun}"
            if rnd() < 0.5:
                name += f" in {COUNTRY_NAMES[ctry[0]]}"
            summary = self.text(20, 60)
            day, precision = dates[j]
            index = start + j
            part_of = self.ini_id(1 + int(rnd() * (index - 1))) if index > 1 and rnd() < 0.1 else None
            ini_rows.append((iid, name, kind, statuses[j], summary, day, precision, "listed", None, part_of))
            if day is not None:
                out["initiative_milestones"].append((iid, 0, "announced", day, precision, "announced", None))
            if rnd() < 0.35:
                event = later_events[j]
                when, how = later[j]
                out["initiative_milestones"].append((iid, 1, event, when, how, event, None))
            c_rows += [(iid, c) for c in ctry]
            if n_sectors[j]:
                s_rows += [(iid, s) for s in self.distinct(SECTORS, self.sector_cum, n_sectors[j])]
            orgs: list[int] = []
            while len(orgs) < n_parts[j]:
                o = self.org_index()
                if o not in orgs:
                    orgs.append(o)
            for k, o in enumerate(orgs):
                if k == 0 and rnd() < 0.9:
                    role = "lead"
                else:
                    role = roles[bisect.bisect(role_cum, rnd() * role_cum[-1], 0, len(roles) - 1)]
                p_rows.append((iid, org_ids[o], role))
            quotes = [self.text(8, 30) for _ in range(n_quotes[j])]
            self.cite(out, 2, iid, quotes)
            self.doc(out, "initiative", iid, name, "\n".join([name, summary, *quotes]))

    def mous(self, out: Tables, start: int, count: int) -> None:
        rnd = self.random
        dates = self.dates(count, (60, 20, 10, 10))
        n_parties = self.choices((2, 3), weights=(70, 30), k=count)
        n_witnesses = self.choices((0, 1, 2), weights=(50, 30, 20), k=count)
        n_quotes = self.choices((1, 2), weights=(60, 40), k=count)
        for j in range(count):
            mid = self.mou_id(start + j)
            parties: list[int] = []
            while len(parties) < n_parties[j]:
                o = self.org_index()
                if o not in parties:
                    parties.append(o)
            topic = TOPICS[int(rnd() * len(TOPICS))]
            title = f"MoU between {self.org_names[parties[0]]} and {self.org_names[parties[1]]} on {topic}"
            summary = self.text(20, 45) if rnd() < 0.9 else None
            initiative = self.ini_id(1 + int(rnd() * self.n)) if rnd() < 0.8 else None
            day, precision = dates[j]
            place = CITIES[int(rnd() * len(CITIES))] if rnd() < 0.7 else None
            out["mous"].append((mid, title, day, precision, place, initiative, summary))
            out["mou_parties"] += [(mid, self.org_ids[o]) for o in parties]
            witnesses = list(
                dict.fromkeys(self.per_id(1 + int(rnd() * self.n_people)) for _ in range(n_witnesses[j]))
            )
            out["mou_witnesses"] += [(mid, w, i) for i, w in enumerate(witnesses)]
            quotes = [self.text(8, 30) for _ in range(n_quotes[j])]
            self.cite(out, 3, mid, quotes)
            body = "\n".join(p for p in (title, summary, *witnesses, *quotes) if p)
            self.doc(out, "mou", mid, title, body)

    def pledges(self, out: Tables, start: int, count: int) -> None:
        rnd, rng = self.random, self.rng
        metrics = self.choices(list(METRICS), weights=[m[1] for m in METRICS.values()], k=count)
        statuses = self.choices(
            list(PLEDGE_STATUS_WEIGHTS), weights=list(PLEDGE_STATUS_WEIGHTS.values()), k=count
        )
        announced = self.dates(count, (55, 20, 10, 15))
        reported = self.dates(count, (50, 25, 15, 10))
        n_countries = self.choices((1, 2), weights=(70, 30), k=count)
        n_quotes = self.choices((1, 2), weights=(60, 40), k=count)
        for j in range(count):
            pid = self.plg_id(start + j)
            metric = metrics[j]
            unit, _, median, sigma = METRICS[metric]
            raw = rng.lognormvariate(math.log(median), sigma)
            digits = max(0, int(math.floor(math.log10(raw))) - 1) if raw >= 1 else 0
            amount = float(max(1, round(raw / 10**digits) * 10**digits))  # two significant digits
            pledger = self.org_index()
            pledgers = [pledger]
            if rnd() < 0.15:
                other = self.org_index()
                if other != pledger:
                    pledgers.append(other)
            initiative = self.ini_id(1 + int(rnd() * self.n)) if rnd() < 0.85 else None
            audience = AUDIENCES[int(rnd() * len(AUDIENCES))] if unit == "people" and rnd() < 0.7 else None
            day, precision = announced[j]
            target = target_precision = target_text = None
            if rnd() < 0.7:
                year = (int(day[:4]) if day else 2020) + 1 + int(rnd() * 8)
                r = rnd()
                target_precision = "year" if r < 0.7 else "month" if r < 0.9 else "day"
                month, dom = (1, 1) if target_precision == "year" else (1 + int(rnd() * 12), 1)
                if target_precision == "day":
                    dom = 1 + int(rnd() * 28)
                target = f"{year:04d}-{month:02d}-{dom:02d}"
                target_text = f"by {year}" if rnd() < 0.6 else None
            out["pledges"].append(
                (pid, initiative, metric, amount, format_amount(amount), "exact", unit, audience,
                 day, precision, target, target_precision, target_text, statuses[j], "listed", None)
            )  # fmt: skip
            out["pledge_pledgers"] += [(pid, self.org_ids[o], i) for i, o in enumerate(pledgers)]
            out["pledge_countries"] += [
                (pid, c) for c in self.distinct(COUNTRIES, self.country_cum, n_countries[j])
            ]
            quotes = [self.text(8, 30) for _ in range(n_quotes[j])]
            self.cite(out, 4, pid, quotes)
            title = pledge_title([self.org_names[o] for o in pledgers], amount, unit, audience)
            self.doc(out, "pledge", pid, title, "\n".join(p for p in (title, target_text, *quotes) if p))
            if rnd() < 0.3:  # a figure reporting progress, in the pledge's unit: 5% to 130% of it
                share = 0.05 + rnd() * 1.25
                self.figure(
                    out, self.progress_id(start + j), pledger, None, metric, amount * share, reported[j], pid
                )

    def figures(self, out: Tables, start: int, count: int) -> None:
        metrics = self.choices(list(METRICS), weights=[m[1] for m in METRICS.values()], k=count)
        dates = self.dates(count, (40, 25, 15, 20))
        rnd = self.random
        for j in range(count):
            unit, _, median, sigma = METRICS[metrics[j]]
            amount = self.rng.lognormvariate(math.log(median), sigma)
            if rnd() < 0.5:
                self.figure(
                    out, self.fig_id(start + j), self.org_index(), None, metrics[j], amount, dates[j], None
                )
            else:
                initiative = self.ini_id(1 + int(rnd() * self.n))
                self.figure(out, self.fig_id(start + j), None, initiative, metrics[j], amount, dates[j], None)

    def figure(
        self,
        out: Tables,
        fid: str,
        org: int | None,
        initiative: str | None,
        metric: str,
        raw: float,
        as_of: tuple[str | None, str | None],
        pledge: str | None,
    ) -> None:
        """One figure (of organization number `org`, or of `initiative`), with its country, quote and document."""
        unit = METRICS[metric][0]
        digits = max(0, int(math.floor(math.log10(raw))) - 1) if raw >= 1 else 0
        amount = float(max(1, round(raw / 10**digits) * 10**digits))
        org_id = self.org_ids[org] if org is not None else None
        day, precision = as_of
        out["figures"].append(
            (fid, org_id, initiative, metric, amount, format_amount(amount), "exact", unit, day, precision,
             "listed", None, pledge)
        )  # fmt: skip
        out["figure_countries"] += [(fid, c) for c in self.distinct(COUNTRIES, self.country_cum, 1)]
        quote = self.text(8, 24)
        self.cite(out, 5, fid, [quote])
        subject = self.org_names[org] if org is not None else initiative or ""
        title = figure_title(subject, amount, unit, metric)
        self.doc(out, "figure", fid, title, "\n".join([title, format_amount(amount), quote]))


Tables = dict[str, list[tuple[Any, ...]]]

COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("id", "title", "publisher", "published_on", "published_precision", "url", "document"),
    "organizations": ("id", "name", "kind", "country", "parent_id"),
    "organization_aliases": ("organization_id", "alias"),
    "people": ("id", "name"),
    "person_aliases": ("person_id", "alias"),
    "positions": ("person_id", "position", "title", "organization_id", "source_id"),
    "initiatives": (
        "id",
        "name",
        "kind",
        "status",
        "summary",
        "announced_on",
        "announced_precision",
        "scope",
        "region",
        "part_of_id",
    ),  # fmt: skip
    "initiative_countries": ("initiative_id", "country"),
    "initiative_sectors": ("initiative_id", "sector"),
    "initiative_participants": ("initiative_id", "organization_id", "role"),
    "initiative_milestones": ("initiative_id", "position", "event", "on_date", "precision", "text", "place"),
    "mous": ("id", "title", "signed_on", "signed_precision", "place", "initiative_id", "summary"),
    "mou_parties": ("mou_id", "organization_id"),
    "mou_witnesses": ("mou_id", "person_id", "position"),
    "pledges": (
        "id",
        "initiative_id",
        "metric",
        "amount",
        "amount_text",
        "qualifier",
        "unit",
        "audience",
        "announced_on",
        "announced_precision",
        "target_on",
        "target_precision",
        "target_text",
        "status",
        "scope",
        "region",
    ),  # fmt: skip
    "pledge_pledgers": ("pledge_id", "organization_id", "position"),
    "pledge_countries": ("pledge_id", "country"),
    "figures": (
        "id",
        "organization_id",
        "initiative_id",
        "metric",
        "amount",
        "amount_text",
        "qualifier",
        "unit",
        "as_of",
        "as_of_precision",
        "scope",
        "region",
        "pledge_id",
    ),  # fmt: skip
    "figure_countries": ("figure_id", "country"),
    "citations": (
        "id",
        "source_id",
        "quote",
        "supports",
        "speaker_id",
        "attribution",
        "organization_id",
        "person_id",
        "initiative_id",
        "mou_id",
        "pledge_id",
        "figure_id",
    ),  # fmt: skip
    "inferences": ("resource", "record_id", "field", "reason"),
    "search_documents": ("id", "resource", "record_id", "name", "body", "name_stems", "body_stems"),
    "renames": ("resource", "old_id", "new_id"),  # none: synthetic ids are never renamed
}


def check_columns() -> None:
    """Fail early, with a clear message, if the models gained a required column we do not write."""
    for name, cols in COLUMNS.items():
        table = Base.metadata.tables[name]
        missing = [
            c.name
            for c in table.columns
            if c.name not in cols and not c.nullable and c.server_default is None and not c.autoincrement
        ]
        unknown = [c for c in cols if c not in table.columns]
        if missing or unknown:
            raise SystemExit(
                f"synth.py is out of date with table {name}: missing {missing}, unknown {unknown}"
            )
    assert list(COLUMNS) == TABLE_ORDER, "write order must follow app.seeding.rows.TABLE_ORDER"


# ---------------------------------------------------------------------------------------------
# Sinks: where rows go
# ---------------------------------------------------------------------------------------------


class SqliteSink:
    def __init__(self, dbapi: Any) -> None:
        self.cur = dbapi.cursor()
        self.sql = {
            t: f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for t, cols in COLUMNS.items()
        }
        self.indexes: list[tuple[str, str]] = []

    def before(self) -> None:
        # Secondary indexes: dropped now, recreated from their own DDL at the end (a sort, on
        # two threads, instead of millions of B-tree inserts in random order).
        self.indexes = self.cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in self.indexes:
            self.cur.execute(f'DROP INDEX "{name}"')

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        self.cur.executemany(self.sql[table], rows)

    def create_indexes(self) -> None:
        for _, sql in self.indexes:
            self.cur.execute(sql)

    def search_index(self) -> None:
        self.cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")

    def dataset(self, loaded_at: datetime, version: int) -> None:
        from sqlalchemy.dialects import sqlite

        dialect = sqlite.dialect()  # stored exactly as the loader's SQLAlchemy insert stores it
        to_db = Base.metadata.tables["dataset"].c.loaded_at.type.dialect_impl(dialect).bind_processor(dialect)
        value = to_db(loaded_at) if to_db else loaded_at.replace(tzinfo=None).isoformat(" ")
        self.cur.execute("INSERT INTO dataset (id, version, loaded_at) VALUES (1, ?, ?)", (version, value))

    def analyze(self) -> None:
        self.cur.execute("ANALYZE")

    def verify(self) -> None:
        dangling = self.cur.execute("PRAGMA foreign_key_check").fetchmany(5)
        if dangling:
            raise AssertionError(f"dangling references: {dangling}")


class PostgresSink:
    def __init__(self, dbapi: Any) -> None:
        self.conn = dbapi
        self.cur = dbapi.cursor()
        self.indexes: list[tuple[str, str]] = []

    def before(self) -> None:
        # Indexes that no constraint owns (the PK / UNIQUE ones stay), recreated at the end.
        self.cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        self.indexes = list(self.cur.fetchall())
        for name, _ in self.indexes:
            self.cur.execute(f'DROP INDEX "{name}"')

    def _copy(self, table: str, cols: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        with self.cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if table != "search_documents":
            self._copy(table, COLUMNS[table], rows)
            return
        # The tsv column as app.seeding.writer.refresh_search_index makes it (COPY parses it).
        self._copy(table, (*COLUMNS[table], "tsv"), ((*r, tsvector(r[3], r[4])) for r in rows))

    def create_indexes(self) -> None:
        for _, sql in self.indexes:
            self.cur.execute(sql)
        for table in ("citations", "search_documents"):  # explicit ids: move the sequences past them
            self.cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                f" WHERE EXISTS (SELECT 1 FROM {table})"
            )

    def search_index(self) -> None:
        pass  # tsv is written with the rows

    def dataset(self, loaded_at: datetime, version: int) -> None:
        self.cur.execute(
            "INSERT INTO dataset (id, version, loaded_at) VALUES (1, %s, %s)", (version, loaded_at)
        )

    def analyze(self) -> None:
        self.cur.execute("ANALYZE")

    def verify(self) -> None:
        pass  # PostgreSQL enforces every constraint as the rows arrive


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        raise SystemExit("give a SQLite file path, e.g. sqlite:///bench-data/synth.db")
    return Path(parsed.database)


def _engine(url: str, verify: bool) -> Any:
    if _sqlite_path(url) is None:
        return create_engine(url, **JSON_CODEC)
    engine = create_engine(url, **JSON_CODEC)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's
        pragmas = [
            "journal_mode = OFF",
            "synchronous = OFF",
            "foreign_keys = OFF",  # the generator keeps every reference valid; verify=True checks it
            "locking_mode = EXCLUSIVE",
            "temp_store = MEMORY",
            "cache_size = -65536",  # 64 MB: more makes CREATE INDEX slower (its sort), not faster
            f"threads = {min(4, os.cpu_count() or 1)}",  # helper threads for CREATE INDEX's sort
        ]
        if not verify:
            # A CHECK with an IN (...) list builds a small lookup table for every row inserted:
            # it more than halves the insert rate of initiatives and pledges. verify=True
            # (the tests) keeps every CHECK on.
            pragmas.append("ignore_check_constraints = ON")
        for pragma in pragmas:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _prepare(url: str, force: bool) -> None:
    """Refuse a database that holds tables, unless force (SQLite: delete; PostgreSQL: downgrade)."""
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.stat().st_size == 0:
            return
        import sqlite3

        with sqlite3.connect(path) as probe:
            tables = probe.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        probe.close()
        if not tables:
            return
        if not force:
            raise SystemExit(f"{path} is not empty; use --force to delete it and build anew")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
        if not tables:
            return
        if not force or "alembic_version" not in tables:
            raise SystemExit(
                "the database is not empty; use --force to downgrade its migrations to base"
                if not force
                else "the database holds tables that are not ours; drop them by hand"
            )
        from alembic import command

        from app.seeding.load import alembic_config

        with schema_transaction(engine) as conn:
            command.downgrade(alembic_config(connection=conn), "base")
    finally:
        engine.dispose()


def _spans(total: int, size: int) -> Iterable[tuple[int, int]]:
    """(first 1-based index, count) pieces of 1..total."""
    for start in range(1, total + 1, size):
        yield start, min(size, total - start + 1)


Chunk = tuple[str, int, Tables]  # (table, primary records, rows per table)


def chunks(initiatives: int, seed: int, worker: int = 0, workers: int = 1) -> Iterator[Chunk]:
    """Every `workers`-th chunk of rows from the `worker`-th, in the order they are written."""
    gen = Generator(initiatives, seed)
    for i, (name, fill, start, count) in enumerate(gen.plan()):
        if i % workers == worker:
            gen.reseed(name, start)
            out: Tables = {t: [] for t in TABLE_ORDER}
            fill(out, start, count)
            yield name, count, out


def _produce(queue: Any, initiatives: int, seed: int, worker: int, workers: int) -> None:
    try:
        for item in chunks(initiatives, seed, worker, workers):
            queue.put(item)
        queue.put(None)
    except BaseException:
        queue.put(("error", traceback.format_exc()))


def _parallel_chunks(initiatives: int, seed: int, workers: int) -> Iterator[Chunk]:
    """The same chunks, made by `workers` processes while this one writes, taken in turn."""
    ctx = multiprocessing.get_context("fork")
    queues = [ctx.Queue(maxsize=4) for _ in range(workers)]
    procs = [
        ctx.Process(target=_produce, args=(q, initiatives, seed, w, workers), daemon=True)
        for w, q in enumerate(queues)
    ]
    for proc in procs:
        proc.start()
    try:
        for i in itertools.count():
            queue, proc = queues[i % workers], procs[i % workers]
            while True:
                try:
                    item = queue.get(timeout=5)
                    break
                except Exception:  # queue.Empty: is the worker still there?
                    if not proc.is_alive():
                        raise RuntimeError(f"generator process died (exit code {proc.exitcode})") from None
            if item is None:
                break
            if item[0] == "error":
                raise RuntimeError(f"generator process failed:\n{item[1]}")
            yield item
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()


def counts_of(initiatives: int) -> dict[str, int]:
    """Records of each primary table at a scale."""
    gen = Generator.__new__(Generator)
    Generator.sizes(gen, initiatives)
    return {
        "sources": gen.n_sources,
        "organizations": gen.n_orgs,
        "people": gen.n_people,
        "initiatives": initiatives,
        "mous": gen.n_mous,
        "pledges": gen.n_pledges,
        "figures": gen.n_figures,
    }


HISTORY_VERSIONS = 11  # version 1 is the bulk load; versions 2..11 each change some initiatives
CHANGED_PER_VERSION = 1 / 500  # of the initiatives, at least one


def history(conn: Any, initiatives: int, seed: int, loaded_at: datetime) -> int:
    """A history of the synthetic data, for the change feed and `as_of_version` to have one.

    Version 1 is the bulk load, recorded as history records a database that held data before
    history began (digest null, no changes). Each later version modifies 1 initiative in 500
    (distinct ones, drawn with the seed): its `after` is the initiative's detail as the API
    serves it now (app.history.records, the loader's own serializer), its `before` the same
    with another summary, `fields` ["summary"]. Replaying the feed therefore ends at the data
    as it is. Returns the number of changes written.
    """
    from sqlalchemy import insert

    from app.history.records import record
    from app.models import tables
    from app.models.enums import ResourceType

    rng = random.Random(f"{seed}-history")
    per_version = max(1, round(initiatives * CHANGED_PER_VERSION))
    width = max(7, len(str(initiatives)))  # as Generator.ini_id
    picked = rng.sample(range(1, initiatives + 1), min(initiatives, per_version * (HISTORY_VERSIONS - 1)))
    start = loaded_at - timedelta(days=HISTORY_VERSIONS)
    version_rows, change_rows = [], []
    for version in range(1, HISTORY_VERSIONS + 1):
        ids = [] if version == 1 else picked[(version - 2) * per_version : (version - 1) * per_version]
        changes = []
        for number in sorted(ids):
            after = record(conn, ResourceType.initiative, f"ini-{number:0{width}d}")
            assert after is not None, number
            before = {**after, "summary": f"(until version {version}) {after['summary']}"}
            changes.append((version, "initiative", after["id"], "modified", ["summary"], before, after))
        counts = {"initiative": {"modified": len(changes)}} if changes else {}
        version_rows.append(
            {
                "version": version,
                "loaded_at": start + timedelta(days=version),
                "digest": None if version == 1 else f"{version:064x}",
                "counts": counts,
            }
        )
        change_rows += changes
    conn.execute(insert(tables.versions), version_rows)
    keys = ("version", "resource", "record_id", "op", "fields", "before", "after")
    for i in range(0, len(change_rows), BATCH):
        conn.execute(
            insert(tables.changes), [dict(zip(keys, c, strict=True)) for c in change_rows[i : i + BATCH]]
        )
    return len(change_rows)


def build(
    database_url: str,
    *,
    initiatives: int,
    seed: int = 1,
    progress: bool = True,
    force: bool = False,
    analyze: bool = True,
    verify: bool = False,
    workers: int | None = None,
) -> dict[str, Any]:
    """Create and fill a synthetic database; return rows per table, seconds and rows/s.

    analyze=True (the default) ends with ANALYZE, as the loader does (app.seeding.writer), so
    that the planner has the statistics it has in production. verify=True enforces every CHECK
    constraint while inserting (SQLite skips them otherwise,
    for speed; PostgreSQL always enforces them) and fails if PRAGMA foreign_key_check finds a
    dangling reference. workers > 0 processes generate the rows while this one writes them
    (default: one per CPU from 20,000 initiatives on, else 0); the rows are the same.
    """
    from app.seeding.load import migrate

    check_columns()
    if initiatives < 1:
        raise ValueError("initiatives must be at least 1")
    _prepare(database_url, force)
    if workers is None:
        workers = (os.cpu_count() or 1) if initiatives >= 20_000 else 0
    started = time.perf_counter()
    timings: dict[str, float] = {}
    counts = dict.fromkeys(TABLE_ORDER, 0)
    path = _sqlite_path(database_url)
    # The generator process is forked before any database connection exists.
    stream = _parallel_chunks(initiatives, seed, workers) if workers > 0 else chunks(initiatives, seed)
    engine = _engine(database_url, verify)
    bar = _progress(sum(counts_of(initiatives).values()), progress)
    try:
        with schema_transaction(engine) as conn:
            migrate(conn)
            dbapi = conn.connection.dbapi_connection
            sink: SqliteSink | PostgresSink = SqliteSink(dbapi) if path else PostgresSink(dbapi)
            sink.before()
            timings["migrate"] = time.perf_counter() - started
            t0 = time.perf_counter()
            for name, records, out in stream:
                bar.set_postfix_str(name, refresh=False)
                for t in TABLE_ORDER:  # parents before children, for PostgreSQL's foreign keys
                    rows = out[t]
                    if t in NUMBERED:
                        first = counts[t] + 1
                        rows = [(i, *r) for i, r in enumerate(rows, first)]
                    for i in range(0, len(rows), BATCH):
                        sink.write(t, rows[i : i + BATCH])
                    counts[t] += len(rows)
                bar.update(records)
            timings["rows"] = time.perf_counter() - t0
            bar.set_postfix_str("indexes")
            t0 = time.perf_counter()
            sink.create_indexes()
            timings["indexes"] = time.perf_counter() - t0
            bar.set_postfix_str("full-text index")
            t0 = time.perf_counter()
            sink.search_index()
            timings["full_text"] = time.perf_counter() - t0
            bar.set_postfix_str("timeline")
            t0 = time.perf_counter()
            counts["timeline_events"] = rebuild_timeline(conn)
            timings["timeline"] = time.perf_counter() - t0
            bar.set_postfix_str("history")
            t0 = time.perf_counter()
            loaded_at = datetime.now(UTC)
            made = history(conn, initiatives, seed, loaded_at)
            counts["versions"], counts["changes"] = HISTORY_VERSIONS, made
            timings["history"] = time.perf_counter() - t0
            sink.dataset(loaded_at, HISTORY_VERSIONS)
            counts["dataset"] = 1
            if analyze:
                bar.set_postfix_str("analyze")
                t0 = time.perf_counter()
                sink.analyze()
                timings["analyze"] = time.perf_counter() - t0
            if verify:
                sink.verify()
            bar.set_postfix_str("commit")
        bar.close()
    except BaseException:
        bar.close()
        if hasattr(stream, "close"):
            stream.close()  # stops the generator process
        engine.dispose()
        if path is not None:  # never leave a half-built file that looks usable
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    engine.dispose()
    seconds = time.perf_counter() - started
    total_rows = sum(counts.values())
    size = path.stat().st_size if path else _pg_size(database_url)
    return {
        "counts": counts,
        "rows": total_rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(total_rows / seconds),
        "bytes": size,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "initiatives": initiatives,
        "seed": seed,
    }


def _pg_size(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())
    finally:
        engine.dispose()


class _Bar(Protocol):
    """What build() asks of a progress bar (tqdm's, or none)."""

    def update(self, n: int) -> object: ...

    def set_postfix_str(self, s: str, refresh: bool = True) -> None: ...

    def close(self) -> None: ...


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool) -> _Bar:
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit="rec", unit_scale=True, desc="synth", smoothing=0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///bench-data/synth.db")
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace a non-empty database")
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip the final ANALYZE (the loader runs one)"
    )
    parser.add_argument(
        "--verify", action="store_true", help="enforce CHECK constraints and check foreign keys (slower)"
    )
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    result = build(
        args.database_url,
        initiatives=args.initiatives,
        seed=args.seed,
        progress=not args.no_progress,
        force=args.force,
        analyze=not args.no_analyze,
        verify=args.verify,
    )
    width = max(len(t) for t in result["counts"])
    for table, count in result["counts"].items():
        print(f"{table:<{width}}  {count:>12,}")
    print(f"{'total rows':<{width}}  {result['rows']:>12,}")
    phases = ", ".join(f"{k} {v:.1f}s" for k, v in result["timings"].items())
    print(f"{result['seconds']:.1f} s ({phases})")
    print(f"{result['rows_per_s']:,} rows/s")
    print(f"size: {result['bytes'] / 1e6:,.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
