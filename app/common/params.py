"""Query-parameter types shared by the resources: countries, dates, ids, the common list model."""

import re
from enum import StrEnum
from typing import Annotated, Any

import pycountry
from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.common.problems import NotFound
from app.common.vocabulary import AnyCase, any_case_pattern
from app.dates import parse_partial_date

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_HINT = "ids are lowercase slugs (letters, digits, single hyphens) such as huawei"
DATE_HINT = "dates are YYYY, YYYY-MM or YYYY-MM-DD"

# What the schema promises matches what the server accepts exactly: the country codes in any
# case; real dates of years 1 to 9999, to the day, month or year.
COUNTRY_PATTERN = any_case_pattern(country.alpha_2 for country in pycountry.countries)
_YEAR = "(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DAY_PATTERN = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP}-02-29)$"
EXACT_DATE_PATTERN = f"^(?:{_YEAR}(?:-(?:0[1-9]|1[0-2]))?|{_YEAR}-{_MONTH_DAY}|{_LEAP}-02-29)$"


# Marks a field whose example shows a value on its own (`json_schema_extra={ALONE: True}`): no
# record holds it together with the other examples of its operation, so Swagger UI's form leaves
# it empty (app/openapi_examples.py); its declared examples stay in the schema.
ALONE = "x-example-alone"


def _country(value: str) -> str:
    code = value.upper()
    if value.isascii() and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    if "," in value:
        hint = "use one ISO code per parameter, repeated for several: country=MY&country=SG"
    else:
        try:
            code = pycountry.countries.lookup(value).alpha_2
            hint = f"use its ISO code, {code}; repeat the parameter for several"
        except LookupError:
            hint = "use an ISO 3166-1 alpha-2 code such as MY; repeat the parameter for several"
    raise ValueError(f"{value!r} is not a country code: {hint}")


def _record_id(value: str) -> str:
    if re.fullmatch(ID_PATTERN, value):
        return value
    slug = "-".join(re.findall(r"[a-z0-9]+", value.lower())) if value.isascii() else ""
    better = f"; did you mean {slug!r}?" if slug else ""
    raise ValueError(f"{value!r} is not an id: {ID_HINT}{better}")


def _date(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?", value):
        raise ValueError(f"{value!r} is not a date: {DATE_HINT}")
    parse_partial_date(value)  # a real date: its ValueError says why not
    return value


def _day(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(f"{value!r} is not a day: write it YYYY-MM-DD")
    parse_partial_date(value)  # a real date: its ValueError says why not
    return value


CountryCode = Annotated[str, Field(json_schema_extra={"pattern": COUNTRY_PATTERN}), AfterValidator(_country)]
RecordId = Annotated[
    str, Field(max_length=120, json_schema_extra={"pattern": ID_PATTERN}), AfterValidator(_record_id)
]
DateParam = Annotated[
    str,
    Field(examples=["2025-04-10", "2025-04", "2025"], json_schema_extra={"pattern": EXACT_DATE_PATTERN}),
    AfterValidator(_date),
]

DayParam = Annotated[
    str,
    Field(examples=["2026-12-06"], json_schema_extra={"pattern": DAY_PATTERN}),
    AfterValidator(_day),
]


SEARCH_SYNTAX = (
    "Full-text search over names, summaries, aliases and quotes, at most 16 words. Words are"
    ' ANDed and match by stem (`GPU` finds `GPUs`); `"data zone"` is a phrase; `ai OR cloud`'
    " either (OR in capitals; `a b OR c d` is (a and b) or (c and d)); `-malaysia` excludes"
    " (each alternative needs a word to search for: `-huawei` alone is a 422); `cloud*` is a"
    " prefix of one word. AND and NOT in capitals are refused (words are ANDed; `-` excludes)."
    " Case and accents are ignored."
)


class Format(StrEnum):
    json = "json"
    csv = "csv"
    ndjson = "ndjson"


SearchText = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=200,
        description=SEARCH_SYNTAX,
        examples=["huawei"],
    ),
]


class Filtered(BaseModel):
    """Parameters of a query over a filtered set: unknown ones are an error."""

    model_config = ConfigDict(extra="forbid")

    q: SearchText = None


class ListQuery(Filtered):
    """Parameters every list endpoint takes."""

    limit: Annotated[int, Field(ge=1, le=500, description="Rows per page (1..500).", examples=[50])] = 50
    cursor: Annotated[
        str | None,
        Field(
            max_length=512,
            description="`next_cursor` of the previous page; keep the other parameters the same.",
        ),
    ] = None
    facets: Annotated[
        str | None,
        Field(
            max_length=200,
            description="Comma-separated facet names to count over the whole filtered set.",
            examples=["country,kind"],
        ),
    ] = None
    sort: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Comma-separated fields to sort by, `-field` descending (`-announced_on,name`);"
            " ties break on id. Default `id`.",
        ),
    ] = None
    format: Annotated[
        AnyCase[Format] | None,
        Field(
            description="`json` (one page), or `csv` / `ndjson` to stream every matching row."
            " The Accept header (text/csv, application/x-ndjson) works too.",
        ),
    ] = None


# Versions are integers of the database (32 bits): a larger number is a 422, never an overflow.
LATEST_POSSIBLE = 2**31 - 1


def version_number(least: int, description: str) -> Any:
    """A dataset version as a parameter: `Annotated[int | None, version_number(1, "...")]`."""
    return Field(ge=least, le=LATEST_POSSIBLE, description=description, examples=[least])


class Versioned(BaseModel):
    """What every record's detail takes: the version to show it as it stood at."""

    model_config = ConfigDict(extra="forbid")

    as_of_version: Annotated[
        int | None,
        version_number(
            1,
            "The record as it stood at this dataset version (see /v1/versions): 404 if it did not"
            " exist then. Default: as it is now.",
        ),
    ] = None


def id_param(noun: str, example: str) -> Any:
    """The path parameter of a record's id: `Annotated[str, id_param("Pledge", "some-id")]`,
    checked as RecordId is, with a message that says what ids look like."""
    info = Path(
        max_length=120,
        description=f"{noun} id.",
        examples=[example],
        json_schema_extra={"pattern": ID_PATTERN},
    )
    info.metadata.append(AfterValidator(_record_id))
    return info


def found(item: dict[str, Any] | None, noun: str, record_id: str) -> dict[str, Any]:
    """The record, or 404 naming what was asked for."""
    if item is None:
        raise NotFound(f"no {noun} with id {record_id!r}")
    return item
