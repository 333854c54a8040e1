"""Turn validated seeds into the rows each table should hold."""

from typing import Any

from app.dates import PartialDate
from app.search_text import stems
from app.seeding.schema import CITED, CitationItem
from app.seeding.seedset import RESOURCE_OF, SeedSet, records

Row = dict[str, Any]


def _date(value: PartialDate | None, prefix: str) -> Row:
    return {
        f"{prefix}_on": value.value if value else None,
        f"{prefix}_precision": value.precision.value if value else None,
    }


def format_amount(amount: float) -> str:
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,}"


def pledge_title(pledger_names: list[str], amount: float, unit: str, audience: str | None) -> str:
    """A readable name for a pledge, e.g. "Huawei: 30,000 people (local professionals)"."""
    title = f"{' and '.join(pledger_names)}: {format_amount(amount)} {unit}"
    return f"{title} ({audience})" if audience else title


def figure_title(subject_name: str, amount: float, unit: str, metric: str) -> str:
    """A readable name for a figure, e.g. "Nvidia AI centre: 8 GPU (gpus_deployed)"."""
    return f"{subject_name}: {format_amount(amount)} {unit} ({metric.replace('_', ' ')})"


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


SUBJECT_COLUMNS = tuple(f"{kind}_id" for kind in CITED)


