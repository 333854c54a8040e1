"""Query and response models of /v1/pledges."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount, FigureBrief, OrganizationBrief, Provenanced, RecordBrief
from app.models.enums import Metric, Precision, Qualifier, Region, Scope, Status, Unit
from app.pledges.query import GroupBy


class PledgerOut(BaseModel):
    id: str = Field(examples=["huawei"])
    name: str = Field(examples=["Huawei"])


class PledgeOut(BaseModel):
    id: str = Field(examples=["huawei-malaysia-30000-ai-professionals"])
    pledgers: list[PledgerOut] = Field(
        description="The organizations that made the pledge, as the article names them."
    )
    initiative_id: str | None
    metric: Metric
    amount: float = Field(examples=[30000])
    amount_text: str | None = Field(description="The article's words for the amount.", examples=["30,000"])
    qualifier: Qualifier
    unit: Unit
    audience: str | None
    countries: list[str]
    scope: Scope = Field(description="What `countries` means: listed, partial, worldwide, region, unstated.")
    region: Region | None
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


class PledgeDetail(PledgeOut, Provenanced):
    pledger_organizations: list[OrganizationBrief]
    initiative: RecordBrief | None
    figures: list[FigureBrief] = Field(description="Figures that report progress towards the pledge.")


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
