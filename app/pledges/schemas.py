"""Query and response models of /v1/pledges."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount, FigureBrief, OrganizationBrief, Provenanced, RecordBrief
from app.models.enums import Metric, PledgeStatus, Precision, Qualifier, Region, Scope, Unit
from app.pledges.query import GroupBy


class PledgerOut(BaseModel):
    id: str = Field(examples=["huawei"])
    name: str = Field(examples=["Huawei"])


class LatestProgress(BaseModel):
    figure_id: str = Field(examples=["strategic-ai-infrastructure-eight-ascend-gpus"])
    amount: float = Field(description="The latest figure's amount, in the pledge's unit.", examples=[8])
    as_of: date | None
    as_of_precision: Precision | None
    share: float = Field(description="amount / the pledged amount (1 or more: reached).", examples=[0.25])


class Progress(BaseModel):
    latest: LatestProgress | None = Field(
        description="The latest figure in the pledge's own unit (null: every figure is in another unit)."
    )
    figures: list[FigureBrief] = Field(description="Every figure reporting on the pledge, latest first.")


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
    status: PledgeStatus
    overdue: bool = Field(
        description="The deadline passed before `as_of` (default today, UTC), and the pledge is neither"
        " kept (fulfilled, or a figure reports the pledged amount) nor withdrawn or cancelled."
    )
    progress: Progress | None = Field(description="Figures reporting on the pledge; null when none does.")


class PledgeList(BaseModel):
    items: list[PledgeOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class PledgeDetail(PledgeOut, Provenanced):
    pledger_organizations: list[OrganizationBrief]
    initiative: RecordBrief | None
    figures: list[FigureBrief] = Field(description="Figures that report progress towards the pledge.")
    overdue: bool | None = Field(  # type: ignore[assignment]
        description="As in the list, at `as_of`; null with `as_of_version`, which shows the pledge as"
        " it was recorded, not as it stands at a day."
    )


class SummaryGroup(BaseModel):
    key: str | int | None = Field(
        description="The group's value (null: unknown or worldwide).", examples=["huawei"]
    )
    label: str | None = Field(examples=["Huawei"])
    unit: Unit
    pledged: float = Field(description="Sum of amounts in this unit; units are never added together.")
    reported: float | None = Field(
        description="Sum of the latest progress in this unit of the group's pledges (null: none reported)."
    )
    overdue: int = Field(description="Pledges overdue at `as_of`.")
    count: int
    total: float = Field(deprecated=True, description="The same as `pledged` (its name before revision 2).")


class Summary(BaseModel):
    group_by: GroupBy
    as_of: date = Field(description="The day `overdue` is counted at.")
    groups: list[SummaryGroup]
    totals: list[SummaryGroup] = Field(description="Per unit over the whole filtered set (key null).")
