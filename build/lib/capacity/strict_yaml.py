"""YAML for configuration files, read defensively: size and aliases bounded, duplicates refused.

PyYAML's ``safe_load`` expands aliases (a "billion laughs" file of a few hundred bytes
becomes gigabytes once an error message prints the value) and keeps the last of two
equal keys silently. Here anchors and aliases stay usable (``scenarios.yaml`` shares a
journey's settings with one), but while the document is composed, before anything is
expanded, each value's expanded size is counted, and a value that would hold more than
``MAX_VALUES`` values is refused; a key given twice in one mapping is refused with both
line numbers; a file over ``MAX_BYTES`` is refused before it is parsed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000
"""The largest configuration file read (1 MB; scenarios.yaml is a few kB)."""

MAX_VALUES = 100_000
"""The most values a document may hold once its aliases are expanded (counted while the
document is composed, before anything is expanded)."""


class StrictYamlError(Exception):
    """The document breaks a rule of this loader; the message names line and column."""


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose aliases are bounded and whose mappings refuse duplicate keys."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        node = super().compose_node(parent, index)
        if isinstance(event, yaml.AliasEvent):
            return node  # its size was counted where it was defined; the parent adds it again
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(
                self._sizes.get(id(key), 1) + self._sizes.get(id(value), 1)
                for key, value in node.value
            )
        if size > MAX_VALUES:
            raise StrictYamlError(
                f"{_where(node.start_mark)}: with its aliases expanded, this value holds more "
                f"than {MAX_VALUES:,} values"
            )
        self._sizes[id(node)] = size
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise StrictYamlError(
                        f"{_where(key_node.start_mark)}: a mapping key must be a plain value"
                    ) from None
                line = key_node.start_mark.line + 1
                if key in first_line:
                    raise StrictYamlError(
                        f"line {line}: duplicate key {key!r} (first at line {first_line[key]})"
                    )
                first_line[key] = line
        return super().construct_mapping(node, deep)


# YAML 1.1 (PyYAML) reads 1e308 as text and 1.0e+308 as a number; read both as numbers,
# as YAML 1.2 and JSON do, so that a range check (not a type error) answers.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def load_text(text: str) -> Any:
    """Parse one YAML document with the rules above; raise ``StrictYamlError`` or YAMLError."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise StrictYamlError(f"is larger than {MAX_BYTES:,} bytes")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no tags run code
    except RecursionError:
        raise StrictYamlError("is nested too deeply") from None


def read_text(path: Path) -> str:
    """The file's text, refused before reading when it is larger than ``MAX_BYTES``."""
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise StrictYamlError(f"is larger than {MAX_BYTES:,} bytes")
    return data.decode("utf-8")
