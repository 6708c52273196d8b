"""YAML for configuration files, read defensively: bounded in size, aliases and duplicates refused.

PyYAML's ``safe_load`` expands aliases (a "billion laughs" file of a few hundred bytes
becomes gigabytes once an error message prints the value) and keeps the last of two
equal keys silently. Configuration needs neither anchors nor aliases, so both are
refused while the document is composed, before anything is expanded; a key given twice
in one mapping is refused with both line numbers; a file over ``MAX_BYTES`` is refused
before it is parsed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000
"""The largest configuration file read (1 MB; scenarios.yaml is a few kB)."""


class StrictYamlError(Exception):
    """The document breaks a rule of this loader; the message names line and column."""


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without anchors, aliases or duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise StrictYamlError(
                f"{_where(event.start_mark)}: YAML aliases are not allowed (got *{event.anchor})"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise StrictYamlError(
                f"{_where(event.start_mark)}: YAML anchors are not allowed (got &{anchor})"
            )
        return super().compose_node(parent, index)

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
