"""Organizations and their subsidiaries: the trees that `organization`, `party` and `parent` filter by."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, select

from app.common.conditions import Condition
from app.common.facets import column_facet, link_facet
from app.common.filters import Filter, Given, key_of
from app.common.queries import require_ids
from app.common.sql import Prepared, in_values
from app.models import tables

orgs = tables.organizations


def descendants(conn: Connection, table: Table, up: str, ids: list[str], parameter: str) -> list[str]:
    """Records of `table` below those named along `up` (parent_id, part_of_id), at any depth:
    not those named themselves, unless one is below another. An unknown id is a 422."""
    require_ids(conn, table, ids, parameter)
    tree = select(table.c.id).where(table.c[up].in_(ids)).cte("tree", recursive=True)
    tree = tree.union(select(table.c.id).where(table.c[up] == tree.c.id))
    return list(conn.execute(select(tree.c.id)).scalars())


def organization_tree(conn: Connection, ids: list[str], parameter: str) -> list[str]:
    """The organizations named and all their subsidiaries, at any depth."""
    return list(dict.fromkeys([*ids, *descendants(conn, orgs, "parent_id", ids, parameter)]))


def subsidiaries_only(conn: Connection, ids: list[str], parameter: str) -> list[str]:
    """The subsidiaries, at any depth, of the organizations named (not those named themselves,
    unless one is a subsidiary of another)."""
    return descendants(conn, orgs, "parent_id", ids, parameter)


class InTree(Filter):
    """Records whose organization (`column`) is one of those named or a subsidiary of one."""

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.facet = column_facet(key_of(column), column)

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return organization_tree(conn, value, name)

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [self.column.in_(value)]


class LinkedInTree(Filter):
    """Records linked (`link`: `link_key` -> record, `organization_id`) to one of the
    organizations named or a subsidiary of one."""

    def __init__(self, key: ColumnElement[Any], link: Table, link_key: str) -> None:
        self.key, self.link, self.link_key = key, link, link_key
        self.facet = link_facet(link, link_key, link.c.organization_id)

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return organization_tree(conn, value, name)

    def where(self, value: Any, given: Given) -> list[Condition]:
        link = self.link
        return [self.key.in_(select(link.c[self.link_key]).where(link.c.organization_id.in_(value)))]


class Subsidiaries(Filter):
    """Organizations that are subsidiaries, at any depth, of one of those named."""

    def resolve(self, conn: Connection, name: str, value: Any, given: Given) -> Any:
        return subsidiaries_only(conn, value, name)

    def where(self, value: Any, given: Given) -> list[Condition]:
        return [orgs.c.id.in_(value)]


def org_brief_columns() -> list[Any]:
    return [orgs.c.id, orgs.c.name, orgs.c.kind, orgs.c.country]


ORG_BRIEFS = Prepared(select(*org_brief_columns()).where(in_values(orgs.c.id, "ids")).order_by(orgs.c.id))
