"""Exports: every matching row as CSV or NDJSON, streamed in keyset chunks."""

import csv
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, func, select
from starlette.responses import StreamingResponse

from app.common.conditions import Condition, for_count, for_page
from app.common.negotiation import MEDIA_TYPES
from app.common.params import Format
from app.common.problems import ProblemError
from app.common.queries import Row
from app.common.sorting import SortKey, keyset_after, order_by

if TYPE_CHECKING:
    from app.common.listing import Resource

EXPORT_CHUNK = 1000


class ExportTooLarge(ProblemError):
    """A CSV or NDJSON export would hold more rows than the server sends in one response
    (MAX_EXPORT_ROWS); nothing was sent. Narrow the filters, or page through the JSON list.
    (400, not 413: 413 is about the request's own content, and this request has none.)"""

    status = 400
    title = "Export too large"


def count_rows(conn: Connection, resource: "Resource", conditions: list[Condition]) -> int:
    stmt = select(func.count()).select_from(resource.table).where(*for_count(conditions))
    return int(conn.execute(stmt).scalar_one())


def export(
    conn: Connection,
    resource: "Resource",
    keys: list[SortKey],
    conditions: list[Condition],
    fmt: Format,
    resolved: dict[str, Any],
    *,
    max_rows: int,
) -> StreamingResponse:
    """Stream every matching row in keyset chunks, so memory stays flat whatever the size."""
    total = count_rows(conn, resource, conditions)  # counted afresh: a hard cap
    if total > max_rows:
        raise ExportTooLarge(
            f"the export would hold {total} rows, more than the {max_rows} allowed; narrow the filters"
        )
    page_conditions = for_page(conditions)

    def rows() -> Iterator[Row]:
        # The request's own snapshot: its connection is released only once the body is sent,
        # so the header's total, the ETag and every row come from one version of the data.
        values: list[Any] | None = None
        while True:
            stmt = select(*resource.table.columns).where(*page_conditions)
            if values is not None:
                stmt = stmt.where(keyset_after(keys, values))
            chunk = [
                dict(r) for r in conn.execute(stmt.order_by(*order_by(keys)).limit(EXPORT_CHUNK)).mappings()
            ]
            if not chunk:
                return
            yield from resource.items(conn, chunk, resolved)
            if len(chunk) < EXPORT_CHUNK:
                return
            values = [chunk[-1][k.field.column.key] for k in keys]

    if fmt is Format.ndjson:
        body: Iterator[bytes] = (orjson.dumps(item, option=orjson.OPT_APPEND_NEWLINE) for item in rows())
    else:
        body = csv_lines(resource.csv_columns, resource.csv_row, rows())
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{resource.name}.{fmt.value}"',
            "X-Total-Count": str(total),
        },
    )


def csv_lines(columns: list[str], to_row: Callable[[Row], Row], items: Iterator[Row]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for item in items:
        writer.writerow(to_row(item))
        count += 1
        if count % 200 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()
