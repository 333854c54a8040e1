"""Exact totals and facet counts from compressed bitmaps, built once per dataset version.

A list's total and its facets must count every matching record. With SQL that is a pass over
every match: 30 to 470 ms for one country and one kind among a million initiatives, on every
request with a filter set not counted before. But most filters name values of one column or
link table (country, kind, status, sector, role, metric, unit), and the data changes only when
the loader runs. So for each such dimension we keep, per value, the set of records holding it
as a Roaring bitmap (pyroaring) of record numbers. A total is then an intersection of unions,
a facet one intersection per value: microseconds at any scale.

A filter set with anything else (q, organization, dates, source...) is counted in SQL as
before. Bitmaps are built in a background thread on their own connection, from one read
transaction that also reads the dataset version; a request uses them only when they are of
its own snapshot's version, and counts in SQL meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import accumulate, pairwise
from typing import Any, overload

from pyroaring import BitMap
from sqlalchemy import Connection, Engine, Select, String, Table, cast, func, select

from app.common.version import dataset_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dimension:
    """A filter and facet of the same name whose values are those of `pairs`: (record id,
    value) rows. Only where both mean exactly "records holding the value" (not organization,
    whose filter includes subsidiaries)."""

    pairs: Callable[[], Select[Any]]


class Ids(Sequence[str]):
    """Record ids by record number, packed into one byte string (15 MB for a million ids
    where a list of str would take 70)."""

    def __init__(self, blob: bytes, ends: array[int]) -> None:
        self._blob, self._ends = blob, ends  # id n is blob[ends[n - 1]:ends[n]]

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, n: int) -> str: ...
    @overload
    def __getitem__(self, n: slice) -> list[str]: ...
    def __getitem__(self, n: int | slice) -> str | list[str]:
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        start = self._ends[n - 1] if n > 0 else 0
        return self._blob[start : self._ends[n]].decode()


@dataclass
class Bitmaps:
    """One resource's records as bitmaps, per dimension and value.

    `ids` (None when the database's order of ids is not Python's, as with some PostgreSQL
    collations) lets a page sorted by id be read off the bitmaps too: record numbers are
    positions in id order, so the page after a cursor is the next `limit` members of the
    matching bitmap, at any depth.
    """

    size: int
    values: dict[str, dict[Any, BitMap]] = field(default_factory=dict)
    ids: Ids | None = None
    everything: BitMap = field(default_factory=BitMap)

    def page(
        self, found: BitMap | None, after: str | None, limit: int, descending: bool
    ) -> tuple[list[str], bool]:
        """Ids of the page of `found` (from `matching`) after the record `after` (None: the
        first page), and whether more follow."""
        assert self.ids is not None
        if found is None:
            found = self.everything
        if not descending:
            start = bisect_right(self.ids, after) if after is not None else 0  # first number after it
            first = found.rank(start - 1) if start > 0 else 0  # members before `start`
            numbers = list(found[first : first + limit + 1])
        else:
            end = bisect_left(self.ids, after) if after is not None else self.size  # numbers below
            last = found.rank(end - 1) if end > 0 else 0
            numbers = list(found[max(0, last - limit - 1) : last])[::-1]
        return [self.ids[n] for n in numbers[:limit]], len(numbers) > limit

    def matching(self, filters: Mapping[str, list[Any]]) -> BitMap | None:
        """Records matching every filter (values of one filter OR'ed); None for no filter."""
        result: BitMap | None = None
        for name, wanted in sorted(filters.items(), key=lambda f: self._smallest(*f)):
            by_value = self.values[name]
            present = [by_value[v] for v in wanted if v in by_value]
            union = BitMap.union(*present) if present else BitMap()
            result = union if result is None else result & union
            if not result:
                break
        return result

    def _smallest(self, name: str, wanted: list[Any]) -> int:
        by_value = self.values[name]
        return sum(len(by_value[v]) for v in wanted if v in by_value)

    def total(self, found: BitMap | None) -> int:
        """How many records `found` (from `matching`) holds."""
        return self.size if found is None else len(found)

    def facet(self, name: str, found: BitMap | None) -> list[dict[str, Any]]:
        """Records per value among `found` (from `matching`), most frequent first (ties by value)."""
        counts = [
            (value, len(records) if found is None else records.intersection_cardinality(found))
            for value, records in self.values[name].items()
        ]
        return [
            {"value": value, "count": count}
            for value, count in sorted(counts, key=lambda r: (-r[1], str(r[0])))
            if count
        ]


def dimension_filters(
    dimensions: Mapping[str, Dimension], filters: Mapping[str, Any]
) -> dict[str, list[Any]] | None:
    """The filters as dimension values, or None when any filter is not a dimension's."""
    out: dict[str, list[Any]] = {}
    for name, value in filters.items():
        if name == "sort" or value is None or value == []:
            continue
        dimension = dimensions.get(name)
        if dimension is None or not isinstance(value, list):
            return None
        out[name] = [v.value if isinstance(v, Enum) else v for v in value]
    return out


def build(conn: Connection, table: Table, dimensions: Mapping[str, Dimension]) -> Bitmaps:
    """Bitmaps of every dimension; record n is the n-th record in id order.

    The database numbers the records and groups each dimension's numbers per value into one
    string, so that Python handles one row per value rather than one per record.
    """
    key = table.c.id
    numbered = select(key.label("id"), (func.row_number().over(order_by=key) - 1).label("n")).cte("numbered")
    bitmaps = Bitmaps(size=conn.execute(select(func.count()).select_from(table)).scalar_one())
    bitmaps.ids = read_ids(conn, table)
    bitmaps.everything = BitMap(range(bitmaps.size))
    bitmaps.everything.run_optimize()
    for name, dimension in dimensions.items():
        pairs = dimension.pairs().subquery("pairs")
        record_key, value = pairs.c
        stmt = (
            select(value, func.aggregate_strings(cast(numbered.c.n, String), ","))
            .join_from(pairs, numbered, numbered.c.id == record_key)
            .group_by(value)
        )
        bitmaps.values[name] = {v: BitMap(map(int, numbers.split(","))) for v, numbers in conn.execute(stmt)}
    return bitmaps


def read_ids(conn: Connection, table: Table) -> Ids | None:
    """Every id in the database's order, or None if that order is not Python's."""
    parts: list[bytes] = []
    ends: array[int] = array("Q")
    previous: str | None = None
    result = conn.execution_options(stream_results=True).execute(select(table.c.id).order_by(table.c.id))
    try:
        for chunk in result.scalars().partitions(20_000):
            if (previous is not None and previous >= chunk[0]) or any(a >= b for a, b in pairwise(chunk)):
                return None
            encoded = [value.encode() for value in chunk]
            parts.append(b"".join(encoded))
            start = ends[-1] if ends else 0
            ends.extend(start + end for end in accumulate(len(e) for e in encoded))
            previous = chunk[-1]
    finally:
        result.close()
    return Ids(b"".join(parts), ends)


class CountIndex:
    """The bitmaps of every resource for the newest dataset version, rebuilt when it changes."""

    RETRY_AFTER_S = 10.0

    def __init__(
        self,
        engine_factory: Callable[[], Engine],
        resources: Mapping[str, tuple[Table, Mapping[str, Dimension]]],
    ):
        self.engine_factory = engine_factory
        self.resources = resources
        self.current: tuple[int, dict[str, Bitmaps]] | None = None  # replaced whole, never mutated
        self._lock = threading.Lock()
        self._building = False
        self._failed_at = 0.0

    def get(self, version: int, resource: str) -> Bitmaps | None:
        """The bitmaps of `resource` at `version`, or None (and a build starts) if not ready."""
        built = self._of(version)
        return built.get(resource) if built is not None else None

    def ready(self, version: int) -> bool:
        """Whether the bitmaps of `version` are built (starting a build if they are not)."""
        return self._of(version) is not None

    def _of(self, version: int) -> dict[str, Bitmaps] | None:
        current = self.current
        if current is not None and current[0] == version:
            return current[1]
        if current is None or version > current[0]:
            self.start()
        return None

    def start(self) -> None:
        with self._lock:
            if self._building or time.monotonic() - self._failed_at < self.RETRY_AFTER_S:
                return
            self._building = True
        threading.Thread(target=self._build_logged, name="count-index", daemon=True).start()

    def _build_logged(self) -> None:
        try:
            self.build_now()
        except Exception:  # a database outage or a file replaced under us: count in SQL for now
            log.exception("building the count bitmaps failed; counting in SQL until the next try")
            self._failed_at = time.monotonic()
        finally:
            self._building = False

    def build_now(self) -> int:
        """Build for the database's current version (in this thread); returns that version."""
        engine = self.engine_factory()
        try:
            with engine.connect() as conn, conn.begin():
                version = dataset_version(conn)
                if self.current is not None and self.current[0] >= version:
                    return version
                started = time.perf_counter()
                built = {name: build(conn, table, dims) for name, (table, dims) in self.resources.items()}
        finally:
            engine.dispose()
        with self._lock:
            if self.current is None or version > self.current[0]:
                self.current = (version, built)
        log.info("count bitmaps for version %s built in %.2f s", version, time.perf_counter() - started)
        return version
