"""Response models of /v1/people."""

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount, MouBrief, OrganizationBrief, Provenanced, TitleOut


class PersonOut(BaseModel):
    id: str = Field(examples=["gobind-singh-deo"])
    name: str = Field(examples=["Gobind Singh Deo"])
    aliases: list[str] = Field(description="Other forms of the name the articles use.", examples=[["Gobind"]])
    positions: list[TitleOut] = Field(description="The titles the articles give, in the curator's order.")


class PersonList(BaseModel):
    items: list[PersonOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class PositionOut(BaseModel):
    title: str = Field(description="As the article gives it.", examples=["Digital Minister"])
    organization: OrganizationBrief | None = Field(
        description="The organization, when the article names one."
    )
    source_id: str = Field(
        description="The article that gives the title.", examples=["bernama-malaysia-china-ai-mous"]
    )


class QuoteOut(BaseModel):
    """A quote an article attributes to the person, with the record it is a citation of."""

    type: str = Field(
        description="The type of the record the quote belongs to: organization, person, initiative,"
        " mou, pledge or figure.",
        examples=["initiative"],
    )
    id: str = Field(description="That record's id.", examples=["malaysia-strategic-ai-infrastructure"])
    name: str | None = Field(
        description="That record's name (a pledge's or a figure's readable title).",
        examples=["Malaysia's Strategic AI Infrastructure"],
    )
    source_id: str = Field(examples=["malaysia-strategic-ai-infrastructure-launch"])
    source_title: str
    quote: str = Field(description="Verbatim excerpt of the source article.")
    supports: list[str] = Field(description="The fields of that record that this quote supports.")
    attribution: str | None = Field(
        description="The article's words naming the speaker, when the quote itself does not.",
        examples=["Digital Minister Gobind Singh Deo"],
    )


class PersonDetail(Provenanced):
    id: str = Field(examples=["gobind-singh-deo"])
    name: str = Field(examples=["Gobind Singh Deo"])
    aliases: list[str] = Field(examples=[["Gobind"]])
    positions: list[PositionOut]
    mous_witnessed: list[MouBrief] = Field(description="The MoUs whose signing the person witnessed.")
    quotes: list[QuoteOut] = Field(
        description="Every quote attributed to the person (citations with them as speaker), of any record."
    )
