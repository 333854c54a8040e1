"""Rebuild the timeline tables from the records, in SQL, in the caller's transaction.

One statement per kind of event (CONTRACT.md section 5), each an INSERT ... SELECT, so the same
declaration serves the loader's few hundred rows and the synthetic million:

| record | event | date | text |
|---|---|---|---|
| initiative | its milestone's event | the milestone's `on` | the milestone's text |
| mou | signed | signed_on | the quote supporting `signed_on` |
| pledge | announced | announced_on | the quote supporting `announced_on` |
| pledge | target | target_on | target_text, else the quote supporting `target_on` |
| figure | as_of | as_of | the quote supporting `as_of` |
| source | published | published_on | the dateline |

Undated events are left out. `inferred` is the reason the record gives where that date is
inferred. Countries, organizations and sources of an event are those of its record: an
initiative's countries and participants; a MoU's parties and their countries; a pledge's
countries and pledgers; a figure's countries and its subject organization or the participants
of its subject initiative; every record's citing sources, and a source itself.
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.common.conditions import year_of
from app.models import tables
from app.models.enums import Precision, RecordType, TimelineEvent

t = tables.timeline
cit = tables.citations
docs = tables.search_documents
inferences = tables.inferences

COLUMNS = [
    "id",
    "on_date",
    "precision",
    "year",
    "event",
    "type",
    "record_id",
    "name",
    "text",
    "place",
    "inferred",
]


class iso_day(FunctionElement[str]):  # noqa: N801 (a SQL function)
    """A date as YYYY-MM-DD text whatever the server's DateStyle."""

    type = String()
    inherit_cache = True


