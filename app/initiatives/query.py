"""What a client may ask of /v1/initiatives: its filters, each declared once, and its sorts."""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from sqlalchemy import Connection, select

from app.common.conditions import Condition, ends_from, starts_by
from app.common.facets import link_facet
from app.common.filters import DateFrom, DateTo, Filter, Given, Linked, Values, plain
from app.common.params import ALONE, CountryCode, DateParam, ListQuery, RecordId
from app.common.sorting import SortField
from app.common.vocabulary import AnyCase
from app.models import tables
from app.models.enums import InitiativeKind, MilestoneEvent, Role, Scope, Status
from app.organizations.tree import descendants, organization_tree
from app.sources.citations import CitedBy

ini = tables.initiatives
countries = tables.initiative_countries
sectors = tables.initiative_sectors
participants = tables.participants
milestones = tables.milestones
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


class PartOf(Filter):
    """Initiatives that are parts of the ones named, or parts of their parts, at any depth."""

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return descendants(conn, ini, "part_of_id", value, name)

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [ini.c.id.in_(value)]


def _milestones(given: Given) -> Any:
    """The milestones that `milestone`, `milestone_from` and `milestone_to` ask for, together:
    with several of them, one and the same milestone must match all."""
    wanted = select(milestones.c.initiative_id)
    if given.get("milestone"):
        wanted = wanted.where(milestones.c.event.in_(plain(given["milestone"])))
    if given.get("milestone_from") is not None:
        wanted = wanted.where(
            *ends_from(milestones.c.on_date, milestones.c.precision, given["milestone_from"])
        )
    if given.get("milestone_to") is not None:
        wanted = wanted.where(*starts_by(milestones.c.on_date, given["milestone_to"]))
    return wanted


class MilestoneOf(Filter):
    """Initiatives with a milestone of one of the events (and, with milestone_from / milestone_to,
    in that period: the same milestone)."""

    def __init__(self) -> None:
        self.facet = link_facet(milestones, "initiative_id", milestones.c.event)

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [ini.c.id.in_(_milestones(given))]


class MilestoneFrom(DateFrom):
    """A milestone whose date ends on or after the day named (with `milestone`: that milestone)."""

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [] if given.get("milestone") else [ini.c.id.in_(_milestones(given))]


class MilestoneTo(DateTo):
    """A milestone whose date starts on or before the day named (with `milestone` or
    `milestone_from`: the same milestone, built once by the first of them)."""

    def where(self, value: Any, given: Given) -> list[Condition]:
        if given.get("milestone") or given.get("milestone_from") is not None:
            return []
        return [ini.c.id.in_(_milestones(given))]


class InitiativeQuery(ListQuery):
    country: Annotated[
        list[CountryCode],
        Field(
            description="ISO 3166-1 alpha-2 country of the initiative; repeat for OR.",
            examples=[["MY"]],
        ),
        Linked(ini.c.id, countries, "initiative_id", "country"),
    ] = []
    scope: Annotated[
        list[AnyCase[Scope]],
        Field(
            description="What the countries mean: listed (the whole scope), partial (named and others"
            " implied), worldwide, region, unstated (the article names no place).",
            examples=[["listed"]],
        ),
        Values(ini.c.scope),
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
        Field(description="Kind of initiative.", examples=[["other"]]),
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
    part_of: Annotated[
        list[RecordId],
        Field(
            description="Id of an initiative: its parts match, and their parts, at any depth.",
            examples=[["alibaba-cloud-asiaforward"]],
            json_schema_extra={ALONE: True},  # no part of another has a dated announcement
        ),
        PartOf(),
    ] = []
    milestone: Annotated[
        list[AnyCase[MilestoneEvent]],
        Field(
            description="Event of a milestone (announced, launched, held, ...); with milestone_from or"
            " milestone_to, that milestone in that period.",
            examples=[["announced"]],
        ),
        MilestoneOf(),
    ] = []
    milestone_from: Annotated[
        DateParam | None,
        Field(
            description="A milestone dated on or after (YYYY, YYYY-MM or YYYY-MM-DD; partial dates overlap).",
            examples=["2025-04-10"],
        ),
        MilestoneFrom(milestones.c.on_date, milestones.c.precision),
    ] = None
    milestone_to: Annotated[
        DateParam | None,
        Field(
            description="A milestone dated on or before (`2021` means to 2021-12-31).", examples=["2025-04"]
        ),
        MilestoneTo(milestones.c.on_date, start="milestone_from"),
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
