"""Query and response models of /v1/mous."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import (
    FacetCount,
    OrganizationBrief,
    PersonRef,
    PersonWithTitles,
    Provenanced,
    RecordBrief,
)
from app.models.enums import Precision


class PartyOut(BaseModel):
    id: str = Field(examples=["huawei-malaysia"])
    name: str = Field(examples=["Huawei Malaysia"])


class MouOut(BaseModel):
    id: str = Field(examples=["mou-huawei-tiong-nam-smart-logistics"])
    title: str
    signed_on: date | None
    signed_precision: Precision | None
    place: str | None = Field(examples=["Kuala Lumpur"])
    initiative_id: str | None
    summary: str | None
    parties: list[PartyOut]
    witnesses: list[PersonRef] = Field(description="People who witnessed the signing.")


class MouList(BaseModel):
    items: list[MouOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class MouDetail(Provenanced):
    id: str
    title: str
    signed_on: date | None
    signed_precision: Precision | None
    place: str | None
    initiative_id: str | None
    summary: str | None
    parties: list[OrganizationBrief]
    witnesses: list[PersonWithTitles]
    initiative: RecordBrief | None
