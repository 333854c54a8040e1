"""Checks across seed files: unique ids, references that resolve, no parent or part_of cycles."""

from collections.abc import Callable, Iterable

from app.seeding.schema import CitationItem, SourcedCitation
from app.seeding.seedset import SeedError, SeedSet, citation_error, record_error, records


def cross_check(s: SeedSet) -> list[SeedError]:
    """Uniqueness and references across files."""
    errors: list[SeedError] = []
    known: dict[str, set[str]] = {}

    def unique(kind: str, ids: Iterable[str]) -> None:
        seen = known.setdefault(kind, set())
        for ident in ids:
            if ident in seen:
                errors.append(record_error(s, kind, ident, "id", "duplicate id"))
            seen.add(ident)

    unique("organizations", (org.id for org in s.organizations))
    unique("people", (person.id for person in s.people))
    unique("sources", (src.id for src in s.sources))
    for kind in ("initiatives", "mous", "pledges", "figures"):  # duplicates across files: validate.py
        known[kind] = {record.id for _, record in getattr(s, kind)}
    documents: dict[str, str] = {}
    for src in s.sources:
        if src.document in documents:
            message = f"document also used by {documents[src.document]!r}"
            errors.append(record_error(s, "sources", src.id, "document", message))
        documents[src.document] = src.id

    def need(kind: str, ident: str, field_name: str, ref: str | None, target: str) -> None:
        if ref is not None and ref not in known[target]:
            what = {"people": "person"}.get(target, target.rstrip("s"))
            errors.append(record_error(s, kind, ident, field_name, f"unknown {what} {ref!r}"))

    def speakers(kind: str, ident: str, citations: Iterable[CitationItem]) -> None:
        for i, cit in enumerate(citations):
            need(kind, ident, f"citations[{i}].speaker", cit.speaker, "people")
            if isinstance(cit, SourcedCitation):
                need(kind, ident, f"citations[{i}].source", cit.source, "sources")

    for org in s.organizations:
        need("organizations", org.id, "parent", org.parent, "organizations")
        speakers("organizations", org.id, org.citations)
    for person in s.people:
        for i, position in enumerate(person.positions):
            need("people", person.id, f"positions[{i}].organization", position.organization, "organizations")
            need("people", person.id, f"positions[{i}].source", position.source, "sources")
        speakers("people", person.id, person.citations)
    for _, ini in s.initiatives:
        for i, p in enumerate(ini.participants):
            need("initiatives", ini.id, f"participants[{i}].organization", p.organization, "organizations")
        need("initiatives", ini.id, "part_of", ini.part_of, "initiatives")
        speakers("initiatives", ini.id, ini.citations)
    for _, mou in s.mous:
        for i, party in enumerate(mou.parties):
            need("mous", mou.id, f"parties[{i}]", party, "organizations")
        for i, witness in enumerate(mou.witnesses):
            need("mous", mou.id, f"witnesses[{i}]", witness, "people")
        need("mous", mou.id, "initiative", mou.initiative, "initiatives")
        speakers("mous", mou.id, mou.citations)
    for _, pledge in s.pledges:
        for i, pledger in enumerate(pledge.pledgers):
            need("pledges", pledge.id, f"pledgers[{i}]", pledger, "organizations")
        need("pledges", pledge.id, "initiative", pledge.initiative, "initiatives")
        speakers("pledges", pledge.id, pledge.citations)
    for _, fig in s.figures:
        need("figures", fig.id, "organization", fig.organization, "organizations")
        need("figures", fig.id, "initiative", fig.initiative, "initiatives")
        need("figures", fig.id, "pledge", fig.pledge, "pledges")
        speakers("figures", fig.id, fig.citations)
    for source_id, pos, cit in s.citations:
        kind, ref = cit.subject
        target = {"person": "people"}.get(kind, kind + "s")
        if ref not in known[target]:
            errors.append(citation_error(s, source_id, pos, kind, f"unknown {kind} {ref!r}"))
        if cit.speaker is not None and cit.speaker not in known["people"]:
            errors.append(citation_error(s, source_id, pos, "speaker", f"unknown person {cit.speaker!r}"))

    errors += _renames(s, known)
    parents = {org.id: org.parent for org in s.organizations}
    errors += _cycles(s, "organizations", "parent", parents.get, parents)
    part_of = {ini.id: ini.part_of for _, ini in s.initiatives}
    errors += _cycles(s, "initiatives", "part_of", part_of.get, part_of)
    return errors


def _renames(s: SeedSet, known: dict[str, set[str]]) -> list[SeedError]:
    """An old id names one record of its kind, and no record has it now."""
    errors: list[SeedError] = []
    claimed: dict[tuple[str, str], str] = {}
    for kind, record in records(s):
        for i, old in enumerate(record.renamed_from):
            where = f"renamed_from[{i}]"
            if old in known[kind]:
                errors.append(record_error(s, kind, record.id, where, f"{old!r} is the id of a record today"))
            elif (kind, old) in claimed:
                message = f"{old!r} is also renamed to {claimed[(kind, old)]!r}"
                errors.append(record_error(s, kind, record.id, where, message))
            claimed[(kind, old)] = record.id
    return errors


def _cycles(
    s: SeedSet, kind: str, field_name: str, up: Callable[[str], str | None], ids: Iterable[str]
) -> list[SeedError]:
    """A cycle along `up` (parent, part_of), reported once, starting where it was first entered."""
    errors = []
    reported: set[str] = set()
    for start in ids:
        seen: list[str] = []
        current: str | None = start
        while current is not None:
            if current in seen:
                cycle = seen[seen.index(current) :] + [current]
                if not reported.intersection(cycle):
                    message = f"{field_name} cycle: " + " -> ".join(cycle)
                    errors.append(record_error(s, kind, current, field_name, message))
                    reported.update(cycle)
                break
            seen.append(current)
            current = up(current)
    return errors
