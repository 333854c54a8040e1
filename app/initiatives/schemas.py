"""Query and response models of /v1/initiatives."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import (
    FacetCount,
    MouBrief,
    OrganizationBrief,
    PledgeBrief,
    Provenanced,
)
from app.models.enums import InitiativeKind, Precision, Role, Status


class ParticipantOut(BaseModel):
    organization_id: str = Field(examples=["huawei"])
    name: str = Field(examples=["Huawei"])
    role: Role


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
    participants: list[ParticipantOut]


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
    participants: list[ParticipantDetail]
    pledges: list[PledgeBrief]
    mous: list[MouBrief]
