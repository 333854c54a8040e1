"""Fixed vocabularies of the data model (CONTRACT.md section 1)."""

from enum import StrEnum


class Precision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


class OrganizationKind(StrEnum):
    company = "company"
    government = "government"
    university = "university"
    research_institute = "research_institute"
    association = "association"
    ngo = "ngo"
    other = "other"


class InitiativeKind(StrEnum):
    talent_programme = "talent_programme"
    infrastructure = "infrastructure"
    data_centre = "data_centre"
    research_lab = "research_lab"
    innovation_centre = "innovation_centre"
    data_corridor = "data_corridor"
    investment_programme = "investment_programme"
    policy = "policy"
    event = "event"
    service = "service"


class Status(StrEnum):
    announced = "announced"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"
    unknown = "unknown"


class Role(StrEnum):
    lead = "lead"
    partner = "partner"
    operator = "operator"
    funder = "funder"
    supplier = "supplier"
    beneficiary = "beneficiary"
    adopter = "adopter"


class Metric(StrEnum):
    people_trained = "people_trained"
    investment = "investment"
    gpus_deployed = "gpus_deployed"
    startups_supported = "startups_supported"
    institutions_supported = "institutions_supported"
    developers_supported = "developers_supported"
    data_centres_opened = "data_centres_opened"


class Unit(StrEnum):
    people = "people"
    USD = "USD"
    GPU = "GPU"
    startup = "startup"
    institution = "institution"
    developer = "developer"
    data_centre = "data_centre"


def sql_in(enum: type[StrEnum]) -> str:
    """A CHECK expression body listing the enum's values."""
    return ", ".join(f"'{member.value}'" for member in enum)
