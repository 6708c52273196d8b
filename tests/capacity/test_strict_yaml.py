"""capacity.strict_yaml: configuration YAML with bounded aliases, no duplicates, bounded size."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from capacity.strict_yaml import MAX_BYTES, StrictYamlError, load_text, read_text

_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


def test_plain_documents_load() -> None:
    """Mappings, lists and scalars load as with safe_load."""
    assert load_text("a: 1\nb: {c: [2, 3]}\n") == {"a": 1, "b": {"c": [2, 3]}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "line 3: duplicate key 'a' (first at line 1)"),
        ("s:\n  x:\n    y: 1\n    y: 2\n", "line 4: duplicate key 'y' (first at line 3)"),
        ("[" * 50_000, "is nested too deeply"),
        ("? [1]\n: 2\n", "line 1, column 3: a mapping key must be a plain value"),
    ],
)
def test_refused_documents_name_line_and_column(text: str, message: str) -> None:
    """Anchors, aliases, duplicate keys, deep nesting: one message with the place."""
    with pytest.raises(StrictYamlError) as caught:
        load_text(text)
    assert str(caught.value) == message


def test_an_alias_bomb_is_refused_before_expansion() -> None:
    """A billion-laughs document fails once a value would exceed the bound, in milliseconds."""
    started = time.perf_counter()
    with pytest.raises(StrictYamlError) as caught:
        load_text(_BOMB)
    assert str(caught.value) == (
        "line 6, column 4: with its aliases expanded, this value holds more than 100,000 values"
    )
    assert time.perf_counter() - started < 0.5


def test_small_anchors_and_aliases_still_work() -> None:
    """Sharing a mapping through an anchor and an alias loads as with safe_load."""
    assert load_text("a: &shared {k: 1}\nb: *shared\n") == {"a": {"k": 1}, "b": {"k": 1}}


def test_a_file_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    """A file larger than MAX_BYTES is refused after reading MAX_BYTES + 1 bytes."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(StrictYamlError, match="is larger than 1,000,000 bytes"):
        read_text(big)


def test_exponent_numbers_are_numbers() -> None:
    """1e308 and 1.5E-3 are numbers (as in YAML 1.2 and JSON), not text."""
    assert load_text("a: 1e308\nb: 1.5E-3\nc: 12\nd: 1e\n") == {
        "a": 1e308,
        "b": 0.0015,
        "c": 12,
        "d": "1e",
    }


def test_a_syntax_error_reads_the_same_with_or_without_libyaml() -> None:
    """libyaml parses; a document it refuses is worded by PyYAML's pure Python parser."""
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        load_text("service:\n  name: a: b\n")
    assert caught.value.problem == "mapping values are not allowed here"
    assert caught.value.problem_mark is not None
    assert (caught.value.problem_mark.line, caught.value.problem_mark.column) == (1, 9)


def test_an_alias_shared_by_many_values_is_counted_each_time() -> None:
    """Sizes count an alias where it is used: 3 x 40,000 values is over the bound."""
    items = ", ".join(["x"] * 39_999)
    text = f"a: &a [{items}]\nb: [*a, *a, *a]\n"
    with pytest.raises(StrictYamlError) as caught:
        load_text(text)
    assert str(caught.value) == (
        "line 2, column 4: with its aliases expanded, this value holds more than 100,000 values"
    )
