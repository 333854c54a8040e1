"""Full-text search with the database's own engine: FTS5 on SQLite, tsvector on PostgreSQL.

Both engines see the same tokens (app.search_text), so a query matches the same records.
"""

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)

from app.common.problems import InvalidParameter
from app.models import SearchDocument
from app.search_text import tokens

docs = SearchDocument.__table__
fts = table("search_fts", column("rowid"))
MAX_TERMS = 16


def parse_query(q: str, parameter: str = "q") -> list[tuple[str, bool]]:
    """The query's words, each with whether it is a prefix (`cloud*`)."""
    terms: list[tuple[str, bool]] = []
    for raw in q.split():
        prefix = raw.endswith("*")
        for i, word in enumerate(words := tokens(raw)):
            terms.append((word, prefix and i == len(words) - 1))
    if not terms:
        raise InvalidParameter(parameter, "has no words to search for")
    if len(terms) > MAX_TERMS:
        raise InvalidParameter(parameter, f"has more than {MAX_TERMS} words")
    return terms


def _fts5(terms: list[tuple[str, bool]]) -> str:
    return " ".join(f'"{w}"*' if p else f'"{w}"' for w, p in terms)


def _tsquery(terms: list[tuple[str, bool]]) -> str:
    return " & ".join(f"{w}:*" if p else w for w, p in terms)


def matching_docs(conn: Connection, q: str, parameter: str = "q") -> ColumnElement[bool]:
    """Condition on search_documents rows that match `q`."""
    terms = parse_query(q, parameter)
    if conn.dialect.name == "sqlite":
        hits = select(fts.c.rowid).where(text("search_fts MATCH :match").bindparams(match=_fts5(terms)))
        return docs.c.id.in_(hits)
    return literal_column("search_documents.tsv").op("@@")(
        func.to_tsquery("simple", bindparam("tsq", _tsquery(terms)))
    )


def matching_ids(conn: Connection, resource: str, q: str) -> Select[Any]:
    """ids of one resource's records that match `q`, for `id IN (...)`."""
    return select(docs.c.record_id).where(docs.c.resource == resource, matching_docs(conn, q))


_SPACES = re.compile(r"\s+")
SNIPPET_SQLITE = "snippet(search_fts, 1, '<mark>', '</mark>', '…', 16)"
HEADLINE_OPTIONS = (
    "StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=24, MinWords=8, FragmentDelimiter=…"
)


def _sqlite_hits(terms: list[tuple[str, bool]]) -> Any:
    """Every match with its score, materialized first, so that a filter on the resource type
    cannot make SQLite walk search_documents and probe the full-text index row by row."""
    match = text("search_fts MATCH :match").bindparams(match=_fts5(terms))
    score = literal_column("-bm25(search_fts, 10.0, 1.0)")
    hits = select(fts.c.rowid.label("id"), score.label("score")).select_from(fts).where(match)
    return hits.cte("hits").prefix_with("MATERIALIZED")


def search(
    conn: Connection, q: str, *, resources: list[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    """Best matches first, each with a highlighted snippet.

    Two steps: rank every match (the engine must score them all to order them), then make
    snippets for the page's rows only, which is where most of the time went. Ties break on
    the record, not on the internal document id, so an order survives a reload.
    """
    terms = parse_query(q)
    where = [docs.c.resource.in_(resources)] if resources else []
    if conn.dialect.name == "sqlite":
        hits = _sqlite_hits(terms)
        ranked = select(hits.c.id, hits.c.score).join(docs, docs.c.id == hits.c.id).where(*where)
        order = [hits.c.score.desc(), docs.c.resource, docs.c.record_id]
    else:
        query = func.to_tsquery("simple", bindparam("tsq", _tsquery(terms)))
        tsv = literal_column("search_documents.tsv")
        ranked = select(docs.c.id, func.ts_rank_cd(tsv, query).label("score")).where(
            tsv.op("@@")(query), *where
        )
        order = [literal_column("score").desc(), docs.c.resource, docs.c.record_id]
    page = conn.execute(ranked.order_by(*order).limit(limit).offset(offset)).all()
    if not page:
        return []
    ids = [row.id for row in page]
    if conn.dialect.name == "sqlite":
        snippets = dict(
            conn.execute(
                select(fts.c.rowid, literal_column(SNIPPET_SQLITE))
                .select_from(fts)
                .where(text("search_fts MATCH :match").bindparams(match=_fts5(terms)), fts.c.rowid.in_(ids))
            ).all()
        )
    else:
        query = func.to_tsquery("simple", bindparam("tsq", _tsquery(terms)))
        snippets = dict(
            conn.execute(
                select(docs.c.id, func.ts_headline("simple", docs.c.body, query, HEADLINE_OPTIONS)).where(
                    docs.c.id.in_(ids)
                )
            ).all()
        )
    records = {
        row.id: row
        for row in conn.execute(
            select(docs.c.id, docs.c.resource, docs.c.record_id, docs.c.name).where(docs.c.id.in_(ids))
        )
    }
    return [
        {
            "type": records[row.id].resource,
            "id": records[row.id].record_id,
            "name": records[row.id].name,
            "snippet": _SPACES.sub(" ", snippets.get(row.id) or "").strip(),
            "score": round(float(row.score), 6),
        }
        for row in page
    ]


def count_matches(conn: Connection, q: str, *, resources: list[str]) -> int:
    terms = parse_query(q)
    if conn.dialect.name == "sqlite":
        match = text("search_fts MATCH :match").bindparams(match=_fts5(terms))
        stmt = select(func.count()).select_from(fts).where(match)  # no ranking needed to count
        if resources:
            hits = (
                select(fts.c.rowid.label("id"))
                .select_from(fts)
                .where(match)
                .cte("hits")
                .prefix_with("MATERIALIZED")
            )
            stmt = select(func.count()).select_from(hits).join(docs, docs.c.id == hits.c.id)
            stmt = stmt.where(docs.c.resource.in_(resources))
    else:
        query = func.to_tsquery("simple", bindparam("tsq", _tsquery(terms)))
        stmt = (
            select(func.count())
            .select_from(docs)
            .where(literal_column("search_documents.tsv").op("@@")(query))
        )
        if resources:
            stmt = stmt.where(docs.c.resource.in_(resources))
    return int(conn.execute(stmt).scalar_one())
