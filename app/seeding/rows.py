"""Turn validated seeds into the rows each table should hold."""

from typing import Any

from app.dates import PartialDate
from app.search_text import stems
from app.seeding.seedset import SeedSet

Row = dict[str, Any]


def _date(value: PartialDate | None, prefix: str) -> Row:
    return {
        f"{prefix}_on": value.value if value else None,
        f"{prefix}_precision": value.precision.value if value else None,
    }


def format_amount(amount: float) -> str:
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,}"


def pledge_title(pledger_name: str, amount: float, unit: str, audience: str | None) -> str:
    """A readable name for a pledge, e.g. "Huawei: 30,000 people (local professionals)"."""
    title = f"{pledger_name}: {format_amount(amount)} {unit}"
    return f"{title} ({audience})" if audience else title


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def build_rows(s: SeedSet) -> dict[str, list[Row]]:
    """Rows per table name, in the order the tables are written."""
    rows: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
    org_names = {org.id: org.name for org in s.organizations}
    quotes: dict[tuple[str, str], list[str]] = {}

    for src in s.sources:
        rows["sources"].append(
            {
                "id": src.id,
                "title": src.title,
                "publisher": src.publisher,
                **_date(src.published_on, "published"),
                "url": src.url,
                "document": src.document,
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

    def cite(source_id: str, kind: str, ident: str, quote: str) -> None:
        subject: dict[str, str | None] = {"initiative_id": None, "mou_id": None, "pledge_id": None}
        subject[f"{kind}_id"] = ident
        row = {"source_id": source_id, **subject, "quote": quote}
        if row not in rows["citations"]:
            rows["citations"].append(row)
            quotes.setdefault((kind, ident), []).append(quote)

    for source_id, ini in s.initiatives:
        rows["initiatives"].append(
            {
                "id": ini.id,
                "name": ini.name,
                "kind": ini.kind.value,
                "status": ini.status.value,
                "summary": ini.summary,
                **_date(ini.announced_on, "announced"),
            }
        )
        rows["initiative_countries"] += [{"initiative_id": ini.id, "country": c} for c in ini.countries]
        rows["initiative_sectors"] += [{"initiative_id": ini.id, "sector": x} for x in ini.sectors]
        rows["initiative_participants"] += [
            {"initiative_id": ini.id, "organization_id": p.organization, "role": p.role.value}
            for p in ini.participants
        ]
        for quote in ini.quotes:
            cite(source_id, "initiative", ini.id, quote)
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
            {"mou_id": mou.id, "position": i, "name": name} for i, name in enumerate(mou.witnesses)
        ]
        for quote in mou.quotes:
            cite(source_id, "mou", mou.id, quote)
    for source_id, pledge in s.pledges:
        rows["pledges"].append(
            {
                "id": pledge.id,
                "pledger_id": pledge.pledger,
                "initiative_id": pledge.initiative,
                "metric": pledge.metric.value,
                "amount": pledge.amount,
                "unit": pledge.unit.value,
                "audience": pledge.audience,
                **_date(pledge.announced_on, "announced"),
                **_date(pledge.target_on, "target"),
                "target_text": pledge.target_text,
                "status": pledge.status.value,
            }
        )
        rows["pledge_countries"] += [{"pledge_id": pledge.id, "country": c} for c in pledge.countries]
        for quote in pledge.quotes:
            cite(source_id, "pledge", pledge.id, quote)
    for source_id, _, cit in s.citations:
        for kind in ("initiative", "mou", "pledge"):
            ident = getattr(cit, kind)
            if ident is not None:
                cite(source_id, kind, ident, cit.quote)

    docs = rows["search_documents"]
    for org in s.organizations:
        docs.append(_doc("organization", org.id, org.name, _lines(org.name, *org.aliases)))
    for _, ini in s.initiatives:
        body = _lines(ini.name, ini.summary, *quotes.get(("initiative", ini.id), []))
        docs.append(_doc("initiative", ini.id, ini.name, body))
    for _, mou in s.mous:
        body = _lines(mou.title, mou.summary, *mou.witnesses, *quotes.get(("mou", mou.id), []))
        docs.append(_doc("mou", mou.id, mou.title, body))
    for _, p in s.pledges:
        title = pledge_title(org_names[p.pledger], p.amount, p.unit.value, p.audience)
        body = _lines(title, p.target_text, *quotes.get(("pledge", p.id), []))
        docs.append(_doc("pledge", p.id, title, body))
    for src in s.sources:
        docs.append(_doc("source", src.id, src.title, _lines(src.title, src.publisher)))
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
    "initiatives",
    "initiative_countries",
    "initiative_sectors",
    "initiative_participants",
    "mous",
    "mou_parties",
    "mou_witnesses",
    "pledges",
    "pledge_countries",
    "citations",
    "search_documents",
]
