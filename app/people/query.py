"""What a client may ask of /v1/people: its filters, each declared once, and its sorts."""

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Connection, Select, func, or_, select

from app.common.conditions import Condition
from app.common.filters import Filter, Given
from app.common.params import ListQuery, RecordId
from app.common.queries import require_ids
from app.common.sorting import SortField
from app.models import tables
from app.organizations.tree import LinkedInTree

people = tables.people
positions = tables.positions
cit = tables.citations


def _organization_facet(ids: Select[Any]) -> Select[Any, int]:
    """People per organization they hold a position at (titles naming none are not counted)."""
    org = positions.c.organization_id
    return (
        select(org, func.count(func.distinct(positions.c.person_id)))
        .where(positions.c.person_id.in_(ids), org.is_not(None))
        .group_by(org)
    )


class PositionIn(LinkedInTree):
    """People with a position at one of the organizations named or a subsidiary of one."""

    def __init__(self) -> None:
        super().__init__(people.c.id, positions, "person_id")
        self.facet = _organization_facet


class NamedBy(Filter):
    """People a source cites or gives a position."""

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        require_ids(conn, tables.sources, value, name)
        return value

    def where(self, value: Any, given: Given) -> list[Condition]:
        cited = select(cit.c.person_id).where(cit.c.source_id.in_(value))
        titled = select(positions.c.person_id).where(positions.c.source_id.in_(value))
        return [or_(people.c.id.in_(cited), people.c.id.in_(titled))]


class PersonQuery(ListQuery):
    organization: Annotated[
        list[RecordId],
        Field(
            description="Id of an organization the person holds a position at; positions at its"
            " subsidiaries match too.",
            examples=[["huawei"]],
        ),
        PositionIn(),
    ] = []
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the person or gives one of their positions.",
            examples=[["huawei-singapore-ai-talent-2020"]],
        ),
        NamedBy(),
    ] = []


SORTS = {
    "id": SortField(people.c.id),
    "name": SortField(people.c.name),
}
