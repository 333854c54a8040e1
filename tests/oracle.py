"""A plain-Python reference of what every list filter, sort and facet of the API means.

The reference works on the records as the API serves them, read back once through the API
(`read_dataset`: every page of each list, whose organizations carry `parent_id`, and each
source's detail for the records it cites). From those alone, without any of the app's
SQL, it says what a list must answer: which records match, in which order, how many of them,
and the facet counts. tests/test_oracle.py and tests/test_differential.py hold the API to it.

The meanings written down here (README "A tour of the API", the query models in
app/*/schemas.py):

* Repeating a filter is OR (`country=MY&country=SG`); different filters are AND.
* Values of a record: `country` and `sector` of an initiative, `country` of a pledge match any
  of the record's own list (a worldwide pledge lists none and matches no country); `kind`,
  `status`, `metric`, `unit`, `initiative` match the record's one value.
* `organization` (initiatives: a participant; pledges: any pledger) and `party` (MoUs) match
  the organizations named and all their subsidiaries, at any depth. On initiatives,
  `organization` with `role` means ONE participant row satisfying both: that organization
  (or a subsidiary) in that role; `role` alone means any participant in that role.
* MoU `country`: the country of any party (the party's own organization record; a party
  without a country matches none).
* Organization `parent=X`: the subsidiaries of X at any depth, NOT X itself; X is in the
  answer only when it is itself a subsidiary (at any depth) of another organization named in
  the same filter (`parent=alibaba&parent=alibaba-cloud` holds alibaba-cloud).
* `source=S`: the records S cites (its detail, `/v1/sources/S`).
* `min_amount` / `max_amount`: amount >= / <= the value.
* Dates: a record's date names a period (`*_precision` day, month or year; stored as its
  first day). `*_from` takes the first day the value names, `*_to` the last (`2025` ->
  2025-12-31; values YYYY, YYYY-MM or YYYY-MM-DD). A record matches when its period overlaps
  [from, to]: it ends on or after `from` and starts on or before `to`. A record with no date
  matches no date filter.
* Sort: `sort=a,-b`: each key ascending or (`-`) descending, null values last in both
  directions; then `id`, in the direction of the FIRST key, unless `id` is already a key
  (app/common/listing.py `parse_sort`). Text compares by code point, as Python's `<` and the
  C collation of the test databases do.
* Facets: per value, the number of filtered records holding it (records, not link rows: an
  initiative with three partners counts once under `partner`); null is a value like any other
  (an organization without a country, an undated pledge's `year`); ordered by count
  descending, then str(value); values no record holds are left out. `organization` and
  `party` count the organizations as the records name them (no roll-up to parents); `year`
  is the year of a pledge's deadline (`target_on`) or of an MoU's signature.

Out of scope: `q`. Full-text matching (tokens, prefixes, accent folding) is the search
engines'; the reference refuses any filter it does not model rather than ignore it.

Also here, shared with tests/test_properties.py: the vocabulary each filter draws its values
from (taken from the data, plus values no record holds) and the Hypothesis strategies.
"""

import calendar
import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cmp_to_key, partial
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import strategies as st

from app.models.enums import InitiativeKind, Metric, OrganizationKind, PledgeStatus, Role, Status, Unit

Item = dict[str, Any]
Filters = dict[str, list[str]]  # filter name -> its values (OR), as sent in the query string
Params = list[tuple[str, str]]
RESOURCES = ["initiatives", "pledges", "mous", "organizations"]

# Sortable fields of each list (the query models' `sort`), and which of them can be null.
SORTS = {
    "initiatives": ["id", "name", "kind", "status", "announced_on"],
    "pledges": ["id", "amount", "metric", "announced_on", "target_on"],
    "mous": ["id", "title", "signed_on"],
    "organizations": ["id", "name", "kind", "country"],
}
NULLABLE_SORTS = {
    "initiatives": ["announced_on"],
    "pledges": ["announced_on", "target_on"],
    "mous": ["signed_on"],
    "organizations": ["country"],
}
DATE_PAIRS = {
    "initiatives": [("announced_from", "announced_to")],
    "pledges": [("target_from", "target_to"), ("announced_from", "announced_to")],
    "mous": [("signed_from", "signed_to")],
    "organizations": [],
}


