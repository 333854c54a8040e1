"""Response models of /v1/figures."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount, OrganizationBrief, PledgeBrief, Provenanced, RecordBrief
from app.models.enums import Metric, Precision, Qualifier, Region, Scope, Unit


class SubjectType(StrEnum):
    organization = "organization"
    initiative = "initiative"


class FigureOut(BaseModel):
    id: str = Field(examples=["huawei-cloud-regions-asean"])
    name: str = Field(
        description="A readable title: subject, amount, unit and metric.",
        examples=["Huawei: 5 region (cloud regions)"],
    )
    subject_type: SubjectType = Field(
        description="Whether the figure is about an organization or an initiative."
    )
    organization_id: str | None = Field(description="The subject, when an organization.", examples=["huawei"])
    initiative_id: str | None = Field(description="The subject, when an initiative.", examples=[None])
    metric: Metric = Field(description="What is counted.", examples=["cloud_regions"])
    amount: float = Field(description="An integer when whole.", examples=[5])
    amount_text: str | None = Field(description="The article's words for the amount.", examples=["5 regions"])
    qualifier: Qualifier = Field(
        description="How the article's number bounds the amount ('over 160': more_than).", examples=["exact"]
    )
    unit: Unit = Field(description="Unit of the amount; money is an ISO 4217 code.", examples=["region"])
    as_of: date | None = Field(description="When the figure held: first day of the period it names.")
    as_of_precision: Precision | None = Field(description="day, month or year: how much of `as_of` is known.")
    countries: list[str] = Field(examples=[["MY"]])
    scope: Scope = Field(description="What `countries` means: listed, partial, worldwide, region, unstated.")
    region: Region | None = Field(description="The region, when `scope` is region.", examples=["asean"])
    pledge_id: str | None = Field(
        description="The pledge this figure reports progress towards.",
        examples=["skyvast-leadyo-3000-gpus-by-2026"],
    )


class FigureList(BaseModel):
    items: list[FigureOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class FigureDetail(FigureOut, Provenanced):
    subject: OrganizationBrief | RecordBrief = Field(
        description="The organization (id, name, kind, country) or initiative (id, name) the figure is about."
    )
    pledge: PledgeBrief | None = Field(
        description="The pledge it reports progress towards, with its pledgers."
    )
