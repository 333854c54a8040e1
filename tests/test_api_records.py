"""Detail endpoints, partners, pledge totals, search and the dataset front page."""

import pytest
from fastapi.testclient import TestClient


def get(client: TestClient, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def test_initiative_detail(client: TestClient) -> None:
    body = get(client, "/v1/initiatives/malaysia-strategic-ai-infrastructure")
    assert body["kind"] == "infrastructure"
    assert {(p["organization"]["id"], p["role"]) for p in body["participants"]} == {
        ("skyvast-cloud", "operator"),
        ("huawei", "supplier"),
    }
    assert body["pledges"] == []  # the 3,000 GPUs are the expansion's, one of its parts
    assert [m["id"] for m in body["mous"]] == ["mou-huawei-skyvast-sovereign-ai-cloud"]
    assert {c["source_id"] for c in body["citations"]} == {
        "malaysia-strategic-ai-infrastructure-launch",
        "bernama-malaysia-china-ai-mous",
    }
    assert body["part_of"] is None
    assert [p["id"] for p in body["parts"]] == [
        "malaysia-strategic-ai-infrastructure-expansion",
        "skyvast-aiaas-gpuaas",
    ]
    assert {f["id"] for f in body["figures"]} == {
        "strategic-ai-infrastructure-eight-ascend-gpus",
        "strategic-ai-infrastructure-energy-saving-30-percent",
        "strategic-ai-infrastructure-performance-gain-20-percent",
    }
    # "officially launched", on a day the article does not give
    assert body["milestones"] == [
        {"event": "launched", "on": None, "precision": None, "text": "officially launched", "place": None}
    ]
    expansion = get(client, "/v1/initiatives/malaysia-strategic-ai-infrastructure-expansion")
    assert expansion["part_of"]["id"] == "malaysia-strategic-ai-infrastructure"
    assert {(p["organization"]["id"], p["role"]) for p in expansion["participants"]} == {
        ("skyvast-cloud", "lead"),
        ("leadyo", "lead"),
    }
    assert [p["id"] for p in expansion["pledges"]] == ["skyvast-leadyo-3000-gpus-by-2026"]


def test_mou_detail_told_by_two_articles(client: TestClient) -> None:
    body = get(client, "/v1/mous/mou-huawei-skyvast-sovereign-ai-cloud")
    assert body["signed_on"] == "2025-04-10"
    assert body["signed_precision"] == "day"
    assert body["place"] == "Kuala Lumpur"
    assert {p["id"] for p in body["parties"]} == {"huawei-malaysia", "skyvast-cloud"}
    assert body["initiative"] == {
        "id": "malaysia-strategic-ai-infrastructure",
        "name": "Strategic Artificial Intelligence Infrastructure",
    }
    sources = {c["source_id"] for c in body["citations"]}
    assert sources == {"bernama-malaysia-china-ai-mous", "malaysia-strategic-ai-infrastructure-launch"}
    witness = next(w for w in body["witnesses"] if w["id"] == "gobind-singh-deo")
    assert witness["name"] == "Gobind Singh Deo"
    assert "Digital Minister" in {p["title"] for p in witness["positions"]}
    assert any("parties" in c["supports"] for c in body["citations"])


def test_pledge_detail_is_traceable_to_its_article(client: TestClient) -> None:
    body = get(client, "/v1/pledges/huawei-malaysia-30000-ai-professionals")
    assert body["amount"] == 30000
    assert body["unit"] == "people"
    assert body["countries"] == ["MY"]
    assert [o["id"] for o in body["pledger_organizations"]] == ["huawei"]
    assert body["amount_text"] == "30,000" and body["qualifier"] == "exact"
    assert "announced_on" in body["inferred"]
    assert body["initiative"]["id"] == "huawei-malaysia-ai-talent-programme"
    citation = next(c for c in body["citations"] if "amount" in c["supports"])
    assert "Huawei pledging to train 30,000 local professionals" in citation["quote"]
    assert citation["source_id"] == "huawei-malaysia-30000-ai-talent-initiative"


def test_pledge_with_a_derived_deadline(client: TestClient) -> None:
    body = get(client, "/v1/pledges/huawei-singapore-100-ai-architects")
    assert (body["announced_on"], body["announced_precision"]) == ("2020-01-01", "year")
    assert (body["target_on"], body["target_precision"]) == ("2023-01-01", "year")
    assert body["target_text"] == "over the next three years"


def test_organization_detail(client: TestClient) -> None:
    body = get(client, "/v1/organizations/huawei")
    assert body["parent"] is None
    assert {s["id"] for s in body["subsidiaries"]} == {"huawei-malaysia", "huawei-international"}
    assert body["counts"]["mous"] == 0
    assert body["counts_with_subsidiaries"]["mous"] == 4
    assert body["counts"]["pledges"] == 5
    child = get(client, "/v1/organizations/huawei-malaysia")
    assert child["parent"]["id"] == "huawei"
    assert child["aliases"] == ["Huawei Technologies (Malaysia) Co Ltd"]


def test_partners_of_huawei_through_its_subsidiary(client: TestClient) -> None:
    body = get(client, "/v1/organizations/huawei/partners")
    partners = {p["organization"]["id"]: p for p in body["items"]}
    assert body["total"] == len(body["items"])
    assert "huawei-malaysia" not in partners  # its own subsidiary is not a partner
    assert {m["id"] for m in partners["heitech-padu"]["mous"]} == {
        "mou-huawei-heitech-myeg-ai-government-services"
    }
    assert {m["id"] for m in partners["skyvast-cloud"]["mous"]} == {"mou-huawei-skyvast-sovereign-ai-cloud"}
    assert [i["id"] for i in partners["skyvast-cloud"]["initiatives"]] == [
        "malaysia-strategic-ai-infrastructure"
    ]
    assert partners["tiong-nam"]["initiatives"][0]["roles"] == ["operator"]
    assert "nus-school-of-computing" in partners
    assert all(p["pledges"] == [] for p in partners.values())  # Huawei pledges alone


def test_co_pledgers_are_partners(client: TestClient) -> None:
    """Skyvast Cloud and Leadyo pledge the 3,000 GPUs together: each is the other's partner by it."""
    for org, other in (("leadyo", "skyvast-cloud"), ("skyvast-cloud", "leadyo")):
        partners = {
            p["organization"]["id"]: p for p in get(client, f"/v1/organizations/{org}/partners")["items"]
        }
        assert [p["id"] for p in partners[other]["pledges"]] == ["skyvast-leadyo-3000-gpus-by-2026"]
        assert partners[other]["pledges"][0]["name"].startswith("Skyvast Cloud and Leadyo: 3,000 GPU")


def test_source_with_the_records_citing_it(client: TestClient) -> None:
    body = get(client, "/v1/sources/bernama-malaysia-china-ai-mous")
    assert body["publisher"] == "Bernama"
    assert body["document"] == "002_aaeff2f79592d01e.txt"
    assert len(body["mous"]) == 6
    assert all(record["quotes"] for record in body["mous"])
    assert "malaysia-strategic-ai-infrastructure" in {r["id"] for r in body["initiatives"]}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/v1/pledges/summary?group_by=organization&organization=huawei",
            {
                ("huawei", "people"): (31100, 3),
                ("huawei", "USD"): (1.5e9, 1),
                ("huawei", "institution"): (1000, 1),
            },
        ),
        (
            "/v1/pledges/summary?group_by=country&unit=USD",
            # Alibaba Cloud's US$1bn counts in each of its four countries; Huawei's is worldwide
            {(c, "USD"): (1e9, 1) for c in ("ID", "MY", "PH", "SG")} | {(None, "USD"): (1.5e9, 1)},
        ),
        (
            "/v1/pledges/summary?group_by=metric&country=MY",
            {
                ("people_trained", "people"): (30000, 1),
                ("gpus_deployed", "GPU"): (3000, 1),
                ("investment", "USD"): (1e9, 1),
                ("startups_supported", "startup"): (100000, 1),
            },
        ),
        (
            "/v1/pledges/summary?group_by=year&metric=people_trained",
            {(2023, "people"): (1100, 2), (None, "people"): (30000, 1)},
        ),
    ],
)
def test_pledge_summary(client: TestClient, path: str, expected: dict) -> None:
    body = get(client, path)
    got = {(g["key"], g["unit"]): (g["total"], g["count"]) for g in body["groups"]}
    assert got == expected
    # per-unit totals never mix units
    assert len({t["unit"] for t in body["totals"]}) == len(body["totals"])


