"""Every vocabulary in any case: `kind=Policy` is `kind=policy`, as `country=my` is `country=MY`.

The values are still the enum's (the OpenAPI document lists them, and a generated client gets
the enum); beside them, the schema admits exactly the spellings that fold to one of them.
"""

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

E = TypeVar("E", bound=StrEnum)


def any_case_pattern(values: Iterable[str]) -> str:
    """A JSON Schema pattern matching exactly `values`, each in any (ASCII) case."""

    def spelled(value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError(f"{value!r} needs escaping in a pattern")
        return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in value)

    return "^(?:{})$".format("|".join(spelled(v) for v in values))


def fold(value: str, spellings: dict[str, str]) -> str | None:
    """The value of `spellings` (lowercase: canonical) that `value` spells in some case, if any.

    ASCII only, as the schema's pattern: `"\u212a"` (the Kelvin sign) lowercases to `k` in Python."""
    return spellings.get(value.lower()) if value.isascii() else None


class _AnyCase:
    def __get_pydantic_core_schema__(self, source: type[StrEnum], handler: GetCoreSchemaHandler) -> Any:
        spellings = {member.value.lower(): member.value for member in source}

        def folded(value: Any) -> Any:
            if isinstance(value, str):
                return fold(value, spellings) or value
            return value

        strict = handler(source)
        spelled = core_schema.str_schema(pattern=any_case_pattern(spellings.values()))
        return core_schema.no_info_before_validator_function(
            folded, strict, json_schema_input_schema=core_schema.union_schema([strict, spelled])
        )


AnyCase = Annotated[E, _AnyCase()]
"""A query parameter's enum, accepted in any case: `list[AnyCase[Metric]]`."""
