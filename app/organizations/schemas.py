"""Query and response models of /v1/organizations."""

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount, OrganizationBrief, Provenanced, RecordBrief
from app.models.enums import OrganizationKind, Role


class OrganizationOut(BaseModel):
    id: str = Field(examples=["huawei-malaysia"])
    name: str = Field(examples=["Huawei Malaysia"])
    kind: OrganizationKind
    country: str | None = Field(description="ISO 3166-1 alpha-2; null for global or unknown.")
    parent_id: str | None = Field(examples=["huawei"])
    aliases: list[str] = Field(examples=[["Huawei Technologies (Malaysia) Co Ltd"]])


class OrganizationList(BaseModel):
    items: list[OrganizationOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class Counts(BaseModel):
    initiatives: int
    mous: int
    pledges: int


class PersonAtOrganization(BaseModel):
    id: str = Field(examples=["teo-nie-ching"])
    name: str = Field(examples=["Teo Nie Ching"])
    title: str = Field(description="As the article gives it.", examples=["Deputy Communications Minister"])
    source_id: str


class OrganizationDetail(Provenanced):
    id: str
    name: str
    kind: OrganizationKind
    country: str | None
    parent_id: str | None
    aliases: list[str]
    parent: OrganizationBrief | None
    subsidiaries: list[OrganizationBrief]
    counts: Counts = Field(description="Records of this organization alone.")
    counts_with_subsidiaries: Counts
    people: list[PersonAtOrganization] = Field(
        description="People holding a position at it, with their titles."
    )


class PartnerInitiative(BaseModel):
    id: str
    name: str
    roles: list[Role] = Field(description="The partner's roles in the initiative.")


class Partner(BaseModel):
    organization: OrganizationBrief
    mous: list[RecordBrief]
    initiatives: list[PartnerInitiative]
    pledges: list[RecordBrief] = Field(
        description="Pledges the partner makes together with the organization."
    )


class PartnerList(BaseModel):
    organization: OrganizationBrief
    items: list[Partner]
    total: int
