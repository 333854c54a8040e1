"""Answers derived from the data (totals, facet counts), kept until the dataset version changes.

The data changes only when the loader runs and bumps the version, so nothing here can be
stale: a new version empties the cache before it is read.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class DerivedCache:
    """Thread-safe: search computes in worker threads. A value is computed outside the lock
    (two threads may compute the same one; both get the same answer)."""

    def __init__(self, max_entries: int = 5_000) -> None:
        self.max_entries = max_entries
        self.version: int | None = None
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: int, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = compute()
        with self._lock:
            if version == self.version:
                self.entries[key] = value
                if len(self.entries) > self.max_entries:
                    self.entries.popitem(last=False)
        return value
