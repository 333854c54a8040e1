"""Query and response models of /v1/pledges."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import CitationOut, FacetCount, OrganizationBrief, RecordBrief
from app.models.enums import Metric, Precision, Status, Unit
from app.pledges.query import GroupBy


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
