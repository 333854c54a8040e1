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
    other = "other"


class Status(StrEnum):
    announced = "announced"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"
    unknown = "unknown"


class PledgeStatus(StrEnum):
    """Where a pledge stands (CONTRACT.md section 5): curated and cited like any fact."""

    announced = "announced"
    reaffirmed = "reaffirmed"
    in_progress = "in_progress"
    fulfilled = "fulfilled"
    partly_fulfilled = "partly_fulfilled"
    lapsed = "lapsed"
    withdrawn = "withdrawn"
    cancelled = "cancelled"
    unknown = "unknown"


# A pledge with one of these statuses is never overdue, whatever its deadline.
SETTLED = frozenset({PledgeStatus.fulfilled, PledgeStatus.withdrawn, PledgeStatus.cancelled})


class Role(StrEnum):
    lead = "lead"
    partner = "partner"
    operator = "operator"
    funder = "funder"
    supplier = "supplier"
    beneficiary = "beneficiary"
    adopter = "adopter"
    host = "host"


class Metric(StrEnum):
    people_trained = "people_trained"
    investment = "investment"
    gpus_deployed = "gpus_deployed"
    startups_supported = "startups_supported"
    institutions_supported = "institutions_supported"
    developers_supported = "developers_supported"
    data_centres_opened = "data_centres_opened"
    people_attended = "people_attended"
    cloud_regions = "cloud_regions"
    availability_zones = "availability_zones"
    models_supported = "models_supported"
    performance_gain = "performance_gain"
    energy_saving = "energy_saving"


class Unit(StrEnum):
    """Units of amounts; money is an ISO 4217 code (the currencies listed in CURRENCIES)."""

    people = "people"
    GPU = "GPU"
    startup = "startup"
    institution = "institution"
    developer = "developer"
    data_centre = "data_centre"
    region = "region"
    availability_zone = "availability_zone"
    model = "model"
    percent = "percent"
    # ISO 4217: the ten ASEAN currencies and those the region's investors announce in
    USD = "USD"
    EUR = "EUR"
    CNY = "CNY"
    JPY = "JPY"
    KRW = "KRW"
    MYR = "MYR"
    SGD = "SGD"
    IDR = "IDR"
    THB = "THB"
    VND = "VND"
    PHP = "PHP"
    BND = "BND"
    KHR = "KHR"
    LAK = "LAK"
    MMK = "MMK"


CURRENCIES = frozenset(
    {Unit.USD, Unit.EUR, Unit.CNY, Unit.JPY, Unit.KRW, Unit.MYR, Unit.SGD, Unit.IDR}
    | {Unit.THB, Unit.VND, Unit.PHP, Unit.BND, Unit.KHR, Unit.LAK, Unit.MMK}
)


class Qualifier(StrEnum):
    """How the article's number relates to the amount: "over 1.3 million" is more_than."""

    exact = "exact"
    more_than = "more_than"
    at_least = "at_least"
    up_to = "up_to"
    about = "about"


class Scope(StrEnum):
    """What a record's list of countries means."""

    listed = "listed"
    partial = "partial"
    worldwide = "worldwide"
    region = "region"
    unstated = "unstated"


class Region(StrEnum):
    asean = "asean"
    asia_pacific = "asia_pacific"
    southeast_asia = "southeast_asia"
    asia = "asia"
    global_south = "global_south"


class MilestoneEvent(StrEnum):
    announced = "announced"
    launched = "launched"
    held = "held"
    established = "established"
    started = "started"
    signed = "signed"
    cancelled = "cancelled"
    completed = "completed"
    target = "target"
    other = "other"


class TimelineEvent(StrEnum):
    """What happened on a date of the timeline: a milestone's event, a MoU `signed`, a pledge
    `announced` or its `target`, a figure's `as_of` (when its amount held), a source `published`."""

    announced = "announced"
    launched = "launched"
    held = "held"
    established = "established"
    started = "started"
    signed = "signed"
    cancelled = "cancelled"
    completed = "completed"
    target = "target"
    other = "other"
    as_of = "as_of"
    published = "published"


class RecordType(StrEnum):
    """The resources whose records have dates on the timeline."""

    initiative = "initiative"
    mou = "mou"
    pledge = "pledge"
    figure = "figure"
    source = "source"


class ResourceType(StrEnum):
    """The resources of the records: the types of search results and of changes."""

    initiative = "initiative"
    organization = "organization"
    person = "person"
    mou = "mou"
    pledge = "pledge"
    figure = "figure"
    source = "source"


class ChangeOp(StrEnum):
    """What a version did to a record (CONTRACT.md section 6)."""

    added = "added"
    modified = "modified"
    deleted = "deleted"


# A metric's unit is fixed (money: any currency), so that sums never add people to dollars.
UNIT_OF_METRIC: dict[Metric, Unit | None] = {
    Metric.people_trained: Unit.people,
    Metric.people_attended: Unit.people,
    Metric.investment: None,
    Metric.gpus_deployed: Unit.GPU,
    Metric.startups_supported: Unit.startup,
    Metric.institutions_supported: Unit.institution,
    Metric.developers_supported: Unit.developer,
    Metric.data_centres_opened: Unit.data_centre,
    Metric.cloud_regions: Unit.region,
    Metric.availability_zones: Unit.availability_zone,
    Metric.models_supported: Unit.model,
    Metric.performance_gain: Unit.percent,
    Metric.energy_saving: Unit.percent,
}


def unit_fits(metric: Metric, unit: Unit) -> bool:
    expected = UNIT_OF_METRIC[metric]
    return unit in CURRENCIES if expected is None else unit is expected


def sql_in(enum: type[StrEnum]) -> str:
    """A CHECK expression body listing the enum's values."""
    return ", ".join(f"'{member.value}'" for member in enum)
