"""Property tests of the lists through HTTP, on random filters, sorts and page sizes.

The vocabularies (countries, kinds, statuses, roles, sectors, metrics, units, dates, amounts,
record ids, search words) come from the seeded database itself, fetched once through the API,
plus the full enums of the data model (values no record holds give empty answers, which the
properties must survive too).

Properties, for initiatives, pledges, mous and organizations:
  * walking every page returns exactly the unpaged answer, in order, each row once, with the
    same `total` on every page; the unpaged answer is sorted as `sort` asks;
  * repeating a filter is a union;
  * adding a filter never adds rows, and gives the intersection for independent filters;
  * facet counts are the number of filtered records holding each value (so single-valued
    facets sum to `total`).
"""

import calendar
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cmp_to_key
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.models.enums import InitiativeKind, Metric, OrganizationKind, Role, Status, Unit

Params = list[tuple[str, str]]
Item = dict[str, Any]
RESOURCES = ["initiatives", "pledges", "mous", "organizations"]
UNPAGED = 500

SETTINGS = settings(
    max_examples=35,
    deadline=None,
    database=None,  # nothing written into the shared working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Filters whose conditions are not independent: on initiatives, `organization` and `role`
# apply to the same participant (that organization in that role).
DEPENDENT = {"initiatives": {frozenset({"organization", "role"})}}
DATE_PAIRS = {
    "initiatives": [("announced_from", "announced_to")],
    "pledges": [("target_from", "target_to"), ("announced_from", "announced_to")],
    "mous": [("signed_from", "signed_to")],
    "organizations": [],
}
SORTS = {
    "initiatives": ["id", "name", "kind", "status", "announced_on"],
    "pledges": ["id", "amount", "metric", "announced_on", "target_on"],
    "mous": ["id", "title", "signed_on"],
    "organizations": ["id", "name", "kind", "country"],
}


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


# ---------------------------------------------------------------------------------------------
# HTTP helpers


def get(client: TestClient, resource: str, params: Params) -> dict[str, Any]:
    response = client.get(f"/v1/{resource}", params=params)
    assert response.status_code == 200, (resource, params, response.status_code, response.text)
    return response.json()


def unpaged(client: TestClient, resource: str, params: Params) -> dict[str, Any]:
    body = get(client, resource, [*params, ("limit", str(UNPAGED))])
    assert body["next_cursor"] is None
    assert body["total"] == len(body["items"]) < UNPAGED
    return body


def ids(client: TestClient, resource: str, params: Params) -> set[str]:
    items = unpaged(client, resource, params)["items"]
    found = [item["id"] for item in items]
    assert len(found) == len(set(found)), found
    return set(found)


# ---------------------------------------------------------------------------------------------
# Vocabulary, fetched once per backend from the API


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


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value else None


@pytest.fixture(scope="session")
def vocabulary(client: TestClient) -> dict[str, Vocabulary]:
    everything = {name: unpaged(client, name, [])["items"] for name in [*RESOURCES, "sources"]}
    initiatives, pledges = everything["initiatives"], everything["pledges"]
    mous, organizations = everything["mous"], everything["organizations"]
    assert initiatives and pledges and mous and organizations, "the seeded database is empty"

    org_ids = [o["id"] for o in organizations]
    org_country = {o["id"]: o["country"] for o in organizations}
    # an organization with one of its subsidiaries (at any depth): the cases where a filter
    # that "includes subsidiaries" must still be a plain union when repeated
    parent_of = {o["id"]: o["parent_id"] for o in organizations}
    family = []
    for org in org_ids:
        ancestor = parent_of[org]
        while ancestor is not None:
            family.append((ancestor, org))
            ancestor = parent_of[ancestor]
    assert family, "the seeds hold no subsidiary"
    initiative_ids = [i["id"] for i in initiatives]
    source_ids = [s["id"] for s in everything["sources"]]
    seen_countries = {c for i in initiatives for c in i["countries"]}
    seen_countries |= {c for p in pledges for c in p["countries"]}
    seen_countries |= {o["country"] for o in organizations if o["country"]}
    countries = sorted(seen_countries | {"VN", "TH"})  # two ASEAN members no record names
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
            facets={
                "country": lambda i: set(i["countries"]),
                "sector": lambda i: set(i["sectors"]),
                "kind": lambda i: {i["kind"]},
                "status": lambda i: {i["status"]},
                "role": lambda i: {p["role"] for p in i["participants"]},
                "organization": lambda i: {p["organization_id"] for p in i["participants"]},
            },
            single_facets=["kind", "status"],
        ),
        "pledges": Vocabulary(
            multi={
                "organization": org_ids,
                "country": countries,
                "metric": [m.value for m in Metric],
                "unit": [u.value for u in Unit],
                "initiative": initiative_ids,
                "status": [s.value for s in Status],
                "source": source_ids,
            },
            dates=all_dates,
            amounts=sorted({float(p["amount"]) for p in pledges}),
            words=words,
            related={"organization": family},
            facets={
                "metric": lambda p: {p["metric"]},
                "unit": lambda p: {p["unit"]},
                "status": lambda p: {p["status"]},
                "organization": lambda p: {p["pledger_id"]},
                "country": lambda p: set(p["countries"]),
                "year": lambda p: {_year(p["target_on"])},
            },
            single_facets=["metric", "unit", "status", "organization", "year"],
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
            facets={
                "country": lambda m: {org_country[p["id"]] for p in m["parties"]},
                "party": lambda m: {p["id"] for p in m["parties"]},
                "year": lambda m: {_year(m["signed_on"])},
            },
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
            facets={"kind": lambda o: {o["kind"]}, "country": lambda o: {o["country"]}},
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
    """Values of one filter: 1..3 distinct values of a repeatable filter, else one value."""
    if name in vocab.multi:
        return st.lists(
            st.sampled_from(vocab.multi[name]), min_size=1, max_size=3 if repeat else 1, unique=True
        )
    if name == "q":
        one = search_text(vocab.words)
    elif name in ("min_amount", "max_amount"):
        one = amount_text(vocab.amounts)
    else:
        one = date_text(vocab.dates)
    return one.map(lambda v: [v])


def _first_day(text: str) -> date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def _last_day(text: str) -> date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


def valid(resource: str, filters: dict[str, list[str]]) -> bool:
    """False when a range is empty by construction: the API answers those with 422."""
    for lo, hi in DATE_PAIRS[resource]:
        if lo in filters and hi in filters and _first_day(filters[lo][0]) > _last_day(filters[hi][0]):
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
) -> dict[str, list[str]]:
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


