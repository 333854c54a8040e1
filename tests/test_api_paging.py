"""Keyset pages visit every row once under any sort and limit; facets and exports agree with lists."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

SORTS = {
    "initiatives": [
        "id",
        "-id",
        "name",
        "-announced_on",
        "announced_on,name",
        "kind,-announced_on",
        "-status,name",
    ],
    "organizations": ["name", "-country", "kind,country"],
    "mous": ["-signed_on", "title"],
    "pledges": ["-amount", "target_on", "-announced_on,amount", "metric,-target_on"],
    "sources": ["-published_on", "title"],
}
CASES = [
    (resource, sort, limit) for resource, sorts in SORTS.items() for sort in sorts for limit in (1, 3, 7)
]


def walk(client: TestClient, path: str) -> tuple[list[str], int]:
    seen: list[str] = []
    url = path
    total = None
    for _ in range(1000):
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        total = body["total"] if total is None else total
        assert body["total"] == total
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            assert "link" not in response.headers
            return seen, total
        link = response.headers["link"]
        assert link.endswith('>; rel="next"') and body["next_cursor"] in link
        url = link[link.index("<") + 1 : link.index(">")].replace("http://testserver", "")
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize(("resource", "sort", "limit"), CASES)
def test_every_row_exactly_once(client: TestClient, resource: str, sort: str, limit: int) -> None:
    everything = client.get(f"/v1/{resource}?limit=500&sort={sort}").json()
    seen, total = walk(client, f"/v1/{resource}?limit={limit}&sort={sort}")
    assert seen == [item["id"] for item in everything["items"]]
    assert len(seen) == len(set(seen)) == total == everything["total"]


def test_filtered_pages(client: TestClient) -> None:
    seen, total = walk(client, "/v1/initiatives?country=MY&limit=4&sort=-announced_on")
    assert total == 19 and len(set(seen)) == 19


def test_cursor_is_bound_to_its_query(client: TestClient) -> None:
    cursor = client.get("/v1/initiatives?limit=2").json()["next_cursor"]
    response = client.get(f"/v1/initiatives?limit=2&sort=name&cursor={cursor}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "cursor"
    assert client.get(f"/v1/initiatives?limit=2&country=MY&cursor={cursor}").status_code == 400


@pytest.mark.parametrize(
    "cursor", ["abc", "!!!", "W10", "WyJ4IiwgWzFdXQ", "bnVsbA", "x" * 600, "WyIiLCBbbnVsbF1d"]
)
def test_tampered_cursor_is_a_client_error(client: TestClient, cursor: str) -> None:
    response = client.get("/v1/pledges", params={"cursor": cursor, "sort": "-amount"})
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "facets"),
    [
        ("/v1/initiatives?country=MY", "country,kind,status,sector,role,organization"),
        ("/v1/initiatives", "kind"),
        ("/v1/pledges?organization=huawei", "metric,unit,country,status,organization,year"),
        ("/v1/mous", "country,party,year"),
        ("/v1/organizations?country=MY", "kind,country"),
        ("/v1/sources", "publisher,year"),
    ],
)
def test_facets_count_the_whole_filtered_set(client: TestClient, path: str, facets: str) -> None:
    sep = "&" if "?" in path else "?"
    body = client.get(f"{path}{sep}limit=1&facets={facets}").json()
    items = client.get(f"{path}{sep}limit=500").json()["items"]
    assert body["total"] == len(items)
    for name in facets.split(","):
        counts = {entry["value"]: entry["count"] for entry in body["facets"][name]}
        ordered = [entry["count"] for entry in body["facets"][name]]
        assert ordered == sorted(ordered, reverse=True)
        if name in {"kind", "status", "metric", "unit", "year", "publisher"}:
            assert sum(counts.values()) == body["total"], name  # one value per record
        # each value, added as a filter, gives exactly that many rows (skip a filter already set)
        if name in {"kind", "status", "metric", "unit", "country"} and f"{name}=" not in path:
            for value, count in counts.items():
                filtered = client.get(f"{path}{sep}limit=1&{name}={value}").json()["total"]
                assert filtered == count, (name, value)


def test_a_facet_named_twice_is_a_422_as_the_schema_says(client: TestClient) -> None:
    """`facets` is documented `uniqueItems`, like `sort` (schemathesis found it accepted)."""
    response = client.get("/v1/sources?facets=year,publisher,year")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "facets"


def _json_rows(client: TestClient, path: str) -> list[dict]:
    sep = "&" if "?" in path else "?"
    return client.get(f"{path}{sep}limit=500").json()["items"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/initiatives",
        "/v1/initiatives?country=MY&sort=-announced_on",
        "/v1/pledges?sort=-amount",
        "/v1/mous",
        "/v1/organizations",
        "/v1/sources",
    ],
)
def test_exports_match_the_json_list(client: TestClient, path: str) -> None:
    rows = _json_rows(client, path)
    sep = "&" if "?" in path else "?"

    ndjson = client.get(f"{path}{sep}format=ndjson")
    assert ndjson.status_code == 200
    assert ndjson.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line) for line in ndjson.text.splitlines()] == rows

    exported = client.get(f"{path}{sep}format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["x-total-count"] == str(len(rows))
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    by_accept = client.get(path, headers={"Accept": "text/csv"})
    assert by_accept.text == exported.text


def test_csv_flattens_lists(client: TestClient) -> None:
    exported = client.get("/v1/pledges?format=csv&organization=alibaba-cloud&unit=USD").text
    (row,) = list(csv.DictReader(io.StringIO(exported)))
    assert row["countries"] == "ID; MY; PH; SG"
    assert row["amount"] == "1000000000"
    assert row["pledger_names"] == "Alibaba Cloud"
    initiatives = client.get("/v1/initiatives?format=csv&kind=data_corridor").text
    (row,) = list(csv.DictReader(io.StringIO(initiatives)))
    assert row["participants"] == "shanghai-international-data-port (operator); skyvast-data (operator)"
