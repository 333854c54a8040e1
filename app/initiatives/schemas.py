"""Query and response models of /v1/initiatives."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import (
    FacetCount,
    FigureBrief,
    MouBrief,
    OrganizationBrief,
    PledgeBrief,
    Provenanced,
    RecordBrief,
)
from app.models.enums import InitiativeKind, MilestoneEvent, Precision, Region, Role, Scope, Status


class ParticipantOut(BaseModel):
    organization_id: str = Field(examples=["huawei"])
    name: str = Field(examples=["Huawei"])
    role: Role


class MilestoneOut(BaseModel):
    event: MilestoneEvent
    on: date | None = Field(description="First day of the period the date names; null when undated.")
    precision: Precision | None
    text: str = Field(description="The article's words for the event.", examples=["on 28th Oct 2020"])
    place: str | None = Field(examples=["NUS School of Computing"])


class InitiativeOut(BaseModel):
    id: str = Field(description="Stable slug.", examples=["huawei-malaysia-ai-talent-programme"])
    name: str
    kind: InitiativeKind
    status: Status
    summary: str | None
    countries: list[str] = Field(examples=[["MY"]])
    sectors: list[str]
    announced_on: date | None = Field(description="First day of the period the date names.")
    announced_precision: Precision | None
    scope: Scope = Field(description="What `countries` means: listed, partial, worldwide, region, unstated.")
    region: Region | None = Field(description="With scope `region`: which.", examples=["asean"])
    part_of_id: str | None = Field(description="The initiative this one is part of.")
    participants: list[ParticipantOut]
    milestones: list[MilestoneOut]


class InitiativeList(BaseModel):
    items: list[InitiativeOut]
    total: int = Field(description="Exact number of matching initiatives.")
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class ParticipantDetail(BaseModel):
    organization: OrganizationBrief
    role: Role


class InitiativeDetail(Provenanced):
    id: str
    name: str
    kind: InitiativeKind
    status: Status
    summary: str | None
    countries: list[str]
    sectors: list[str]
    announced_on: date | None
    announced_precision: Precision | None
    scope: Scope
    region: Region | None
    part_of_id: str | None
    part_of: RecordBrief | None = Field(description="The initiative this one is part of.")
    parts: list[RecordBrief] = Field(description="The initiatives that are parts of this one (direct parts).")
    milestones: list[MilestoneOut]
    participants: list[ParticipantDetail]
    pledges: list[PledgeBrief]
    figures: list[FigureBrief] = Field(description="Figures the articles state about this initiative.")
    mous: list[MouBrief]
