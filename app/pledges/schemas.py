"""Query and response models of /v1/pledges."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.common.params import CountryCode, DateParam, ListQuery, RecordId
from app.common.schemas import CitationOut, FacetCount, OrganizationBrief, RecordBrief
from app.models.enums import Metric, Precision, Status, Unit


class PledgeFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: Annotated[
        str | None,
        Field(min_length=1, max_length=200, description="Full-text search.", examples=["huawei"]),
    ] = None
    organization: Annotated[
        list[RecordId],
        Field(
            description="Pledger's organization id; its subsidiaries' pledges match too.",
            examples=[["huawei"]],
        ),
    ] = []
    country: Annotated[
        list[CountryCode],
        Field(
            description="A country the pledge is for (worldwide pledges list none).",
            examples=[["MY"]],
        ),
    ] = []
    metric: Annotated[list[Metric], Field(description="What is pledged.", examples=[["people_trained"]])] = []
    unit: Annotated[list[Unit], Field(description="Unit of the amount.", examples=[["USD"]])] = []
    min_amount: Annotated[
        float | None,
        Field(ge=0, allow_inf_nan=False, description="Amount at least.", examples=[1000]),
    ] = None
    max_amount: Annotated[
        float | None,
        Field(ge=0, allow_inf_nan=False, description="Amount at most.", examples=[1e9]),
    ] = None
    target_from: Annotated[
        DateParam | None,
        Field(
            description="Deadline on or after (YYYY, YYYY-MM or YYYY-MM-DD; partial dates overlap).",
            examples=["2023"],
        ),
    ] = None
    target_to: Annotated[DateParam | None, Field(description="Deadline on or before.", examples=["2026"])] = (
        None
    )
    announced_from: Annotated[
        DateParam | None, Field(description="Announced on or after.", examples=["2020"])
    ] = None
    announced_to: Annotated[
        DateParam | None, Field(description="Announced on or before.", examples=["2025"])
    ] = None
    initiative: Annotated[
        list[RecordId],
        Field(
            description="Id of the initiative the pledge serves.",
            examples=[["huawei-singapore-ai-talent-programme"]],
        ),
    ] = []
    status: Annotated[list[Status], Field(description="Status.", examples=[["announced"]])] = []
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the pledge.",
            examples=[["huawei-singapore-ai-talent-2020"]],
        ),
    ] = []


class PledgeQuery(ListQuery, PledgeFilters):
    sort: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Comma-separated fields among id, amount, metric, announced_on, target_on;"
            " `-field` descending.",
            examples=["-amount"],
        ),
    ] = None


class GroupBy(StrEnum):
    organization = "organization"
    country = "country"
    metric = "metric"
    year = "year"
    announced_year = "announced_year"


class SummaryQuery(PledgeFilters):
    group_by: Annotated[
        GroupBy,
        Field(
            description="organization (pledger), country (a pledge for several countries counts in"
            " each; worldwide is null), metric, year (of the deadline) or announced_year.",
            examples=["organization"],
        ),
    ]


class PledgerOut(BaseModel):
    id: str = Field(examples=["huawei"])
    name: str = Field(examples=["Huawei"])


class PledgeOut(BaseModel):
    id: str = Field(examples=["huawei-malaysia-30000-ai-professionals"])
    pledger_id: str
    pledger: PledgerOut
    initiative_id: str | None
    metric: Metric
    amount: float = Field(examples=[30000])
    unit: Unit
    audience: str | None
    countries: list[str] = Field(description="Empty for worldwide.")
    announced_on: date | None
    announced_precision: Precision | None
    target_on: date | None = Field(description="Deadline: first day of the period it names.")
    target_precision: Precision | None
    target_text: str | None = Field(description="The article's own words for the deadline.")
    status: Status


class PledgeList(BaseModel):
    items: list[PledgeOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class PledgeDetail(PledgeOut):
    pledger_organization: OrganizationBrief
    initiative: RecordBrief | None
    citations: list[CitationOut]


class SummaryGroup(BaseModel):
    key: str | int | None = Field(
        description="The group's value (null: unknown or worldwide).", examples=["huawei"]
    )
    label: str | None = Field(examples=["Huawei"])
    unit: Unit
    total: float = Field(description="Sum of amounts in this unit; units are never added together.")
    count: int


class Summary(BaseModel):
    group_by: GroupBy
    groups: list[SummaryGroup]
    totals: list[SummaryGroup] = Field(description="Per unit over the whole filtered set (key null).")
