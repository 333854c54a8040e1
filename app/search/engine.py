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


_MARK = re.compile(r"\s+")


def search(
    conn: Connection, q: str, *, resources: list[str], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Best matches first, each with a highlighted snippet; and the number of matches."""
    terms = parse_query(q)
    where = [docs.c.resource.in_(resources)] if resources else []
    if conn.dialect.name == "sqlite":
        match = text("search_fts MATCH :match").bindparams(match=_fts5(terms))
        base = (
            select(
                docs.c.resource,
                docs.c.record_id,
                docs.c.name,
                literal_column("snippet(search_fts, 1, '<mark>', '</mark>', '…', 16)").label("snippet"),
                literal_column("-bm25(search_fts, 10.0, 1.0)").label("score"),
            )
            .select_from(fts)
            .join(docs, docs.c.id == fts.c.rowid)
            .where(match, *where)
        )
        count = (
            select(func.count()).select_from(fts).join(docs, docs.c.id == fts.c.rowid).where(match, *where)
        )
    else:
        query = func.to_tsquery("simple", bindparam("tsq", _tsquery(terms)))
        tsv = literal_column("search_documents.tsv")
        base = select(
            docs.c.resource,
            docs.c.record_id,
            docs.c.name,
            func.ts_headline(
                "simple",
                docs.c.body,
                query,
                "StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=24, MinWords=8,"
                " FragmentDelimiter=…",
            ).label("snippet"),
            func.ts_rank_cd(tsv, query).label("score"),
        ).where(tsv.op("@@")(query), *where)
        count = select(func.count()).select_from(docs).where(tsv.op("@@")(query), *where)
    stmt = base.order_by(literal_column("score").desc(), docs.c.resource, docs.c.record_id)
    rows = conn.execute(stmt.limit(limit).offset(offset)).mappings().all()
    items = [
        {
            "type": r["resource"],
            "id": r["record_id"],
            "name": r["name"],
            "snippet": _MARK.sub(" ", r["snippet"] or "").strip(),
            "score": round(float(r["score"]), 6),
        }
        for r in rows
    ]
    return items, conn.execute(count).scalar_one()
