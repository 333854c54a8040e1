"""What the quotes say, checked: each fact field supported or inferred, names and numbers found.

CONTRACT.md, "Provenance of each field". A record's quotes are its own `citations` and those that
other articles' files add for it; a field named in `inferred` is exempt (its reason says why).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from text_to_num import text2num

from app.models.enums import PledgeStatus, Scope, Status
from app.seeding.schema import (
    FACT_FIELDS,
    Amount,
    CitationItem,
    InitiativeSeed,
    MouSeed,
    PersonSeed,
    Placed,
    PledgeSeed,
    Provenance,
)
from app.seeding.seedset import SeedError, SeedSet, record_error

# Fields a citation may name in `supports` beyond the record's own keys.
# (an initiative's announced_on is its `announced` milestone's date, and may be named as such).
EXTRA_FIELDS = {"figures": {"subject"}, "initiatives": {"announced_on"}}
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
    ident = getattr(seed, "id")  # noqa: B009 - every record model has one; BaseModel does not say so
    assert isinstance(ident, str)
    return ident


def _empty(seed: Provenance, field_name: str) -> bool:
    if field_name == "subject":
        return False
    if field_name == "countries" and isinstance(seed, Placed):
        return seed.scope is Scope.unstated
    if field_name == "status":  # "unknown" states nothing
        return bool(getattr(seed, "status") in (Status.unknown, PledgeStatus.unknown))  # noqa: B009
    value = getattr(seed, field_name)
    return value is None or value == [] or value == ""


@dataclass
class Names:
    organizations: dict[str, list[str]]
    people: dict[str, list[str]]


class RecordCheck:
    """The provenance checks of one record; `errors` collects what it finds."""

    def __init__(self, s: SeedSet, record: Record, names: Names, errors: list[SeedError]) -> None:
        self.s, self.record, self.names, self.errors = s, record, names, errors
        self.seed, self.kind, self.ident = record.seed, record.kind, _id(record.seed)

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(record_error(self.s, self.kind, self.ident, field_name, message))

    def run(self) -> None:
        seed = self.seed
        self.field_names()
        for field_name in FACT_FIELDS[self.kind]:
            if _empty(seed, field_name) or field_name in seed.inferred:
                continue
            if not self.record.supporting(field_name):
                self.error(
                    field_name,
                    "no citation supports this field: name it in the `supports` of the quote that"
                    " states it, or give the reason in `inferred`",
                )
        if isinstance(seed, InitiativeSeed):
            self.named("participants", [p.organization for p in seed.participants], self.names.organizations)
            for i, m in enumerate(seed.milestones):
                self.text_in_quotes("milestones", f"milestones[{i}].text", m.text)
        if isinstance(seed, MouSeed):
            self.named("parties", seed.parties, self.names.organizations)
            self.named("witnesses", seed.witnesses, self.names.people)
        if isinstance(seed, PledgeSeed):
            self.named("pledgers", seed.pledgers, self.names.organizations)
            self.text_in_quotes("target_on", "target_text", seed.target_text)
        if isinstance(seed, Amount):
            self.amount(seed)
        if isinstance(seed, PersonSeed):
            self.titles(seed)

    def field_names(self) -> None:
        """`supports` and `inferred` name fields of the record; speakers are named."""
        kind = self.kind
        allowed = (set(type(self.seed).model_fields) - NOT_FACTS) | EXTRA_FIELDS.get(kind, set())
        for i, cit in enumerate(self.record.quotes):
            for name in cit.supports:
                if name not in allowed:
                    message = f"{name!r} is not a field of {kind}: {_choices(allowed)}"
                    self.error(f"citations[{i}].supports", message)
            if cit.speaker is not None:
                said = fold(cit.quote + " " + (cit.attribution or ""))
                if not _named(said, self.names.people.get(cit.speaker, [])):
                    self.error(
                        f"citations[{i}].speaker",
                        f"{cit.speaker!r} is named neither in the quote nor in its attribution;"
                        " give the article's words that name the speaker as `attribution`",
                    )
        for name in self.seed.inferred:
            if name not in allowed:
                self.error(f"inferred.{name}", f"{name!r} is not a field of {kind}: {_choices(allowed)}")

    def named(self, field_name: str, refs: Sequence[str], names: dict[str, list[str]]) -> None:
        """Each organization or person of the field is named in a quote supporting it."""
        quotes = self.record.supporting(field_name)
        if field_name in self.seed.inferred or not quotes:  # no quote at all is reported above
            return
        for i, ref in enumerate(refs):
            if not any(_named(q, names.get(ref, [])) for q in quotes):
                self.error(
                    f"{field_name}[{i}]",
                    f"{ref!r} is not named in any quote supporting {field_name!r}"
                    f" (looked for {', '.join(map(repr, names.get(ref, [])))}); add the"
                    " article's spelling as an alias, or cite the sentence that names it",
                )

    def text_in_quotes(self, field_name: str, where: str, text: str | None) -> None:
        """The article's words for a field occur in a quote supporting it (any quote, if inferred)."""
        if text is None:
            return
        inferred = field_name in self.seed.inferred
        quotes = self.record.all_quotes() if inferred else self.record.supporting(field_name)
        if not any(fold(text) in q for q in quotes):
            self.error(where, f"{text!r} is not in a quote supporting {field_name!r}")

    def amount(self, seed: Amount) -> None:
        if seed.amount_text is None or "amount" in self.seed.inferred:
            return
        self.text_in_quotes("amount", "amount_text", seed.amount_text)
        stated = stated_number(seed.amount_text)
        if stated is None or abs(stated - seed.amount) > 1e-9 * max(1.0, seed.amount):
            message = f"{seed.amount_text!r} states {_number(stated)}, not the amount {_number(seed.amount)}"
            self.error("amount_text", message)

    def titles(self, seed: PersonSeed) -> None:
        """Each position's title occurs in a quote of its source supporting `positions`."""
        if "positions" in seed.inferred:
            return
        for i, pos in enumerate(seed.positions):
            quotes = [
                fold(c.quote)
                for c in self.record.quotes
                if "positions" in c.supports and getattr(c, "source", pos.source) == pos.source
            ]
            if not any(fold(pos.title) in q for q in quotes):
                message = f"{pos.title!r} is not in a quote of {pos.source!r} supporting 'positions'"
                self.error(f"positions[{i}].title", message)


def check_provenance(s: SeedSet) -> list[SeedError]:
    errors: list[SeedError] = []
    names = Names(
        organizations={org.id: [org.name, *org.aliases] for org in s.organizations},
        people={p.id: [p.name, *p.aliases] for p in s.people},
    )
    for record in _records(s):
        RecordCheck(s, record, names, errors).run()
    return errors


def _named(quote: str, names: Iterable[str]) -> bool:
    return any(fold(name) in quote for name in names)


def _choices(allowed: set[str]) -> str:
    return "one of " + ", ".join(sorted(allowed))


def _number(value: float | None) -> str:
    if value is None:
        return "no number"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"
