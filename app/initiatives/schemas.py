"""Query and response models of /v1/initiatives."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from app.common.params import CountryCode, DateParam, ListQuery, RecordId
from app.common.schemas import (
    CitationOut,
    FacetCount,
    MouBrief,
    OrganizationBrief,
    PledgeBrief,
)
from app.models.enums import InitiativeKind, Precision, Role, Status

SECTOR = r"^[a-z][a-z0-9_-]*$"


class InitiativeQuery(ListQuery):
    country: Annotated[
        list[CountryCode],
        Field(
            description="ISO 3166-1 alpha-2 country of the initiative; repeat for OR.",
            examples=[["MY"]],
        ),
    ] = []
    organization: Annotated[
        list[RecordId],
        Field(
            description="Participant organization id; its subsidiaries' initiatives match too.",
            examples=[["huawei"]],
        ),
    ] = []
    role: Annotated[
        list[Role],
        Field(
            description="Participant role; with `organization`, that organization in that role.",
            examples=[["lead"]],
        ),
    ] = []
    kind: Annotated[
        list[InitiativeKind],
        Field(description="Kind of initiative.", examples=[["talent_programme"]]),
    ] = []
    sector: Annotated[
        list[Annotated[str, Field(pattern=SECTOR, max_length=64)]],
        Field(
            description="Sector, e.g. logistics, e-commerce, government_services.",
            examples=[["logistics"]],
        ),
    ] = []
    status: Annotated[list[Status], Field(description="Status.", examples=[["active"]])] = []
    announced_from: Annotated[
        DateParam | None,
        Field(
            description="Announced on or after (YYYY, YYYY-MM or YYYY-MM-DD; partial dates overlap).",
            examples=["2025-04"],
        ),
    ] = None
    announced_to: Annotated[
        DateParam | None,
        Field(
            description="Announced on or before (YYYY, YYYY-MM or YYYY-MM-DD; `2025` means to 2025-12-31).",
            examples=["2025"],
        ),
    ] = None
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the initiative.",
            examples=[["bernama-malaysia-china-ai-mous"]],
        ),
    ] = []
    sort: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Comma-separated fields among id, name, kind, status, announced_on;"
            " `-field` sorts descending. Default `id`.",
            examples=["-announced_on"],
        ),
    ] = None


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


class InitiativeDetail(BaseModel):
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
    citations: list[CitationOut]
