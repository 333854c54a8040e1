"""Pydantic models of the seed files (seeds/FORMAT.md). Unknown keys are errors."""

import math
import re
import unicodedata
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.dates import PartialDate, parse_partial_date
from app.models.enums import (
    InitiativeKind,
    Metric,
    OrganizationKind,
    Role,
    Status,
    Unit,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_QUOTE = 400

# A pledge's unit follows from its metric, so that sums never add people to dollars.
UNIT_OF_METRIC: dict[Metric, Unit] = {
    Metric.people_trained: Unit.people,
    Metric.investment: Unit.USD,
    Metric.gpus_deployed: Unit.GPU,
    Metric.startups_supported: Unit.startup,
    Metric.institutions_supported: Unit.institution,
    Metric.developers_supported: Unit.developer,
    Metric.data_centres_opened: Unit.data_centre,
}


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
Quotes = Annotated[list[Quote], Field(min_length=1), AfterValidator(_unique)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganizationSeed(Strict):
    id: Slug
    name: Line
    kind: OrganizationKind
    country: Country | None = None
    parent: Slug | None = None
    aliases: Annotated[list[Line], AfterValidator(_unique)] = []


class SourceSeed(Strict):
    id: Slug
    title: Line
    publisher: Line | None = None
    published_on: SeedDate | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    document: Annotated[str, Field(pattern=r"^[\w.-]+\.txt$")]


class ParticipantSeed(Strict):
    organization: Slug
    role: Role


class InitiativeSeed(Strict):
    id: Slug
    name: Line
    kind: InitiativeKind
    status: Status
    summary: Text | None = None
    countries: Countries = []
    sectors: Annotated[
        list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]], AfterValidator(_unique)
    ] = []
    announced_on: SeedDate | None = None
    participants: list[ParticipantSeed] = []
    quotes: Quotes

    @model_validator(mode="after")
    def _participants_unique(self) -> "InitiativeSeed":
        _unique([(p.organization, p.role) for p in self.participants])
        return self


class MouSeed(Strict):
    id: Slug
    title: Line
    signed_on: SeedDate | None = None
    place: Line | None = None
    parties: Annotated[list[Slug], Field(min_length=2), AfterValidator(_unique)]
    witnesses: list[Line] = []
    initiative: Slug | None = None
    summary: Text | None = None
    quotes: Quotes


class PledgeSeed(Strict):
    id: Slug
    pledger: Slug
    initiative: Slug | None = None
    metric: Metric
    amount: float = Field(gt=0)
    unit: Unit
    audience: Line | None = None
    countries: Countries = []
    announced_on: SeedDate | None = None
    target_on: SeedDate | None = None
    target_text: Line | None = None
    status: Status
    quotes: Quotes

    @model_validator(mode="after")
    def _consistent(self) -> "PledgeSeed":
        if not math.isfinite(self.amount):
            raise ValueError("amount must be a finite number")
        if UNIT_OF_METRIC[self.metric] is not self.unit:
            raise ValueError(
                f"unit {self.unit.value!r} does not fit metric {self.metric.value!r}"
                f" (expected {UNIT_OF_METRIC[self.metric].value!r})"
            )
        if self.announced_on and self.target_on and self.target_on.end < self.announced_on.value:
            raise ValueError("target_on is before announced_on")
        return self


class CitationSeed(Strict):
    initiative: Slug | None = None
    mou: Slug | None = None
    pledge: Slug | None = None
    quote: Quote

    @model_validator(mode="after")
    def _one_subject(self) -> "CitationSeed":
        if sum(x is not None for x in (self.initiative, self.mou, self.pledge)) != 1:
            raise ValueError("a citation names exactly one of initiative, mou or pledge")
        return self


class SourceFile(Strict):
    source: SourceSeed
    initiatives: list[InitiativeSeed] = []
    mous: list[MouSeed] = []
    pledges: list[PledgeSeed] = []
    citations: list[CitationSeed] = []


class OrganizationsFile(Strict):
    organizations: list[OrganizationSeed]
