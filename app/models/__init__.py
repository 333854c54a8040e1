"""Every table in one place, so Alembic and the loader import one module."""

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

__all__ = [
    "Base",
    "Change",
    "Citation",
    "Dataset",
    "Figure",
    "FigureCountry",
    "Inference",
    "Initiative",
    "InitiativeCountry",
    "InitiativeSector",
    "Milestone",
    "Mou",
    "MouParty",
    "MouWitness",
    "Organization",
    "OrganizationAlias",
    "Participant",
    "Person",
    "PersonAlias",
    "Pledge",
    "PledgeCountry",
    "PledgePledger",
    "Position",
    "Rename",
    "SearchDocument",
    "Source",
    "TimelineCountry",
    "TimelineEntry",
    "TimelineOrganization",
    "TimelineSource",
    "Version",
]
