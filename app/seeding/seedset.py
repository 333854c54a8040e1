"""What the loader read from the seed directory, and the errors it found."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from app.seeding.schema import (
    CitationSeed,
    FigureSeed,
    InitiativeSeed,
    MouSeed,
    OrganizationSeed,
    PersonSeed,
    PledgeSeed,
    Renamable,
    SourceSeed,
)


@dataclass(frozen=True)
class SeedError:
    """A curator's mistake: which file, which record, which field, which line, and what."""

    file: str
    message: str
    record: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = ", ".join(
            part
            for part in (
                f"record {self.record!r}" if self.record else "",
                f"field {self.field!r}" if self.field else "",
            )
            if part
        )
        return f"{where}: {what + ': ' if what else ''}{self.message}"


@dataclass
class SeedSet:
    """Validated seeds; every record knows the source whose file defines it."""

    sources: list[SourceSeed] = field(default_factory=list)
    organizations: list[OrganizationSeed] = field(default_factory=list)
    people: list[PersonSeed] = field(default_factory=list)
    initiatives: list[tuple[str, InitiativeSeed]] = field(default_factory=list)
    mous: list[tuple[str, MouSeed]] = field(default_factory=list)
    pledges: list[tuple[str, PledgeSeed]] = field(default_factory=list)
    figures: list[tuple[str, FigureSeed]] = field(default_factory=list)
    citations: list[tuple[str, int, CitationSeed]] = field(default_factory=list)
    # (file, record kind, record id) of each record, for error messages
    origins: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)


# The kinds of records (as the seeds and the tables name them) and the resource of each.
RESOURCE_OF = {
    "sources": "source",
    "organizations": "organization",
    "people": "person",
    "initiatives": "initiative",
    "mous": "mou",
    "pledges": "pledge",
    "figures": "figure",
}


def records(s: SeedSet) -> Iterator[tuple[str, Renamable]]:
    """Every record with its kind."""
    yield from (("sources", src) for src in s.sources)
    yield from (("organizations", org) for org in s.organizations)
    yield from (("people", person) for person in s.people)
    for kind in ("initiatives", "mous", "pledges", "figures"):
        yield from ((kind, record) for _, record in getattr(s, kind))


class SeedValidationError(Exception):
    def __init__(self, errors: list[SeedError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the seeds")
        self.errors = errors


def record_error(result: SeedSet, kind: str, ident: str, field_name: str, message: str) -> SeedError:
    file, line = result.origins.get((kind, ident), ("seeds", None))
    return SeedError(file, message, record=f"{kind}/{ident}", field=field_name, line=line)


def citation_error(s: SeedSet, source_id: str, pos: int, field_name: str, message: str) -> SeedError:
    file, line = s.origins.get(("citations", f"{source_id}#{pos}"), ("seeds", None))
    return SeedError(file, message, record=f"citations[{pos}]", field=field_name, line=line)
