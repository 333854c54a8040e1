"""Response pieces several resources embed."""

from datetime import date

from pydantic import BaseModel, Field

from app.models.enums import Metric, OrganizationKind, Precision, Status, Unit


class FacetCount(BaseModel):
    value: str | int | None = Field(examples=["MY"])
    count: int = Field(examples=[12])


class OrganizationBrief(BaseModel):
    id: str = Field(examples=["huawei-malaysia"])
    name: str = Field(examples=["Huawei Malaysia"])
    kind: OrganizationKind
    country: str | None = Field(examples=["MY"])


class RecordBrief(BaseModel):
    id: str
    name: str


class CitationOut(BaseModel):
    source_id: str
    source_title: str
    quote: str = Field(description="Verbatim excerpt of the source article.")


class MouBrief(BaseModel):
    id: str = Field(examples=["mou-huawei-tiong-nam-smart-logistics"])
    title: str
    signed_on: date | None
    signed_precision: Precision | None


class PledgeBrief(BaseModel):
    id: str
    pledger_id: str
    metric: Metric
    amount: float
    unit: Unit
    audience: str | None
    target_on: date | None
    target_precision: Precision | None
    status: Status