# ---------------------------------------------------------------------------------------------
# The records, read through the API


@dataclass
class Dataset:
    """Every record of every list as the API serves it, and what each source cites."""

    records: dict[str, list[Item]]  # resource (and "sources") -> records
    cited: dict[str, dict[str, frozenset[str]]]  # source id -> resource -> ids it cites
    parent_of: dict[str, str | None] = field(init=False)
    country_of: dict[str, str | None] = field(init=False)
    _children: dict[str, list[str]] = field(init=False, repr=False)
    _subsidiaries: dict[frozenset[str], frozenset[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        organizations = self.records["organizations"]
        self.parent_of = {o["id"]: o["parent_id"] for o in organizations}
        self.country_of = {o["id"]: o["country"] for o in organizations}
        self._children = defaultdict(list)
        for org, parent in self.parent_of.items():
            if parent is not None:
                self._children[parent].append(org)
        self._subsidiaries = {}

    def subsidiaries(self, ids: Iterable[str]) -> frozenset[str]:
        """The subsidiaries of `ids` at any depth (the named ones only if one owns another)."""
        key = frozenset(ids)
        if key not in self._subsidiaries:
            found: set[str] = set()
            todo = [child for org in key for child in self._children[org]]
            while todo:
                org = todo.pop()
                if org not in found:
                    found.add(org)
                    todo += self._children[org]
            self._subsidiaries[key] = frozenset(found)
        return self._subsidiaries[key]

    def family(self, ids: Iterable[str]) -> frozenset[str]:
        """The organizations named and their subsidiaries at any depth."""
        named = frozenset(ids)
        return named | self.subsidiaries(named)


def get_json(client: TestClient, resource: str, params: Params) -> dict[str, Any]:
    response = client.get(f"/v1/{resource}", params=params)
    assert response.status_code == 200, (resource, params, response.status_code, response.text)
    return response.json()


def pages(
    client: TestClient,
    resource: str,
    params: Params,
    limit: int,
    cursor: str | None = None,
    first: Sequence[tuple[str, str]] = (),
) -> Iterator[dict[str, Any]]:
    """The bodies of the pages from `cursor` (None: the first page) on, following next_cursor
    (`first`: more parameters for the first page only). Each page must be full but the last
    and carry the same total."""
    total = None
    extra = list(first)
    for _ in range(100_000):
        page = [*params, *extra, ("limit", str(limit))] + ([("cursor", cursor)] if cursor else [])
        extra = []
        body = get_json(client, resource, page)
        total = body["total"] if total is None else total
        assert body["total"] == total, (resource, page, body["total"], total)
        yield body
        cursor = body["next_cursor"]
        if cursor is None:
            assert len(body["items"]) <= limit
            return
        assert len(body["items"]) == limit, ("a page before the last one is short", resource, page)
    raise AssertionError("pagination did not end")


def walk(
    client: TestClient, resource: str, params: Params, limit: int, cursor: str | None = None
) -> list[Item]:
    """Every item from `cursor` (None: the first page) on, following next_cursor."""
    return [item for body in pages(client, resource, params, limit, cursor) for item in body["items"]]


def export_ndjson(client: TestClient, resource: str, params: Sequence[tuple[str, str]] = ()) -> list[Item]:
    """Every matching record, streamed as NDJSON (all pages in one response)."""
    response = client.get(f"/v1/{resource}", params=[*params, ("format", "ndjson")])
    assert response.status_code == 200, (resource, params, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/x-ndjson")
    items = [json.loads(line) for line in response.text.splitlines() if line]
    assert int(response.headers["x-total-count"]) == len(items), (resource, params)
    return items


def export_csv(
    client: TestClient, resource: str, params: Sequence[tuple[str, str]] = ()
) -> list[dict[str, str]]:
    """Every matching record as CSV rows (column -> text)."""
    response = client.get(f"/v1/{resource}", params=[*params, ("format", "csv")])
    assert response.status_code == 200, (resource, params, response.status_code, response.text)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert int(response.headers["x-total-count"]) == len(rows), (resource, params)
    return rows


def read_dataset(client: TestClient) -> Dataset:
    """Every record of every list (its pages by id, 500 a page; as many as the front page
    counts) and what each source cites (its detail)."""
    counts = client.get("/v1").json()["counts"]
    records = {name: walk(client, name, [("sort", "id")], 500) for name in [*RESOURCES, "sources"]}
    for name, items in records.items():
        assert len(items) == len({i["id"] for i in items}) == counts[name], name
    cited = {}
    for source in records["sources"]:
        response = client.get(f"/v1/sources/{source['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        cited[source["id"]] = {
            r: frozenset(x["id"] for x in body[r]) for r in ("initiatives", "mous", "pledges")
        }
    return Dataset(records, cited)


# ---------------------------------------------------------------------------------------------
# Dates


def first_day(text: str) -> date:
    """The first day a filter value names: `2025` -> 2025-01-01, `2025-04` -> 2025-04-01."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def last_day(text: str) -> date:
    """The last day a filter value names: `2025` -> 2025-12-31, `2024-02` -> 2024-02-29."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


def period(day: str | None, precision: str | None) -> tuple[date, date] | None:
    """The first and last day of the period a record's date names; None for no date."""
    if day is None:
        return None
    start = date.fromisoformat(day)
    if precision == "year":
        return start, date(start.year, 12, 31)
    if precision == "month":
        return start, date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start, start


def _year(day: str | None) -> int | None:
    return int(day[:4]) if day else None


# ---------------------------------------------------------------------------------------------
# Filters: one criterion per meaning

Predicate = Callable[[Dataset, Item, Filters], bool]


@dataclass(frozen=True)
class Criterion:
    """A condition on a record, applying when any of `params` is among the filters."""

    params: tuple[str, ...]
    holds: Predicate


def value_in(param: str, key: str) -> Criterion:
    """The record's single value `key` is one of the values."""
    return Criterion((param,), lambda _d, item, f: item[key] in f[param])


def any_in(param: str, key: str) -> Criterion:
    """One of the record's values `key` (a list) is one of the values."""
    return Criterion((param,), lambda _d, item, f: not set(item[key]).isdisjoint(f[param]))


def ends_on_or_after(param: str, key: str) -> Criterion:
    """`*_from`: the record's period ends on or after the first day the value names."""

    def holds(_d: Dataset, item: Item, f: Filters) -> bool:
        span = period(item[key], item[key.removesuffix("_on") + "_precision"])
        return span is not None and span[1] >= first_day(f[param][0])

    return Criterion((param,), holds)


def starts_on_or_before(param: str, key: str) -> Criterion:
    """`*_to`: the record's period starts on or before the last day the value names."""

    def holds(_d: Dataset, item: Item, f: Filters) -> bool:
        span = period(item[key], item[key.removesuffix("_on") + "_precision"])
        return span is not None and span[0] <= last_day(f[param][0])

    return Criterion((param,), holds)


def date_range(lo: str, hi: str, key: str) -> list[Criterion]:
    return [ends_on_or_after(lo, key), starts_on_or_before(hi, key)]


def cited_by(resource: str) -> Criterion:
    """`source`: a source named cites the record."""
    return Criterion(
        ("source",), lambda d, item, f: any(item["id"] in d.cited[s][resource] for s in f["source"])
    )


def participant(d: Dataset, item: Item, f: Filters) -> bool:
    """`organization` and/or `role` of initiatives: one participant row satisfying both."""
    orgs = d.family(f["organization"]) if "organization" in f else None
    roles = set(f["role"]) if "role" in f else None
    return any(
        (orgs is None or p["organization_id"] in orgs) and (roles is None or p["role"] in roles)
        for p in item["participants"]
    )


CRITERIA: dict[str, list[Criterion]] = {
    "initiatives": [
        any_in("country", "countries"),
        any_in("sector", "sectors"),
        value_in("kind", "kind"),
        value_in("status", "status"),
        Criterion(("organization", "role"), participant),
        *date_range("announced_from", "announced_to", "announced_on"),
        cited_by("initiatives"),
    ],
    "pledges": [
        Criterion(
            ("organization",),
            lambda d, p, f: any(o["id"] in d.family(f["organization"]) for o in p["pledgers"]),
        ),
        any_in("country", "countries"),
        value_in("metric", "metric"),
        value_in("unit", "unit"),
        Criterion(("min_amount",), lambda _d, p, f: p["amount"] >= float(f["min_amount"][0])),
        Criterion(("max_amount",), lambda _d, p, f: p["amount"] <= float(f["max_amount"][0])),
        *date_range("target_from", "target_to", "target_on"),
        *date_range("announced_from", "announced_to", "announced_on"),
        value_in("initiative", "initiative_id"),
        value_in("status", "status"),
        cited_by("pledges"),
    ],
    "mous": [
        Criterion(("party",), lambda d, m, f: any(p["id"] in d.family(f["party"]) for p in m["parties"])),
        Criterion(
            ("country",), lambda d, m, f: any(d.country_of[p["id"]] in f["country"] for p in m["parties"])
        ),
        *date_range("signed_from", "signed_to", "signed_on"),
        value_in("initiative", "initiative_id"),
        cited_by("mous"),
    ],
    "organizations": [
        Criterion(("country",), lambda _d, o, f: o["country"] is not None and o["country"] in f["country"]),
        value_in("kind", "kind"),
        Criterion(("parent",), lambda d, o, f: o["id"] in d.subsidiaries(f["parent"])),
    ],
}


def matching(d: Dataset, resource: str, filters: Filters) -> list[Item]:
    """The records of `resource` that every filter given holds for (in id order)."""
    known = {name for c in CRITERIA[resource] for name in c.params}
    unknown = sorted(set(filters) - known)
    if unknown:
        raise ValueError(f"the reference does not model {unknown} on {resource} (q is out of scope)")
    applying = [c for c in CRITERIA[resource] if any(name in filters for name in c.params)]
    return [item for item in d.records[resource] if all(c.holds(d, item, filters) for c in applying)]


# ---------------------------------------------------------------------------------------------
# Sorts


def sort_keys(sort: str) -> list[tuple[str, bool]]:
    """(field, descending) of `sort`, with the `id` tie-break in the first key's direction."""
    keys = [(raw.lstrip("-"), raw.startswith("-")) for raw in sort.split(",")]
    if all(name != "id" for name, _ in keys):
        keys.append(("id", keys[0][1]))
    return keys


def expected_order(resource: str, sort: str) -> Callable[[Item, Item], int]:
    """The order `sort` names: each key ascending or descending, NULLs last both ways, then id."""
    keys = sort_keys(sort)

    def compare(a: Item, b: Item) -> int:
        for name, descending in keys:
            x, y = a[name], b[name]
            if x == y:
                continue
            if x is None:
                return 1
            if y is None:
                return -1
            less = x < y
            return (1 if less else -1) if descending else (-1 if less else 1)
        return 0

    return compare


def ordered(resource: str, items: list[Item], sort: str) -> list[Item]:
    return sorted(items, key=cmp_to_key(expected_order(resource, sort)))


def expected(d: Dataset, resource: str, filters: Filters, sort: str = "id") -> list[Item]:
    """What the list must hold, across all its pages, in order."""
    return ordered(resource, matching(d, resource, filters), sort)


# ---------------------------------------------------------------------------------------------
# Facets

FacetOf = Callable[[Dataset, Item], set[Any]]
FACETS: dict[str, dict[str, FacetOf]] = {
    "initiatives": {
        "country": lambda _d, i: set(i["countries"]),
        "sector": lambda _d, i: set(i["sectors"]),
        "kind": lambda _d, i: {i["kind"]},
        "status": lambda _d, i: {i["status"]},
        "role": lambda _d, i: {p["role"] for p in i["participants"]},
        "organization": lambda _d, i: {p["organization_id"] for p in i["participants"]},
    },
    "pledges": {
        "metric": lambda _d, p: {p["metric"]},
        "unit": lambda _d, p: {p["unit"]},
        "status": lambda _d, p: {p["status"]},
        "organization": lambda _d, p: {o["id"] for o in p["pledgers"]},
        "country": lambda _d, p: set(p["countries"]),
        "year": lambda _d, p: {_year(p["target_on"])},
    },
    "mous": {
        "country": lambda d, m: {d.country_of[p["id"]] for p in m["parties"]},
        "party": lambda _d, m: {p["id"] for p in m["parties"]},
        "year": lambda _d, m: {_year(m["signed_on"])},
    },
    "organizations": {
        "kind": lambda _d, o: {o["kind"]},
        "country": lambda _d, o: {o["country"]},
    },
}


def facet(d: Dataset, resource: str, name: str, items: list[Item]) -> list[dict[str, Any]]:
    """Facet `name` over `items` as the API lists it: records per value, most first, then str(value)."""
    counts = Counter(value for item in items for value in FACETS[resource][name](d, item))
    return [{"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda e: (-e[1], str(e[0])))]


# ---------------------------------------------------------------------------------------------
# Checking a list against the reference


def difference(got: list[str], want: list[str]) -> str:
    """What differs between two id lists, for an assertion message."""
    extra = [i for i in got if i not in set(want)]
    missing = [i for i in want if i not in set(got)]
    if extra or missing:
        return f"returned but failing the reference: {extra[:10]}; matching but left out: {missing[:10]}"
    if len(got) != len(want):
        return f"returned twice: {sorted(i for i, n in Counter(got).items() if n > 1)[:10]}"
    first = next((n for n, (a, b) in enumerate(zip(got, want, strict=True)) if a != b), None)
    return (
        f"same records, order differs from position {first}: got {got[first:][:5]}, want {want[first:][:5]}"
    )


def as_params(filters: Filters) -> Params:
    return [(name, value) for name, values in filters.items() for value in values]


def check_list(
    client: TestClient,
    d: Dataset,
    resource: str,
    filters: Filters,
    sort: str,
    limit: int,
    max_pages: int | None = None,
) -> list[Item]:
    """Walk the pages of the list (every page, or the first `max_pages`): items and order as
    the reference says, its total on every page, and on the first page (asked with every
    facet) its facets. Returns the reference's records."""
    want = expected(d, resource, filters, sort)
    params = [*as_params(filters), ("sort", sort)]
    seen: list[Item] = []
    walked = pages(client, resource, params, limit, first=[("facets", ",".join(FACETS[resource]))])
    for n, body in enumerate(walked, 1):
        if n == 1:
            assert body["total"] == len(want), (
                f"{resource} {params}: total {body['total']}, reference {len(want)}"
            )
            for name in FACETS[resource]:
                assert body["facets"][name] == facet(d, resource, name, want), (
                    f"{resource} {params}: facet {name}"
                )
        seen += body["items"]
        if n == max_pages:
            want = want[: limit * max_pages]
            break
    got_ids, want_ids = [i["id"] for i in seen], [i["id"] for i in want]
    assert got_ids == want_ids, f"{resource} {params} limit={limit}: {difference(got_ids, want_ids)}"
    assert seen == want, f"{resource} {params}: items differ from the records as read"
    return want


# ---------------------------------------------------------------------------------------------
# Vocabulary: the values each filter can take, from the data


@dataclass
class Vocabulary:
    """Values each filter of one resource can take, and what each facet counts."""

    multi: dict[str, list[str]]  # repeatable filters (OR)
    dates: list[date]
    amounts: list[float] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    related: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # filter -> (parent, child)
    facets: dict[str, Callable[[Item], set[Any]]] = field(default_factory=dict)
    single_facets: list[str] = field(default_factory=list)


def _dates(items: list[Item], *names: str) -> list[date]:
    return [date.fromisoformat(item[n]) for item in items for n in names if item[n]]


def _words(*texts: str) -> list[str]:
    words = set()
    for text in texts:
        for raw in text.lower().replace("-", " ").split():
            word = "".join(ch for ch in raw if ch.isalnum())
            if len(word) >= 2 and word.isascii():
                words.add(word)
    return sorted(words)


def build_vocabulary(d: Dataset) -> dict[str, Vocabulary]:
    """Filter values of every list: those the records hold, the full enums, and a few values
    no record holds (countries VN, TH, FR where absent, sector `health`)."""
    initiatives, pledges = d.records["initiatives"], d.records["pledges"]
    mous, organizations = d.records["mous"], d.records["organizations"]
    assert initiatives and pledges and mous and organizations, "the database is empty"

    org_ids = [o["id"] for o in organizations]
    # an organization with one of its subsidiaries (at any depth): the cases where a filter
    # that "includes subsidiaries" must still be a plain union when repeated
    family = []
    for org in org_ids:
        ancestor = d.parent_of[org]
        while ancestor is not None:
            family.append((ancestor, org))
            ancestor = d.parent_of[ancestor]
    assert family, "the data holds no subsidiary"
    initiative_ids = [i["id"] for i in initiatives]
    source_ids = [s["id"] for s in d.records["sources"]]
    seen_countries = {c for i in initiatives for c in i["countries"]}
    seen_countries |= {c for p in pledges for c in p["countries"]}
    seen_countries |= {o["country"] for o in organizations if o["country"]}
    countries = sorted(seen_countries | {"VN", "TH", "FR"})
    sectors = sorted({s for i in initiatives for s in i["sectors"]} | {"health"})
    all_dates = sorted(
        set(_dates(initiatives, "announced_on"))
        | set(_dates(pledges, "announced_on", "target_on"))
        | set(_dates(mous, "signed_on"))
    )
    assert all_dates
    words = _words(
        *(i["name"] for i in initiatives),
        *(o["name"] for o in organizations),
        *(m["title"] for m in mous),
        *(p["audience"] or "" for p in pledges),
    )

    def facets(resource: str) -> dict[str, Callable[[Item], set[Any]]]:
        return {name: partial(values_of, d) for name, values_of in FACETS[resource].items()}

    return {
        "initiatives": Vocabulary(
            multi={
                "country": countries,
                "organization": org_ids,
                "role": [r.value for r in Role],
                "kind": [k.value for k in InitiativeKind],
                "sector": sectors,
                "status": [s.value for s in Status],
                "source": source_ids,
            },
            dates=all_dates,
            words=words,
            related={"organization": family},
            facets=facets("initiatives"),
            single_facets=["kind", "status"],
        ),
        "pledges": Vocabulary(
            multi={
                "organization": org_ids,
                "country": countries,
                "metric": [m.value for m in Metric],
                "unit": [u.value for u in Unit],
                "initiative": initiative_ids,
                "status": [s.value for s in PledgeStatus],
                "source": source_ids,
            },
            dates=all_dates,
            amounts=sorted({float(p["amount"]) for p in pledges}),
            words=words,
            related={"organization": family},
            facets=facets("pledges"),
            single_facets=["metric", "unit", "status", "year"],  # a pledge may have several pledgers
        ),
        "mous": Vocabulary(
            multi={
                "party": org_ids,
                "country": countries,
                "initiative": initiative_ids,
                "source": source_ids,
            },
            dates=all_dates,
            words=words,
            related={"party": family},
            facets=facets("mous"),
            single_facets=["year"],
        ),
        "organizations": Vocabulary(
            multi={
                "country": countries,
                "kind": [k.value for k in OrganizationKind],
                "parent": org_ids,
            },
            dates=[],
            words=words,
            related={"parent": family},
            facets=facets("organizations"),
            single_facets=["kind", "country"],
        ),
    }


# ---------------------------------------------------------------------------------------------
# Strategies


@st.composite
def date_text(draw: st.DrawFn, dates: list[date]) -> str:
    """A real date of the data, maybe moved a little, at year, month or day precision."""
    day = draw(st.sampled_from(dates)) + timedelta(days=draw(st.sampled_from([0, 0, -1, 1, -31, 31, -366])))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": day.isoformat()}[precision]


@st.composite
def amount_text(draw: st.DrawFn, amounts: list[float]) -> str:
    value = draw(st.sampled_from(amounts)) * draw(st.sampled_from([1, 1, 0.5, 2]))
    value = max(0.0, value + draw(st.sampled_from([0, 0, -1, 1, -0.5])))
    return str(int(value)) if value.is_integer() and draw(st.booleans()) else repr(value)


@st.composite
def search_text(draw: st.DrawFn, words: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(words), min_size=1, max_size=2))
    if draw(st.booleans()):
        last = chosen[-1]
        chosen[-1] = last[: draw(st.integers(min_value=2, max_value=len(last)))] + "*"
    return " ".join(chosen)


def filter_names(resource: str, vocab: Vocabulary) -> list[str]:
    names = [*vocab.multi, "q"]
    for lo, hi in DATE_PAIRS[resource]:
        names += [lo, hi]
    if vocab.amounts:
        names += ["min_amount", "max_amount"]
    return names


def filter_values(resource: str, vocab: Vocabulary, name: str, *, repeat: bool = True) -> st.SearchStrategy:
    """Values of one filter: 1..3 distinct values of a repeatable filter, else one value.
    Organization filters draw organizations that have subsidiaries half the time."""
    if name in vocab.multi:
        one = st.sampled_from(vocab.multi[name])
        if vocab.related.get(name):
            one = st.one_of(one, st.sampled_from(sorted({parent for parent, _ in vocab.related[name]})))
        return st.lists(one, min_size=1, max_size=3 if repeat else 1, unique=True)
    if name == "q":
        one = search_text(vocab.words)
    elif name in ("min_amount", "max_amount"):
        one = amount_text(vocab.amounts)
    else:
        one = date_text(vocab.dates)
    return one.map(lambda v: [v])


def valid(resource: str, filters: Filters) -> bool:
    """False when a range is empty by construction: the API answers those with 422."""
    for lo, hi in DATE_PAIRS[resource]:
        if lo in filters and hi in filters and first_day(filters[lo][0]) > last_day(filters[hi][0]):
            return False
    if "min_amount" in filters and "max_amount" in filters:
        return float(filters["min_amount"][0]) <= float(filters["max_amount"][0])
    return True


@st.composite
def filters(
    draw: st.DrawFn,
    resource: str,
    vocab: Vocabulary,
    *,
    max_filters: int = 3,
    exclude: frozenset = frozenset(),
) -> Filters:
    names = [n for n in filter_names(resource, vocab) if n not in exclude]
    chosen = draw(st.lists(st.sampled_from(names), max_size=max_filters, unique=True))
    result = {name: draw(filter_values(resource, vocab, name)) for name in chosen}
    for lo, hi in DATE_PAIRS[resource]:  # an empty range is a 422, not a property of the lists
        if lo in result and hi in result and not valid(resource, {lo: result[lo], hi: result[hi]}):
            result[lo], result[hi] = result[hi], result[lo]
            if not valid(resource, {lo: result[lo], hi: result[hi]}):
                del result[hi]
    if "min_amount" in result and "max_amount" in result:
        low, high = sorted([result["min_amount"], result["max_amount"]], key=lambda v: float(v[0]))
        result["min_amount"], result["max_amount"] = low, high
    return result


@st.composite
def sorts(draw: st.DrawFn, resource: str) -> str:
    fields = draw(st.lists(st.sampled_from(SORTS[resource]), min_size=1, max_size=2, unique=True))
    return ",".join(("-" if draw(st.booleans()) else "") + f for f in fields)
