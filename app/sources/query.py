"""What a client may ask of /v1/sources: full-text search and its sorts."""

from datetime import date
from typing import Annotated

from pydantic import Field

from app.common.params import ListQuery
from app.common.sorting import SortField
from app.models import tables

sources = tables.sources


class SourceQuery(ListQuery):
    sort: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Comma-separated fields among id, title, published_on; `-field` descending.",
            examples=["-published_on"],
        ),
    ] = None


SORTS = {
    "id": SortField(sources.c.id),
    "title": SortField(sources.c.title),
    "published_on": SortField(sources.c.published_on, date, nullable=True),
}
