"""Every list filter answers real questions about the articles, exactly."""

import pytest
from fastapi.testclient import TestClient


def ids(client: TestClient, path: str) -> set[str]:
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}limit=500")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


HUAWEI_MY_MOUS = {
    "mou-huawei-skyvast-sovereign-ai-cloud",
    "mou-huawei-tiong-nam-smart-logistics",
    "mou-togl-huawei-ai-ecommerce-loyalty-platform",
    "mou-huawei-heitech-myeg-ai-government-services",
}
ALL_MOUS = HUAWEI_MY_MOUS | {
    "mou-guet-umpsa-spatiotemporal-intelligence-lab",
    "mou-guangxi-minzu-tar-ai-joint-lab",
}

CASES = [
    # initiatives
    (
        "/v1/initiatives?country=PH",
        {
            "alibaba-cloud-asiaforward",
            "alibaba-cloud-digitalents-forward",
            "alibaba-cloud-philippines-first-data-centre",
            "alibaba-cloud-us1bn-apac-investment-plan",
        },
    ),
    (
        "/v1/initiatives?country=ID&country=PH",
        {
            "alibaba-cloud-asiaforward",
            "alibaba-cloud-digitalents-forward",
            "alibaba-cloud-philippines-first-data-centre",
            "alibaba-cloud-indonesia-third-data-centre",
            "alibaba-cloud-us1bn-apac-investment-plan",
        },
    ),
    (
        "/v1/initiatives?country=cn&kind=research_lab",
        {
            "china-asean-spatiotemporal-intelligence-joint-it-laboratory",
            "international-cooperation-joint-laboratory-of-ai",
        },
    ),
    ("/v1/initiatives?kind=data_corridor", {"malaysia-china-trusted-data-zone"}),
    (
        "/v1/initiatives?kind=data_centre&kind=innovation_centre",
        {
            "alibaba-cloud-indonesia-third-data-centre",
            "alibaba-cloud-philippines-first-data-centre",
            "alibaba-handsprofit-malaysia-innovation-centre",
        },
    ),
    ("/v1/initiatives?status=cancelled", {"huawei-ai-innovation-bootcamp-singapore"}),
    (
        "/v1/initiatives?sector=logistics",
        {
            "huawei-tiong-nam-smart-logistics",
            "alibaba-cloud-philippines-first-data-centre",
            "malaysia-china-digital-mou-exchange-ceremony",
        },
    ),
    # the exchange ceremony of the MoUs covers the sectors of the MoUs exchanged
    (
        "/v1/initiatives?sector=e-commerce",
        {"togl-huawei-ai-ecommerce-loyalty-platform", "malaysia-china-digital-mou-exchange-ceremony"},
    ),
    (
        "/v1/initiatives?sector=government_services&country=MY",
        {"huawei-heitech-myeg-ai-government-services", "malaysia-china-digital-mou-exchange-ceremony"},
    ),
    # organization includes subsidiaries: huawei-malaysia's initiatives count as Huawei's
    (
        "/v1/initiatives?organization=huawei-malaysia",
        {
            "huawei-heitech-myeg-ai-government-services",
            "huawei-tiong-nam-smart-logistics",
            "togl-huawei-ai-ecommerce-loyalty-platform",
        },
    ),
    (
        "/v1/initiatives?organization=huawei&country=MY",
        {
            "huawei-heitech-myeg-ai-government-services",
            "huawei-tiong-nam-smart-logistics",
            "togl-huawei-ai-ecommerce-loyalty-platform",
            "huawei-malaysia-ai-talent-programme",
            "malaysia-strategic-ai-infrastructure",
        },
    ),
    (
        "/v1/initiatives?organization=huawei&role=supplier",
        {"huawei-tiong-nam-smart-logistics", "malaysia-strategic-ai-infrastructure"},
    ),
    (
        "/v1/initiatives?role=operator",
        {
            "huawei-tiong-nam-smart-logistics",
            "malaysia-china-trusted-data-zone",
            "malaysia-strategic-ai-infrastructure",
            "skyvast-aiaas-gpuaas",
        },
    ),
    ("/v1/initiatives?organization=universiti-teknologi-malaysia&role=adopter", {"skyvast-aiaas-gpuaas"}),
    (
        "/v1/initiatives?organization=alibaba",
        {
            "alibaba-handsprofit-malaysia-innovation-centre",
            "alibaba-cloud-ai-forward",
            "alibaba-cloud-asiaforward",
            "alibaba-cloud-digientrepreneurs-forward",
            "alibaba-cloud-digitalents-forward",
            "alibaba-cloud-digitalents-forward-singapore",
            "alibaba-cloud-indonesia-third-data-centre",
            "alibaba-cloud-philippines-first-data-centre",
            "alibaba-cloud-us1bn-apac-investment-plan",
        },
    ),
    # partial dates: 2025 (year) overlaps April 2025; 2024-12 (month) overlaps 2024-12-15..
    (
        "/v1/initiatives?announced_from=2025-04-10&announced_to=2025-04-10",
        {
            "china-asean-spatiotemporal-intelligence-joint-it-laboratory",
            "huawei-heitech-myeg-ai-government-services",
            "huawei-tiong-nam-smart-logistics",
            "international-cooperation-joint-laboratory-of-ai",
            "togl-huawei-ai-ecommerce-loyalty-platform",
            "huawei-malaysia-ai-talent-programme",
        },
    ),
    ("/v1/initiatives?announced_from=2025-06-01", {"huawei-malaysia-ai-talent-programme"}),
    # the office was established (not announced) in December 2024: the milestone filters find it
    ("/v1/initiatives?announced_from=2024-12-15&announced_to=2024-12-20", set()),
    (
        "/v1/initiatives?milestone=established&milestone_from=2024-12-15&milestone_to=2024-12-20",
        {"malaysia-national-ai-office-establishment"},
    ),
    # the symposium was held in 2020, not announced; the 2020 article announces the other three
    (
        "/v1/initiatives?announced_to=2020",
        {
            "huawei-singapore-ai-talent-programme",
            "huawei-ai-educators-support-worldwide",
            "huawei-wsg-student-internships",
        },
    ),
    (
        "/v1/initiatives?milestone=held&milestone_to=2020",
        {"huawei-ai-educator-symposium-2020", "huawei-ai-innovation-bootcamp-singapore"},
    ),
    ("/v1/initiatives?milestone=cancelled", {"huawei-ai-innovation-bootcamp-singapore"}),
    (
        "/v1/initiatives?announced_from=2020-11&announced_to=2024-11",
        {
            "huawei-singapore-ai-talent-programme",
            "huawei-ai-educators-support-worldwide",
            "huawei-wsg-student-internships",
        },
    ),
    (
        "/v1/initiatives?source=malaysia-strategic-ai-infrastructure-launch",
        {
            "malaysia-strategic-ai-infrastructure",
            "malaysia-strategic-ai-infrastructure-expansion",
            "skyvast-aiaas-gpuaas",
            "malaysia-china-trusted-data-zone",
        },
    ),
    ("/v1/initiatives?q=trusted data zone", {"malaysia-china-trusted-data-zone"}),
    ("/v1/initiatives?q=bootcamp&status=cancelled", {"huawei-ai-innovation-bootcamp-singapore"}),
    # organizations
    ("/v1/organizations?parent=huawei", {"huawei-malaysia", "huawei-international"}),
    (
        "/v1/organizations?parent=nanyang-technological-university&kind=research_institute",
        {"ntu-alibaba-singapore-joint-research-institute"},
    ),
    (
        "/v1/organizations?country=SG&kind=university",
        {
            "nanyang-technological-university",
            "ntu-school-of-computer-science-and-engineering",
            "nus-school-of-computing",
        },
    ),
    (
        "/v1/organizations?kind=government",
        {
            "prime-ministers-office",
            "ministry-of-communications",
            "national-ai-office",
            "guangxi-zhuang-autonomous-region",
        },
    ),
    ("/v1/organizations?q=Sdn Bhd", {"skyvast-cloud", "tiong-nam", "togl-technology"}),
    ("/v1/organizations?q=Huawei Technologies", {"huawei-malaysia"}),
    ("/v1/organizations?q=skyvast", {"skyvast-cloud", "skyvast-data"}),
    # mous
    ("/v1/mous?party=huawei", HUAWEI_MY_MOUS),
    ("/v1/mous?party=myeg-services", {"mou-huawei-heitech-myeg-ai-government-services"}),
    (
        "/v1/mous?party=tiong-nam&party=togl-technology",
        {"mou-huawei-tiong-nam-smart-logistics", "mou-togl-huawei-ai-ecommerce-loyalty-platform"},
    ),
    (
        "/v1/mous?country=CN",
        {"mou-guet-umpsa-spatiotemporal-intelligence-lab", "mou-guangxi-minzu-tar-ai-joint-lab"},
    ),
    ("/v1/mous?signed_from=2025-04-10&signed_to=2025-04-10", ALL_MOUS),
    ("/v1/mous?signed_from=2025-04", ALL_MOUS),
    ("/v1/mous?signed_to=2025-04-09", set()),
    ("/v1/mous?initiative=malaysia-strategic-ai-infrastructure", {"mou-huawei-skyvast-sovereign-ai-cloud"}),
    (
        "/v1/mous?source=malaysia-strategic-ai-infrastructure-launch",
        {"mou-huawei-skyvast-sovereign-ai-cloud"},
    ),
    (
        "/v1/mous?q=laboratory",
        {"mou-guet-umpsa-spatiotemporal-intelligence-lab", "mou-guangxi-minzu-tar-ai-joint-lab"},
    ),
    # pledges
    ("/v1/pledges?organization=huawei&country=MY", {"huawei-malaysia-30000-ai-professionals"}),
    (
        "/v1/pledges?organization=huawei&metric=people_trained",
        {
            "huawei-malaysia-30000-ai-professionals",
            "huawei-singapore-100-ai-architects",
            "huawei-singapore-1000-ai-developers",
        },
    ),
    (
        "/v1/pledges?organization=alibaba",
        {
            "alibaba-cloud-100000-startups",
            "alibaba-cloud-indonesia-third-data-centre-launch",
            "alibaba-cloud-philippines-first-data-centre-by-2021",
            "alibaba-cloud-us1bn-apac",
        },
    ),
    ("/v1/pledges?unit=USD", {"alibaba-cloud-us1bn-apac", "huawei-ai-developer-programme-us1-5bn"}),
    ("/v1/pledges?unit=USD&min_amount=1200000000", {"huawei-ai-developer-programme-us1-5bn"}),
    ("/v1/pledges?metric=gpus_deployed", {"skyvast-leadyo-3000-gpus-by-2026"}),
    (
        "/v1/pledges?min_amount=1000&max_amount=3000",
        {
            "huawei-1000-universities-ai-training-organisations",
            "huawei-singapore-1000-ai-developers",
            "skyvast-leadyo-3000-gpus-by-2026",
        },
    ),
    ("/v1/pledges?target_from=2026-06&target_to=2026-06", {"skyvast-leadyo-3000-gpus-by-2026"}),
    (
        "/v1/pledges?target_to=2023",
        {
            "alibaba-cloud-philippines-first-data-centre-by-2021",
            "huawei-singapore-100-ai-architects",
            "huawei-singapore-1000-ai-developers",
        },
    ),
    (
        "/v1/pledges?announced_from=2020&announced_to=2020",
        {
            "huawei-singapore-100-ai-architects",
            "huawei-singapore-1000-ai-developers",
            "huawei-1000-universities-ai-training-organisations",
        },
    ),
    (
        "/v1/pledges?initiative=huawei-singapore-ai-talent-programme",
        {"huawei-singapore-100-ai-architects", "huawei-singapore-1000-ai-developers"},
    ),
    (
        "/v1/pledges?country=SG&country=PH&metric=data_centres_opened",
        {"alibaba-cloud-philippines-first-data-centre-by-2021"},
    ),
    ("/v1/pledges?status=announced&organization=skyvast-cloud", {"skyvast-leadyo-3000-gpus-by-2026"}),
    (
        "/v1/pledges?source=huawei-singapore-ai-talent-2020&metric=investment",
        {"huawei-ai-developer-programme-us1-5bn"},
    ),
    ("/v1/pledges?q=GPUs", {"skyvast-leadyo-3000-gpus-by-2026"}),
    # sources
    ("/v1/sources?q=Bernama", {"bernama-malaysia-china-ai-mous"}),
]


