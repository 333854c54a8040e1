"""Reading curated YAML safely: size limits, strict UTF-8, duplicate keys, alias bombs, lines."""

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000


class YamlProblem(Exception):
    """A file that cannot be read as a seed document; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and refuses duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> Mapping:  # type: ignore[override]
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise YamlProblem(f"mapping key {key!r} is not text", key_node.start_mark.line + 1)
            if key in mapping:
                raise YamlProblem(
                    f"duplicate key {key!r} (first at line {mapping.key_lines[key]})",
                    key_node.start_mark.line + 1,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
# Dates stay text ("2025-04-10"): the seed models parse them with their precision. Booleans are
# YAML 1.2's, true and false only: YAML 1.1 also reads on/off/yes/no/y/n as booleans, which turns a
# milestone's `on:` key or a country code NO (Norway) into True or False.
_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    """Number of nodes once aliases are expanded (memoised, so a bomb is measured cheaply)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once instead of looping
    size = 1
    if isinstance(node, SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif not isinstance(node, ScalarNode):
        raise YamlProblem(f"unsupported YAML node {type(node).__name__}")
    memo[key] = size
    if size > MAX_NODES:
        raise YamlProblem(
            f"document expands to more than {MAX_NODES} values (anchors/aliases?); refused",
            node.start_mark.line + 1,
        )
    return size


def read_yaml(path: Path) -> Any:
    """Parse one seed file, or raise YamlProblem saying what is wrong and where."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlProblem(f"file is {size} bytes, more than the {MAX_FILE_BYTES} allowed")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}", line) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(
            f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
