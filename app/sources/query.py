"""What a client may ask of /v1/sources: full-text search and its sorts."""

from datetime import date

from app.common.params import ListQuery
from app.common.sorting import SortField
from app.models import tables

sources = tables.sources


class SourceQuery(ListQuery):
    """The list parameters: sources take no filter beyond `q`."""


SORTS = {
    "id": SortField(sources.c.id),
    "title": SortField(sources.c.title),
    "published_on": SortField(sources.c.published_on, date, nullable=True),
}
