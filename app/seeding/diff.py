"""What a load would change, record by record and field by field (`load_seeds.py --diff`).

The changes are the ones history would record (app.history.record): the load runs and is
rolled back (app.seeding.load.preview), so `--diff` and `/v1/changes` never disagree. A record
whose detail embeds one that changed (an initiative naming a renamed organization) is modified
too.
"""

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    resource: str
    id: str
    op: str  # added | modified | deleted
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new); every field of an added record


def describe(changes: list[Change]) -> str:
    """The changes as a curator reads them: one line per record, one indented line per field."""
    if not changes:
        return "no changes"
    lines = []
    for change in changes:
        lines.append(f"{change.op} {change.resource} {change.id}")
        if change.op == "modified":
            for field, (old, new) in change.fields.items():
                lines.append(f"    {field}: {_show(old)} -> {_show(new)}")
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.op] = counts.get(change.op, 0) + 1
    lines.append(", ".join(f"{n} {op}" for op, n in sorted(counts.items())))
    return "\n".join(lines)


def _show(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."
