"""Golden snapshot: whole responses of some ninety representative requests, on both databases.

Each case sends one request (or two: page 1 then the page its `next_cursor` or `Link` header
points to, or a revalidation with `If-None-Match`) to the API over the seeded database and
compares the WHOLE answer with a file taken from the code as it was when the file was written:
the status, the headers that are part of the contract (see CONTRACT_HEADERS) and the body
(JSON pretty-printed with sorted keys; CSV and NDJSON exports as the raw text). The only value
normalized is every `loaded_at` (the time of a load: `/v1`'s, and those of a detail's
`first_seen` and `last_changed`, of versions and of changes), replaced by a placeholder when it
is an ISO 8601 timestamp. This is the safety net of refactors that must not change what the API
answers.

Files: tests/golden/both/<case>.txt when SQLite and PostgreSQL answer byte for byte the same
(most cases); tests/golden/sqlite/<case>.txt and tests/golden/postgresql/<case>.txt for the
cases marked `differs`, with the reason: only /v1/search, whose scores (bm25 against
ts_rank_cd), hence order, and snippets (FTS5 snippet() against ts_headline) are the engines' own.

A mismatch fails with a unified diff of the golden file against the response. A missing file
is a failure, never a silent write. To accept a change of the answers on purpose, regenerate:

    UPDATE_GOLDEN=1 REQUIRE_POSTGRES=1 pytest tests/test_golden.py

which rewrites the files whose content changed and deletes files no case uses; then review
`git diff tests/golden` before committing. Run both backends in that one session: a case
stored once for both whose answers differ between the databases then fails at once, telling
you to mark it `differs`.
"""

import difflib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import BACKENDS
from tests.pg import Database

GOLDEN = Path(__file__).parent / "golden"
SHARED = "both"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
REGENERATE = "UPDATE_GOLDEN=1 REQUIRE_POSTGRES=1 pytest tests/test_golden.py"

