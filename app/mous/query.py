"""What a client may ask of /v1/mous: its filters, each declared once, and its sorts."""

from datetime import date
from typing import Annotated

from pydantic import Field

from app.common.filters import DateFrom, DateTo, Linked, LinkedRefs, Refs
from app.common.params import CountryCode, DateParam, ListQuery, RecordId
from app.common.sorting import SortField
from app.models import tables
from app.organizations.tree import LinkedInTree
from app.sources.citations import CitedBy

mous = tables.mous
parties = tables.mou_parties
orgs = tables.organizations


class MouQuery(ListQuery):
    party: Annotated[
        list[RecordId],
        Field(
            description="A party's organization id; its subsidiaries' MoUs match too.",
            examples=[["huawei"]],
        ),
        LinkedInTree(mous.c.id, parties, "mou_id"),
    ] = []
    country: Annotated[
        list[CountryCode],
        Field(description="Country of any party (ISO alpha-2).", examples=[["MY"]]),
        Linked(mous.c.id, parties, "mou_id", "organization_id", via=orgs.c.country),
    ] = []
    witness: Annotated[
        list[RecordId],
        Field(description="Id of a person who witnessed the signing.", examples=[["gobind-singh-deo"]]),
        LinkedRefs(mous.c.id, tables.mou_witnesses, "mou_id", "person_id", tables.people),
    ] = []
    signed_from: Annotated[
        DateParam | None,
        Field(description="Signed on or after (YYYY, YYYY-MM or YYYY-MM-DD).", examples=["2025-04-10"]),
        DateFrom(mous.c.signed_on, mous.c.signed_precision),
    ] = None
    signed_to: Annotated[
        DateParam | None,
        Field(description="Signed on or before (YYYY, YYYY-MM or YYYY-MM-DD).", examples=["2025-04-10"]),
        DateTo(mous.c.signed_on, start="signed_from"),
    ] = None
    initiative: Annotated[
        list[RecordId],
        Field(
            description="Id of the initiative the MoU serves.",
            examples=[["malaysia-strategic-ai-infrastructure"]],
        ),
        Refs(mous.c.initiative_id, tables.initiatives),
    ] = []
    source: Annotated[
        list[RecordId],
        Field(
            description="Id of a source that cites the MoU.",
            examples=[["malaysia-strategic-ai-infrastructure-launch"]],
        ),
        CitedBy(mous.c.id, "mou_id"),
    ] = []


SORTS = {
    "id": SortField(mous.c.id),
    "title": SortField(mous.c.title),
    "signed_on": SortField(mous.c.signed_on, date, nullable=True),
}
