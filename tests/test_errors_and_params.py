"""Query parameters every endpoint checks the same way, errors that say what to send instead,
problem types documented by the API itself, and the pledge summary's numbers and order
(issue 11, items 6, 8, 9 and 13)."""

import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.common.problems import problem_kinds
from app.config import Settings
from app.main import create_app
from tests.pg import Database

PROBLEM = "application/problem+json"
README = (Path(__file__).parents[1] / "README.md").read_text()
OPENAPI = create_app(Settings(database_url="sqlite://")).openapi()
PLEDGE = "huawei-malaysia-30000-ai-professionals"


def problem(response: Any, status: int, parameter: str) -> dict[str, Any]:
    """The body of a problem naming `parameter`; its messages never show a regular expression."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert parameter in [e["parameter"] for e in body["errors"]], body
    assert not re.search(r"pattern|\^|\\d|\(\?", body["detail"]), body["detail"]
    return body


def message(body: dict[str, Any], parameter: str) -> str:
    return next(e["message"] for e in body["errors"] if e["parameter"] == parameter)


OPERATIONS = [path for path, item in OPENAPI["paths"].items() if "get" in item]
REQUIRED = {
    "/v1/pledges/summary": "group_by=metric",
    "/v1/search": "q=huawei",
    "/v1/reconcile/suggest/entity": "prefix=hua",
    "/v1/reconcile/preview": "id=huawei",
}


def request_of(path: str) -> str:
    """A request of the operation that succeeds: path parameters from the document's examples."""
    examples = {
        p["name"]: p["schema"]["examples"][0]
        for p in OPENAPI["paths"][path]["get"].get("parameters", [])
        if p["in"] == "path"
    }
    url = re.sub(r"\{(\w+)\}", lambda m: str(examples[m.group(1)]), path)
    return f"{url}?{REQUIRED[path]}" if path in REQUIRED else url


# Item 6: unknown parameters, on every operation of the document.


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_operation_rejects_an_unknown_parameter(client: TestClient, path: str) -> None:
    url = request_of(path)
    assert client.get(url).status_code == 200, url
    joiner = "&" if "?" in url else "?"
    body = problem(client.get(f"{url}{joiner}zzz=1"), 422, "zzz")
    assert message(body, "zzz").startswith("unknown parameter")
    assert body["errors"][0]["in"] == "query"


@pytest.mark.parametrize(
    "url",
    [
        "/v1?x=1",
        "/health?x=1",
        "/ready?x=1",
        "/v1/organizations/huawei/partners?x=1",
    ],
)
def test_parameters_are_rejected_where_none_are_taken(client: TestClient, url: str) -> None:
    name = url.split("?")[1].split("=")[0]
    body = problem(client.get(url), 422, name)
    assert "takes no query parameters" in message(body, name)


def test_a_detail_names_the_parameters_it_takes(client: TestClient) -> None:
    body = problem(client.get(f"/v1/pledges/{PLEDGE}?foo=1"), 422, "foo")
    assert message(body, "foo") == "unknown parameter; this endpoint takes as_of, as_of_version"


@pytest.mark.parametrize(
    "url",
    [
        "/v1/mous/mou-huawei-tiong-nam-smart-logistics?foo=1",
        "/v1/mous/mou-huawei-tiong-nam-smart-logistics?format=xml",
        "/v1/mous/mou-huawei-tiong-nam-smart-logistics?format=json",
        "/v1/organizations/huawei?sort=name",
        "/v1/sources/bernama-malaysia-china-ai-mous?as_of=2025-01-01",
    ],
)
def test_every_other_detail_takes_as_of_version_only(client: TestClient, url: str) -> None:
    name = url.split("?")[1].split("=")[0]
    body = problem(client.get(url), 422, name)
    assert message(body, name) == "unknown parameter; this endpoint takes as_of_version"


def test_an_unknown_parameter_is_answered_before_revalidation(client: TestClient) -> None:
    response = client.get(f"/v1/pledges/{PLEDGE}?foo=1", headers={"If-None-Match": "*"})
    problem(response, 422, "foo")