def test_summary_totals_match_the_list(client: TestClient) -> None:
    body = get(client, "/v1/pledges/summary?group_by=metric")
    items = get(client, "/v1/pledges?limit=500")["items"]
    for total in body["totals"]:
        same_unit = [p for p in items if p["unit"] == total["unit"]]
        assert total["count"] == len(same_unit)
        assert total["total"] == pytest.approx(sum(p["amount"] for p in same_unit))


def test_search_across_resources(client: TestClient) -> None:
    body = get(client, "/v1/search?q=skyvast")
    types = {(hit["type"], hit["id"]) for hit in body["items"]}
    assert ("organization", "skyvast-cloud") in types
    assert ("mou", "mou-huawei-skyvast-sovereign-ai-cloud") in types
    assert ("pledge", "skyvast-leadyo-3000-gpus-by-2026") in types
    assert body["total"] == len(body["items"])
    scores = [hit["score"] for hit in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all("<mark>" in hit["snippet"] for hit in body["items"])


def test_search_filters_by_type_prefix_and_diacritics(client: TestClient) -> None:
    body = get(client, "/v1/search?q=spatiotemp*&type=initiative")
    # the lab itself first; the other lab's quote names it too
    assert [h["id"] for h in body["items"]] == [
        "china-asean-spatiotemporal-intelligence-joint-it-laboratory",
        "international-cooperation-joint-laboratory-of-ai",
    ]
    # accents fold the same way on both engines
    assert (
        get(client, "/v1/search?q=Gúilin&type=organization")["items"][0]["id"]
        == "guilin-university-of-electronic-technology"
    )


def test_search_pages(client: TestClient) -> None:
    everything = get(client, "/v1/search?q=huawei&limit=100")
    seen, cursor = [], None
    while True:
        page = get(client, "/v1/search?q=huawei&limit=7" + (f"&cursor={cursor}" if cursor else ""))
        seen += [(h["type"], h["id"]) for h in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [(h["type"], h["id"]) for h in everything["items"]]
    assert len(seen) == everything["total"] > 7
    # best first; equal scores by type, then id
    order = [(-h["score"], h["type"], h["id"]) for h in everything["items"]]
    assert order == sorted(order)
    assert len({h["score"] for h in everything["items"]}) < len(order)  # the data has ties to break


def test_front_page(client: TestClient) -> None:
    body = get(client, "/v1")
    assert body["version"] >= 1
    assert body["counts"] == {
        "initiatives": 35,
        "organizations": 30,
        "people": 5,
        "mous": 6,
        "pledges": 10,
        "figures": 10,
        "sources": 5,
    }
    assert body["links"]["pledges"] == "/v1/pledges"
    assert body["loaded_at"].endswith(("+00:00", "Z"))


def test_health_and_ready(client: TestClient) -> None:
    assert get(client, "/health") == {"status": "ok"}
    assert get(client, "/ready")["status"] == "ok"
