"""Full-text search with the database's own engine: FTS5 on SQLite, tsvector on PostgreSQL.

Both engines see the same tokens (app.search_text), so a query matches the same records.
"""

import re
from typing import Any

import sqlalchemy.dialects.postgresql  # noqa: F401  (registers to_tsquery & co. before QUERIES are built)
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Integer,
    Label,
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
from app.common.sql import Prepared, in_values
from app.models import tables
from app.search_text import tokens

docs = tables.search_documents
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
HEADLINE_OPTIONS = (
    "StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=24, MinWords=8, FragmentDelimiter=…"
)


def _best(scored: Any) -> Select[Any]:
    """Matches scoring at least as well as the `cut`-th best (0-based), every tie included."""
    boundary = (
        select(scored.c.score)
        .order_by(scored.c.score.desc())
        .limit(1)
        .offset(bindparam("cut", type_=Integer))
    ).scalar_subquery()
    return select(scored.c.id, scored.c.score).where(scored.c.score >= func.coalesce(boundary, -1e300))


def _queries_sqlite() -> dict[str, Prepared]:
    match = text("search_fts MATCH :match")
    score: Label[float] = literal_column("-bm25(search_fts, 10.0, 1.0)").label("score")
    # Every match scored once (MATERIALIZED), so that a type filter cannot make SQLite walk
    # search_documents and probe the full-text index row by row.
    scored = select(fts.c.rowid.label("id"), score).select_from(fts).where(match).cte("scored")
    scored = scored.prefix_with("MATERIALIZED")
    typed = (
        select(scored.c.id, scored.c.score)
        .join(docs, docs.c.id == scored.c.id)
        .where(in_values(docs.c.resource, "types"))
        .cte("typed")
    )
    return {
        "best": Prepared(_best(scored)),
        "best_typed": Prepared(_best(typed)),
        "count": Prepared(select(func.count()).select_from(fts).where(match)),  # no ranking to count
        "count_typed": Prepared(select(func.count()).select_from(typed)),
        "snippets": Prepared(
            select(fts.c.rowid, literal_column("snippet(search_fts, 1, '<mark>', '</mark>', '…', 16)"))
            .select_from(fts)
            .where(match, in_values(fts.c.rowid, "ids"))
        ),
    }


def _queries_postgresql() -> dict[str, Prepared]:
    query = func.to_tsquery("simple", bindparam("match"))
    tsv: ColumnClause[str] = literal_column("search_documents.tsv")  # a tsvector, text to psycopg
    found = tsv.op("@@")(query)
    in_types = in_values(docs.c.resource, "types")
    ranked = select(docs.c.id, func.ts_rank_cd(tsv, query).label("score")).where(found)
    return {
        "best": Prepared(_best(ranked.cte("scored").prefix_with("MATERIALIZED"))),
        "best_typed": Prepared(_best(ranked.where(in_types).cte("scored_typed").prefix_with("MATERIALIZED"))),
        "count": Prepared(select(func.count()).select_from(docs).where(found)),
        "count_typed": Prepared(select(func.count()).select_from(docs).where(found, in_types)),
        "snippets": Prepared(
            select(docs.c.id, func.ts_headline("simple", docs.c.body, query, HEADLINE_OPTIONS)).where(
                in_values(docs.c.id, "ids")
            )
        ),
    }


QUERIES = {"sqlite": _queries_sqlite(), "postgresql": _queries_postgresql()}
RECORDS = Prepared(
    select(docs.c.id, docs.c.resource, docs.c.record_id, docs.c.name).where(in_values(docs.c.id, "ids"))
)


Terms = list[tuple[str, bool]]


def _match(conn: Connection, terms: Terms) -> tuple[dict[str, Prepared], str]:
    sqlite = conn.dialect.name == "sqlite"
    return QUERIES["sqlite" if sqlite else "postgresql"], _fts5(terms) if sqlite else _tsquery(terms)


def search(
    conn: Connection, terms: Terms, *, resources: list[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    """Best matches first (equal scores by type and id), each with a highlighted snippet.

    Ranking must score every match; ordering them all by (score, type, id) would also read
    every match's document, three times the time of scoring alone on SQLite. So the engine
    scores every match once and returns those scoring at least as well as the page's last
    row, ties included (equal scores are common: a word once in documents of equal length);
    only the rows whose score appears on the page are then ordered by record. Snippets are
    made for the page's rows only.
    """
    queries, match = _match(conn, terms)
    extra = {"types": resources} if resources else {}
    wanted = offset + limit
    best = queries["best_typed" if resources else "best"].rows(conn, match=match, cut=wanted - 1, **extra)
    best.sort(key=lambda hit: -hit[1])
    window = {score for _, score in best[offset:wanted]}  # equal scores decide the page's order
    tied = [hit for hit in best if hit[1] in window]
    records = {doc_id: rest for doc_id, *rest in RECORDS.rows(conn, ids=[d for d, _ in tied])}
    ahead = sum(1 for _, score in best if score > max(window)) if window else 0
    tied.sort(key=lambda hit: (-hit[1], records[hit[0]][0], records[hit[0]][1]))
    page = tied[offset - ahead : offset - ahead + limit]
    if not page:
        return []
    snippets = dict(queries["snippets"].rows(conn, match=match, ids=[d for d, _ in page]))
    return [
        {
            "type": records[doc_id][0],
            "id": records[doc_id][1],
            "name": records[doc_id][2],
            "snippet": _SPACES.sub(" ", snippets.get(doc_id) or "").strip(),
            "score": round(float(score), 6),
        }
        for doc_id, score in page
    ]


def count_matches(conn: Connection, terms: Terms, *, resources: list[str]) -> int:
    queries, match = _match(conn, terms)
    if resources:
        return int(queries["count_typed"].rows(conn, match=match, types=resources)[0][0])
    return int(queries["count"].rows(conn, match=match)[0][0])
