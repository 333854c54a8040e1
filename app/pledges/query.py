"""What a client may ask of /v1/pledges and its summary: filters, each declared once, and sorts."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, not_

from app.common.conditions import Condition
from app.common.filters import AtLeast, AtMost, DateFrom, DateTo, Filter, Given, Linked, Refs, Values
from app.common.params import CountryCode, DateParam, DayParam, Filtered, ListQuery, RecordId, Versioned
from app.common.sorting import SortField
from app.common.vocabulary import AnyCase
from app.dates import today
from app.models import tables
from app.models.enums import Metric, PledgeStatus, Qualifier, Scope, Unit
from app.organizations.tree import LinkedInTree
from app.pledges import lifecycle
from app.sources.citations import CitedBy

pledges = tables.pledges
countries = tables.pledge_countries


class ReferenceDay(Filter):
    """The day `overdue` is evaluated at; it selects nothing by itself."""

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return date.fromisoformat(value)

    def where(self, value: Any, given: Given) -> list[Condition]:
        return []


class Overdue(Filter):
    """Pledges overdue (true) or not (false) at the reference day (`as_of`, default today)."""

    def where(self, value: Any, given: Given) -> list[Condition]:
        late = lifecycle.overdue(lifecycle.reference_date(given))
        return [late if value else not_(late)]


class Dated(BaseModel):
    """The reference day of a pledge's `overdue`."""

    model_config = ConfigDict(extra="forbid")

    as_of: Annotated[
        DayParam | None,
        Field(
            description="The day `overdue` is evaluated at, YYYY-MM-DD (default: today, UTC). A"
            " deadline of a year or a month ends on its last day.",
            examples=["2026-12-06"],
        ),
        ReferenceDay(),
    ] = None


class PledgeDetailQuery(Versioned, Dated):
    """A pledge's detail: at a version, and with `overdue` at a day."""


class PledgeFilters(Filtered, Dated):
    organization: Annotated[
        list[RecordId],
        Field(
            description="Id of an organization among the pledgers; its subsidiaries' pledges match too.",
            examples=[["huawei"]],
        ),
        LinkedInTree(pledges.c.id, tables.pledge_pledgers, "pledge_id"),
    ] = []
    country: Annotated[
        list[CountryCode],
        Field(
            description="A country the pledge is for (worldwide pledges list none).",
            examples=[["SG"]],
        ),
        Linked(pledges.c.id, countries, "pledge_id", "country"),
    ] = []
    scope: Annotated[
        list[AnyCase[Scope]],
        Field(
            description="What the pledge's countries mean: listed, partial, worldwide, region, unstated.",
            examples=[["listed"]],
        ),
        Values(pledges.c.scope),
    ] = []
    metric: Annotated[
        list[AnyCase[Metric]],
        Field(description="What is pledged.", examples=[["people_trained"]]),
        Values(pledges.c.metric),
    ] = []
    unit: Annotated[
        list[AnyCase[Unit]],
        Field(description="Unit of the amount.", examples=[["people"]]),
        Values(pledges.c.unit),
    ] = []
    qualifier: Annotated[
        list[AnyCase[Qualifier]],
        Field(
            description="How the article's number bounds the amount ('over 1.3 million': more_than).",
            examples=[["exact"]],
        ),
        Values(pledges.c.qualifier),
    ] = []
    min_amount: Annotated[
        float | None,
        Field(ge=0, allow_inf_nan=False, description="Amount at least.", examples=[1000]),
        AtLeast(pledges.c.amount),
    ] = None
    max_amount: Annotated[
        float | None,
        Field(ge=0, allow_inf_nan=False, description="Amount at most.", examples=[1e9]),
        AtMost(pledges.c.amount, lower="min_amount"),
    ] = None
    target_from: Annotated[
        DateParam | None,
        Field(
            description="Deadline on or after (YYYY, YYYY-MM or YYYY-MM-DD; partial dates overlap).",
            examples=["2023"],
        ),
        DateFrom(pledges.c.target_on, pledges.c.target_precision),
    ] = None
    target_to: Annotated[
        DateParam | None,
        Field(description="Deadline on or before.", examples=["2026"]),
        DateTo(pledges.c.target_on, start="target_from"),
    ] = None
    announced_from: Annotated[
        DateParam | None,
        Field(description="Announced on or after.", examples=["2020"]),
        DateFrom(pledges.c.announced_on, pledges.c.announced_precision),
    ] = None
    announced_to: Annotated[
        DateParam | None,
        Field(description="Announced on or before.", examples=["2025"]),
        DateTo(pledges.c.announced_on, start="announced_from"),
    ] = None
    initiative: Annotated[
        list[RecordId],
        Field(
            description="Id of the initiative the pledge serves.",
            examples=[["huawei-singapore-ai-talent-programme"]],
        ),
        Refs(pledges.c.initiative_id, tables.initiatives),
    ] = []
    status: Annotated[
        list[AnyCase[PledgeStatus]],
        Field(
            description="Status: announced, reaffirmed, in_progress, fulfilled, partly_fulfilled, lapsed,"
            " withdrawn, cancelled or unknown.",
            examples=[["announced"]],
        ),
        Values(pledges.c.status),
    ] = []
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the pledge.",
            examples=[["huawei-singapore-ai-talent-2020"]],
        ),
        CitedBy(pledges.c.id, "pledge_id"),
    ] = []
    overdue: Annotated[
        bool | None,
        Field(
            description="true: pledges whose deadline passed before `as_of` and that are neither kept"
            " (status fulfilled, or a figure reporting the pledged amount) nor withdrawn or cancelled;"
            " false: every other pledge (those without a deadline included).",
            examples=[True],
        ),
        Overdue(),
    ] = None

    @model_validator(mode="after")
    def _dated(self) -> "PledgeFilters":
        """`overdue` without `as_of` means today: written down, so that cached totals and cursors
        belong to that day."""
        if self.overdue is not None and self.as_of is None:
            self.as_of = today().isoformat()
        return self


class PledgeQuery(ListQuery, PledgeFilters):
    """The list parameters and the filters above."""


class GroupBy(StrEnum):
    organization = "organization"
    country = "country"
    metric = "metric"
    year = "year"
    announced_year = "announced_year"


class SummaryQuery(PledgeFilters):
    group_by: Annotated[
        AnyCase[GroupBy],
        Field(
            description="organization (each pledger: a pledge of two counts in both groups, once in the"
            " totals), country (a pledge for several countries counts in"
            " each; worldwide is null), metric, year (of the deadline) or announced_year.",
            examples=["organization"],
        ),
    ]


SORTS = {
    "id": SortField(pledges.c.id),
    "amount": SortField(pledges.c.amount, float),
    "metric": SortField(pledges.c.metric),
    "announced_on": SortField(pledges.c.announced_on, date, nullable=True),
    "target_on": SortField(pledges.c.target_on, date, nullable=True),
}
