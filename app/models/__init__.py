"""Every table in one place, so Alembic and the loader import one module."""

from app.models.base import Base
from app.models.citation import Citation
from app.models.dataset import Dataset, SearchDocument
from app.models.initiative import Initiative, InitiativeCountry, InitiativeSector, Participant
from app.models.mou import Mou, MouParty, MouWitness
from app.models.organization import Organization, OrganizationAlias
from app.models.pledge import Pledge, PledgeCountry
from app.models.source import Source

__all__ = [
    "Base",
    "Citation",
    "Dataset",
    "Initiative",
    "InitiativeCountry",
    "InitiativeSector",
    "Mou",
    "MouParty",
    "MouWitness",
    "Organization",
    "OrganizationAlias",
    "Participant",
    "Pledge",
    "PledgeCountry",
    "SearchDocument",
    "Source",
]
