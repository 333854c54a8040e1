"""The reconciliation service (/v1/reconcile) through HTTP, on both databases: the manifest,
batches by GET and POST, types, properties, scores and their order, when `match` is true,
suggest, the preview (escaped, no script, framable), extension and the limits."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.reconcile.matching import normalize
from tests.test_api_http import assert_problem


def batch(client: TestClient, queries: dict[str, Any], *, post: bool = True) -> dict[str, Any]:
    if post:
        response = client.post("/v1/reconcile", data={"queries": json.dumps(queries)})
    else:
        response = client.get("/v1/reconcile", params={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == set(queries)
    return body


def results(client: TestClient, query: str, **extra: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = batch(client, {"q": {"query": query, **extra}})["q"]["result"]
    return found


def test_the_manifest(client: TestClient) -> None:
    response = client.get("/v1/reconcile")
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["versions"] == ["0.2"]
    assert [t["id"] for t in manifest["defaultTypes"]] == ["organization", "initiative", "person"]
    base = "http://testserver"
    assert manifest["view"]["url"] == f"{base}/v1/reconcile/preview?id={{{{id}}}}"
    assert manifest["preview"]["url"].startswith(f"{base}/v1/reconcile/preview")
    assert manifest["suggest"]["entity"] == {
        "service_url": base,
        "service_path": "/v1/reconcile/suggest/entity",
    }
    assert manifest["extend"]["propose_properties"]["service_path"] == "/v1/reconcile/properties"
    assert response.headers["access-control-allow-origin"] == "*"


def test_jsonp(client: TestClient) -> None:
    response = client.get("/v1/reconcile", params={"callback": "jQuery1_2"})
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.text.startswith("/**/jQuery1_2({") and response.text.endswith("});")
    assert_problem(client.get("/v1/reconcile", params={"callback": "alert(1)"}), 422)


def test_get_and_post_answer_the_same(client: TestClient) -> None:
    queries = {"a": {"query": "Huawei", "type": "organization"}, "b": {"query": "NTU"}}
    assert batch(client, queries, post=True) == batch(client, queries, post=False)
    multipart = client.post("/v1/reconcile", files={"queries": (None, json.dumps(queries))})
    assert multipart.status_code == 200 and multipart.json() == batch(client, queries)


def test_a_post_is_not_cached(client: TestClient) -> None:
    response = client.post("/v1/reconcile", data={"queries": '{"q": {"query": "Huawei"}}'})
    assert "etag" not in response.headers
    assert response.headers["cache-control"] == "no-store"


def test_an_exact_name_is_100_and_matched_then_its_subsidiaries(client: TestClient) -> None:
    found = results(client, "huawei", type="organization")
    assert found[0] == {
        "id": "huawei",
        "name": "Huawei",
        "type": [{"id": "organization", "name": "Organization"}],
        "score": 100.0,
        "match": True,
        "description": "company; CN",
    }
    subsidiaries = {r["id"] for r in found[1:3]}
    assert subsidiaries == {"huawei-malaysia", "huawei-international"}
    assert all(80 <= r["score"] < 100 and not r["match"] for r in found[1:])
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("HUAWEI TECHNOLOGIES (MALAYSIA) CO LTD", "huawei-malaysia"),  # an alias, another case
        ("  skyvast ", "skyvast-cloud"),  # an alias, with spaces
        ("NTU", "nanyang-technological-university"),
        ("Prime Minister's Office", "prime-ministers-office"),  # ' for ’
        ("Universití Teknologi Malaysia", "universiti-teknologi-malaysia"),  # an accent
    ],
)
def test_aliases_case_accents_and_spacing_match(client: TestClient, query: str, expected: str) -> None:
    found = results(client, query, type="organization")
    assert (found[0]["id"], found[0]["score"], found[0]["match"]) == (expected, 100.0, True)
    assert not any(r["match"] for r in found[1:])


def test_a_misspelling_is_a_candidate_not_a_match(client: TestClient) -> None:
    found = results(client, "Universiti Teknologi Malasia", type="organization")
    assert found[0]["id"] == "universiti-teknologi-malaysia"
    assert 60 <= found[0]["score"] < 80
    assert not any(r["match"] for r in found)


def test_a_name_not_in_the_database_has_no_candidate(client: TestClient) -> None:
    assert results(client, "Acme Widget Holdings", type="organization") == []
    assert results(client, "", type="organization") == []


def test_types_restrict_the_candidates(client: TestClient) -> None:
    assert {r["type"][0]["id"] for r in results(client, "huawei", type="organization")} == {"organization"}
    initiatives = results(client, "Huawei AI Developer Programme", type="initiative")
    assert initiatives[0]["id"] == "huawei-ai-developer-programme" and initiatives[0]["match"]
    assert results(client, "Huawei AI Developer Programme", type="person") == []
    any_type = results(client, "Huawei AI Developer Programme")
    assert any_type[0]["id"] == "huawei-ai-developer-programme" and any_type[0]["match"]
    assert results(client, "huawei", type={"id": "organization", "name": "Organization"})[0]["match"]


def test_people_by_name(client: TestClient) -> None:
    person = client.get("/v1/people", params={"limit": 1}).json()["items"][0]
    found = results(client, person["name"].upper(), type="person")
    assert found[0]["id"] == person["id"] and found[0]["match"]


def test_a_property_that_disagrees_costs_the_match(client: TestClient) -> None:
    agree = results(
        client, "Huawei Malaysia", type="organization", properties=[{"pid": "country", "v": "MY"}]
    )
    assert agree[0]["id"] == "huawei-malaysia" and agree[0]["match"] and agree[0]["score"] == 100
    disagree = results(
        client, "Huawei Malaysia", type="organization", properties=[{"pid": "country", "v": "SG"}]
    )
    top = next(r for r in disagree if r["id"] == "huawei-malaysia")
    assert top["score"] == 70 and not top["match"]
    by_parent = results(
        client, "Huawei Malaysia", type="organization", properties=[{"pid": "parent", "v": "Huawei"}]
    )
    assert by_parent[0]["match"]
    by_kind = results(
        client, "Huawei Malaysia", type="organization", properties=[{"pid": "kind", "v": "university"}]
    )
    assert not any(r["match"] for r in by_kind)


def test_limit(client: TestClient) -> None:
    assert len(results(client, "huawei", type="organization", limit=1)) == 1
    assert len(results(client, "huawei", limit=0)) > 1  # OpenRefine's 0: the default


@pytest.mark.parametrize(
    ("queries", "field"),
    [
        ("not json", "queries"),
        ("[1]", "queries"),
        (json.dumps({f"q{i}": {"query": "x"} for i in range(51)}), "queries"),
        ('{"q": {"query": "x", "limit": 101}}', "queries.q"),
        ('{"q": {"query": "x", "limit": "3"}}', "queries.q"),
        ('{"q": {"query": "x", "type": "planet"}}', "queries.q"),
        ('{"q": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}', "queries.q"),
        ('{"q": {"nothing": 1}}', "queries.q"),
        (json.dumps({"q": {"query": "x" * 501}}), "queries.q"),
    ],
)
def test_what_is_beyond_the_limits_is_a_422(client: TestClient, queries: str, field: str) -> None:
    for response in (
        client.post("/v1/reconcile", data={"queries": queries}),
        client.get("/v1/reconcile", params={"queries": queries}),
    ):
        body = assert_problem(response, 422)
        assert body["type"] == "/problems/invalid-reconciliation-request"
        assert body["errors"][0]["parameter"] == field


def test_unknown_form_fields_are_a_422(client: TestClient) -> None:
    body = assert_problem(client.post("/v1/reconcile", data={"querys": "{}"}), 422)
    assert body["errors"][0]["parameter"] == "querys"


def test_post_is_allowed_only_on_the_service(client: TestClient) -> None:
    for path in ("/v1/reconcile/preview", "/v1/reconcile/suggest/entity", "/v1/initiatives"):
        response = client.post(path, data={"queries": "{}"})
        assert_problem(response, 405)
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    response = client.put("/v1/reconcile", data={"queries": "{}"})
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/v1/reconcile").headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_any_origin_may_call_the_service(client: TestClient) -> None:
    origin = {"Origin": "https://refine.example"}
    for response in (
        client.get("/v1/reconcile", headers=origin),
        client.post("/v1/reconcile", data={"queries": "{}"}, headers=origin),
        client.get("/v1/reconcile/suggest/entity?prefix=hu", headers=origin),
        client.get("/v1/reconcile/preview?id=nope", headers=origin),  # errors too
    ):
        assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/v1/reconcile",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    # the rest of the API is not opened by it
    assert "access-control-allow-origin" not in client.get("/v1", headers=origin).headers


def test_suggest(client: TestClient) -> None:
    response = client.get("/v1/reconcile/suggest/entity", params={"prefix": "HUA", "type": "organization"})
    assert response.status_code == 200
    found = response.json()["result"]
    assert [r["id"] for r in found] == ["huawei", "huawei-international", "huawei-malaysia"]
    assert found[0]["type"] == [{"id": "organization", "name": "Organization"}]
    by_word = client.get("/v1/reconcile/suggest/entity", params={"prefix": "malaysia", "limit": 50}).json()
    assert "huawei-malaysia" in {r["id"] for r in by_word["result"]}
    assert (
        len(client.get("/v1/reconcile/suggest/entity", params={"prefix": "h", "limit": 2}).json()["result"])
        == 2
    )
    assert_problem(client.get("/v1/reconcile/suggest/entity", params={"prefix": "h", "limit": 101}), 422)


def test_the_preview_is_escaped_framable_and_has_no_script(client: TestClient) -> None:
    response = client.get("/v1/reconcile/preview", params={"id": "prime-ministers-office"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "x-frame-options" not in response.headers
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors" not in csp and "script-src" not in csp and "default-src 'none'" in csp
    assert "<script" not in response.text.lower()
    assert "<h1>Prime Minister’s Office</h1>" in response.text
    assert response.headers["access-control-allow-origin"] == "*"
    # everything else stays unframable
    assert client.get("/v1/reconcile").headers["x-frame-options"] == "DENY"
    assert_problem(client.get("/v1/reconcile/preview", params={"id": "no-such-record"}), 404)


def test_the_preview_escapes_what_it_shows(client: TestClient) -> None:
    from app.reconcile.matching import Entity, Index
    from app.reconcile.router import preview_html

    entity = Entity("organization", "x", "<script>alert(1)</script>", aliases=["a & b"], description="<b>")
    page = preview_html(Index({("organization", "x"): entity}, {}), entity)
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page and "&lt;b&gt;" in page


def test_properties_and_extend(client: TestClient) -> None:
    proposed = client.get("/v1/reconcile/properties", params={"type": "organization"}).json()
    ids = [p["id"] for p in proposed["properties"]]
    assert ids == ["country", "kind", "parent", "aliases", "pledges", "pledged"]
    extend = {"ids": ["huawei-malaysia", "huawei", "no-such-id"], "properties": [{"id": i} for i in ids]}
    response = client.post("/v1/reconcile", data={"extend": json.dumps(extend)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"][0] == {"id": "country", "name": "Country"}
    malaysia = body["rows"]["huawei-malaysia"]
    assert malaysia["country"] == [{"str": "MY"}]
    assert malaysia["kind"] == [{"str": "company"}]
    assert malaysia["parent"] == [{"id": "huawei", "name": "Huawei"}]
    assert malaysia["aliases"] == [{"str": "Huawei Technologies (Malaysia) Co Ltd"}]
    summary = client.get("/v1/pledges", params={"organization": "huawei", "limit": 100}).json()
    own = [p for p in summary["items"] if any(o["id"] == "huawei" for o in p["pledgers"])]
    assert body["rows"]["huawei"]["pledges"] == [{"int": len(own)}]
    totals = {}
    for pledge in own:
        totals[pledge["unit"]] = totals.get(pledge["unit"], 0) + pledge["amount"]
    assert sorted(v["str"] for v in body["rows"]["huawei"]["pledged"]) == sorted(
        f"{int(a) if a == int(a) else a} {u}" for u, a in totals.items()
    )
    assert all(v == [] for v in body["rows"]["no-such-id"].values())
    got = client.get("/v1/reconcile", params={"extend": json.dumps(extend)})
    assert got.json() == body
    for bad in (
        '{"ids": "x"}',
        '{"ids": [], "properties": [{"id": "colour"}]}',
        json.dumps({"ids": ["x"] * 501}),
    ):
        assert_problem(client.post("/v1/reconcile", data={"extend": bad}), 422)
    assert_problem(client.post("/v1/reconcile", data={"extend": "{}", "queries": "{}"}), 422)


def test_normalize() -> None:
    assert normalize("  Prime  Minister’s\tOFFICE ") == "prime ministers office"
    assert normalize("Universití Teknologi") == "universiti teknologi"
    assert normalize("Huawei Technologies (Malaysia) Co. Ltd") == "huawei technologies malaysia co ltd"
    assert normalize("ＡＢＣ") == "abc"  # NFKD: full-width letters
