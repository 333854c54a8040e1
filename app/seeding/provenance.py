"""What the quotes say, checked: each fact field supported or inferred, names and numbers found.

CONTRACT.md, "Provenance of each field". A record's quotes are its own `citations` and those that
other articles' files add for it; a field named in `inferred` is exempt (its reason says why).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from text_to_num import text2num

from app.seeding.schema import FACT_FIELDS, CitationItem, InitiativeSeed, PledgeSeed, Provenance
from app.seeding.seedset import SeedError, SeedSet, record_error

# Fields a citation may name in `supports` beyond the record's own keys.
EXTRA_FIELDS = {"figures": {"subject"}}
NOT_FACTS = {"id", "citations", "inferred"}


def fold(text: str) -> str:
    """Case and whitespace folded, for finding a name or a phrase in a quote."""
    return " ".join(text.casefold().split())


# Digits with separators and decimals, then a multiplier: "30,000", "1.3 million", "US$1.5bn".
_DIGITS = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(thousand|million|billion|trillion|mn|bn|k)?(?![a-z])",
    re.IGNORECASE,
)
_ABBREVIATIONS = {"k": 1e3, "mn": 1e6, "bn": 1e9}
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def stated_number(text: str) -> float | None:
    """The number an article's words state: "eight", "30,000", "over 1.3 million", "US$1.5 billion".

    Number words ("eight", "twenty", "two hundred thousand") are read by text2num; digits and the
    mn / bn / k abbreviations, which no English word list holds, here.
    """
    match = _DIGITS.search(text)
    if match:
        whole, decimals, multiplier = match.groups()
        value = float(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
        if multiplier:
            word = multiplier.lower()
            value *= _ABBREVIATIONS.get(word) or text2num(word, "en")
        return value
    words = _WORD.findall(text)
    for start in range(len(words)):  # the longest run of number words, first from the left
        for end in range(len(words), start, -1):
            try:
                return float(text2num(" ".join(words[start:end]).lower(), "en"))
            except ValueError:
                continue
    return None


@dataclass
class Record:
    """One record with every quote that belongs to it, from its own file and from others."""

    kind: str
    seed: Provenance
    quotes: list[CitationItem]

    def supporting(self, field_name: str) -> list[str]:
        return [fold(c.quote) for c in self.quotes if field_name in c.supports]

    def all_quotes(self) -> list[str]:
        return [fold(c.quote) for c in self.quotes]


def _records(s: SeedSet) -> list[Record]:
    extra: dict[tuple[str, str], list[CitationItem]] = {}
    for _, _, cit in s.citations:
        kind, ref = cit.subject
        extra.setdefault(({"person": "people"}.get(kind, kind + "s"), ref), []).append(cit)
    records = [Record("organizations", org, list(org.citations)) for org in s.organizations]
    records += [Record("people", person, list(person.citations)) for person in s.people]
    for kind in ("initiatives", "mous", "pledges", "figures"):
        records += [Record(kind, seed, list(seed.citations)) for _, seed in getattr(s, kind)]
    for record in records:
        record.quotes += extra.get((record.kind, _id(record.seed)), [])
    return records


def _id(seed: BaseModel) -> str:
    ident = seed.id
    assert isinstance(ident, str)
    return ident


def _empty(seed: Provenance, field_name: str) -> bool:
    if field_name == "subject":
        return False
    if field_name == "countries":
        return bool(seed.scope.value == "unstated")
    if field_name == "status":  # "unknown" states nothing
        return bool(seed.status.value == "unknown")
    value = getattr(seed, field_name)
    return value is None or value == [] or value == ""


def check_provenance(s: SeedSet) -> list[SeedError]:
    errors: list[SeedError] = []
    org_names = {org.id: [org.name, *org.aliases] for org in s.organizations}
    person_names = {p.id: [p.name, *p.aliases] for p in s.people}
    sources = {src.id for src in s.sources}

    for record in _records(s):
        seed, kind, ident = record.seed, record.kind, _id(record.seed)

        def error(field_name: str, message: str) -> None:
            errors.append(record_error(s, kind, ident, field_name, message))

        allowed = (set(type(seed).model_fields) - NOT_FACTS) | EXTRA_FIELDS.get(kind, set())
        for i, cit in enumerate(record.quotes):
            for name in cit.supports:
                if name not in allowed:
                    error(
                        f"citations[{i}].supports", f"{name!r} is not a field of {kind}: {_choices(allowed)}"
                    )
            if cit.speaker is not None:
                said = fold(cit.quote + " " + (cit.attribution or ""))
                if not _named(said, person_names.get(cit.speaker, [])):
                    error(
                        f"citations[{i}].speaker",
                        f"{cit.speaker!r} is named neither in the quote nor in its attribution;"
                        " give the article's words that name the speaker as `attribution`",
                    )
        for name in seed.inferred:
            if name not in allowed:
                error(f"inferred.{name}", f"{name!r} is not a field of {kind}: {_choices(allowed)}")

        for field_name in FACT_FIELDS[kind]:
            if _empty(seed, field_name) or field_name in seed.inferred:
                continue
            if not record.supporting(field_name):
                error(
                    field_name,
                    "no citation supports this field: name it in the `supports` of the quote that"
                    " states it, or give the reason in `inferred`",
                )

        def names_in_quotes(field_name: str, refs: Sequence[str], names: dict[str, list[str]]) -> None:
            if field_name in seed.inferred:
                return
            quotes = record.supporting(field_name)
            for i, ref in enumerate(refs):
                if quotes and not any(_named(q, names.get(ref, [])) for q in quotes):
                    error(
                        f"{field_name}[{i}]",
                        f"{ref!r} is not named in any quote supporting {field_name!r}"
                        f" (looked for {', '.join(map(repr, names.get(ref, [])))}); add the"
                        " article's spelling as an alias, or cite the sentence that names it",
                    )

        def text_in_quotes(field_name: str, where: str, text: str | None) -> None:
            if text is None:
                return
            quotes = record.all_quotes() if field_name in seed.inferred else record.supporting(field_name)
            if not any(fold(text) in q for q in quotes):
                error(where, f"{text!r} is not in a quote supporting {field_name!r}")

        if isinstance(seed, InitiativeSeed):
            names_in_quotes("participants", [p.organization for p in seed.participants], org_names)
            for i, m in enumerate(seed.milestones):
                text_in_quotes("milestones", f"milestones[{i}].text", m.text)
        if kind == "mous":
            names_in_quotes("parties", seed.parties, org_names)
            names_in_quotes("witnesses", seed.witnesses, person_names)
        if isinstance(seed, PledgeSeed):
            names_in_quotes("pledgers", seed.pledgers, org_names)
            text_in_quotes("target_on", "target_text", seed.target_text)
        if kind in ("pledges", "figures"):
            amount_text = seed.amount_text
            if amount_text is not None and "amount" not in seed.inferred:
                text_in_quotes("amount", "amount_text", amount_text)
                stated, amount = stated_number(amount_text), seed.amount
                if stated is None or abs(stated - amount) > 1e-9 * max(1.0, amount):
                    error(
                        "amount_text",
                        f"{amount_text!r} states {_number(stated)}, not the amount {_number(amount)}",
                    )
        if kind == "people":
            for i, pos in enumerate(seed.positions):
                if pos.source not in sources or "positions" in seed.inferred:
                    continue
                quotes = [
                    fold(c.quote)
                    for c in record.quotes
                    if "positions" in c.supports and getattr(c, "source", pos.source) == pos.source
                ]
                if not any(fold(pos.title) in q for q in quotes):
                    error(
                        f"positions[{i}].title",
                        f"{pos.title!r} is not in a quote of {pos.source!r} supporting 'positions'",
                    )
    return errors


def _named(quote: str, names: Iterable[str]) -> bool:
    return any(fold(name) in quote for name in names)


def _choices(allowed: set[str]) -> str:
    return "one of " + ", ".join(sorted(allowed))


def _number(value: float | None) -> str:
    if value is None:
        return "no number"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"
