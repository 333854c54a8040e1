"""Query and response models of /v1/mous."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from app.common.params import CountryCode, DateParam, ListQuery, RecordId
from app.common.schemas import CitationOut, FacetCount, OrganizationBrief, RecordBrief
from app.models.enums import Precision


class MouQuery(ListQuery):
    party: Annotated[
        list[RecordId],
        Field(
            description="A party's organization id; its subsidiaries' MoUs match too.",
            examples=[["huawei"]],
        ),
    ] = []
    country: Annotated[
        list[CountryCode],
        Field(description="Country of any party (ISO alpha-2).", examples=[["CN"]]),
    ] = []
    signed_from: Annotated[
        DateParam | None,
        Field(description="Signed on or after (YYYY, YYYY-MM or YYYY-MM-DD).", examples=["2025-04-10"]),
    ] = None
    signed_to: Annotated[
        DateParam | None,
        Field(description="Signed on or before (YYYY, YYYY-MM or YYYY-MM-DD).", examples=["2025-04-10"]),
    ] = None
    initiative: Annotated[
        list[RecordId],
        Field(
            description="Id of the initiative the MoU serves.",
            examples=[["malaysia-strategic-ai-infrastructure"]],
        ),
    ] = []
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the MoU.",
            examples=[["malaysia-strategic-ai-infrastructure-launch"]],
        ),
    ] = []
    sort: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Comma-separated fields among id, title, signed_on; `-field` descending.",
            examples=["-signed_on"],
        ),
    ] = None


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
    witnesses: list[str] = Field(examples=[["Gobind Singh Deo, Digital Minister"]])


class MouList(BaseModel):
    items: list[MouOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class MouDetail(BaseModel):
    id: str
    title: str
    signed_on: date | None
    signed_precision: Precision | None
    place: str | None
    initiative_id: str | None
    summary: str | None
    parties: list[OrganizationBrief]
    witnesses: list[str]
    initiative: RecordBrief | None
    citations: list[CitationOut]
