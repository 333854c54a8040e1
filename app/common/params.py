"""Query-parameter types shared by the resources: countries, dates, ids, the common list model."""

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.common.problems import InvalidParameter
from app.dates import PartialDate, parse_partial_date

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as MY")
    return code


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
RecordId = Annotated[str, Field(min_length=1, max_length=120, pattern=ID_PATTERN)]
DateParam = Annotated[str, Field(pattern=DATE_PATTERN, examples=["2025-04-10", "2025-04", "2025"])]


class Format(StrEnum):
    json = "json"
    csv = "csv"
    ndjson = "ndjson"


class ListQuery(BaseModel):
    """Parameters every list endpoint takes."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=200,
            description="Full-text search over names, summaries, aliases and quotes. Words are"
            " ANDed; a trailing `*` matches a prefix (`cloud*`).",
            examples=["huawei"],
        ),
    ] = None
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
    format: Annotated[
        Format | None,
        Field(
            description="`json` (one page), or `csv` / `ndjson` to stream every matching row."
            " The Accept header (text/csv, application/x-ndjson) works too.",
        ),
    ] = None


def _parse(value: str | None, parameter: str) -> PartialDate | None:
    if value is None:
        return None
    try:
        return parse_partial_date(value)
    except ValueError as exc:
        raise InvalidParameter(parameter, str(exc)) from None


def date_range(
    start: str | None, end: str | None, *, start_name: str, end_name: str
) -> tuple[date | None, date | None]:
    """The first day named by `start` and the last day named by `end` (`2020` -> 2020-12-31)."""
    first = _parse(start, start_name)
    last = _parse(end, end_name)
    lo = first.value if first else None
    hi = last.end if last else None
    if lo and hi and lo > hi:
        raise InvalidParameter(end_name, f"{end} is before {start_name}={start}")
    return lo, hi


def split_csv(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r",", value or "") if part.strip()]
