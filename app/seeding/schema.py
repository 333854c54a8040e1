"""Pydantic models of the seed files (seeds/FORMAT.md). Unknown keys are errors."""

import math
import re
import unicodedata
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.dates import PartialDate, parse_partial_date
from app.models.enums import (
    UNIT_OF_METRIC,
    InitiativeKind,
    Metric,
    MilestoneEvent,
    OrganizationKind,
    PledgeStatus,
    Qualifier,
    Region,
    Role,
    Scope,
    Status,
    Unit,
    unit_fits,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_QUOTE = 400


def _slug(value: str) -> str:
    if not SLUG.match(value) or len(value) > 120:
        raise ValueError(f"{value!r} is not a slug (lowercase letters, digits and single hyphens)")
    return value


def _country(value: str) -> str:
    if not isinstance(value, str) or len(value) != 2 or not value.isupper():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 code such as MY or SG")
    if pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


def _no_controls(value: str, *, allow_newlines: bool) -> str:
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf") and not (allow_newlines and ch in "\n\t"):
            raise ValueError(f"contains the control character U+{ord(ch):04X}")
    return value


def _line(value: str) -> str:
    value = _no_controls(value, allow_newlines=False).strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _text(value: str) -> str:
    value = _no_controls(value, allow_newlines=True).strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _quote(value: str) -> str:
    value = _text(value)
    if len(value) > MAX_QUOTE:
        raise ValueError(f"is {len(value)} characters; a quote is a short excerpt (<= {MAX_QUOTE})")
    return value


def _unique(values: list[Any]) -> list[Any]:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value)
    return values


Slug = Annotated[str, AfterValidator(_slug)]
Country = Annotated[str, AfterValidator(_country)]
Line = Annotated[str, AfterValidator(_line)]
Text = Annotated[str, AfterValidator(_text)]
Quote = Annotated[str, AfterValidator(_quote)]
SeedDate = Annotated[PartialDate, BeforeValidator(parse_partial_date)]
Countries = Annotated[list[Country], AfterValidator(_unique)]
FieldName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationItem(Strict):
    """A quote of the record's own article, the fields it supports and who speaks in it."""

    quote: Quote
    supports: Annotated[list[FieldName], AfterValidator(_unique)] = []
    speaker: Slug | None = None
    attribution: Quote | None = None


class SourcedCitation(CitationItem):
    """A quote behind an organization or a person, which are defined outside any article's file."""

    source: Slug


Citations = Annotated[list[CitationItem], Field(min_length=1)]
Inferred = dict[FieldName, Text]


class Renamable(Strict):
    """A record's id and `renamed_from`, the ids it had before: each answers with a redirect to it."""

    id: Slug
    renamed_from: Annotated[list[Slug], AfterValidator(_unique)] = []


class Provenance(Renamable):
    """What every record carries: the quotes behind it and the reasons for what no quote states."""

    inferred: Inferred = {}


class Placed(Strict):
    """`countries` and the `scope` that says what the list means (CONTRACT.md, vocabularies)."""

    countries: Countries = []
    scope: Scope
    region: Region | None = None

    @model_validator(mode="after")
    def _scope_fits(self) -> "Placed":
        if (self.scope is Scope.region) != (self.region is not None):
            raise ValueError("region is given exactly when scope is 'region'")
        if self.scope in (Scope.worldwide, Scope.unstated) and self.countries:
            raise ValueError(f"scope {self.scope.value!r} lists no countries")
        if self.scope in (Scope.listed, Scope.partial) and not self.countries:
            raise ValueError(f"scope {self.scope.value!r} needs countries; use 'unstated' when none is named")
        return self


class OrganizationSeed(Provenance):
    name: Line
    kind: OrganizationKind
    country: Country | None = None
    parent: Slug | None = None
    aliases: Annotated[list[Line], AfterValidator(_unique)] = []
    citations: list[SourcedCitation] = []


class PositionSeed(Strict):
    title: Line
    organization: Slug | None = None
    source: Slug


class PersonSeed(Provenance):
    name: Line
    aliases: Annotated[list[Line], AfterValidator(_unique)] = []
    positions: list[PositionSeed] = []
    citations: Annotated[list[SourcedCitation], Field(min_length=1)]


class DatelineSeed(Strict):
    text: Line
    place: Line | None = None
    on: SeedDate | None = None


class SourceSeed(Renamable):
    title: Line
    publisher: Line | None = None
    published_on: SeedDate | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    document: Annotated[str, Field(pattern=r"^[\w.-]+\.txt$")]
    dateline: DatelineSeed | None = None


class ParticipantSeed(Strict):
    organization: Slug
    role: Role


class MilestoneSeed(Strict):
    event: MilestoneEvent
    on: SeedDate | None = None
    text: Line
    place: Line | None = None