def as_params(filters: dict[str, list[str]]) -> Params:
    return [(name, value) for name, values in filters.items() for value in values]


# ---------------------------------------------------------------------------------------------
# Order oracle


def expected_order(resource: str, sort: str) -> Callable[[Item, Item], int]:
    """The order `sort` names: each key ascending or descending, NULLs last both ways, then id."""
    keys = [(raw.lstrip("-"), raw.startswith("-")) for raw in sort.split(",")]
    if keys[-1][0] != "id" and all(name != "id" for name, _ in keys):
        keys.append(("id", keys[0][1]))

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


# ---------------------------------------------------------------------------------------------
# Properties


@pytest.mark.parametrize("resource", RESOURCES)
@SETTINGS
@given(data=st.data())
def test_pages_walk_the_unpaged_answer(
    client: TestClient, vocabulary: dict[str, Vocabulary], resource: str, data: st.DataObject
) -> None:
    vocab = vocabulary[resource]
    chosen = data.draw(filters(resource, vocab), label="filters")
    sort = data.draw(sorts(resource), label="sort")
    limit = data.draw(st.integers(min_value=1, max_value=12), label="limit")
    params = [*as_params(chosen), ("sort", sort)]

    everything = unpaged(client, resource, params)
    expected = everything["items"]
    total = everything["total"]
    ordered = sorted(expected, key=cmp_to_key(expected_order(resource, sort)))
    assert [i["id"] for i in expected] == [i["id"] for i in ordered], f"not sorted by {sort}"

    seen: list[Item] = []
    cursor = None
    for _ in range(total + 2):
        page_params = [*params, ("limit", str(limit))] + ([("cursor", cursor)] if cursor else [])
        response = client.get(f"/v1/{resource}", params=page_params)
        assert response.status_code == 200, (page_params, response.text)
        body = response.json()
        assert body["total"] == total, (page_params, body["total"], total)
        assert len(body["items"]) <= limit
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            assert "link" not in response.headers
            break
        assert len(body["items"]) == limit, "a page before the last one is short"
        link = response.headers["link"]
        assert link.endswith('>; rel="next"')
        query = parse_qsl(urlsplit(link[link.index("<") + 1 : link.index(">")]).query)
        assert sorted(query) == sorted([*params, ("limit", str(limit)), ("cursor", cursor)])
    else:
        raise AssertionError(f"more than {total + 1} pages for {total} rows")

    assert [i["id"] for i in seen] == [i["id"] for i in expected]
    assert seen == expected
    assert len({i["id"] for i in seen}) == len(seen) == total


