"""Validate the whole seed directory before anything is written; collect every error."""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.seeding.schema import (
    CitationSeed,
    InitiativeSeed,
    MouSeed,
    OrganizationSeed,
    OrganizationsFile,
    PledgeSeed,
    SourceFile,
    SourceSeed,
)
from app.seeding.yaml_reader import Mapping, YamlProblem, read_yaml


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
    initiatives: list[tuple[str, InitiativeSeed]] = field(default_factory=list)
    mous: list[tuple[str, MouSeed]] = field(default_factory=list)
    pledges: list[tuple[str, PledgeSeed]] = field(default_factory=list)
    citations: list[tuple[str, int, CitationSeed]] = field(default_factory=list)
    # (file, record kind, record id) of each record, for error messages
    origins: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)


class SeedValidationError(Exception):
    def __init__(self, errors: list[SeedError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the seeds")
        self.errors = errors


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


def _collapse(text: str) -> str:
    return " ".join(text.split())


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
        for kind in ("initiatives", "mous", "pledges"):
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
        errors.extend(_cross_check(result))
    if articles is not None and not errors:
        errors.extend(_check_quotes(result, articles))
    if errors:
        raise SeedValidationError(errors)
    return result


def _err(result: SeedSet, kind: str, ident: str, field_name: str, message: str) -> SeedError:
    file, line = result.origins.get((kind, ident), ("seeds", None))
    return SeedError(file, message, record=f"{kind}/{ident}", field=field_name, line=line)


def _cross_check(s: SeedSet) -> list[SeedError]:
    """Uniqueness and references across files."""
    errors: list[SeedError] = []
    orgs: dict[str, OrganizationSeed] = {}
    for org in s.organizations:
        if org.id in orgs:
            errors.append(_err(s, "organizations", org.id, "id", "duplicate id"))
        orgs[org.id] = org
    sources: dict[str, SourceSeed] = {}
    documents: dict[str, str] = {}
    for src in s.sources:
        if src.id in sources:
            errors.append(_err(s, "sources", src.id, "id", "duplicate id"))
        if src.document in documents:
            errors.append(
                _err(
                    s,
                    "sources",
                    src.id,
                    "document",
                    f"document also used by {documents[src.document]!r}",
                )
            )
        sources[src.id] = src
        documents[src.document] = src.id

    for org in s.organizations:
        if org.parent is not None and org.parent not in orgs:
            errors.append(_err(s, "organizations", org.id, "parent", f"unknown organization {org.parent!r}"))
    errors.extend(_parent_cycles(s, orgs))

    initiatives = {rec.id for _, rec in s.initiatives}
    mous = {rec.id for _, rec in s.mous}
    pledges = {rec.id for _, rec in s.pledges}

    def need(
        kind: str,
        ident: str,
        field_name: str,
        ref: str | None,
        known: set[str] | dict[str, Any],
        what: str,
    ) -> None:
        if ref is not None and ref not in known:
            errors.append(_err(s, kind, ident, field_name, f"unknown {what} {ref!r}"))

    for _, ini in s.initiatives:
        for i, p in enumerate(ini.participants):
            need(
                "initiatives",
                ini.id,
                f"participants[{i}].organization",
                p.organization,
                orgs,
                "organization",
            )
    for _, mou in s.mous:
        for i, party in enumerate(mou.parties):
            need("mous", mou.id, f"parties[{i}]", party, orgs, "organization")
        need("mous", mou.id, "initiative", mou.initiative, initiatives, "initiative")
    for _, pledge in s.pledges:
        need("pledges", pledge.id, "pledger", pledge.pledger, orgs, "organization")
        need("pledges", pledge.id, "initiative", pledge.initiative, initiatives, "initiative")
    for source_id, pos, cit in s.citations:
        for attr, known in (("initiative", initiatives), ("mou", mous), ("pledge", pledges)):
            ref = getattr(cit, attr)
            if ref is not None and ref not in known:
                errors.append(_citation_err(s, source_id, pos, attr, f"unknown {attr} {ref!r}"))
    return errors


def _citation_err(s: SeedSet, source_id: str, pos: int, field_name: str, message: str) -> SeedError:
    file, line = s.origins.get(("citations", f"{source_id}#{pos}"), ("seeds", None))
    return SeedError(file, message, record=f"citations[{pos}]", field=field_name, line=line)


def _parent_cycles(s: SeedSet, orgs: dict[str, OrganizationSeed]) -> list[SeedError]:
    errors = []
    reported: set[str] = set()
    for start in orgs:
        seen: list[str] = []
        current: str | None = start
        while current is not None and current in orgs:
            if current in seen:
                cycle = seen[seen.index(current) :] + [current]
                if not reported.intersection(cycle):
                    errors.append(
                        _err(
                            s,
                            "organizations",
                            current,
                            "parent",
                            "parent cycle: " + " -> ".join(cycle),
                        )
                    )
                    reported.update(cycle)
                break
            seen.append(current)
            current = orgs[current].parent
    return errors


def _check_quotes(s: SeedSet, articles: Path) -> list[SeedError]:
    """Every quote must occur in the article its file's source names (whitespace collapsed)."""
    errors: list[SeedError] = []
    texts: dict[str, str | None] = {}
    for src in s.sources:
        path = articles / src.document
        if path.is_file():
            texts[src.id] = _collapse(path.read_text(encoding="utf-8"))
        else:
            texts[src.id] = None
            errors.append(
                _err(
                    s,
                    "sources",
                    src.id,
                    "document",
                    f"article {src.document!r} not found in {articles}",
                )
            )

    def check(kind: str, ident: str, field_name: str, source_id: str, quote: str) -> None:
        text = texts.get(source_id)
        if text is not None and _collapse(quote) not in text:
            errors.append(_err(s, kind, ident, field_name, f"quote not found in the article: {quote[:80]!r}"))

    for kind in ("initiatives", "mous", "pledges"):
        for source_id, record in getattr(s, kind):
            for i, quote in enumerate(record.quotes):
                check(kind, record.id, f"quotes[{i}]", source_id, quote)
    for source_id, pos, cit in s.citations:
        text = texts.get(source_id)
        if text is not None and _collapse(cit.quote) not in text:
            message = f"quote not found in the article: {cit.quote[:80]!r}"
            errors.append(_citation_err(s, source_id, pos, "quote", message))
    return errors
