"""Matching names to records for the reconciliation service: an index of every organization,
initiative and person (names, aliases, country, kind, parent), read once per dataset version,
and the scores of a query against it.

Scores are 0..100. An exact name or alias (case-, accent- and spacing-insensitive) is 100;
below it, the subsidiaries and parents of an exact hit (80..90, by similarity); below them,
names only similar (difflib's ratio, or every word of the query in the name; at most 79).
A property given (country, kind, parent) that the record does not have costs 30 points.
`match` is true only for the one exact hit of the requested type whose properties all agree.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import Connection, func, select

from app.models import tables

TYPES = {"organization": "Organization", "initiative": "Initiative", "person": "Person"}
PROPERTIES = ("country", "kind", "parent")
EXACT = 100.0
TREE_TOP = 90.0
TREE_BOTTOM = 80.0
SIMILAR_TOP = 79.0
SIMILAR_MIN = 0.6  # difflib ratio below which a name is not a candidate
MISMATCH_PENALTY = 30.0


def normalize(text: str) -> str:
    """Case-, accent- and whitespace-insensitive form: NFKD without combining marks, casefolded,
    apostrophes dropped, any other run of punctuation read as one space, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = re.sub(r"['’ʼ`]", "", bare)  # Minister’s = Ministers
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


@dataclass
class Entity:
    type: str
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    kind: str | None = None
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    description: str = ""
    keys: list[str] = field(default_factory=list)  # normalized name and aliases


@dataclass
class Index:
    entities: dict[tuple[str, str], Entity]
    exact: dict[tuple[str, str], list[str]]  # (type, normalized name) -> ids

    def get(self, type_: str, id_: str) -> Entity | None:
        return self.entities.get((type_, id_))

    def find(self, id_: str) -> Entity | None:
        """The record with this id, trying each type in TYPES' order."""
        for type_ in TYPES:
            if (type_, id_) in self.entities:
                return self.entities[type_, id_]
        return None

    def of_type(self, type_: str) -> list[Entity]:
        return [e for (t, _), e in self.entities.items() if t == type_]


def build_index(conn: Connection) -> Index:
    o, oa = tables.organizations, tables.organization_aliases
    i, ic = tables.initiatives, tables.initiative_countries
    p, pa = tables.people, tables.person_aliases
    entities: dict[tuple[str, str], Entity] = {}
    for row in conn.execute(select(o.c.id, o.c.name, o.c.kind, o.c.country, o.c.parent_id).order_by(o.c.id)):
        entities["organization", row.id] = Entity(
            "organization", row.id, row.name, countries=[row.country] if row.country else [],
            kind=row.kind, parent=row.parent_id,
        )  # fmt: skip
    for org_id, alias in conn.execute(select(oa.c.organization_id, oa.c.alias).order_by(oa.c.alias)):
        entities["organization", org_id].aliases.append(alias)
    for init in conn.execute(select(i.c.id, i.c.name, i.c.kind, i.c.part_of_id).order_by(i.c.id)):
        entities["initiative", init.id] = Entity(
            "initiative", init.id, init.name, kind=init.kind, parent=init.part_of_id
        )
    for init_id, country in conn.execute(select(ic.c.initiative_id, ic.c.country).order_by(ic.c.country)):
        entities["initiative", init_id].countries.append(country)
    for person_id, name in conn.execute(select(p.c.id, p.c.name).order_by(p.c.id)):
        entities["person", person_id] = Entity("person", person_id, name)
    for person_id, alias in conn.execute(select(pa.c.person_id, pa.c.alias).order_by(pa.c.alias)):
        entities["person", person_id].aliases.append(alias)
    titles = _person_titles(conn)
    exact: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entity in entities.values():
        if entity.parent and (entity.type, entity.parent) in entities:
            entities[entity.type, entity.parent].children.append(entity.id)
        entity.keys = list(dict.fromkeys(normalize(n) for n in [entity.name, *entity.aliases]))
        for key in entity.keys:
            exact[entity.type, key].append(entity.id)
        entity.description = _describe(entity, entities, titles)
    return Index(entities, dict(exact))


def _person_titles(conn: Connection) -> dict[str, str]:
    pos = tables.positions
    first = (
        select(pos.c.person_id, func.min(pos.c.position).label("first")).group_by(pos.c.person_id).subquery()
    )
    rows = conn.execute(
        select(pos.c.person_id, pos.c.title).join(
            first, (first.c.person_id == pos.c.person_id) & (first.c.first == pos.c.position)
        )
    )
    return {person_id: title for person_id, title in rows}


