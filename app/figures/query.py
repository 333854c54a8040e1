"""What a client may ask of /v1/figures: its filters, each declared once, and its sorts."""

from datetime import date
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Connection, Select, func, select, union

from app.common.conditions import Condition
from app.common.filters import DateFrom, DateTo, Filter, Given, Linked, LinkedRefs, Refs, Values
from app.common.params import ALONE, CountryCode, DateParam, ListQuery, RecordId
from app.common.sorting import SortField
from app.common.vocabulary import AnyCase
from app.models import tables
from app.models.enums import Metric, Qualifier, Scope, Unit
from app.organizations.tree import organization_tree
from app.sources.citations import CitedBy

fig = tables.figures
countries = tables.figure_countries
participants = tables.participants


def _organization_facet(ids: Select[Any]) -> Select[Any, int]:
    """Figures per organization: their subject, or a participant in their subject initiative."""
    subject = select(fig.c.id.label("figure_id"), fig.c.organization_id.label("organization_id")).where(
        fig.c.organization_id.is_not(None)
    )
    via = select(fig.c.id, participants.c.organization_id).join(
        participants, participants.c.initiative_id == fig.c.initiative_id
    )
    pairs = union(subject, via).subquery("pairs")
    return (
        select(pairs.c.organization_id, func.count(func.distinct(pairs.c.figure_id)))
        .where(pairs.c.figure_id.in_(ids))
        .group_by(pairs.c.organization_id)
    )


class OrganizationOrInitiative(Filter):
    """Figures about one of the organizations named or a subsidiary of one, or about an
    initiative one of them participates in."""

    def __init__(self) -> None:
        self.facet = _organization_facet

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return organization_tree(conn, value, name)

    def where(self, value: Any, given: Given) -> list[Condition]:
        """One IN over a UNION of two index ranges (an OR of the two would make PostgreSQL read
        every figure)."""
        joined = select(participants.c.initiative_id).where(participants.c.organization_id.in_(value))
        about = union(
            select(fig.c.id).where(fig.c.organization_id.in_(value)),
            select(fig.c.id).where(fig.c.initiative_id.in_(joined)),
        )
        return [fig.c.id.in_(about)]


class SpokenBy(LinkedRefs):
    """Figures with a citation whose speaker is one of the people named (no facet: most
    citations have no speaker)."""

    def __init__(self) -> None:
        super().__init__(fig.c.id, tables.citations, "figure_id", "speaker_id", tables.people)
        self.facet = None


class FigureQuery(ListQuery):
    organization: Annotated[
        list[RecordId],
        Field(
            description="Id of an organization: figures about it or its subsidiaries, and figures"
            " about initiatives they participate in.",
            examples=[["huawei"]],
        ),
        OrganizationOrInitiative(),
    ] = []
    initiative: Annotated[
        list[RecordId],
        Field(
            description="Id of the initiative the figure is about.",
            examples=[["huawei-ai-educator-symposium-2020"]],
        ),
        Refs(fig.c.initiative_id, tables.initiatives),
    ] = []
    metric: Annotated[
        list[AnyCase[Metric]],
        Field(description="What is counted.", examples=[["people_attended"]]),
        Values(fig.c.metric),
    ] = []
    unit: Annotated[
        list[AnyCase[Unit]],
        Field(description="Unit of the amount.", examples=[["people"]]),
        Values(fig.c.unit),
    ] = []
    qualifier: Annotated[
        list[AnyCase[Qualifier]],
        Field(
            description="How the article's number bounds the amount ('over 160': more_than).",
            examples=[["more_than"]],
        ),
        Values(fig.c.qualifier),
    ] = []
    country: Annotated[
        list[CountryCode],
        Field(description="A country the figure is for (worldwide figures list none).", examples=[["SG"]]),
        Linked(fig.c.id, countries, "figure_id", "country"),
    ] = []
    scope: Annotated[
        list[AnyCase[Scope]],
        Field(
            description="What the figure's countries mean: listed, partial, worldwide, region, unstated.",
            examples=[["partial"]],
        ),
        Values(fig.c.scope),
    ] = []
    pledge: Annotated[
        list[RecordId],
        Field(
            description="Id of the pledge the figure reports progress towards.",
            examples=[["skyvast-leadyo-3000-gpus-by-2026"]],
            json_schema_extra={ALONE: True},  # no figure of the seeds reports on a pledge yet
        ),
        Refs(fig.c.pledge_id, tables.pledges),
    ] = []
    speaker: Annotated[
        list[RecordId],
        Field(
            description="Id of a person: figures with a quote of theirs among their citations.",
            examples=[["teo-nie-ching"]],
            json_schema_extra={ALONE: True},  # the symposium's attendance is no one's quote
        ),
        SpokenBy(),
    ] = []
    as_of_from: Annotated[
        DateParam | None,
        Field(
            description="Stated as of on or after (YYYY, YYYY-MM or YYYY-MM-DD; partial dates overlap;"
            " undated figures never match).",
            examples=["2020"],
        ),
        DateFrom(fig.c.as_of, fig.c.as_of_precision),
    ] = None
    as_of_to: Annotated[
        DateParam | None,
        Field(description="Stated as of on or before (`2025` means to 2025-12-31).", examples=["2020-10"]),
        DateTo(fig.c.as_of, start="as_of_from"),
    ] = None
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the figure.",
            examples=[["huawei-singapore-ai-talent-2020"]],
        ),
        CitedBy(fig.c.id, "figure_id"),
    ] = []


SORTS = {
    "id": SortField(fig.c.id),
    "amount": SortField(fig.c.amount, float),
    "as_of": SortField(fig.c.as_of, date, nullable=True),
    "metric": SortField(fig.c.metric),
}
