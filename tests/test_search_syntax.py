"""The search syntax, the same on both engines: OR, `-` exclusions, "phrases", prefixes, stems;
what it cannot say is a 422 that says so; snippets are escaped HTML with only our <mark> tags.

Cases are queries and the records they must find on the curated seeds (as `type:id`), or an
identity between queries (`huawei -malaysia` is `huawei` less `malaysia`), checked on
/v1/search and on the `q` filter of the lists, which share the engine.
"""

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.main import create_app
from app.seeding.load import load
from tests.helpers import copy_minimal, edit
from tests.pg import Database

GPU = {
    "figure:strategic-ai-infrastructure-eight-ascend-gpus",
    "initiative:malaysia-strategic-ai-infrastructure",
    "initiative:malaysia-strategic-ai-infrastructure-expansion",
    "initiative:skyvast-aiaas-gpuaas",
    "mou:mou-huawei-skyvast-sovereign-ai-cloud",
    "pledge:skyvast-leadyo-3000-gpus-by-2026",
    "source:malaysia-strategic-ai-infrastructure-launch",
}
FOUND = [
    ('"trusted data zone"', {"initiative:malaysia-china-trusted-data-zone"}),
    ('"zone data"', set()),  # a phrase is in order
    ("GPU", GPU),  # singular and plural find the same records
    ("GPUs", GPU),
    ("gpus", GPU),
    (
        "spatiotemp*",
        {  # the other lab and its MoU are cited by the sentence that names both
            "initiative:china-asean-spatiotemporal-intelligence-joint-it-laboratory",
            "initiative:international-cooperation-joint-laboratory-of-ai",
            "mou:mou-guet-umpsa-spatiotemporal-intelligence-lab",
            "mou:mou-guangxi-minzu-tar-ai-joint-lab",
        },
    ),
    (
        "computi*",
        {  # a prefix matches words as written, not only stems (`comput`)
            "figure:huawei-ai-educator-symposium-2020-attendees",
            "initiative:huawei-ai-developer-programme-second-iteration",
            "initiative:huawei-ai-educator-symposium-2020",
            "initiative:huawei-tiong-nam-smart-logistics",
            "initiative:malaysia-13th-malaysia-plan",
            "initiative:malaysia-china-digital-mou-exchange-ceremony",
            "initiative:malaysia-national-cloud-computing-policy",
            "organization:nus-school-of-computing",
            "person:chang-xin",  # President of Huawei Intelligent Computing
        },
    ),
    (
        "spatiotemporal -gobind",
        {
            "initiative:china-asean-spatiotemporal-intelligence-joint-it-laboratory",
            "initiative:international-cooperation-joint-laboratory-of-ai",
        },
    ),
    (
        '"trusted data zone" OR spatiotemp* -gobind',
        {
            "initiative:malaysia-china-trusted-data-zone",
            "initiative:china-asean-spatiotemporal-intelligence-joint-it-laboratory",
            "initiative:international-cooperation-joint-laboratory-of-ai",
        },
    ),
]
# (query, how its matches are made of other queries' matches)
IDENTITIES = [
    ("AI OR cloud", lambda m: m("AI") | m("cloud")),
    ("huawei -malaysia", lambda m: m("huawei") - m("malaysia")),
    ("huawei -malaysia -singapore", lambda m: m("huawei") - m("malaysia") - m("singapore")),
    ("huawei malaysia OR alibaba singapore", lambda m: m("huawei malaysia") | m("alibaba singapore")),
    ('cloud -"alibaba cloud"', lambda m: m("cloud") - m('"alibaba cloud"')),
    ("cloud -alibaba*", lambda m: m("cloud") - m("alibaba*")),
    ("e-commerce", lambda m: m('"e commerce"')),  # words joined by punctuation are a phrase
    ("“data zone”", lambda m: m('"data zone"')),  # typographic quotes are quotes
    ("talent and cloud", lambda m: m("talent cloud") & m("and")),  # lower case, `and` is a word
]
REFUSED = [
    ("-huawei", "add a word to search for"),
    ("-huawei -malaysia", "add a word to search for"),
    ("huawei OR -malaysia", "add a word to search for"),
    ("OR", "OR needs words on both sides"),
    ("ai OR", "OR needs words on both sides"),
    ("ai OR OR cloud", "OR needs words on both sides"),
    ('"data zone', "quote"),
    ('data" zone', "quote"),
    ('"data zone"*', "`*` can only end a single word"),
    ("clo*ud", "`*` can only end a single word"),
    ("e-comm*", "`*` can only end a single word"),
    ("*", "`*` can only end a single word"),
    ("huawei - malaysia", "`-` excludes the word right after it"),
    ("huawei AND malaysia", "words are ANDed already"),
    ("huawei NOT malaysia", "exclude with a leading `-`"),
]


