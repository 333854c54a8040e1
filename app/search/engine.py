"""Full-text search with the database's own engine: FTS5 on SQLite, tsvector on PostgreSQL.

Both engines index what app.search_text makes (tokens and their stems) and are given the same
parsed query (app.search.query), so a query matches the same records; snippets are made in
Python from the stored text (app.search.snippet).
"""

from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Integer,
    Label,
    Select,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from app.common.sql import Prepared, in_values
from app.models import tables
from app.search.query import Query, parse_query
from app.search.snippet import snippet

docs = tables.search_documents
fts = table("search_fts", column("rowid"))
# A name weighs ten times (bm25) or 2.5 times (ts_rank_cd) the rest of a document. FTS5's
# columns are name, body, name_stems, body_stems; ts_rank_cd's weights are for D, C, B, A: the
# body's words, the name's words, the body's stems, the name's stems (app.search_text.tsvector).
BM25 = "-bm25(search_fts, 10.0, 1.0, 10.0, 1.0)"
TS_RANK_WEIGHTS = "'{0.4, 1.0, 0.4, 1.0}'::real[]"


def matching_docs(conn: Connection, q: str, parameter: str = "q") -> ColumnElement[bool]:
    """Condition on search_documents rows that match `q`."""
    query = parse_query(q, parameter)
    if conn.dialect.name == "sqlite":
        hits = select(fts.c.rowid).where(text("search_fts MATCH :match").bindparams(match=query.fts5()))
        return docs.c.id.in_(hits)
    tsv: ColumnClause[str] = literal_column("search_documents.tsv")
    return tsv.op("@@")(cast(bindparam("tsq", query.tsquery()), TSQUERY))


def matching_ids(conn: Connection, resource: str, q: str) -> Select[Any]:
    """ids of one resource's records that match `q`, for `id IN (...)`."""
    return select(docs.c.record_id).where(docs.c.resource == resource, matching_docs(conn, q))


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
    score: Label[float] = literal_column(BM25).label("score")
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
    }


def _queries_postgresql() -> dict[str, Prepared]:
    query = cast(bindparam("match"), TSQUERY)
    tsv: ColumnClause[str] = literal_column("search_documents.tsv")  # a tsvector, text to psycopg
    found = tsv.op("@@")(query)
    in_types = in_values(docs.c.resource, "types")
    score = func.ts_rank_cd(literal_column(TS_RANK_WEIGHTS), tsv, query).label("score")
    ranked = select(docs.c.id, score).where(found)
    return {
        "best": Prepared(_best(ranked.cte("scored").prefix_with("MATERIALIZED"))),
        "best_typed": Prepared(_best(ranked.where(in_types).cte("scored_typed").prefix_with("MATERIALIZED"))),
        "count": Prepared(select(func.count()).select_from(docs).where(found)),
        "count_typed": Prepared(select(func.count()).select_from(docs).where(found, in_types)),
    }


QUERIES = {"sqlite": _queries_sqlite(), "postgresql": _queries_postgresql()}
RECORDS = Prepared(
    select(docs.c.id, docs.c.resource, docs.c.record_id, docs.c.name).where(in_values(docs.c.id, "ids"))
)
BODIES = Prepared(select(docs.c.id, docs.c.body).where(in_values(docs.c.id, "ids")))


def _match(conn: Connection, query: Query) -> tuple[dict[str, Prepared], str]:
    sqlite = conn.dialect.name == "sqlite"
    return QUERIES["sqlite" if sqlite else "postgresql"], query.fts5() if sqlite else query.tsquery()


def search(
    conn: Connection, query: Query, *, resources: list[str], limit: int, offset: int
) -> list[dict[str, Any]]:
    """Best matches first (equal scores by type and id), each with a highlighted snippet.

    Ranking must score every match; ordering them all by (score, type, id) would also read
    every match's document, three times the time of scoring alone on SQLite. So the engine
    scores every match once and returns those scoring at least as well as the page's last
    row, ties included (equal scores are common: a word once in documents of equal length);
    only the rows whose score appears on the page are then ordered by record. Snippets are
    made for the page's rows only.
    """
    queries, match = _match(conn, query)
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
    bodies = dict(BODIES.rows(conn, ids=[d for d, _ in page]))
    return [
        {
            "type": records[doc_id][0],
            "id": records[doc_id][1],
            "name": records[doc_id][2],
            "snippet": snippet(bodies[doc_id], query),
            "score": round(float(score), 6),
        }
        for doc_id, score in page
    ]


def count_matches(conn: Connection, query: Query, *, resources: list[str]) -> int:
    queries, match = _match(conn, query)
    if resources:
        return int(queries["count_typed"].rows(conn, match=match, types=resources)[0][0])
    return int(queries["count"].rows(conn, match=match)[0][0])