# Response headers that are part of the contract (README: caching, exports, paging, errors,
# compression, security headers). Not date, content-length (it depends on gzip) or server.
CONTRACT_HEADERS = (
    "allow",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-security-policy",
    "content-type",
    "etag",
    "link",
    "location",
    "referrer-policy",
    "retry-after",
    "vary",
    "x-content-type-options",
    "x-frame-options",
    "x-total-count",
)
# Pinned so that ETags (they depend on the representation served) and compression do not depend on httpx's defaults.
DEFAULT_REQUEST_HEADERS = {"accept": "*/*", "accept-encoding": "gzip"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SEARCH_SCORES = (
    "the search engines' own: bm25 (SQLite FTS5) and ts_rank_cd (PostgreSQL) give other scores,"
    " hence another order, and snippet() and ts_headline cut other fragments"
)


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    # Record instead the next page (by next_cursor, or by the Link header's URL), or the
    # answer to a revalidation with the first answer's ETag.
    then: Literal["cursor", "link", "revalidate"] | None = None
    # Why SQLite and PostgreSQL answer differently (per-backend files), or None (one file).
    differs: str | None = None


CSV = {"accept": "text/csv"}
NDJSON = {"accept": "application/x-ndjson"}

CASES = [
    # service
    Case("meta_root", "/v1"),
    Case("health", "/health"),
    Case("ready", "/ready"),
    # initiatives
    Case("initiatives_default", "/v1/initiatives"),
    Case("initiatives_country_kinds", "/v1/initiatives?country=MY&kind=talent_programme&kind=service"),
    Case("initiatives_organization_role", "/v1/initiatives?organization=huawei&role=lead&sort=name"),
    Case("initiatives_sector_status", "/v1/initiatives?sector=logistics&status=announced&status=active"),
    Case("initiatives_announced_range", "/v1/initiatives?announced_from=2020&announced_to=2024-12"),
    Case("initiatives_source_q", "/v1/initiatives?source=bernama-malaysia-china-ai-mous&q=huawei"),
    Case("initiatives_sort_desc_page1", "/v1/initiatives?sort=-announced_on&limit=7"),
    Case("initiatives_sort_desc_page2", "/v1/initiatives?sort=-announced_on&limit=7", then="cursor"),
    Case("initiatives_by_name_page2_link", "/v1/initiatives?sort=name&limit=5", then="link"),
    Case(
        "initiatives_facets",
        "/v1/initiatives?country=MY&facets=kind,sector,organization,role,status,country&limit=1",
    ),
    Case("initiatives_csv", "/v1/initiatives?format=csv"),
    Case("initiatives_ndjson", "/v1/initiatives?format=ndjson"),
    Case("initiatives_accept_csv", "/v1/initiatives?kind=research_lab", headers=CSV),
    # organizations
    Case("organizations_default", "/v1/organizations"),
    Case("organizations_country_kind", "/v1/organizations?country=MY&kind=company&sort=-name"),
    Case("organizations_parent", "/v1/organizations?parent=huawei"),
    Case("organizations_q_alias", "/v1/organizations?q=TOGL"),
    Case("organizations_nullable_page1", "/v1/organizations?sort=-country,name&limit=26"),
    Case("organizations_nullable_page2", "/v1/organizations?sort=-country,name&limit=26", then="cursor"),
    Case("organizations_facets", "/v1/organizations?facets=country,kind&limit=2"),
    Case("organizations_csv", "/v1/organizations?format=csv"),
    Case("organizations_ndjson", "/v1/organizations?format=ndjson"),
    Case("organizations_accept_ndjson", "/v1/organizations?country=SG", headers=NDJSON),
    # mous
    Case("mous_default", "/v1/mous"),
    Case("mous_party_signed", "/v1/mous?party=huawei&signed_from=2025-04-10&signed_to=2025-04-10"),
    Case("mous_country_sort", "/v1/mous?country=CN&sort=-signed_on,title"),
    Case("mous_facets_page1", "/v1/mous?facets=country,party,year&limit=4"),
    Case("mous_facets_page2", "/v1/mous?facets=country,party,year&limit=4", then="cursor"),
    Case("mous_csv", "/v1/mous?format=csv"),
    Case("mous_ndjson", "/v1/mous?format=ndjson"),
    # pledges
    Case("pledges_default", "/v1/pledges?as_of=2026-12-06"),
    Case(
        "pledges_metric_amount",
        "/v1/pledges?metric=people_trained&min_amount=500&sort=-amount&as_of=2026-12-06",
    ),
    Case(
        "pledges_organization_country",
        "/v1/pledges?organization=huawei&country=MY&country=SG&as_of=2026-12-06",
    ),
    Case(
        "pledges_target_range", "/v1/pledges?target_from=2021&target_to=2026&sort=target_on&as_of=2026-12-06"
    ),
    Case(
        "pledges_unit_initiative",
        "/v1/pledges?unit=USD&initiative=alibaba-cloud-digitalents-forward&as_of=2026-12-06",
    ),
    Case("pledges_target_desc_page1", "/v1/pledges?sort=-target_on&limit=4&as_of=2026-12-06"),
    Case("pledges_target_desc_page2", "/v1/pledges?sort=-target_on&limit=4&as_of=2026-12-06", then="cursor"),
    Case(
        "pledges_facets",
        "/v1/pledges?facets=metric,unit,status,organization,country,year&limit=1&as_of=2026-12-06",
    ),
    Case("pledges_csv", "/v1/pledges?format=csv&as_of=2026-12-06"),
    Case("pledges_ndjson", "/v1/pledges?format=ndjson&as_of=2026-12-06"),
    Case("pledges_accept_csv", "/v1/pledges?organization=huawei&as_of=2026-12-06", headers=CSV),
    Case("pledges_revalidate_304", "/v1/pledges?organization=huawei&as_of=2026-12-06", then="revalidate"),
    Case("pledges_overdue", "/v1/pledges?overdue=true&as_of=2026-12-06"),
    Case("pledges_not_overdue_after_2026", "/v1/pledges?overdue=false&as_of=2027-01-01&facets=status"),
    # pledges/summary
    Case("summary_organization", "/v1/pledges/summary?group_by=organization&as_of=2026-12-06"),
    Case("summary_country", "/v1/pledges/summary?group_by=country&as_of=2026-12-06"),
    Case("summary_metric", "/v1/pledges/summary?group_by=metric&as_of=2026-12-06"),
    Case("summary_year", "/v1/pledges/summary?group_by=year&as_of=2026-12-06"),
    Case("summary_announced_year", "/v1/pledges/summary?group_by=announced_year&as_of=2026-12-06"),
    Case(
        "summary_metric_filtered",
        "/v1/pledges/summary?group_by=metric&country=SG&country=MY&as_of=2026-12-06",
    ),
    Case("summary_organization_usd", "/v1/pledges/summary?group_by=organization&unit=USD&as_of=2026-12-06"),
    # timeline
    Case("timeline_default", "/v1/timeline"),
    Case("timeline_april_2025", "/v1/timeline?from=2025-04&to=2025-04&facets=event,type,country,year"),
    Case("timeline_latest_first_page1", "/v1/timeline?sort=-date&limit=5"),
    Case("timeline_latest_first_page2", "/v1/timeline?sort=-date&limit=5", then="cursor"),
    Case("timeline_huawei_pledges", "/v1/timeline?organization=huawei&type=pledge&type=initiative"),
    Case("timeline_csv", "/v1/timeline?format=csv&country=SG"),
    # sources
    Case("sources_default", "/v1/sources"),
    Case("sources_published_desc_facets", "/v1/sources?sort=-published_on&facets=publisher"),
    Case("sources_published_asc", "/v1/sources?sort=published_on"),
    Case("sources_title_page2", "/v1/sources?sort=title&limit=2", then="cursor"),
    Case("sources_csv", "/v1/sources?format=csv"),
    Case("sources_ndjson", "/v1/sources?format=ndjson"),
    # details
    Case("initiative_detail_talent", "/v1/initiatives/huawei-malaysia-ai-talent-programme"),
    Case("initiative_detail_logistics", "/v1/initiatives/huawei-tiong-nam-smart-logistics"),
    Case("initiative_detail_data_zone", "/v1/initiatives/malaysia-china-trusted-data-zone"),
    Case("organization_detail_huawei", "/v1/organizations/huawei"),
    Case("organization_detail_huawei_malaysia", "/v1/organizations/huawei-malaysia"),
    Case("organization_partners_huawei", "/v1/organizations/huawei/partners"),
    Case("organization_partners_alibaba_cloud", "/v1/organizations/alibaba-cloud/partners"),
    Case("mou_detail_skyvast", "/v1/mous/mou-huawei-skyvast-sovereign-ai-cloud"),
    Case("mou_detail_tar_joint_lab", "/v1/mous/mou-guangxi-minzu-tar-ai-joint-lab"),
    Case("pledge_detail_30000", "/v1/pledges/huawei-malaysia-30000-ai-professionals?as_of=2026-12-06"),
    Case("pledge_detail_gpus", "/v1/pledges/skyvast-leadyo-3000-gpus-by-2026?as_of=2026-12-06"),
    Case("pledge_renamed", "/v1/pledges/skyvast-3000-gpus-by-2026?as_of=2026-12-06"),
    Case("source_detail_bernama", "/v1/sources/bernama-malaysia-china-ai-mous"),
    Case("source_detail_singapore", "/v1/sources/huawei-singapore-ai-talent-2020"),
    # history (one load of the seeds: version 1 adds every record)
    Case("versions", "/v1/versions"),
    Case("changes_pledges_page1", "/v1/changes?resource=pledge&limit=2"),
    Case("changes_pledges_page2", "/v1/changes?resource=pledge&limit=2", then="cursor"),
    Case("changes_none_since_1", "/v1/changes?since=1"),
    Case("mou_detail_as_of_version_1", "/v1/mous/mou-huawei-skyvast-sovereign-ai-cloud?as_of_version=1"),
    Case("error_as_of_future_version", "/v1/figures/huawei-cloud-regions-asean?as_of_version=2"),
    # search
    Case("search_huawei", "/v1/search?q=huawei&limit=5", differs=SEARCH_SCORES),
    Case("search_huawei_page2", "/v1/search?q=huawei&limit=5", then="cursor", differs=SEARCH_SCORES),
    Case(
        "search_types",
        "/v1/search?q=data+centre&type=initiative&type=pledge&limit=3",
        differs=SEARCH_SCORES,
    ),
    Case("search_prefix", "/v1/search?q=cloud*&type=organization", differs=SEARCH_SCORES),
    # errors
    Case("error_unknown_parameter", "/v1/initiatives?countri=MY"),
    Case("error_bad_enum", "/v1/initiatives?kind=hackathon"),
    Case("error_bad_limit", "/v1/pledges?limit=501"),
    Case("error_bad_date", "/v1/mous?signed_to=2025-02-30"),
    Case("error_unknown_id_in_filter", "/v1/pledges?organization=huawie"),
    Case("error_summary_without_group_by", "/v1/pledges/summary"),
    Case("error_bad_cursor", "/v1/initiatives?cursor=zzz"),
    # the next_cursor of initiatives_sort_desc_page1, sent with another filter
    Case(
        "error_foreign_cursor",
        "/v1/initiatives?sort=-announced_on&limit=7&country=MY&cursor="
        "WyI1NmJkNjZjNmQyYTMiLFsiMjAyNC0xMi0wMSIsIm1hbGF5c2lhLW5hdGlvbmFsLWFpLW9mZmljZS1lc3RhYmxpc2htZW50Il0sIi1hbm5vdW5jZWRfb24iXQ",
    ),
    Case("error_search_bad_cursor", "/v1/search?q=huawei&cursor=zzz"),
    Case("error_missing_initiative", "/v1/initiatives/nothing-here"),
    Case("error_missing_partners", "/v1/organizations/nobody/partners"),
    Case("error_unknown_path", "/v2/initiatives"),
    Case("error_post", "/v1/initiatives", method="POST"),
    Case("error_delete", "/v1/pledges/huawei-malaysia-30000-ai-professionals", method="DELETE"),
]


def golden_file(case: Case, backend: str) -> Path:
    return GOLDEN / (backend if case.differs else SHARED) / f"{case.name}.txt"


def _normalize(value: Any) -> Any:
    """The body with what varies between runs (the load time) replaced by a placeholder."""
    if isinstance(value, dict):
        return {
            k: "<ISO 8601 timestamp>"
            if k == "loaded_at" and isinstance(v, str) and TIMESTAMP.match(v)
            else _normalize(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


def render(method: str, url: str, sent: Mapping[str, str], response: httpx.Response) -> str:
    """The request, then the status, the contract's headers and the body, as one text."""
    lines = [f"{method} {url}", *(f"{k}: {v}" for k, v in sorted(sent.items())), ""]
    lines.append(f"HTTP {response.status_code}")
    lines += [f"{name}: {response.headers[name]}" for name in CONTRACT_HEADERS if name in response.headers]
    lines.append("")
    media_type = response.headers.get("content-type", "").split(";")[0]
    if media_type in ("application/json", "application/problem+json"):
        body = json.dumps(_normalize(response.json()), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    else:
        body = response.text
    return "\n".join(lines) + "\n" + body


def answer(client: TestClient, case: Case) -> str:
    """The rendered answer of the case's (last) request."""
    sent = {**DEFAULT_REQUEST_HEADERS, **case.headers}
    url = case.path
    response = client.request(case.method, url, headers=sent, follow_redirects=False)
    if case.then is not None:
        assert response.status_code == 200, response.text
    if case.then == "cursor":
        cursor = response.json()["next_cursor"]
        assert cursor, f"{case.path} has no next page"
        url = f"{case.path}&cursor={cursor}"
        response = client.request(case.method, url, headers=sent)
    elif case.then == "link":
        assert response.links.get("next"), f"{case.path} has no Link rel=next"
        url = response.links["next"]["url"]
        response = client.request(case.method, url, headers=sent)
    elif case.then == "revalidate":
        sent = {**sent, "if-none-match": response.headers["etag"]}
        response = client.request(case.method, url, headers=sent)
    return render(case.method, url, sent, response)


# Shared files written in this session by a backend, to catch a case the databases disagree on.
_written: dict[Path, tuple[str, str]] = {}


def _diff(expected: str, actual: str, expected_name: str, actual_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=expected_name,
            tofile=actual_name,
        )
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_answer_matches_golden(case: Case, client: TestClient, seeded_db: Database) -> None:
    backend = seeded_db.backend
    path = golden_file(case, backend)
    actual = answer(client, case)
    shown = path.relative_to(GOLDEN.parent.parent)
    if UPDATE:
        other = _written.get(path)
        if other is not None and other[0] != backend and other[1] != actual:
            pytest.fail(
                f"{case.name}: {other[0]} and {backend} answer differently, but the case has one"
                f" golden file for both; mark it `differs` with the reason if that is legitimate:\n"
                + _diff(other[1], actual, other[0], backend),
                pytrace=False,
            )
        _written[path] = (backend, actual)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {shown} is missing; generate it with {REGENERATE}", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        pytest.fail(
            f"{case.name} on {backend}: the answer differs from {shown}\n"
            + _diff(expected, actual, str(shown), f"answer on {backend}")
            + f"\nIf the change is intended, regenerate with {REGENERATE} and review git diff.",
            pytrace=False,
        )


def test_golden_files_are_exactly_those_of_the_cases() -> None:
    """No stray files; a case stored per backend really differs (else it belongs in both/)."""
    assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"
    wanted = {golden_file(c, b) for c in CASES for b in BACKENDS}
    stray = sorted(p for p in GOLDEN.rglob("*.txt") if p not in wanted)
    if UPDATE:
        for p in stray:
            p.unlink()
        return
    assert not stray, f"golden files no case uses (UPDATE_GOLDEN=1 deletes them): {stray}"
    for case in CASES:
        if case.differs:
            sqlite, postgresql = (golden_file(case, b) for b in BACKENDS)
            if sqlite.exists() and postgresql.exists():
                assert sqlite.read_bytes() != postgresql.read_bytes(), (
                    f"{case.name} is marked differs ({case.differs}) but both backends answer the"
                    " same: drop `differs` and store it once"
                )
