"""What a client may ask of /v1/timeline: its filters, each declared once, and its order."""

from typing import Annotated

from pydantic import Field

from app.common.filters import DateFrom, DateTo, Linked, LinkedRefs, Values
from app.common.params import CountryCode, DateParam, ListQuery, RecordId
from app.common.sorting import SortField
from app.common.vocabulary import AnyCase
from app.models import tables
from app.models.enums import RecordType, TimelineEvent
from app.organizations.tree import LinkedInTree

t = tables.timeline


class TimelineQuery(ListQuery):
    from_: Annotated[
        DateParam | None,
        Field(
            alias="from",
            description="Events on or after (YYYY, YYYY-MM or YYYY-MM-DD); an event known to a month or"
            " a year matches when its period overlaps.",
            examples=["2025-04"],
        ),
        DateFrom(t.c.on_date, t.c.precision),
    ] = None
    to: Annotated[
        DateParam | None,
        Field(description="Events on or before (`2025` means to 2025-12-31).", examples=["2025-04"]),
        DateTo(t.c.on_date, start="from_"),
    ] = None
    event: Annotated[
        list[AnyCase[TimelineEvent]],
        Field(
            description="What happened: a milestone's event (announced, launched, held, established,"
            " started, signed, cancelled, completed, target, other), a MoU signed, a pledge announced or"
            " its target, a figure's as_of, a source published.",
            examples=[["signed"]],
        ),
        Values(t.c.event),
    ] = []
    type: Annotated[
        list[AnyCase[RecordType]],
        Field(description="The type of the event's record.", examples=[["mou"]]),
        Values(t.c.type),
    ] = []
    country: Annotated[
        list[CountryCode],
        Field(
            description="A country of the event's record (a MoU: the countries of its parties).",
            examples=[["MY"]],
        ),
        Linked(t.c.id, tables.timeline_countries, "event_id", "country"),
    ] = []
    organization: Annotated[
        list[RecordId],
        Field(
            description="Id of an organization of the event's record (participant, party, pledger or"
            " subject); its subsidiaries' events match too.",
            examples=[["huawei"]],
        ),
        LinkedInTree(t.c.id, tables.timeline_organizations, "event_id"),
    ] = []
    year: Annotated[
        list[Annotated[int, Field(ge=1, le=9999)]],
        Field(description="The year the event's date falls in.", examples=[[2025]]),
        Values(t.c.year),
    ] = []
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source: events of the records it cites, and its own publication.",
            examples=[["bernama-malaysia-china-ai-mous"]],
        ),
        LinkedRefs(t.c.id, tables.timeline_sources, "event_id", "source_id", tables.sources),
    ] = []


# One order: date (the first day of its period), then precision (year, month, day), type and id;
# `-date` reverses it. The event's id column holds exactly that order (app.models.timeline).
SORTS = {"date": SortField(t.c.id)}