@compiles(iso_day)
def _iso_day(element: iso_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"  # SQLite stores dates so


@compiles(iso_day, "postgresql")
def _iso_day_pg(element: iso_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


def _rank(precision: ColumnElement[Any]) -> ColumnElement[Any]:
    """Year 0, month 1, day 2: at the same first day, the wider period first."""
    return case(
        (precision == Precision.year.value, "0"), (precision == Precision.month.value, "1"), else_="2"
    )


def _key(
    on: ColumnElement[Any], precision: ColumnElement[Any], kind: RecordType, record_id: Any, seq: Any
) -> Any:
    """The event's id, which is its place in the timeline's order (app.models.timeline)."""
    number = cast(cast(seq, Integer) + 1000, String)
    space = literal(" ")
    return (
        cast(on, String)
        + space
        + _rank(precision)
        + space
        + literal(kind.value)
        + space
        + record_id
        + space
        + number
    )


def _name(kind: RecordType, record_id: ColumnElement[Any]) -> Any:
    return (
        select(docs.c.name)
        .where(docs.c.resource == kind.value, docs.c.record_id == record_id)
        .scalar_subquery()
    )


def _quote(kind: RecordType, record_id: ColumnElement[Any], field: str) -> Any:
    """The first quote of the record that supports `field`."""
    supports = literal(" ") + cit.c.supports + literal(" ")
    return (
        select(cit.c.quote)
        .where(cit.c[f"{kind.value}_id"] == record_id, supports.like(f"% {field} %"))
        .order_by(cit.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _inferred(kind: RecordType, record_id: ColumnElement[Any], field: str) -> Any:
    return (
        select(inferences.c.reason)
        .where(
            inferences.c.resource == kind.value,
            inferences.c.record_id == record_id,
            inferences.c.field == field,
        )
        .scalar_subquery()
    )


def _event(
    kind: RecordType,
    record_id: ColumnElement[Any],
    on: ColumnElement[Any],
    precision: ColumnElement[Any],
    seq: Any,
    event: Any,
    text: Any,
    place: Any,
    field: str,
) -> Select[Any]:
    return select(
        _key(on, precision, kind, record_id, seq),
        on,
        precision,
        year_of(on),
        event,
        literal(kind.value),
        record_id,
        _name(kind, record_id),
        text,
        place,
        _inferred(kind, record_id, field),
    ).where(on.is_not(None))


def events() -> list[Select[Any]]:
    m, mou, p, f, s = tables.milestones, tables.mous, tables.pledges, tables.figures, tables.sources
    ini, pledge, figure = RecordType.initiative, RecordType.pledge, RecordType.figure
    return [
        _event(
            ini,
            m.c.initiative_id,
            m.c.on_date,
            m.c.precision,
            m.c.position,
            m.c.event,
            m.c.text,
            m.c.place,
            "milestones",
        ),
        _event(
            RecordType.mou,
            mou.c.id,
            mou.c.signed_on,
            mou.c.signed_precision,
            0,
            literal(TimelineEvent.signed.value),
            _quote(RecordType.mou, mou.c.id, "signed_on"),
            mou.c.place,
            "signed_on",
        ),
        _event(
            pledge,
            p.c.id,
            p.c.announced_on,
            p.c.announced_precision,
            0,
            literal(TimelineEvent.announced.value),
            _quote(pledge, p.c.id, "announced_on"),
            null(),
            "announced_on",
        ),
        _event(
            pledge,
            p.c.id,
            p.c.target_on,
            p.c.target_precision,
            1,
            literal(TimelineEvent.target.value),
            case((p.c.target_text.is_not(None), p.c.target_text), else_=_quote(pledge, p.c.id, "target_on")),
            null(),
            "target_on",
        ),
        _event(
            figure,
            f.c.id,
            f.c.as_of,
            f.c.as_of_precision,
            0,
            literal(TimelineEvent.as_of.value),
            _quote(figure, f.c.id, "as_of"),
            null(),
            "as_of",
        ),
        _event(
            RecordType.source,
            s.c.id,
            s.c.published_on,
            s.c.published_precision,
            0,
            literal(TimelineEvent.published.value),
            s.c.dateline_text,
            s.c.dateline_place,
            "published_on",
        ),
    ]


def _of(kind: RecordType, pairs: Select[Any]) -> Select[Any]:
    """(event id, value) for the events of `kind` whose record is the first column of `pairs`."""
    sub = pairs.subquery()
    record, value = sub.c
    return select(t.c.id, value).join(sub, and_(t.c.type == kind.value, t.c.record_id == record))


def countries() -> CompoundSelect[Any]:
    orgs = tables.organizations
    parties = select(tables.mou_parties.c.mou_id, orgs.c.country).join(
        orgs, orgs.c.id == tables.mou_parties.c.organization_id
    )
    return union(
        _of(
            RecordType.initiative,
            select(tables.initiative_countries.c.initiative_id, tables.initiative_countries.c.country),
        ),
        _of(RecordType.mou, parties.where(orgs.c.country.is_not(None))),
        _of(
            RecordType.pledge, select(tables.pledge_countries.c.pledge_id, tables.pledge_countries.c.country)
        ),
        _of(
            RecordType.figure, select(tables.figure_countries.c.figure_id, tables.figure_countries.c.country)
        ),
    )


def organizations() -> CompoundSelect[Any]:
    part, f = tables.participants, tables.figures
    return union(
        _of(RecordType.initiative, select(part.c.initiative_id, part.c.organization_id)),
        _of(RecordType.mou, select(tables.mou_parties.c.mou_id, tables.mou_parties.c.organization_id)),
        _of(
            RecordType.pledge,
            select(tables.pledge_pledgers.c.pledge_id, tables.pledge_pledgers.c.organization_id),
        ),
        _of(RecordType.figure, select(f.c.id, f.c.organization_id).where(f.c.organization_id.is_not(None))),
        _of(
            RecordType.figure,
            select(f.c.id, part.c.organization_id).join(part, part.c.initiative_id == f.c.initiative_id),
        ),
    )


def sources() -> CompoundSelect[Any]:
    cited = [
        _of(
            kind,
            select(cit.c[f"{kind.value}_id"], cit.c.source_id).where(cit.c[f"{kind.value}_id"].is_not(None)),
        )
        for kind in RecordType
        if kind is not RecordType.source
    ]
    own = select(t.c.id, t.c.record_id).where(t.c.type == RecordType.source.value)
    return union(*cited, own)


def rebuild(conn: Connection) -> int:
    """Replace the timeline with the events of the records there now; returns how many."""
    for table in (tables.timeline_countries, tables.timeline_organizations, tables.timeline_sources, t):
        conn.execute(table.delete())
    for stmt in events():
        conn.execute(t.insert().from_select(COLUMNS, stmt))
    conn.execute(tables.timeline_countries.insert().from_select(["event_id", "country"], countries()))
    conn.execute(
        tables.timeline_organizations.insert().from_select(["event_id", "organization_id"], organizations())
    )
    conn.execute(tables.timeline_sources.insert().from_select(["event_id", "source_id"], sources()))
    return int(conn.execute(select(func.count()).select_from(t)).scalar_one())
