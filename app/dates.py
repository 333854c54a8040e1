"""Partial dates: known to a day, a month or a year, and the period each one names."""

import calendar
import re
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from app.models.enums import Precision


def today() -> date:
    """Today in UTC: the default reference day of a pledge's `overdue`."""
    return datetime.now(UTC).date()


def utc(value: datetime | str) -> datetime:
    """A time the loader wrote in UTC, as read back (SQLite keeps text and no zone)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class PartialDate(NamedTuple):
    """A date known to a day, a month or a year; `value` is the first day of that period."""

    value: date
    precision: Precision

    @property
    def end(self) -> date:
        if self.precision is Precision.year:
            return date(self.value.year, 12, 31)
        if self.precision is Precision.month:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return date(self.value.year, self.value.month, last)
        return self.value

    def __str__(self) -> str:
        width = {Precision.year: 4, Precision.month: 7, Precision.day: 10}[self.precision]
        return self.value.isoformat()[:width]


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(value: Any) -> PartialDate:
    """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a bare YAML year is accepted too)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("a date is written YYYY, YYYY-MM or YYYY-MM-DD")
    match = _PARTIAL.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day:
            return PartialDate(date(int(year), int(month), int(day)), Precision.day)
        if month:
            return PartialDate(date(int(year), int(month), 1), Precision.month)
        return PartialDate(date(int(year), 1, 1), Precision.year)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