def matches(client: TestClient, q: str) -> set[str]:
    response = client.get("/v1/search", params={"q": q, "limit": 100})
    assert response.status_code == 200, (q, response.text)
    body = response.json()
    assert body["total"] == len(body["items"]) <= 100, q
    return {f"{hit['type']}:{hit['id']}" for hit in body["items"]}


def listed(client: TestClient, path: str, q: str) -> set[str]:
    response = client.get(path, params={"q": q, "limit": 500})
    assert response.status_code == 200, (q, response.text)
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize(("q", "expected"), FOUND, ids=[q for q, _ in FOUND])
def test_what_a_query_finds(client: TestClient, q: str, expected: set[str]) -> None:
    assert matches(client, q) == expected
    initiatives = {i.removeprefix("initiative:") for i in expected if i.startswith("initiative:")}
    assert listed(client, "/v1/initiatives", q) == initiatives


@pytest.mark.parametrize(("q", "made_of"), IDENTITIES, ids=[q for q, _ in IDENTITIES])
def test_operators_compose(client: TestClient, q: str, made_of: object) -> None:
    found = matches(client, q)
    assert found == made_of(lambda other: matches(client, other))  # type: ignore[operator]
    assert found, f"{q!r} finds nothing: the case checks nothing"
    assert listed(client, "/v1/initiatives", q) == {
        i.removeprefix("initiative:") for i in found if i.startswith("initiative:")
    }


def test_operators_change_the_answer(client: TestClient) -> None:
    assert matches(client, "huawei -malaysia") != matches(client, "huawei malaysia")
    assert matches(client, "AI OR cloud") > matches(client, "AI")
    assert matches(client, '"malaysia china"') < matches(client, "malaysia china")


@pytest.mark.parametrize("path", ["/v1/search", "/v1/initiatives", "/v1/pledges/summary"])
@pytest.mark.parametrize(("q", "says"), REFUSED, ids=[q for q, _ in REFUSED])
def test_what_the_syntax_cannot_say_is_a_422(client: TestClient, path: str, q: str, says: str) -> None:
    response = client.get(path, params={"q": q, **({"group_by": "metric"} if "summary" in path else {})})
    assert response.status_code == 422, (q, response.text)
    [error] = response.json()["errors"]
    assert error["parameter"] == "q"
    assert says in error["message"], error


def test_snippets_mark_what_was_found(client: TestClient) -> None:
    [hit] = client.get("/v1/search", params={"q": '"trusted data zone"'}).json()["items"]
    assert "<mark>Trusted</mark> <mark>Data</mark> <mark>Zone</mark>" in hit["snippet"]
    for hit in client.get("/v1/search", params={"q": "GPU", "limit": 100}).json()["items"]:
        assert re.search(r"<mark>GPUs?</mark>", hit["snippet"], re.IGNORECASE), hit


NASTY = "Acme <script>alert(1)</script> & Sons"


def test_snippets_escape_the_text(empty_db: Database, tmp_path: Path) -> None:
    seeds, articles = copy_minimal(tmp_path)
    # the article's spelling stays an alias: the quotes supporting Acme's facts name it so
    edit(seeds / "organizations.yaml", "name: Acme Corp", f'name: "{NASTY}"\n    aliases: [Acme Corp]')
    load(empty_db.writer_url, seeds, articles=articles)
    with TestClient(create_app(Settings(database_url=empty_db.reader_url, count_bitmaps=False))) as client:
        body = client.get("/v1/search", params={"q": "script", "type": "organization"}).json()
    [hit] = body["items"]
    assert hit["name"] == NASTY  # a plain-text field, as stored
    assert hit["snippet"] == (
        "Acme &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; &amp; Sons Acme Corp"
    )  # the name, then its alias
    markup = re.findall(r"<[^>]*>", hit["snippet"])
    assert set(markup) == {"<mark>", "</mark>"}
    assert html.unescape(re.sub(r"</?mark>", "", hit["snippet"])) == f"{NASTY} Acme Corp"


def test_a_load_refreshes_stale_search_documents(empty_db: Database, tmp_path: Path) -> None:
    """A database indexed by another analyzer (here: no stems at all) is re-indexed by a load."""
    seeds, articles = copy_minimal(tmp_path)
    load(empty_db.writer_url, seeds, articles=articles)
    engine = create_engine(empty_db.writer_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE search_documents SET name_stems = '', body_stems = ''"))
        if empty_db.backend == "sqlite":
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        else:
            conn.execute(text("UPDATE search_documents SET tsv = to_tsvector('simple', body)"))
    engine.dispose()
    counts = load(empty_db.writer_url, seeds, articles=articles)
    # every document: 3 organizations, a person, an initiative, an MoU, a pledge, a figure, a source
    assert counts["search_documents"].updated == 9
    with TestClient(create_app(Settings(database_url=empty_db.reader_url, count_bitmaps=False))) as client:
        found = client.get("/v1/search", params={"q": "engineer"}).json()["items"]  # the text says engineers
    assert {hit["id"] for hit in found} >= {"acme-academy", "acme-500-engineers"}