def _describe(entity: Entity, entities: dict[tuple[str, str], Entity], titles: dict[str, str]) -> str:
    parts = [entity.kind.replace("_", " ") if entity.kind else TYPES[entity.type].lower()]
    if entity.countries:
        parts.append(", ".join(entity.countries))
    parent = entities.get((entity.type, entity.parent or ""))
    if parent is not None:
        parts.append(f"part of {parent.name}")
    if entity.type == "person" and entity.id in titles:
        parts = [titles[entity.id]]
    return "; ".join(parts)


def similarity(query: str, entity: Entity) -> float:
    """0..1: the best difflib ratio of the normalized query against the name and each alias;
    a query whose every word is a word of a name counts at least 0.75."""
    best = 0.0
    words = set(query.split())
    for key in entity.keys:
        matcher = SequenceMatcher(None, query, key, autojunk=False)
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
        if words and words <= set(key.split()):
            best = max(best, 0.75)
    return best


def _agrees(entity: Entity, properties: dict[str, list[str]], index: Index) -> bool:
    for pid, values in properties.items():
        wanted = {normalize(v) for v in values}
        if pid == "country":
            have = {normalize(c) for c in entity.countries}
        elif pid == "kind":
            have = {normalize(entity.kind or "")}
        else:  # parent: its id or its name
            parent = index.get(entity.type, entity.parent or "")
            have = {normalize(parent.id), *parent.keys} if parent else set()
        if not wanted & have:
            return False
    return True


def reconcile(
    index: Index, query: str, type_: str | None, limit: int, properties: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """The candidates for one query, best first (score, then name, then id)."""
    key = normalize(query)
    types = [type_] if type_ else list(TYPES)
    scored: dict[tuple[str, str], float] = {}
    exact_hits: list[Entity] = []
    for t in types:
        for id_ in index.exact.get((t, key), []):
            entity = index.entities[t, id_]
            exact_hits.append(entity)
            scored[t, id_] = EXACT
    for hit in exact_hits:  # the tree around an exact hit: its subsidiaries, at any depth, and its parents
        family = _below(index, hit) + _above(index, hit)
        for relative in family:
            if (relative.type, relative.id) not in scored:
                sim = similarity(key, relative)
                scored[relative.type, relative.id] = TREE_BOTTOM + (TREE_TOP - TREE_BOTTOM) * sim
    if key:
        for t in types:
            for entity in index.of_type(t):
                if (t, entity.id) in scored:
                    continue
                sim = similarity(key, entity)
                if sim >= SIMILAR_MIN:
                    scored[t, entity.id] = SIMILAR_TOP * sim
    results = []
    for (t, id_), score in scored.items():
        entity = index.entities[t, id_]
        agrees = _agrees(entity, properties, index)
        if not agrees:
            score = max(0.0, score - MISMATCH_PENALTY)
        results.append((round(score, 1), entity, agrees))
    results.sort(key=lambda r: (-r[0], r[1].name, r[1].type, r[1].id))
    exact_agreeing = [e for s, e, agrees in results if agrees and s == EXACT]
    out = []
    for score, entity, _ in results[:limit]:
        out.append(
            {
                "id": entity.id,
                "name": entity.name,
                "type": [{"id": entity.type, "name": TYPES[entity.type]}],
                "score": score,
                "match": len(exact_agreeing) == 1 and exact_agreeing[0] is entity,
                "description": entity.description,
            }
        )
    return out


def _below(index: Index, entity: Entity) -> list[Entity]:
    found: list[Entity] = []
    todo = list(entity.children)
    while todo:
        child = index.entities[entity.type, todo.pop(0)]
        if child not in found:
            found.append(child)
            todo += child.children
    return found


def _above(index: Index, entity: Entity) -> list[Entity]:
    found: list[Entity] = []
    parent = index.get(entity.type, entity.parent or "")
    while parent is not None and parent not in found and parent is not entity:
        found.append(parent)
        parent = index.get(parent.type, parent.parent or "")
    return found


def suggest(index: Index, prefix: str, type_: str | None, limit: int) -> list[dict[str, Any]]:
    """Records whose name or alias starts with the prefix (or has a word that does), by name."""
    key = normalize(prefix)
    types = [type_] if type_ else list(TYPES)
    hits = []
    for t in types:
        for entity in index.of_type(t):
            starts = any(k.startswith(key) for k in entity.keys)
            word = any(w.startswith(key) for k in entity.keys for w in k.split())
            if key and (starts or word):
                hits.append((0 if starts else 1, entity.name, entity))
    hits.sort(key=lambda h: (h[0], h[1], h[2].id))
    return [
        {
            "id": e.id,
            "name": e.name,
            "description": e.description,
            "type": [{"id": e.type, "name": TYPES[e.type]}],
        }
        for _, _, e in hits[:limit]
    ]
