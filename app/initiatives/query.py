"""What a client may ask of /v1/initiatives: its filters, each declared once, and its sorts."""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from sqlalchemy import Connection, select

from app.common.conditions import Condition
from app.common.facets import link_facet
from app.common.filters import DateFrom, DateTo, Filter, Given, Linked, Values, plain
from app.common.params import CountryCode, DateParam, ListQuery, RecordId
from app.common.sorting import SortField
from app.common.vocabulary import AnyCase
from app.models import tables
from app.models.enums import InitiativeKind, Role, Status
from app.organizations.tree import organization_tree
from app.sources.citations import CitedBy

ini = tables.initiatives
countries = tables.initiative_countries
sectors = tables.initiative_sectors
participants = tables.participants
SECTOR = r"^[A-Za-z][A-Za-z0-9_-]*$"  # in any case, as every vocabulary (stored lowercase)


def _sector(value: str) -> str:
    if not re.fullmatch(SECTOR, value):
        raise ValueError(f"{value!r} is not a sector: a word such as logistics, e-commerce or healthcare")
    return value.lower()


Sector = Annotated[str, Field(max_length=64, json_schema_extra={"pattern": SECTOR}), AfterValidator(_sector)]


class ParticipantIn(Filter):
    """Initiatives with a participant among the organizations named or their subsidiaries;
    with `role`, that participant in one of those roles."""

    def __init__(self) -> None:
        self.facet = link_facet(participants, "initiative_id", participants.c.organization_id)

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return organization_tree(conn, value, name)

    def where(self, value: Any, given: Given) -> list[Condition]:
        part = select(participants.c.initiative_id).where(participants.c.organization_id.in_(value))
        if given.get("role"):
            part = part.where(participants.c.role.in_(plain(given["role"])))
        return [ini.c.id.in_(part)]


class RoleOf(Linked):
    """Initiatives with a participant in one of the roles (with `organization`, that one's)."""

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [] if given.get("organization") else super().where(value, given)


class InitiativeQuery(ListQuery):
    country: Annotated[
        list[CountryCode],
        Field(
            description="ISO 3166-1 alpha-2 country of the initiative; repeat for OR.",
            examples=[["MY"]],
        ),
        Linked(ini.c.id, countries, "initiative_id", "country"),
    ] = []
    organization: Annotated[
        list[RecordId],
        Field(
            description="Participant organization id; its subsidiaries' initiatives match too.",
            examples=[["huawei"]],
        ),
        ParticipantIn(),
    ] = []
    role: Annotated[
        list[AnyCase[Role]],
        Field(
            description="Participant role; with `organization`, that organization in that role.",
            examples=[["supplier"]],
        ),
        RoleOf(ini.c.id, participants, "initiative_id", "role"),
    ] = []
    kind: Annotated[
        list[AnyCase[InitiativeKind]],
        Field(description="Kind of initiative.", examples=[["service"]]),
        Values(ini.c.kind),
    ] = []
    sector: Annotated[
        list[Sector],
        Field(
            description="Sector, e.g. logistics, e-commerce, government_services.",
            examples=[["logistics"]],
        ),
        Linked(ini.c.id, sectors, "initiative_id", "sector"),
    ] = []
    status: Annotated[
        list[AnyCase[Status]], Field(description="Status.", examples=[["announced"]]), Values(ini.c.status)
    ] = []
    announced_from: Annotated[
        DateParam | None,
        Field(
            description="Announced on or after (YYYY, YYYY-MM or YYYY-MM-DD; partial dates overlap).",
            examples=["2025-04"],
        ),
        DateFrom(ini.c.announced_on, ini.c.announced_precision),
    ] = None
    announced_to: Annotated[
        DateParam | None,
        Field(
            description="Announced on or before (YYYY, YYYY-MM or YYYY-MM-DD; `2025` means to 2025-12-31).",
            examples=["2025"],
        ),
        DateTo(ini.c.announced_on, start="announced_from"),
    ] = None
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the initiative.",
            examples=[["bernama-malaysia-china-ai-mous"]],
        ),
        CitedBy(ini.c.id, "initiative_id"),
    ] = []


SORTS = {
    "id": SortField(ini.c.id),
    "name": SortField(ini.c.name),
    "kind": SortField(ini.c.kind),
    "status": SortField(ini.c.status),
    "announced_on": SortField(ini.c.announced_on, date, nullable=True),
}