@pytest.mark.parametrize(("path", "expected"), CASES, ids=[c[0] for c in CASES])
def test_filter(client: TestClient, path: str, expected: set[str]) -> None:
    assert ids(client, path) == expected


def test_repeating_a_filter_is_a_union(client: TestClient) -> None:
    my = ids(client, "/v1/initiatives?country=MY")
    sg = ids(client, "/v1/initiatives?country=SG")
    assert ids(client, "/v1/initiatives?country=MY&country=SG") == my | sg


def test_different_filters_intersect(client: TestClient) -> None:
    my = ids(client, "/v1/initiatives?country=MY")
    service = ids(client, "/v1/initiatives?kind=service")
    assert ids(client, "/v1/initiatives?country=MY&kind=service") == my & service


def test_list_items_embed_their_lists(client: TestClient) -> None:
    body = client.get("/v1/initiatives?kind=data_corridor").json()
    (item,) = body["items"]
    assert item["countries"] == ["CN", "MY"]
    assert {(p["organization_id"], p["role"]) for p in item["participants"]} == {
        ("skyvast-data", "operator"),
        ("shanghai-international-data-port", "operator"),
    }
    pledge = client.get("/v1/pledges?metric=gpus_deployed").json()["items"][0]
    assert pledge["pledgers"] == [
        {"id": "skyvast-cloud", "name": "Skyvast Cloud"},
        {"id": "leadyo", "name": "Leadyo"},
    ]
    assert pledge["amount"] == 3000
    assert pledge["target_on"] == "2026-01-01"
    assert pledge["target_precision"] == "year"
    assert pledge["target_text"] == "By 2026"
    mou = client.get("/v1/mous?party=myeg-services").json()["items"][0]
    assert {p["id"] for p in mou["parties"]} == {"huawei-malaysia", "heitech-padu", "myeg-services"}
    assert {w["id"] for w in mou["witnesses"]} == {"gobind-singh-deo", "lan-tianli"}
    org = client.get("/v1/organizations?q=Huawei Technologies").json()["items"][0]
    assert org["aliases"] == ["Huawei Technologies (Malaysia) Co Ltd"]
    assert org["parent_id"] == "huawei"


