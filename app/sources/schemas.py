"""Query and response models of /v1/sources."""

from datetime import date

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount, Historied
from app.models.enums import Precision


class DatelineOut(BaseModel):
    text: str = Field(description="Verbatim.", examples=["KUALA LUMPUR, April 10"])
    place: str | None = Field(examples=["Kuala Lumpur"])
    on: date | None = Field(description="The date it gives, completed from the article's date.")
    precision: Precision | None


class SourceOut(BaseModel):
    id: str
    title: str
    publisher: str | None = Field(examples=["Bernama"])
    published_on: date | None
    published_precision: Precision | None
    url: str | None
    document: str = Field(description="The article's seed file name.", examples=["002_aaeff2f79592d01e.txt"])
    dateline: DatelineOut | None = Field(description="The article's dateline; null when it has none.")


class SourceList(BaseModel):
    items: list[SourceOut]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None


class CitingRecord(BaseModel):
    id: str
    name: str
    quotes: list[str]


class SourceDetail(SourceOut, Historied):
    organizations: list[CitingRecord]
    people: list[CitingRecord]
    initiatives: list[CitingRecord]
    mous: list[CitingRecord]
    pledges: list[CitingRecord]
    figures: list[CitingRecord]
