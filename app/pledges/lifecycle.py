"""Was the pledge kept? `progress` and `overdue` (CONTRACT.md section 5), each declared once in
SQL and used by the list filter, the items, the detail and the summary alike.

- `progress`: the figures reporting on the pledge (`figures.pledge_id`), latest `as_of` first
  (unknown dates last, ties by id), and the latest of those in the pledge's own unit with its
  share of the pledged amount; null when no figure reports on the pledge.
- `overdue` at a reference date: the target period ended before that day (a year-precision
  target ends on 31 December), the status is not fulfilled, withdrawn or cancelled, and no
  figure in the pledge's unit reports at least the pledged amount. No target, never overdue.
  Status and figures are what the curated data says today: the reference date moves the clock
  for the deadline only (the data keeps no history of statuses).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, not_, or_, select

from app.common.queries import Row, whole
from app.dates import today
from app.models import tables
from app.models.enums import SETTLED, Precision

pledges = tables.pledges
fig = tables.figures


def reference_date(given: Mapping[str, Any]) -> date:
    """The request's `as_of` (resolved to a date), else today in UTC."""
    value = given.get("as_of")
    return value if isinstance(value, date) else today()


def ended_before(column: ColumnElement[Any], precision: ColumnElement[Any], day: date) -> ColumnElement[bool]:
    """The period a partial date names ended before `day` (unknown dates never did)."""
    return and_(
        column.is_not(None),
        or_(
            and_(precision == Precision.day.value, column < day),
            and_(precision == Precision.month.value, column < date(day.year, day.month, 1)),
            and_(precision == Precision.year.value, column < date(day.year, 1, 1)),
        ),
    )


def overdue(day: date) -> ColumnElement[bool]:
    """Pledges overdue at `day`. Never NULL, so that NOT of it is exactly the others."""
    reached = exists().where(
        fig.c.pledge_id == pledges.c.id, fig.c.unit == pledges.c.unit, fig.c.amount >= pledges.c.amount
    )
    return and_(
        ended_before(pledges.c.target_on, pledges.c.target_precision, day),
        pledges.c.status.not_in(sorted(SETTLED)),
        not_(reached),
    )


def latest_in_unit(among: ColumnElement[bool]) -> Select[Any]:
    """Per pledge of those `among` selects, the latest figure reporting on it in the pledge's
    own unit: (pledge_id, figure_id, amount, as_of, as_of_precision)."""
    ranked = (
        select(
            fig.c.pledge_id,
            fig.c.id.label("figure_id"),
            fig.c.amount,
            fig.c.as_of,
            fig.c.as_of_precision,
            func.row_number()
            .over(partition_by=fig.c.pledge_id, order_by=[fig.c.as_of.desc().nulls_last(), fig.c.id])
            .label("n"),
        )
        .join(pledges, and_(pledges.c.id == fig.c.pledge_id, pledges.c.unit == fig.c.unit))
        .where(among)
        .subquery("ranked")
    )
    return select(*[c for c in ranked.c if c.key != "n"]).where(ranked.c.n == 1)


def _reporting(conn: Connection, ids: Sequence[str]) -> dict[str, list[Row]]:
    stmt = (
        select(
            fig.c.pledge_id,
            fig.c.id,
            fig.c.metric,
            fig.c.amount,
            fig.c.amount_text,
            fig.c.qualifier,
            fig.c.unit,
            fig.c.as_of,
            fig.c.as_of_precision,
        )
        .where(fig.c.pledge_id.in_(ids))
        .order_by(fig.c.as_of.desc().nulls_last(), fig.c.id)
    )
    found: dict[str, list[Row]] = {}
    for row in conn.execute(stmt).mappings():
        item = dict(row)
        found.setdefault(item.pop("pledge_id"), []).append({**item, "amount": whole(item["amount"])})
    return found


def annotate(conn: Connection, items: list[Row], given: Mapping[str, Any]) -> list[Row]:
    """The items (pledges as embedded) with `progress` and `overdue` at the request's reference date."""
    ids = [item["id"] for item in items]
    if not ids:
        return items
    day = reference_date(given)
    late = set(conn.execute(select(pledges.c.id).where(pledges.c.id.in_(ids), overdue(day))).scalars())
    latest = {row["pledge_id"]: row for row in conn.execute(latest_in_unit(pledges.c.id.in_(ids))).mappings()}
    reporting = _reporting(conn, ids)
    for item in items:
        figures = reporting.get(item["id"])
        item["overdue"] = item["id"] in late
        item["progress"] = None
        if figures:
            top = latest.get(item["id"])
            item["progress"] = {
                "latest": None
                if top is None
                else {
                    "figure_id": top["figure_id"],
                    "amount": whole(top["amount"]),
                    "as_of": top["as_of"],
                    "as_of_precision": top["as_of_precision"],
                    "share": top["amount"] / item["amount"],
                },
                "figures": figures,
            }
    return items