@pytest.mark.parametrize(
    ("path", "sorted_ids"),
    [
        (
            "/v1/pledges?unit=USD&sort=-amount",
            ["huawei-ai-developer-programme-us1-5bn", "alibaba-cloud-us1bn-apac"],
        ),
        (
            "/v1/pledges?unit=USD&sort=amount",
            ["alibaba-cloud-us1bn-apac", "huawei-ai-developer-programme-us1-5bn"],
        ),
        (
            # 2025-04-10 (day) first, ties by name; then 2025 (year, 2025-01-01); undated last
            "/v1/initiatives?organization=huawei&country=MY&sort=-announced_on,name",
            [
                "huawei-heitech-myeg-ai-government-services",  # "AI-driven digital services..."
                "huawei-tiong-nam-smart-logistics",  # "Huawei Malaysia and Tiong Nam..."
                "togl-huawei-ai-ecommerce-loyalty-platform",  # "TOGL and Huawei Malaysia..."
                "huawei-malaysia-ai-talent-programme",
                "malaysia-strategic-ai-infrastructure",
            ],
        ),
    ],
)
def test_sort(client: TestClient, path: str, sorted_ids: list[str]) -> None:
    items = client.get(path).json()["items"]
    assert [item["id"] for item in items] == sorted_ids


def test_parent_is_a_union_of_each_parents_subsidiaries(client: TestClient) -> None:
    assert ids(client, "/v1/organizations?parent=alibaba") == {"alibaba-cloud"}
    assert ids(client, "/v1/organizations?parent=alibaba&parent=alibaba-cloud") == {"alibaba-cloud"}
    assert ids(client, "/v1/organizations?parent=alibaba-cloud") == set()