def build_rows(s: SeedSet) -> dict[str, list[Row]]:
    """Rows per table name, in the order the tables are written."""
    rows: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
    org_names = {org.id: org.name for org in s.organizations}
    initiative_names = {ini.id: ini.name for _, ini in s.initiatives}
    quotes: dict[tuple[str, str], list[str]] = {}
    cited: dict[tuple[Any, ...], Row] = {}

    def cite(source_id: str, kind: str, ident: str, cit: CitationItem) -> None:
        subject: dict[str, str | None] = dict.fromkeys(SUBJECT_COLUMNS)
        subject[f"{kind}_id"] = ident
        key = (source_id, *subject.values(), cit.quote)
        if key in cited:  # the same quote given twice for one record: one citation, both supports
            row = cited[key]
            more = [f for f in cit.supports if f not in row["supports"].split()]
            row["supports"] = " ".join([*row["supports"].split(), *more])
            return
        row = {
            "source_id": source_id,
            **subject,
            "quote": cit.quote,
            "supports": " ".join(cit.supports),
            "speaker_id": cit.speaker,
            "attribution": cit.attribution,
        }
        cited[key] = row
        rows["citations"].append(row)
        quotes.setdefault((kind, ident), []).append(cit.quote)

    def provenance(kind: str, ident: str, source_id: str, seed: Any) -> None:
        for cit in seed.citations:
            cite(getattr(cit, "source", source_id), kind, ident, cit)
        rows["inferences"] += [
            {"resource": kind, "record_id": ident, "field": name, "reason": reason}
            for name, reason in seed.inferred.items()
        ]

    for src in s.sources:
        line = src.dateline
        rows["sources"].append(
            {
                "id": src.id,
                "title": src.title,
                "publisher": src.publisher,
                **_date(src.published_on, "published"),
                "url": src.url,
                "document": src.document,
                "dateline_text": line.text if line else None,
                "dateline_place": line.place if line else None,
                **_date(line.on if line else None, "dateline"),
            }
        )
    for org in s.organizations:
        rows["organizations"].append(
            {
                "id": org.id,
                "name": org.name,
                "kind": org.kind.value,
                "country": org.country,
                "parent_id": org.parent,
            }
        )
        rows["organization_aliases"] += [{"organization_id": org.id, "alias": alias} for alias in org.aliases]
        provenance("organization", org.id, "", org)
    for person in s.people:
        rows["people"].append({"id": person.id, "name": person.name})
        rows["person_aliases"] += [{"person_id": person.id, "alias": alias} for alias in person.aliases]
        rows["positions"] += [
            {
                "person_id": person.id,
                "position": i,
                "title": pos.title,
                "organization_id": pos.organization,
                "source_id": pos.source,
            }
            for i, pos in enumerate(person.positions)
        ]
        provenance("person", person.id, "", person)

    for source_id, ini in s.initiatives:
        rows["initiatives"].append(
            {
                "id": ini.id,
                "name": ini.name,
                "kind": ini.kind.value,
                "status": ini.status.value,
                "summary": ini.summary,
                **_date(ini.announced_on, "announced"),
                "scope": ini.scope.value,
                "region": ini.region.value if ini.region else None,
                "part_of_id": ini.part_of,
            }
        )
        rows["initiative_countries"] += [{"initiative_id": ini.id, "country": c} for c in ini.countries]
        rows["initiative_sectors"] += [{"initiative_id": ini.id, "sector": x} for x in ini.sectors]
        rows["initiative_participants"] += [
            {"initiative_id": ini.id, "organization_id": p.organization, "role": p.role.value}
            for p in ini.participants
        ]
        rows["initiative_milestones"] += [
            {
                "initiative_id": ini.id,
                "position": i,
                "event": m.event.value,
                "on_date": m.on.value if m.on else None,
                "precision": m.on.precision.value if m.on else None,
                "text": m.text,
                "place": m.place,
            }
            for i, m in enumerate(ini.milestones)
        ]
        provenance("initiative", ini.id, source_id, ini)
    for source_id, mou in s.mous:
        rows["mous"].append(
            {
                "id": mou.id,
                "title": mou.title,
                **_date(mou.signed_on, "signed"),
                "place": mou.place,
                "initiative_id": mou.initiative,
                "summary": mou.summary,
            }
        )
        rows["mou_parties"] += [{"mou_id": mou.id, "organization_id": p} for p in mou.parties]
        rows["mou_witnesses"] += [
            {"mou_id": mou.id, "person_id": person, "position": i} for i, person in enumerate(mou.witnesses)
        ]
        provenance("mou", mou.id, source_id, mou)
    for source_id, pledge in s.pledges:
        rows["pledges"].append(
            {
                "id": pledge.id,
                "initiative_id": pledge.initiative,
                "metric": pledge.metric.value,
                "amount": pledge.amount,
                "amount_text": pledge.amount_text,
                "qualifier": pledge.qualifier.value,
                "unit": pledge.unit.value,
                "audience": pledge.audience,
                **_date(pledge.announced_on, "announced"),
                **_date(pledge.target_on, "target"),
                "target_text": pledge.target_text,
                "status": pledge.status.value,
                "scope": pledge.scope.value,
                "region": pledge.region.value if pledge.region else None,
            }
        )
        rows["pledge_pledgers"] += [
            {"pledge_id": pledge.id, "organization_id": org, "position": i}
            for i, org in enumerate(pledge.pledgers)
        ]
        rows["pledge_countries"] += [{"pledge_id": pledge.id, "country": c} for c in pledge.countries]
        provenance("pledge", pledge.id, source_id, pledge)
    for source_id, fig in s.figures:
        rows["figures"].append(
            {
                "id": fig.id,
                "organization_id": fig.organization,
                "initiative_id": fig.initiative,
                "metric": fig.metric.value,
                "amount": fig.amount,
                "amount_text": fig.amount_text,
                "qualifier": fig.qualifier.value,
                "unit": fig.unit.value,
                "as_of": fig.as_of.value if fig.as_of else None,
                "as_of_precision": fig.as_of.precision.value if fig.as_of else None,
                "scope": fig.scope.value,
                "region": fig.region.value if fig.region else None,
                "pledge_id": fig.pledge,
            }
        )
        rows["figure_countries"] += [{"figure_id": fig.id, "country": c} for c in fig.countries]
        provenance("figure", fig.id, source_id, fig)
    for source_id, _, cit in s.citations:
        kind, ident = cit.subject
        cite(source_id, kind, ident, cit)

    person_names = {p.id: p.name for p in s.people}
    docs = rows["search_documents"]
    for org in s.organizations:
        docs.append(_doc("organization", org.id, org.name, _lines(org.name, *org.aliases)))
    for person in s.people:
        titles = [pos.title for pos in person.positions]
        body = _lines(person.name, *person.aliases, *titles, *quotes.get(("person", person.id), []))
        docs.append(_doc("person", person.id, person.name, body))
    for _, ini in s.initiatives:
        body = _lines(ini.name, ini.summary, *quotes.get(("initiative", ini.id), []))
        docs.append(_doc("initiative", ini.id, ini.name, body))
    for _, mou in s.mous:
        witnesses = [person_names[w] for w in mou.witnesses]
        body = _lines(mou.title, mou.summary, *witnesses, *quotes.get(("mou", mou.id), []))
        docs.append(_doc("mou", mou.id, mou.title, body))
    for _, p in s.pledges:
        title = pledge_title([org_names[o] for o in p.pledgers], p.amount, p.unit.value, p.audience)
        body = _lines(title, p.amount_text, p.target_text, *quotes.get(("pledge", p.id), []))
        docs.append(_doc("pledge", p.id, title, body))
    for _, f in s.figures:
        subject = org_names[f.organization] if f.organization else initiative_names[f.initiative or ""]
        title = figure_title(subject, f.amount, f.unit.value, f.metric.value)
        body = _lines(title, f.amount_text, *quotes.get(("figure", f.id), []))
        docs.append(_doc("figure", f.id, title, body))
    for src in s.sources:
        docs.append(_doc("source", src.id, src.title, _lines(src.title, src.publisher)))
    for kind, record in records(s):
        resource = RESOURCE_OF[kind]
        rows["renames"] += [
            {"resource": resource, "old_id": old, "new_id": record.id} for old in record.renamed_from
        ]
    return rows


def _doc(resource: str, record_id: str, name: str, body: str) -> Row:
    return {
        "resource": resource,
        "record_id": record_id,
        "name": name,
        "body": body,
        "name_stems": stems(name),
        "body_stems": stems(body),
    }


TABLE_ORDER = [
    "sources",
    "organizations",
    "organization_aliases",
    "people",
    "person_aliases",
    "positions",
    "initiatives",
    "initiative_countries",
    "initiative_sectors",
    "initiative_participants",
    "initiative_milestones",
    "mous",
    "mou_parties",
    "mou_witnesses",
    "pledges",
    "pledge_pledgers",
    "pledge_countries",
    "figures",
    "figure_countries",
    "citations",
    "inferences",
    "search_documents",
    "renames",
]
