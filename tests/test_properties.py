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

from collections import Counter
from functools import cmp_to_key
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.oracle import (
    RESOURCES,
    Item,
    Params,
    Vocabulary,
    as_params,
    build_vocabulary,
    expected_order,
    filter_names,
    filter_values,
    filters,
    read_dataset,
    sorts,
    valid,
)
from tests.oracle import get_json as get

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


# ---------------------------------------------------------------------------------------------
# HTTP helpers


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
# Vocabulary, fetched once per backend from the API (tests/oracle.py builds it)


@pytest.fixture(scope="session")
def vocabulary(client: TestClient) -> dict[str, Vocabulary]:
    return build_vocabulary(read_dataset(client))


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
