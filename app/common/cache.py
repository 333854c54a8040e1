"""Answers derived from the data (totals, facet counts), kept until the dataset version changes.

The data changes only when the loader runs and bumps the version, so nothing here can be
stale: a new version empties the cache before it is read.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class DerivedCache:
    def __init__(self, max_entries: int = 5_000) -> None:
        self.max_entries = max_entries
        self.version: int | None = None
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, version: int, key: Hashable, compute: Callable[[], Any]) -> Any:
        if version != self.version:
            self.entries.clear()
            self.version = version
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        value = compute()
        self.entries[key] = value
        if len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)
        return value
