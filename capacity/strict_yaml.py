"""YAML for configuration files, read defensively: size and aliases bounded, duplicates refused.

PyYAML's ``safe_load`` expands aliases (a "billion laughs" file of a few hundred bytes
becomes gigabytes once an error message prints the value) and keeps the last of two
equal keys silently. Here anchors and aliases stay usable (``scenarios.yaml`` shares a
journey's settings with one), but while the document is composed, before anything is
expanded, each value's expanded size is counted, and a value that would hold more than
``MAX_VALUES`` values is refused; a key given twice in one mapping is refused with both
line numbers; a file over ``MAX_BYTES`` is refused before it is parsed.

When PyYAML has libyaml, its C parser reads the document (ten times faster than the pure
Python one: what keeps ``capacity what-if`` quick) and the expanded sizes are counted on
the composed nodes, before anything is constructed. A document libyaml refuses is read
again by the pure Python parser, so a syntax error reads the same with or without libyaml.
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


class _Rules:
    """What both loaders below refuse while constructing: duplicate keys, unhashable keys."""

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


def _counted(node: Any, sizes: dict[int, int]) -> None:
    """How many values ``node`` holds with its aliases expanded, from its children's sizes."""
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(sizes.get(id(child), 1) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(sizes.get(id(key), 1) + sizes.get(id(value), 1) for key, value in node.value)
    if size > MAX_VALUES:
        raise StrictYamlError(
            f"{_where(node.start_mark)}: with its aliases expanded, this value holds more "
            f"than {MAX_VALUES:,} values"
        )
    sizes[id(node)] = size


class _StrictLoader(_Rules, yaml.SafeLoader):
    """SafeLoader (pure Python) that counts each value's expanded size while composing."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        node = super().compose_node(parent, index)
        if isinstance(event, yaml.AliasEvent):
            return node  # its size was counted where it was defined; the parent adds it again
        _counted(node, self._sizes)
        return node


class _FastStrictLoader(_Rules, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser and composer; the sizes counted on the composed nodes, in the order
    the pure Python composer counts them (children first), so the same value is refused."""

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _count_composed(node, {})
        return node


def _count_composed(node: Any, sizes: dict[int, int]) -> None:
    """Count ``node``'s size after its children's, each node once (again: an alias)."""
    if id(node) in sizes:
        return
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _count_composed(child, sizes)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _count_composed(key, sizes)
            _count_composed(value, sizes)
    _counted(node, sizes)


# YAML 1.1 (PyYAML) reads 1e308 as text and 1.0e+308 as a number; read both as numbers,
# as YAML 1.2 and JSON do, so that a range check (not a type error) answers.
for _loader in (_StrictLoader, _FastStrictLoader):
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )


def load_text(text: str) -> Any:
    """Parse one YAML document with the rules above; raise ``StrictYamlError`` or YAMLError."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise StrictYamlError(f"is larger than {MAX_BYTES:,} bytes")
    try:
        try:
            return yaml.load(text, Loader=_FastStrictLoader)  # SafeLoader rules: no tags run code
        except yaml.YAMLError:
            # libyaml words its errors its own way: the pure Python parser says what is wrong
            return yaml.load(text, Loader=_StrictLoader)
    except RecursionError:
        raise StrictYamlError("is nested too deeply") from None


def read_text(path: Path) -> str:
    """The file's text, refused before reading when it is larger than ``MAX_BYTES``."""
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise StrictYamlError(f"is larger than {MAX_BYTES:,} bytes")
    return data.decode("utf-8")
