"""Response pieces several resources embed."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.models.enums import Metric, OrganizationKind, PledgeStatus, Precision, Qualifier, Unit


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


class SpeakerOut(BaseModel):
    id: str = Field(examples=["gobind-singh-deo"])
    name: str = Field(examples=["Gobind Singh Deo"])


class CitationOut(BaseModel):
    source_id: str
    source_title: str
    quote: str = Field(description="Verbatim excerpt of the source article.")
    supports: list[str] = Field(
        description="The fields of the record that this quote supports.", examples=[["parties", "signed_on"]]
    )
    speaker: SpeakerOut | None = Field(description="The person whose words the quote reports.")
    attribution: str | None = Field(
        description="The article's words naming the speaker, when the quote itself does not.",
        examples=["Digital Minister Gobind Singh Deo said"],
    )


class Seen(BaseModel):
    """A dataset version and when it was loaded."""

    version: int = Field(examples=[1])
    loaded_at: datetime


class Historied(BaseModel):
    """What every detail carries from history (CONTRACT.md section 6)."""

    first_seen: Seen | None = Field(
        description="The version whose load first recorded the record (null: none recorded it yet)."
    )
    last_changed: Seen | None = Field(
        description="The last version that changed the record's JSON, its own fields or a record it embeds."
    )


class Provenanced(Historied):
    """What every detail carries: the quotes behind the record and the reasons for what none states."""

    citations: list[CitationOut]
    inferred: dict[str, str] = Field(
        description="Fields no quote states, each with the curator's reason.",
        examples=[{"signed_on": "the article's dateline, 2025-04-10"}],
    )


class MouBrief(BaseModel):
    id: str = Field(examples=["mou-huawei-tiong-nam-smart-logistics"])
    title: str
    signed_on: date | None
    signed_precision: Precision | None


class PledgeBrief(BaseModel):
    id: str
    pledgers: list[RecordBrief]
    metric: Metric
    amount: float
    unit: Unit
    audience: str | None
    target_on: date | None
    target_precision: Precision | None
    status: PledgeStatus


class FigureBrief(BaseModel):
    id: str = Field(examples=["nvidia-ai-centre-eight-gpus"])
    metric: Metric
    amount: float
    amount_text: str | None
    qualifier: Qualifier
    unit: Unit
    as_of: date | None
    as_of_precision: Precision | None


class PersonRef(BaseModel):
    id: str = Field(examples=["gobind-singh-deo"])
    name: str = Field(examples=["Gobind Singh Deo"])


class TitleOut(BaseModel):
    title: str = Field(description="As the article gives it.", examples=["Digital Minister"])
    organization_id: str | None
    source_id: str


class PersonWithTitles(PersonRef):
    positions: list[TitleOut]
