"""What a client may ask of /v1/organizations: its filters, each declared once, and its sorts."""

from typing import Annotated

from pydantic import Field

from app.common.filters import Values
from app.common.params import CountryCode, ListQuery, RecordId
from app.common.sorting import SortField
from app.common.vocabulary import AnyCase
from app.models import tables
from app.models.enums import OrganizationKind
from app.organizations.tree import Subsidiaries

orgs = tables.organizations


class OrganizationQuery(ListQuery):
    country: Annotated[
        list[CountryCode],
        Field(description="ISO 3166-1 alpha-2 country; repeat for OR.", examples=[["MY"]]),
        Values(orgs.c.country),
    ] = []
    kind: Annotated[
        list[AnyCase[OrganizationKind]],
        Field(description="Kind of organization.", examples=[["company"]]),
        Values(orgs.c.kind),
    ] = []
    parent: Annotated[
        list[RecordId],
        Field(description="Subsidiaries (at any depth) of this organization.", examples=[["huawei"]]),
        Subsidiaries(),
    ] = []


SORTS = {
    "id": SortField(orgs.c.id),
    "name": SortField(orgs.c.name),
    "kind": SortField(orgs.c.kind),
    "country": SortField(orgs.c.country, str, nullable=True),
}
