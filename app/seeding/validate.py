"""Validate the whole seed directory before anything is written; collect every error."""

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.seeding.provenance import check_provenance
from app.seeding.quotes import check_quotes
from app.seeding.references import cross_check
from app.seeding.schema import (
    OrganizationsFile,
    PeopleFile,
    SourceFile,
)
from app.seeding.seedset import SeedError, SeedSet, SeedValidationError
from app.seeding.yaml_reader import Mapping, YamlProblem, read_yaml


def _line_of(raw: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest mapping key along `loc` in the raw YAML."""
    line = raw.line if isinstance(raw, Mapping) else None
    node = raw
    for part in loc:
        if isinstance(node, Mapping) and isinstance(part, str) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, Mapping):
                line = node.line
        else:
            break
    return line


def _pydantic_errors(rel: str, raw: Any, exc: ValidationError) -> list[SeedError]:
    errors = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        record = None
        field_parts = list(loc)
        # loc is like ("initiatives", 3, "participants", 0, "role"): name the record by its id
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(raw, dict):
            items = raw.get(str(loc[0]))
            item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
            ident = item.get("id") if isinstance(item, dict) else None
            record = f"{loc[0]}/{ident}" if isinstance(ident, str) else f"{loc[0]}[{loc[1]}]"
            field_parts = list(loc[2:])
        elif loc and loc[0] == "source" and isinstance(raw, dict):
            ident = raw.get("source", {}).get("id") if isinstance(raw.get("source"), dict) else None
            record = f"source/{ident}" if isinstance(ident, str) else "source"
            field_parts = list(loc[1:])
        field_name = "".join(
            f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(field_parts)
        )
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "required field is missing"
        message = re.sub(r"^Value error, ", "", message)
        errors.append(
            SeedError(rel, message, record=record, field=field_name or None, line=_line_of(raw, loc))
        )
    return errors


def _parse(path: Path, rel: str, model: type[BaseModel], errors: list[SeedError]) -> Any:
    try:
        raw = read_yaml(path)
    except YamlProblem as exc:
        errors.append(SeedError(rel, exc.message, line=exc.line))
        return None
    if not isinstance(raw, dict):
        errors.append(SeedError(rel, "the file must hold a YAML mapping at the top level"))
        return None
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        errors.extend(_pydantic_errors(rel, raw, exc))
        return None
    return parsed, raw


def load_seed_dir(seeds: Path, *, articles: Path | None = None) -> SeedSet:
    """Read and validate every seed file; raise SeedValidationError listing all problems."""
    errors: list[SeedError] = []
    result = SeedSet()
    if not seeds.is_dir():
        raise SeedValidationError([SeedError(str(seeds), "seed directory not found")])

    def rel(path: Path) -> str:
        return str(path.relative_to(seeds.parent)) if seeds.parent in path.parents else str(path)

    org_path = seeds / "organizations.yaml"
    if not org_path.is_file():
        errors.append(SeedError(rel(org_path), "file not found"))
    else:
        parsed = _parse(org_path, rel(org_path), OrganizationsFile, errors)
        if parsed:
            result.organizations = list(parsed[0].organizations)
            for index, org in enumerate(result.organizations):
                raw_org = parsed[1]["organizations"][index]
                result.origins[("organizations", org.id)] = (rel(org_path), raw_org.line)

    people_path = seeds / "people.yaml"
    if people_path.is_file():
        parsed = _parse(people_path, rel(people_path), PeopleFile, errors)
        if parsed:
            result.people = list(parsed[0].people)
            for index, person in enumerate(result.people):
                raw_person = parsed[1]["people"][index]
                result.origins[("people", person.id)] = (rel(people_path), raw_person.line)

    source_files = sorted((seeds / "sources").glob("*.yaml")) if (seeds / "sources").is_dir() else []
    unexpected = sorted(p for p in seeds.rglob("*") if p.is_file() and p.suffix in (".yml", ".json"))
    for path in unexpected:
        errors.append(SeedError(rel(path), "seed files end in .yaml; this file would be ignored"))
    for path in source_files:
        parsed = _parse(path, rel(path), SourceFile, errors)
        if not parsed:
            continue
        sf, raw = parsed
        result.sources.append(sf.source)
        result.origins[("sources", sf.source.id)] = (rel(path), raw["source"].line)
        for kind in ("initiatives", "mous", "pledges", "figures"):
            for index, record in enumerate(getattr(sf, kind)):
                getattr(result, kind).append((sf.source.id, record))
                key = (kind, record.id)
                if key in result.origins:
                    first = result.origins[key]
                    errors.append(
                        SeedError(
                            rel(path),
                            f"duplicate id (first defined in {first[0]}:{first[1]})",
                            record=f"{kind}/{record.id}",
                            field="id",
                            line=raw[kind][index].line,
                        )
                    )
                else:
                    result.origins[key] = (rel(path), raw[kind][index].line)
        for index, citation in enumerate(sf.citations):
            result.citations.append((sf.source.id, index, citation))
            result.origins[("citations", f"{sf.source.id}#{index}")] = (
                rel(path),
                raw["citations"][index].line,
            )

    if not errors:  # references are only meaningful once every file has parsed
        errors.extend(cross_check(result))
    if not errors:  # what the quotes say, and whether the articles say them
        errors.extend(check_provenance(result))
        if articles is not None:
            errors.extend(check_quotes(result, articles))
    if errors:
        raise SeedValidationError(errors)
    return result