class InitiativeSeed(Placed, Provenance):
    name: Line
    kind: InitiativeKind
    status: Status
    summary: Text | None = None
    sectors: Annotated[
        list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]], AfterValidator(_unique)
    ] = []
    part_of: Slug | None = None
    milestones: list[MilestoneSeed] = []
    participants: list[ParticipantSeed] = []
    citations: Citations

    @model_validator(mode="after")
    def _consistent(self) -> "InitiativeSeed":
        _unique([(p.organization, p.role) for p in self.participants])
        if sum(m.event is MilestoneEvent.announced for m in self.milestones) > 1:
            raise ValueError("at most one milestone is the 'announced' one")
        if self.part_of == self.id:
            raise ValueError("an initiative is not part of itself")
        return self

    @property
    def announced_on(self) -> PartialDate | None:
        """The date of the `announced` milestone (CONTRACT.md: announced_on)."""
        return next((m.on for m in self.milestones if m.event is MilestoneEvent.announced), None)


class MouSeed(Provenance):
    title: Line
    signed_on: SeedDate | None = None
    place: Line | None = None
    parties: Annotated[list[Slug], Field(min_length=2), AfterValidator(_unique)]
    witnesses: Annotated[list[Slug], AfterValidator(_unique)] = []
    initiative: Slug | None = None
    summary: Text | None = None
    citations: Citations


class Amount(Strict):
    """An amount in its unit, the article's words for it and how the words bound it."""

    metric: Metric
    amount: float = Field(gt=0)
    amount_text: Line | None = None
    qualifier: Qualifier
    unit: Unit

    @model_validator(mode="after")
    def _amount_fits(self) -> "Amount":
        if not math.isfinite(self.amount):
            raise ValueError("amount must be a finite number")
        if not unit_fits(self.metric, self.unit):
            expected = UNIT_OF_METRIC[self.metric]
            wanted = repr(expected.value) if expected else "an ISO 4217 currency code such as 'USD'"
            raise ValueError(
                f"unit {self.unit.value!r} does not fit metric {self.metric.value!r} (expected {wanted})"
            )
        return self


class PledgeSeed(Placed, Amount, Provenance):
    pledgers: Annotated[list[Slug], Field(min_length=1), AfterValidator(_unique)]
    initiative: Slug | None = None
    audience: Line | None = None
    announced_on: SeedDate | None = None
    target_on: SeedDate | None = None
    target_text: Line | None = None
    status: PledgeStatus
    citations: Citations

    @model_validator(mode="after")
    def _consistent(self) -> "PledgeSeed":
        if self.announced_on and self.target_on and self.target_on.end < self.announced_on.value:
            raise ValueError("target_on is before announced_on")
        if self.amount_text is None and "amount" not in self.inferred:
            raise ValueError("amount_text is required unless `amount` is inferred")
        return self


class FigureSeed(Placed, Amount, Provenance):
    organization: Slug | None = None
    initiative: Slug | None = None
    as_of: SeedDate | None = None
    pledge: Slug | None = None
    citations: Citations

    @model_validator(mode="after")
    def _consistent(self) -> "FigureSeed":
        if (self.organization is None) == (self.initiative is None):
            raise ValueError("a figure's subject is exactly one of organization or initiative")
        if self.amount_text is None and "amount" not in self.inferred:
            raise ValueError("amount_text is required unless `amount` is inferred")
        return self


# The kinds of record a citation can be about, as `citations:` entries name them.
CITED = ("organization", "person", "initiative", "mou", "pledge", "figure")


class CitationSeed(CitationItem):
    """A quote of this file's article for a record defined in another file."""

    organization: Slug | None = None
    person: Slug | None = None
    initiative: Slug | None = None
    mou: Slug | None = None
    pledge: Slug | None = None
    figure: Slug | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> "CitationSeed":
        if sum(getattr(self, kind) is not None for kind in CITED) != 1:
            raise ValueError("a citation names exactly one of " + ", ".join(CITED))
        return self

    @property
    def subject(self) -> tuple[str, str]:
        kind = next(kind for kind in CITED if getattr(self, kind) is not None)
        return kind, getattr(self, kind)


class SourceFile(Strict):
    source: SourceSeed
    initiatives: list[InitiativeSeed] = []
    mous: list[MouSeed] = []
    pledges: list[PledgeSeed] = []
    figures: list[FigureSeed] = []
    citations: list[CitationSeed] = []


class OrganizationsFile(Strict):
    organizations: list[OrganizationSeed]


class PeopleFile(Strict):
    people: list[PersonSeed] = []


# Fact fields per resource (CONTRACT.md, "Provenance of each field"): each, when not empty, is
# named in a citation's `supports` or in `inferred`.
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "organizations": ("parent", "country"),
    "people": ("positions",),
    "initiatives": ("participants", "countries", "milestones", "status"),
    "mous": ("parties", "signed_on", "place", "witnesses"),
    "pledges": ("pledgers", "amount", "countries", "announced_on", "target_on", "status"),
    "figures": ("subject", "amount", "as_of", "countries"),
}
