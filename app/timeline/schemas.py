"""Response models of /v1/timeline."""

import datetime as dt

from pydantic import BaseModel, Field

from app.common.schemas import FacetCount
from app.models.enums import Precision, RecordType, TimelineEvent


class TimelineItem(BaseModel):
    date: dt.date = Field(
        description="The first day of the period the article names.", examples=["2025-04-10"]
    )
    precision: Precision = Field(description="How much of the date is known: day, month or year.")
    event: TimelineEvent
    type: RecordType = Field(description="The type of the record the event belongs to.")
    id: str = Field(description="The record's id.", examples=["mou-huawei-tiong-nam-smart-logistics"])
    name: str = Field(description="The record's name (a MoU's title, a pledge's readable name).")
    text: str | None = Field(
        description="The article's words for the event: a milestone's text, a pledge's target_text, the"
        " quote supporting the date, a source's dateline; null when the date is inferred and no quote"
        " gives it."
    )
    place: str | None
    inferred: str | None = Field(
        description="Why the date is inferred, when it is (the record's `inferred`)."
    )
    countries: list[str] = Field(description="The countries of the event's record.")
    record: str = Field(
        description="The record's path.", examples=["/v1/mous/mou-huawei-tiong-nam-smart-logistics"]
    )


class Timeline(BaseModel):
    items: list[TimelineItem]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]] | None = None
