"""Checks across seed files: unique ids, references that resolve, no parent cycles."""

from typing import Any

from app.seeding.schema import OrganizationSeed, SourceSeed
from app.seeding.seedset import SeedError, SeedSet, citation_error, record_error


def cross_check(s: SeedSet) -> list[SeedError]:
    """Uniqueness and references across files."""
    errors: list[SeedError] = []
    orgs: dict[str, OrganizationSeed] = {}
    for org in s.organizations:
        if org.id in orgs:
            errors.append(record_error(s, "organizations", org.id, "id", "duplicate id"))
        orgs[org.id] = org
    sources: dict[str, SourceSeed] = {}
    documents: dict[str, str] = {}
    for src in s.sources:
        if src.id in sources:
            errors.append(record_error(s, "sources", src.id, "id", "duplicate id"))
        if src.document in documents:
            errors.append(
                record_error(
                    s,
                    "sources",
                    src.id,
                    "document",
                    f"document also used by {documents[src.document]!r}",
                )
            )
        sources[src.id] = src
        documents[src.document] = src.id

    for org in s.organizations:
        if org.parent is not None and org.parent not in orgs:
            errors.append(
                record_error(s, "organizations", org.id, "parent", f"unknown organization {org.parent!r}")
            )
    errors.extend(_parent_cycles(s, orgs))

    initiatives = {rec.id for _, rec in s.initiatives}
    mous = {rec.id for _, rec in s.mous}
    pledges = {rec.id for _, rec in s.pledges}

    def need(
        kind: str,
        ident: str,
        field_name: str,
        ref: str | None,
        known: set[str] | dict[str, Any],
        what: str,
    ) -> None:
        if ref is not None and ref not in known:
            errors.append(record_error(s, kind, ident, field_name, f"unknown {what} {ref!r}"))

    for _, ini in s.initiatives:
        for i, p in enumerate(ini.participants):
            need(
                "initiatives",
                ini.id,
                f"participants[{i}].organization",
                p.organization,
                orgs,
                "organization",
            )
    for _, mou in s.mous:
        for i, party in enumerate(mou.parties):
            need("mous", mou.id, f"parties[{i}]", party, orgs, "organization")
        need("mous", mou.id, "initiative", mou.initiative, initiatives, "initiative")
    for _, pledge in s.pledges:
        need("pledges", pledge.id, "pledger", pledge.pledger, orgs, "organization")
        need("pledges", pledge.id, "initiative", pledge.initiative, initiatives, "initiative")
    for source_id, pos, cit in s.citations:
        for attr, known in (("initiative", initiatives), ("mou", mous), ("pledge", pledges)):
            ref = getattr(cit, attr)
            if ref is not None and ref not in known:
                errors.append(citation_error(s, source_id, pos, attr, f"unknown {attr} {ref!r}"))
    return errors


def _parent_cycles(s: SeedSet, orgs: dict[str, OrganizationSeed]) -> list[SeedError]:
    errors = []
    reported: set[str] = set()
    for start in orgs:
        seen: list[str] = []
        current: str | None = start
        while current is not None and current in orgs:
            if current in seen:
                cycle = seen[seen.index(current) :] + [current]
                if not reported.intersection(cycle):
                    errors.append(
                        record_error(
                            s,
                            "organizations",
                            current,
                            "parent",
                            "parent cycle: " + " -> ".join(cycle),
                        )
                    )
                    reported.update(cycle)
                break
            seen.append(current)
            current = orgs[current].parent
    return errors