@pytest.mark.parametrize("resource", RESOURCES)
@SETTINGS
@given(data=st.data())
def test_repeating_a_filter_is_a_union(
    client: TestClient, vocabulary: dict[str, Vocabulary], resource: str, data: st.DataObject
) -> None:
    vocab = vocabulary[resource]
    name = data.draw(st.sampled_from(sorted(vocab.multi)), label="repeated filter")
    pairs = st.lists(st.sampled_from(vocab.multi[name]), min_size=2, max_size=2, unique=True)
    if name in vocab.related:  # half the time an organization and one of its subsidiaries
        pairs = st.one_of(pairs, st.sampled_from(vocab.related[name]).flatmap(st.permutations))
    a, b = data.draw(pairs, label="values")
    base = as_params(
        data.draw(filters(resource, vocab, max_filters=2, exclude=frozenset({name})), label="base")
    )
    both = ids(client, resource, [*base, (name, a), (name, b)])
    assert both == ids(client, resource, [*base, (name, a)]) | ids(client, resource, [*base, (name, b)])
    assert both == ids(client, resource, [*base, (name, b), (name, a)])  # order does not matter


@pytest.mark.parametrize("resource", RESOURCES)
@SETTINGS
@given(data=st.data())
def test_adding_a_filter_narrows_to_the_intersection(
    client: TestClient, vocabulary: dict[str, Vocabulary], resource: str, data: st.DataObject
) -> None:
    vocab = vocabulary[resource]
    base = data.draw(filters(resource, vocab), label="base")
    names = [n for n in filter_names(resource, vocab) if n not in base]
    extra_name = data.draw(st.sampled_from(names), label="extra filter")
    extra = {extra_name: data.draw(filter_values(resource, vocab, extra_name), label="extra values")}
    assume(valid(resource, {**base, **extra}))

    narrowed = ids(client, resource, as_params({**base, **extra}))
    wide = ids(client, resource, as_params(base))
    assert narrowed <= wide
    dependent = any(
        pair <= set(base) | {extra_name} and extra_name in pair for pair in DEPENDENT.get(resource, ())
    )
    if not dependent:
        assert narrowed == wide & ids(client, resource, as_params(extra))


def _facets(
    client: TestClient, resource: str, vocab: Vocabulary, data: st.DataObject
) -> tuple[dict[str, Any], list[Item]]:
    chosen = data.draw(filters(resource, vocab), label="filters")
    limit = data.draw(st.integers(min_value=1, max_value=12), label="limit")
    names = list(vocab.facets)
    body = get(client, resource, [*as_params(chosen), ("limit", str(limit)), ("facets", ",".join(names))])
    items = unpaged(client, resource, as_params(chosen))["items"]
    assert body["total"] == len(items)
    assert sorted(body["facets"]) == sorted(names)
    for name in names:
        entries = body["facets"][name]
        assert len({e["value"] for e in entries}) == len(entries), f"facet {name} lists a value twice"
        counts = [e["count"] for e in entries]
        assert counts == sorted(counts, reverse=True)
    return body, items


@pytest.mark.parametrize("resource", RESOURCES)
@SETTINGS
@given(data=st.data())
def test_single_valued_facets_sum_to_total(
    client: TestClient, vocabulary: dict[str, Vocabulary], resource: str, data: st.DataObject
) -> None:
    vocab = vocabulary[resource]
    body, _ = _facets(client, resource, vocab, data)
    for name in vocab.single_facets:  # one value per record (null included): counts add up
        assert sum(e["count"] for e in body["facets"][name]) == body["total"], (name, body["facets"][name])


@pytest.mark.parametrize("resource", RESOURCES)
@SETTINGS
@given(data=st.data())
def test_facet_counts_are_the_records_holding_each_value(
    client: TestClient, vocabulary: dict[str, Vocabulary], resource: str, data: st.DataObject
) -> None:
    """A facet counts records of the filtered set, not link rows: an initiative with three
    partners counts once under role=partner (as MoUs count once per party)."""
    vocab = vocabulary[resource]
    body, items = _facets(client, resource, vocab, data)
    for name, values_of in vocab.facets.items():
        got = {e["value"]: e["count"] for e in body["facets"][name]}
        assert all(0 < count <= body["total"] for count in got.values()), (name, got)
        expected = dict(Counter(v for item in items for v in values_of(item)))
        assert got == expected, f"facet {name}: got {got}, the {len(items)} records hold {expected}"
