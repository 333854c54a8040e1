"""Typed handles of every table, for the Core queries of the API (`tables.pledges.c.amount`)."""

from sqlalchemy import Table

from app.models.base import Base
from app.models.citation import Citation, Inference
from app.models.dataset import Dataset, SearchDocument
from app.models.figure import Figure, FigureCountry
from app.models.history import Change, Rename, Version
from app.models.initiative import Initiative, InitiativeCountry, InitiativeSector, Milestone, Participant
from app.models.mou import Mou, MouParty, MouWitness
from app.models.organization import Organization, OrganizationAlias
from app.models.person import Person, PersonAlias, Position
from app.models.pledge import Pledge, PledgeCountry, PledgePledger
from app.models.source import Source
from app.models.timeline import TimelineCountry, TimelineEntry, TimelineOrganization, TimelineSource


def table_of(model: type[Base]) -> Table:
    """The Table of a mapped class (declared with `__tablename__`, so always a Table)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


citations = table_of(Citation)
inferences = table_of(Inference)
figures = table_of(Figure)
figure_countries = table_of(FigureCountry)
milestones = table_of(Milestone)
people = table_of(Person)
person_aliases = table_of(PersonAlias)
positions = table_of(Position)
pledge_pledgers = table_of(PledgePledger)
dataset = table_of(Dataset)
search_documents = table_of(SearchDocument)
initiatives = table_of(Initiative)
initiative_countries = table_of(InitiativeCountry)
initiative_sectors = table_of(InitiativeSector)
participants = table_of(Participant)
mous = table_of(Mou)
mou_parties = table_of(MouParty)
mou_witnesses = table_of(MouWitness)
organizations = table_of(Organization)
organization_aliases = table_of(OrganizationAlias)
pledges = table_of(Pledge)
pledge_countries = table_of(PledgeCountry)
sources = table_of(Source)
timeline = table_of(TimelineEntry)
timeline_countries = table_of(TimelineCountry)
timeline_organizations = table_of(TimelineOrganization)
timeline_sources = table_of(TimelineSource)
versions = table_of(Version)
changes = table_of(Change)
renames = table_of(Rename)