def test_a_typo_gets_the_name_meant(client: TestClient) -> None:
    body = problem(client.get("/v1/initiatives?countri=MY"), 422, "countri")
    assert message(body, "countri") == "unknown parameter; did you mean country?"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/v1/initiatives?limit=5&limit=10", "limit"),
        ("/v1/initiatives?sort=name&sort=-name", "sort"),
        ("/v1/initiatives?q=huawei&q=cloud", "q"),
        ("/v1/initiatives?cursor=a&cursor=b", "cursor"),
        ("/v1/initiatives?format=json&format=csv", "format"),
        ("/v1/initiatives?facets=kind&facets=status", "facets"),
        ("/v1/initiatives?announced_from=2024&announced_from=2025", "announced_from"),
        ("/v1/mous?signed_to=2025&signed_to=2026", "signed_to"),
        ("/v1/pledges?min_amount=1&min_amount=2", "min_amount"),
        ("/v1/pledges?max_amount=1&max_amount=2", "max_amount"),
        ("/v1/pledges/summary?group_by=metric&group_by=country", "group_by"),
        ("/v1/search?q=huawei&q=cloud", "q"),
        ("/v1/search?q=huawei&limit=1&limit=2", "limit"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_an_error(
    client: TestClient, url: str, parameter: str
) -> None:
    body = problem(client.get(url), 422, parameter)
    assert message(body, parameter).startswith("is given 2 times")
    if parameter in ("sort", "facets"):  # arrays, comma-separated in one value
        assert f"{parameter}=a,b" in message(body, parameter)


def test_repeated_filters_still_mean_or(client: TestClient) -> None:
    def total(query: str) -> int:
        response = client.get(f"/v1/initiatives?{query}&limit=1")
        assert response.status_code == 200, response.text
        result: int = response.json()["total"]
        return result

    both = total("country=MY&country=SG")
    assert both > max(total("country=MY"), total("country=SG"))
    assert total("kind=policy&kind=data_corridor") == total("kind=policy") + total("kind=data_corridor")
    assert client.get("/v1/search?q=huawei&type=pledge&type=initiative").status_code == 200


def test_the_docs_pages_take_what_browsers_add(client: TestClient) -> None:
    """Not operations of the document: Swagger UI's OAuth2 redirect gets `code` and `state`,
    and tools add cache busters to the document (README, "Errors")."""
    assert client.get("/docs?v=2").status_code == 200
    assert client.get("/openapi.json?v=2").status_code == 200
    assert client.get("/docs/oauth2-redirect?code=x&state=y").status_code == 200


# Item 8: messages that say what to send, one rule of case for every vocabulary.


@pytest.mark.parametrize(
    ("url", "parameter", "fragment"),
    [
        ("/v1/pledges?organization=Huawei", "organization", "ids are lowercase slugs"),
        ("/v1/pledges?organization=Huawei", "organization", "such as huawei"),
        ("/v1/mous?party=Not A Slug", "party", "did you mean 'not-a-slug'?"),
        ("/v1/pledges?country=Malaysia", "country", "use its ISO code, MY; repeat the parameter for several"),
        ("/v1/pledges?country=Atlantis", "country", "use an ISO 3166-1 alpha-2 code such as MY; repeat"),
        ("/v1/pledges?country=MY,SG", "country", "country=MY&country=SG"),
        ("/v1/mous?signed_from=10/04/2025", "signed_from", "dates are YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/v1/initiatives?announced_to=yesterday", "announced_to", "dates are YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/v1/mous?signed_from=2025-02-30", "signed_from", "not a real date"),
        ("/v1/pledges?sort=amount desc", "sort", "use -amount for descending"),
        ("/v1/pledges?sort=amount:asc", "sort", "use amount for ascending"),
        ("/v1/pledges?sort=colour", "sort", "use one of amount, announced_on, id, metric, target_on"),
        ("/v1/initiatives?sector=smart logistics", "sector", "a word such as logistics"),
    ],
)
def test_errors_say_what_to_send(client: TestClient, url: str, parameter: str, fragment: str) -> None:
    body = problem(client.get(url), 422, parameter)
    assert fragment in message(body, parameter), body


VOCABULARIES = [
    ("/v1/initiatives?kind=policy", "/v1/initiatives?kind=POLICY"),
    ("/v1/initiatives?status=active", "/v1/initiatives?status=Active"),
    ("/v1/initiatives?role=lead", "/v1/initiatives?role=LEAD"),
    ("/v1/initiatives?sector=logistics", "/v1/initiatives?sector=Logistics"),
    ("/v1/initiatives?country=CN", "/v1/initiatives?country=cn"),
    ("/v1/initiatives?sort=-name&facets=kind", "/v1/initiatives?sort=-Name&facets=KIND"),
    ("/v1/organizations?kind=university", "/v1/organizations?kind=University"),
    ("/v1/pledges?metric=people_trained&unit=people", "/v1/pledges?metric=People_Trained&unit=PEOPLE"),
    ("/v1/pledges?unit=USD", "/v1/pledges?unit=usd"),
    ("/v1/pledges?status=announced", "/v1/pledges?status=ANNOUNCED"),
    ("/v1/pledges/summary?group_by=metric", "/v1/pledges/summary?group_by=Metric"),
    ("/v1/search?q=huawei&type=pledge", "/v1/search?q=huawei&type=Pledge"),
]


@pytest.mark.parametrize(("canonical", "folded"), VOCABULARIES)
def test_every_vocabulary_is_accepted_in_any_case(client: TestClient, canonical: str, folded: str) -> None:
    expected = client.get(canonical)
    assert expected.status_code == 200, expected.text
    got = client.get(folded)
    assert got.status_code == 200, got.text
    assert got.json() == expected.json()


def test_formats_are_accepted_in_any_case(client: TestClient) -> None:
    expected = client.get("/v1/sources?format=csv")
    got = client.get("/v1/sources?format=CSV")
    assert got.status_code == 200 and got.text == expected.text


def _parameter(path: str, name: str) -> dict[str, Any]:
    parameters = OPENAPI["paths"][path]["get"]["parameters"]
    found: dict[str, Any] = next(p for p in parameters if p["name"] == name)
    return found


@pytest.mark.parametrize(
    ("path", "name", "enum", "folded", "not_one"),
    [
        ("/v1/initiatives", "kind", "InitiativeKind", "Data_Centre", "data_centres"),
        ("/v1/pledges", "unit", "Unit", "usd", "usd2"),
        ("/v1/pledges/summary", "group_by", "GroupBy", "ANNOUNCED_YEAR", "announced"),
        ("/v1/search", "type", "ResourceType", "Mou", "mou-"),
    ],
)
def test_the_document_keeps_each_enum_and_admits_its_spellings(
    path: str, name: str, enum: str, folded: str, not_one: str
) -> None:
    schema = _parameter(path, name)["schema"]
    shapes = schema.get("items", schema)["anyOf"]
    assert {"$ref": f"#/components/schemas/{enum}"} in shapes
    assert OPENAPI["components"]["schemas"][enum]["enum"]
    (pattern,) = [s["pattern"] for s in shapes if "pattern" in s]
    assert re.fullmatch(pattern, folded) and not re.fullmatch(pattern, not_one)


def test_the_sort_vocabulary_is_documented_in_any_case() -> None:
    items = _parameter("/v1/pledges", "sort")["schema"]["items"]["anyOf"]
    assert "-amount" in items[0]["enum"]
    assert re.fullmatch(items[1]["pattern"], "-Amount") and not re.fullmatch(
        items[1]["pattern"], "amount desc"
    )


@pytest.mark.parametrize("url", [f"/v1/pledges/{PLEDGE.upper()}", "/v1/organizations/Huawei/partners"])
def test_a_bad_path_parameter_is_not_a_query_parameter(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["title"] == "Invalid path parameter"
    assert body["type"] == "/problems/invalid-path-parameter"
    assert [e["in"] for e in body["errors"]] == ["path"]
    assert "ids are lowercase slugs" in body["errors"][0]["message"]


def test_a_cursor_used_with_another_sort_says_so(client: TestClient) -> None:
    first = client.get("/v1/initiatives?sort=-announced_on&limit=2").json()
    cursor = first["next_cursor"]
    assert client.get(f"/v1/initiatives?sort=-announced_on&limit=2&cursor={cursor}").status_code == 200
    other_sort = client.get(f"/v1/initiatives?sort=name&limit=2&cursor={cursor}")
    assert other_sort.status_code == 400
    text = message(other_sort.json(), "cursor")
    assert text.startswith("this cursor was issued for sort=-announced_on;"), text
    default_sort = client.get(f"/v1/initiatives?limit=2&cursor={cursor}")
    assert "issued for sort=-announced_on" in message(default_sort.json(), "cursor")
    other_filter = client.get(f"/v1/initiatives?sort=-announced_on&kind=policy&cursor={cursor}")
    assert "issued for other filters" in message(other_filter.json(), "cursor")


# Item 9: problem types are this API's own pages, or about:blank with the status phrase.


def assert_documented(client: TestClient, response: Any) -> None:
    body = response.json()
    assert response.headers["content-type"] == PROBLEM
    if body["type"] == "about:blank":
        assert body["title"] == HTTPStatus(body["status"]).phrase, body
        return
    assert body["type"].startswith("/problems/"), body
    page = client.get(body["type"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"<h1>{body['title']}</h1>" in page.text and f"HTTP status {body['status']}" in page.text


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/v1/initiatives?cursor=zzz", 400),
        ("GET", "/v1/search?q=huawei&cursor=zzz", 400),
        ("GET", "/v1/initiatives/nothing-here", 404),
        ("GET", "/v2/initiatives", 404),
        ("DELETE", "/v1/initiatives", 405),
        ("GET", "/v1/initiatives?" + "&".join(f"q={i}" for i in range(2000)), 414),
        ("GET", "/v1/initiatives?kind=hackathon", 422),
        ("GET", "/v1/initiatives?countri=MY", 422),
        ("GET", "/v1/pledges/Bad_Id", 422),
        ("GET", "/v1/pledges/summary", 422),
    ],
)
def test_every_problem_type_is_documented_by_the_api(
    client: TestClient, method: str, url: str, status: int
) -> None:
    response = client.request(method, url)
    assert response.status_code == status, response.text
    assert "httpstatuses" not in response.text
    assert_documented(client, response)


def test_an_export_too_large_is_a_documented_400(seeded_db: Database) -> None:
    with TestClient(create_app(Settings(database_url=seeded_db.reader_url, max_export_rows=5))) as c:
        response = c.get("/v1/initiatives?format=csv")
        assert response.status_code == 400
        assert response.json()["type"] == "/problems/export-too-large"
        assert_documented(c, response)
    for path, item in OPENAPI["paths"].items():
        responses = item["get"]["responses"]
        assert "413" not in responses, path
        if path == "/v1/initiatives":
            assert "export larger than" in responses["400"]["description"]


def test_the_problems_page_lists_every_kind_and_the_readme_too(client: TestClient) -> None:
    index = client.get("/problems")
    assert index.status_code == 200
    for slug, kind in problem_kinds().items():
        assert f"/problems/{slug}" in index.text
        assert f"`/problems/{slug}`" in README, f"README does not document /problems/{slug}"
        assert client.get(f"/problems/{slug}").status_code == 200, slug
        assert kind.__doc__, f"{kind.__name__} has no docstring to document it"
    assert client.get("/problems/no-such-problem").status_code == 404


# Item 13: summary totals as the lists show amounts; groups by key, then unit.


@pytest.mark.parametrize("group_by", ["organization", "country", "metric", "year", "announced_year"])
def test_summary_totals_are_integers_and_groups_ordered_by_key_then_unit(
    client: TestClient, group_by: str
) -> None:
    body = client.get(f"/v1/pledges/summary?group_by={group_by}").json()
    for group in body["groups"] + body["totals"]:
        assert isinstance(group["total"], int), group  # every seeded amount is whole
    order = [(g["key"] is None, g["key"] if g["key"] is not None else 0, g["unit"]) for g in body["groups"]]
    assert order == sorted(order), order
    assert [t["unit"] for t in body["totals"]] == sorted(t["unit"] for t in body["totals"])
